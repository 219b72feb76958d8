"""The flows page in headless Chromium: the time series, and the Sankey and the map of its lazy tab, are
drawn, nothing fails, no outside request is made. Saves screenshots/flows_1280.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import SCREENSHOTS, wait_for_canvas_drawn, wait_idle

pytestmark = pytest.mark.browser


def test_flows_page_draws_sankey_and_time_series(browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 2600})  # tall: the app scrolls inside
    page = context.new_page()
    outside: list[str] = []
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    page.goto(f"{app_url}/flows?lang=en")
    wait_idle(page)
    page.get_by_role("heading", name="Flows through the border posts").wait_for(timeout=30_000)
    # Plotly draws each line of the series as a path, and a Sankey's nodes and links as SVG.
    series = page.locator('[data-testid="stPlotlyChart"]').first
    series.locator("g.scatterlayer path.js-line").first.wait_for(timeout=30_000)
    assert series.locator("g.scatterlayer path.js-line").count() == 2  # entries and exits
    assert "Persons per week" in series.inner_text()
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3  # the series, nationalities and posts
    # The Sankey and the arcs map are in a lazy tab: drawn when it is opened.
    page.locator('[data-testid="stTab"]', has_text="Routes and map").click()
    page.locator('[data-testid="stPlotlyChart"] g.sankey-node').first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stPlotlyChart"] path.sankey-link').count() > 0
    wait_for_canvas_drawn(page)  # the arcs map
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Sample data").count() >= 1
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "flows_1280.png"))
    assert outside == [], f"the page made outside requests: {outside[:5]}"
    context.close()


def test_download_and_play_in_the_browser(browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/flows?lang=en&from=2026-01&to=2026-06")
    wait_idle(page)
    page.locator('[data-testid="stPlotlyChart"] g.scatterlayer path.js-line').first.wait_for(timeout=30_000)
    # The CSV is made when the button is pressed (a callable), from the filtered aggregate.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download the filtered aggregate (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    # A visitor's file: no unaccompanied minors (finer than the month x post cells published, geo.disclosure).
    assert text.splitlines()[0] == "month,post_code,post_name,post_country,direction,nationality,prev_country," \
                                   "next_country,count"
    months = {line.split(",")[0] for line in text.splitlines()[1:]}
    assert months and min(months) >= "2026-01-01" and max(months) <= "2026-06-01"
    # Play: the clock fragment moves the period on by itself, month by month.
    page.get_by_text("Month-by-month animation").first.click()
    page.get_by_text("▶ Play", exact=True).first.click()
    caption = page.get_by_text("Animation: ")
    caption.first.wait_for(timeout=30_000)
    # Wait (for the state, not a time) until the animation caption has shown three different periods.
    seen = page.evaluate_handle("() => new Set()")
    page.wait_for_function("""(seen) => {
        for (const e of document.querySelectorAll('p, div')) {
            const text = e.innerText || '';
            if (e.children.length === 0 && text.startsWith('Animation: ')) seen.add(text);
        }
        return seen.size >= 3;
    }""", arg=seen, timeout=30_000, polling=100)  # at least two steps of the animation were drawn
    assert page.locator('[data-testid="stException"]').count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "flows_playing_1280.png"))
    context.close()


def test_overview_and_flows_page_show_the_same_total_and_say_what_it_counts(browser, app_url: str) -> None:
    """One truth, as a policymaker sees it: the same crossings figure on both pages, with its scope in words."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    shown = {}
    for path, label in (("/?lang=es", "Cruces registrados"), ("/flows?lang=es", "Cruces totales")):
        page.goto(f"{app_url}{path}")
        wait_idle(page)
        metric = page.locator('[data-testid="stMetric"]', has_text=label).first
        metric.wait_for(timeout=60_000)
        shown[path] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
        assert page.get_by_text("los puestos del programa (Guatemala, El Salvador, Honduras y Nicaragua)",
                                exact=False).count() >= 1
        assert page.locator('[data-testid="stException"]').count() == 0
    assert shown["/?lang=es"] == shown["/flows?lang=es"], shown
    assert "," not in shown["/?lang=es"].split()[0] or "." in shown["/?lang=es"]  # 12.34 M, never Spain's 12,34 M
    context.close()
