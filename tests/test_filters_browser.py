"""Issue 14: four successive filter changes all take effect on every page with filters (the map and flows
pages are covered in tests/test_map_browser.py). In headless Chromium at 1280x800 (the overview also on a
phone, 390x844), in Spanish and English: each change is made in the sidebar and the test waits for the URL
to hold it (a lost change never shows) and for the script to go idle, then checks that the widgets still
show every choice and the URL holds all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import SCREENSHOTS, wait_idle, wait_quiet

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
COUNTRIES = [("Guatemala", "GTM"), ("Honduras", "HND"), ("El Salvador", "SLV"), ("Nicaragua", "NIC")]


@dataclass(frozen=True)
class Pick:
    """Choose `label` in the sidebar's multiselect number `box`; the URL's `param` then lists `code`."""
    box: int
    label: str
    param: str
    code: str


def _open(browser, url: str, viewport: tuple[int, int]):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    frames: list = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    page.goto(url)
    wait_quiet(page, frames)  # a page with a map runs once more with its width (views/map_fit.py): after that
    sidebar = page.locator('[data-testid="stSidebar"]')
    if sidebar.get_attribute("aria-expanded") == "false" or not sidebar.is_visible():  # collapsed on a phone
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.wait_for(state="visible")
    return context, page


def _param(page, name: str) -> str | None:
    values = parse_qs(urlparse(page.url).query).get(name)
    return values[0] if values else None


def _wait_param(page, name: str, expected: str) -> None:
    page.wait_for_function(
        "([name, expected]) => new URLSearchParams(location.search).get(name) === expected",
        arg=[name, expected], timeout=30_000)
    wait_idle(page)


def _box(page, index: int):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(index)


def _pick_in_turn(page, picks: list[Pick], before: dict[str, list[str]] | None = None) -> None:
    """Make each pick as its own change; after each, every earlier pick (and `before`) must still be in the URL."""
    chosen: dict[str, list[str]] = {k: list(v) for k, v in (before or {}).items()}
    for pick in picks:
        box = _box(page, pick.box)
        # Centre the box first: at the sidebar's bottom edge its list would open below the window.
        box.evaluate("e => e.scrollIntoView({block: 'center'})")
        box.locator("input").first.click()  # the box's centre may be a chosen chip, which does not open it
        page.keyboard.type(pick.label)  # filters the list so the option is drawn (long lists are virtual)
        # The typed text filters to this option (or few): click the one whose text is the label.
        page.locator('[role="option"]').filter(has_text=pick.label).first.click(timeout=10_000)
        page.keyboard.press("Escape")
        chosen.setdefault(pick.param, []).append(pick.code)
        _wait_param(page, pick.param, ",".join(chosen[pick.param]))
        for param, codes in chosen.items():  # the other widget's changes are still there too
            assert _param(page, param) == ",".join(codes), (page.url, pick)
    for pick in picks:  # and every choice is still shown in its widget
        assert pick.label in _box(page, pick.box).inner_text(), (pick, _box(page, pick.box).inner_text())
    assert page.locator('[data-testid="stException"]').count() == 0


# Desktop here; the phone's collapsed sidebar is driven through four changes on the map (test_map_browser).
@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "es")])
def test_four_country_changes_all_take_effect_on_the_overview(browser, app_url: str, viewport: str,
                                                               lang: str) -> None:
    context, page = _open(browser, f"{app_url}/?lang={lang}", VIEWPORTS[viewport])
    # Issue 27: the first screen at 1280x800 shows the headline figures and the map above the fold (they began
    # at ~1,060 px and ~1,900 px): every card and the map's top inside the window, before any scrolling.
    page.locator('[data-testid="stDeckGlJsonChart"]').first.wait_for(state="visible", timeout=30_000)
    cards = [page.locator('[data-testid="stMetric"]').nth(i).bounding_box() for i in range(8)]
    deck = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    page.screenshot(path=str(SCREENSHOTS / "overview-first-screen-1280.png"))
    assert all(box is not None and box["y"] + box["height"] <= 800 for box in cards), cards
    assert len({round(box["height"]) for box in cards}) == 1, cards  # cards of one height, not ragged
    assert deck["y"] < 800 and deck["y"] + deck["height"] * 0.8 <= 800, deck  # the map, nearly whole
    _pick_in_turn(page, [Pick(0, name, "country", code) for name, code in COUNTRIES])
    assert _param(page, "country") == "GTM,HND,SLV,NIC"
    page.screenshot(path=str(SCREENSHOTS / f"filters-overview-{viewport}-{lang}.png"))
    context.close()


def test_country_and_component_changes_all_take_effect_on_infrastructure(browser, app_url: str,
                                                                         app_db_url: str) -> None:
    from geo.db import make_engine
    from geo.upgrades.records import catalogue

    types = catalogue(make_engine(app_db_url)).head(2)
    components = list(zip(types["name_es"], types["code"], strict=True))
    context, page = _open(browser, f"{app_url}/infrastructure?lang=es", VIEWPORTS["desktop"])
    _pick_in_turn(page, [
        Pick(0, COUNTRIES[0][0], "country", COUNTRIES[0][1]), Pick(1, components[0][0], "component", components[0][1]),
        Pick(0, COUNTRIES[1][0], "country", COUNTRIES[1][1]), Pick(1, components[1][0], "component", components[1][1]),
    ])
    assert _param(page, "country") == "GTM,HND"
    assert _param(page, "component") == ",".join(code for _, code in components)
    page.screenshot(path=str(SCREENSHOTS / "filters-infrastructure-desktop-es.png"))
    context.close()


def test_type_and_reach_changes_all_take_effect_on_workshops(browser, app_url: str) -> None:
    from geo.i18n import t
    from geo.workshops.coverage import DEFAULT_REACH_KM

    context, page = _open(browser, f"{app_url}/workshops?lang=en", VIEWPORTS["desktop"])
    label = {code: t(f"post_type.{code}", "en") for code in ("land", "air", "sea")}
    reach = int(DEFAULT_REACH_KM)
    _pick_in_turn(page, [Pick(0, label["land"], "type", "land")])
    # Second change: the reach slider one step up (keyboard on its thumb), while "land" stays chosen.
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    page.keyboard.press("ArrowRight")
    _wait_param(page, "reach", str(reach + 5))
    assert _param(page, "type") == "land"
    _pick_in_turn(page, [Pick(0, label["air"], "type", "air")], before={"type": ["land"]})
    # Fourth change: the slider again; the types chosen before must survive it.
    thumb.focus()
    page.keyboard.press("ArrowRight")
    _wait_param(page, "reach", str(reach + 10))
    assert _param(page, "type") == "land,air"
    assert thumb.input_value() == str(reach + 10)
    chosen = _box(page, 0).inner_text()
    assert label["land"] in chosen and label["air"] in chosen, chosen
    # A figure follows the reach: the fourth KPI names the chosen distance.
    kpi = t("ws.kpi.reached", "en", km=reach + 10)
    page.locator('[data-testid="stMetricLabel"]').filter(has_text=kpi).first.wait_for(timeout=10_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SCREENSHOTS / "filters-workshops-desktop-en.png"))
    context.close()


def test_project_and_country_changes_all_take_effect_on_projects(browser, app_url: str, app_db_url: str) -> None:
    from geo.db import make_engine
    from geo.programme.projects import portfolio

    codes = portfolio(make_engine(app_db_url))["code"].tolist()[:2]
    assert len(codes) == 2, codes
    context, page = _open(browser, f"{app_url}/projects?lang=es", VIEWPORTS["desktop"])
    _pick_in_turn(page, [
        Pick(0, codes[0], "project", codes[0]), Pick(1, COUNTRIES[0][0], "country", COUNTRIES[0][1]),
        Pick(0, codes[1], "project", codes[1]), Pick(1, COUNTRIES[2][0], "country", COUNTRIES[2][1]),
    ])
    assert _param(page, "project") == ",".join(codes)
    assert _param(page, "country") == "GTM,SLV"
    page.screenshot(path=str(SCREENSHOTS / "filters-projects-desktop-es.png"))
    context.close()
