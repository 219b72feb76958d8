"""Presentation mode and the overview in headless Chromium at projector size (1920x1080), offline."""

from __future__ import annotations

import pytest

from geo.overview.slides import SLIDES, slide_titles
from tests.browser import SCREENSHOTS, wait_for_canvas_drawn, wait_idle

pytestmark = pytest.mark.browser
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


@pytest.fixture(scope="module")
def TITLES(app_db_url: str) -> dict[str, list[str]]:
    """Each slide's title (its message with its figure, geo.overview.slides.slide_titles) on the session's
    database, for the default period and the whole region, as the show opens."""
    from geo.db import make_engine
    from geo.overview import figures as ov
    from geo.overview import highlights as hl

    engine = make_engine(app_db_url)
    period = ov.default_period(engine)
    fig = ov.overview_figures(engine, period)
    result = hl.find_highlights(engine, hl.month_for_period(engine, period.last))
    engine.dispose()
    return {lang: [slide_titles(fig, result, lang)[slide] for slide in SLIDES] for lang in ("en", "es")}


def _projector(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    return context, page, outside


def _heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_presentation_at_1920_has_no_sidebar_and_steps_through_slides(browser, app_url: str, TITLES) -> None:
    context, page, outside = _projector(browser)
    page.goto(f"{app_url}/?present=1&lang=en")
    wait_idle(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "present_1920.png"))
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    assert page.locator('[data-testid="stSidebarCollapsedControl"]').count() == 0
    assert page.locator('[data-testid="stHeader"]').is_hidden()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _heading(page) == TITLES["en"][0]
    # The first slide: the month's highlights as a few short numbered lines in large type, no links
    # (geo.overview.highlight_text.short_line); the method is the last slide, not a footnote here.
    lines = page.locator(".st-key-present_lines li")
    assert 3 <= lines.count() <= 5
    assert float(lines.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 36
    assert page.get_by_role("link", name="See the data").count() == 0
    assert page.locator(".st-key-present_footnote").count() == 0
    # No app chrome on the slide: the controls' bar is out of sight until the pointer comes to it (the arrow
    # keys work without it, test below); it is on screen without scrolling.
    controls = page.locator(".st-key-present_controls")
    assert controls.evaluate("e => getComputedStyle(e).opacity") == "0"
    assert page.get_by_role("button", name="Next").bounding_box()["y"] < 1080
    page.get_by_role("button", name="Next").hover()
    page.wait_for_function("() => getComputedStyle(document.querySelector('.st-key-present_controls')).opacity"
                           " === '1'", timeout=5_000)
    page.mouse.move(960, 300)
    # One map for the whole show (geo.overview.slides.stage_map): already there, out of sight, on the first
    # slide; marked here, so a map slide showing a new canvas (a new WebGL map, seconds to build) fails below.
    canvas = page.locator('.st-key-present_stage [data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="attached", timeout=60_000)
    assert page.locator(".st-key-present_stage").bounding_box()["x"] < -1000
    canvas.evaluate("c => { c.dataset.shownSince = 'first slide'; }")
    for number, title in enumerate(TITLES["en"][1:], start=2):
        page.get_by_role("button", name="Next").click()
        page.wait_for_function(f"() => document.querySelector('h1') && "
                               f"document.querySelector('h1').innerText.trim() === {title!r}", timeout=60_000)
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        assert f"slide={number}" in page.url
        stage = page.locator(".st-key-present_stage").bounding_box()
        if SLIDES[number - 1] in ("map", "coverage"):
            wait_for_canvas_drawn(page)
            assert 0 <= stage["x"] < 1920 and stage["y"] < 1080, SLIDES[number - 1]
            assert canvas.evaluate("c => c.dataset.shownSince") == "first slide", "the map was built anew"
        else:
            assert stage["x"] < -1000, SLIDES[number - 1]
        if SLIDES[number - 1] in ("flows", "infrastructure", "coverage"):
            page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        if SLIDES[number - 1] == "kpis":  # the KPI tiles are large: a value at least 40 px high at 1080 p
            assert page.locator('[data-testid="stMetricValue"]').first.bounding_box()["height"] >= 40
        if SLIDES[number - 1] == "method":  # the last slide: sources, the seasonal rule, the disclosure rule
            rules = page.locator(".st-key-present_method_rules").inner_text()
            assert "A surge or a drop" in rules and "multiples of 5" in rules
            assert "Natural Earth" in page.locator(".st-key-present_method_sources").inner_text()
        page.screenshot(path=str(SCREENSHOTS / f"present_1920_{number}_{SLIDES[number - 1]}.png"))
    # Next on the last slide wraps to the first; Previous goes back.
    page.get_by_role("button", name="Next").click()
    page.wait_for_function(f"() => document.querySelector('h1').innerText.trim() === {TITLES['en'][0]!r}")
    page.get_by_role("button", name="Previous").click()
    page.wait_for_function(f"() => document.querySelector('h1').innerText.trim() === {TITLES['en'][-1]!r}")
    assert outside == [], f"presentation mode made outside requests: {outside[:5]}"
    context.close()


def test_presentation_keyboard_and_auto_advance(browser, app_url: str, TITLES) -> None:
    context, page, outside = _projector(browser)
    page.goto(f"{app_url}/?present=1&lang=es&slide=4")
    wait_idle(page)
    assert _heading(page) == TITLES["es"][3]
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "present_1920_es_3_flows.png"))
    page.locator("h1").first.click()  # focus on the page, not on a widget that takes arrow keys itself
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('h1').innerText.trim() === {TITLES['es'][4]!r}",
                           timeout=60_000)
    wait_idle(page)
    page.locator("h1").first.click()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('h1').innerText.trim() === {TITLES['es'][3]!r}",
                           timeout=60_000)
    wait_idle(page)
    # Auto-advance every 15 s: the slide moves on by itself.
    page.goto(f"{app_url}/?present=1&lang=es&slide=1&auto=15")
    wait_idle(page)
    assert _heading(page) == TITLES["es"][0]
    page.wait_for_function(f"() => document.querySelector('h1').innerText.trim() === {TITLES['es'][1]!r}",
                           timeout=45_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside == []
    context.close()


def test_key_figures_fit_a_phone(browser, app_url: str) -> None:
    """At 390x844 the room's 250-px tiles stacked eight screens high: two a row, each as high as its text, nothing
    wider than the screen and no text cut; the controls one row at the foot."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{app_url}/?present=1&lang=es&slide=2")
    wait_idle(page)
    metrics = page.locator('.st-key-present_kpis [data-testid="stMetric"]')
    metrics.first.wait_for(timeout=60_000)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    boxes = [metrics.nth(i).bounding_box() for i in range(metrics.count())]
    assert len(boxes) == 8 and len({round(b["x"]) for b in boxes}) == 2  # two a row
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= 390 and b["height"] < 180 for b in boxes), boxes
    cut = metrics.evaluate_all("""ms => ms.flatMap(m => [...m.querySelectorAll('p')]
        .filter(p => p.scrollWidth > p.clientWidth + 1 || p.scrollHeight > p.clientHeight + 1)
        .map(p => p.innerText))""")
    assert cut == [], cut
    buttons = [page.get_by_role("button", name=n).bounding_box() for n in ("Anterior", "Siguiente")]
    assert buttons[0]["y"] == buttons[1]["y"] and buttons[1]["y"] + buttons[1]["height"] <= 844  # one row
    page.screenshot(path=str(SCREENSHOTS / "present_390_2_kpis.png"))
    context.close()


def test_overview_is_home_at_1920(browser, app_url: str) -> None:
    context, page, outside = _projector(browser)
    page.goto(f"{app_url}/?lang=es")
    wait_idle(page)
    wait_for_canvas_drawn(page)
    page.screenshot(path=str(SCREENSHOTS / "overview_1920.png"), full_page=True)
    assert _heading(page) == "Resumen del programa"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Datos de muestra", exact=False).count() >= 1
    assert page.get_by_text("Datos al", exact=False).count() >= 1
    assert outside == []
    context.close()


def test_projects_page_draws_the_wide_choropleth(browser, app_url: str) -> None:
    context, page, outside = _projector(browser)
    page.goto(f"{app_url}/projects?lang=en")
    wait_idle(page)
    wait_for_canvas_drawn(page)
    page.screenshot(path=str(SCREENSHOTS / "projects_1920.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside == []
    context.close()
