"""The map page (and the flows page's filters, and staying signed in) in headless Chromium, at 1280x800 and
on a phone (390x844), in Spanish and English:

- four successive filter changes all take effect (none is lost), on the map and the flows pages;
- the map canvas takes at least 60 % of the content width at 1280 and 1920 px, and the whole CA4 fits on a
  phone;
  (a page load is the costly part: where a viewport and language coincide, the first view's checks and the
  filter changes share one load)
- the post profile's status column is in view without scrolling sideways;
- no two labels the page sends overlap at the first view (boxes computed from the deck JSON read off the
  websocket, with geo.placement.label_boxes);
- a reload keeps an editor signed in; after signing out, the old cookie no longer signs anyone in.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from tests.browser import SCREENSHOTS, deck_specs, wait_for_canvas_drawn, wait_idle, wait_quiet

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1280, 800), "large": (1920, 1080), "phone": (390, 844)}
COUNTRIES = {"es": ["Guatemala", "Honduras", "El Salvador", "Nicaragua"],
             "en": ["Guatemala", "Honduras", "El Salvador", "Nicaragua"]}
CODES = ["GTM", "HND", "SLV", "NIC"]


def _open(browser, url: str, viewport: tuple[int, int], frames: list | None = None):
    """Open `url` and wait until the page has gone quiet: a page with a map runs once more with the width the
    browser reports (views/map_fit.py), and a change made in between may be drawn over."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    frames = [] if frames is None else frames
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    page.goto(url)
    wait_quiet(page, frames)
    return context, page


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _sidebar(page) -> None:
    """On a phone the sidebar starts collapsed: open it."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if sidebar.get_attribute("aria-expanded") == "false" or not sidebar.is_visible():
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.wait_for(state="visible")


def _add_countries(page, names: list[str], codes: list[str], param: str) -> None:
    """Pick the countries one at a time in the sidebar's first multiselect, each as a separate change,
    waiting for the URL to show it before the next (a lost change would never show)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    for i, name in enumerate(names):
        box.click()
        page.keyboard.type(name)  # filters the list, so the option is drawn (long lists are virtual)
        page.get_by_role("option", name=name, exact=True).click()
        page.keyboard.press("Escape")
        expected = ",".join(codes[: i + 1])
        page.wait_for_function(
            "([param, expected]) => new URLSearchParams(location.search).get(param) === expected",
            arg=[param, expected], timeout=30_000)
        wait_idle(page)
    chosen = box.inner_text()
    assert all(name in chosen for name in names), chosen


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "es"), ("phone", "en")])
def test_the_first_view_then_four_successive_filter_changes_on_the_map(browser, app_url: str, viewport: str,
                                                                      lang: str) -> None:
    """One page load: its first view is checked (labels, size), then four filter changes made on it."""
    from geo.posts.queries import read_posts_csv

    frames: list = []
    context, page = _open(browser, f"{app_url}/map?lang={lang}", VIEWPORTS[viewport], frames)
    wait_for_canvas_drawn(page)
    wait_idle(page)
    _check_first_view_labels(page, frames)
    if viewport == "desktop":
        _check_map_size(page, VIEWPORTS[viewport])
    _sidebar(page)
    _add_countries(page, COUNTRIES[lang], CODES, "country")
    posts = read_posts_csv()
    expected = int(posts["country_iso3"].isin(CODES).sum())
    shown = "puestos mostrados" if lang == "es" else "posts shown"
    page.get_by_text(f"{expected} {shown}").first.wait_for(timeout=20_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SCREENSHOTS / f"map_filters_{viewport}_{lang}.png"))
    context.close()


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "en")])  # the phone: on the map, above
def test_four_successive_filter_changes_all_take_effect_on_the_flows_page(browser, app_url: str, viewport: str,
                                                                          lang: str) -> None:
    context, page = _open(browser, f"{app_url}/flows?lang={lang}", VIEWPORTS[viewport])
    _sidebar(page)
    _add_countries(page, COUNTRIES[lang], CODES, "country")
    assert page.locator('[data-testid="stException"]').count() == 0
    context.close()


def _content_width(page) -> float:
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]');
        const style = getComputedStyle(main);
        return main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    }""")


def _check_map_size(page, size: tuple[int, int]) -> None:
    canvas = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    assert canvas["width"] >= 0.6 * _content_width(page), (canvas, _content_width(page))
    assert canvas["height"] >= 0.65 * size[1], canvas  # about two thirds of what the screen shows, at any size


def _check_first_view_labels(page, frames: list) -> None:
    """No two labels the page sent overlap at its first view; every post label lies inside the canvas; the
    whole CA4 is in view (on a phone too)."""
    from geo import maps, placement

    spec = deck_specs(frames)[-1]  # the view fitted to the width the browser reported
    layers = {layer["id"]: layer for layer in spec["layers"]}
    view = spec["initialViewState"]
    posts = pd.DataFrame(layers["post-labels"]["data"])
    countries = pd.DataFrame(layers["country-labels"]["data"])
    assert len(posts) >= 6
    boxes = pd.concat([placement.label_boxes(posts, view["zoom"]),
                       placement.label_boxes(countries, view["zoom"], placement.COUNTRY_LABEL_STYLE)],
                      ignore_index=True)
    overlaps = [(i, j) for i, j in placement.overlapping_pairs(boxes) if i < len(posts)]
    assert overlaps == [], [(boxes.index[i], boxes.index[j]) for i, j in overlaps]
    # Every post label lies inside the canvas; on a phone the whole CA4 is in view.
    canvas = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    cx, cy = placement.world_px([view["longitude"]], [view["latitude"]], view["zoom"])
    left, top = cx[0] - canvas["width"] / 2, cy[0] - canvas["height"] / 2
    post_boxes = placement.label_boxes(posts, view["zoom"])
    assert (post_boxes["x0"] >= left - 1).all() and (post_boxes["x1"] <= left + canvas["width"] + 1).all()
    minx, miny, maxx, maxy = maps.CA4_BOUNDS
    xs, ys = placement.world_px([minx, maxx], [maxy, miny], view["zoom"])
    assert xs[0] >= left and xs[1] <= left + canvas["width"] and ys[0] >= top and ys[1] <= top + canvas["height"]


@pytest.mark.parametrize(("viewport", "lang"), [("large", "en"), ("phone", "es")])
def test_no_two_labels_sent_overlap_at_the_first_view(browser, app_url: str, viewport: str, lang: str) -> None:
    """The other two (viewport, language) pairs: 1280x800 in Spanish and the phone in English are checked on
    the first view of the map filter test above. At 1920x1080 the map also takes most of the screen."""
    frames: list = []
    context, page = _open(browser, f"{app_url}/map?lang={lang}", VIEWPORTS[viewport], frames)
    wait_for_canvas_drawn(page)
    wait_idle(page)
    _check_first_view_labels(page, frames)
    if viewport == "large":
        _check_map_size(page, VIEWPORTS[viewport])
    context.close()


def test_the_profile_shows_every_column_without_sideways_scroll(browser, app_url: str) -> None:
    context, page = _open(browser, f"{app_url}/map?lang=es&post=SLV-AMA", VIEWPORTS["desktop"])
    page.get_by_role("heading", name="El Amatillo").wait_for(timeout=30_000)
    wait_for_canvas_drawn(page)
    table = page.locator('[data-testid="stTable"]').filter(has_text="Componente").first
    table.scroll_into_view_if_needed()
    header = table.get_by_text("Estado", exact=True).first
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= VIEWPORTS["desktop"][0]
    widths = table.evaluate("""t => {
        let e = t; const out = [];
        while (e) { out.push([e.scrollWidth, e.clientWidth]); e = e.querySelector(':scope > *'); }
        return out; }""")
    assert all(scroll <= client + 3 for scroll, client in widths if client), widths  # borders, no scroll
    # The whole page does not scroll sideways either.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= VIEWPORTS["desktop"][0]
    # Selecting the post centred the map on it.
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map_profile_1280.png"))
    context.close()


# ------------------------------------------------------------------------------ staying signed in
EDITOR, PASSWORD = "mapa_editora", "una clave bastante larga"


@pytest.fixture(scope="module")
def editor(app_db_url: str) -> str:
    from sqlalchemy import select

    from geo.access.auth import SYSTEM
    from geo.access.users import create_user
    from geo.db import make_engine
    from geo.models import User

    engine = make_engine(app_db_url)
    with engine.connect() as conn:
        exists = conn.execute(select(User.id).where(User.username == EDITOR)).scalar()
    if exists is None:
        create_user(engine, SYSTEM, EDITOR, "editor", PASSWORD)
    engine.dispose()
    return EDITOR


def _signed_in_as(page) -> bool:
    return page.locator('[data-testid="stSidebar"]').get_by_text(EDITOR).count() > 0


def test_a_reload_keeps_an_editor_signed_in_and_sign_out_ends_it(browser, app_url: str, editor: str) -> None:
    from geo.access.sessions import COOKIE_NAME

    # Straight to a light deep link (the sign-in lives in app.py's sidebar, on every page; the audit log draws
    # a table, not a map, three times over): every request runs app.py (tests/test_first_request_browser.py).
    context, page = _open(browser, f"{app_url}/audit?lang=es", VIEWPORTS["desktop"])
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').first.click()
    page.get_by_label("Usuario").fill(editor)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("button", name="Cerrar sesión").wait_for(timeout=60_000)
    page.wait_for_function(f"() => document.cookie.includes('{COOKIE_NAME}=')", timeout=20_000)
    cookie = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
    assert len(cookie) == 1 and cookie[0]["sameSite"] == "Strict"
    assert cookie[0]["httpOnly"] is False  # written by script: see browser_bridge for why it cannot be HttpOnly

    page.reload()
    wait_idle(page)
    page.get_by_role("button", name="Cerrar sesión").wait_for(timeout=60_000)
    assert _signed_in_as(page)

    page.get_by_role("button", name="Cerrar sesión").click()
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]').first.wait_for(timeout=30_000)
    page.wait_for_function(f"() => !document.cookie.includes('{COOKIE_NAME}=')", timeout=20_000)
    # A browser that kept the old cookie (copied before sign-out) is not signed in by it any more.
    context.add_cookies(cookie)
    page.reload()
    wait_idle(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]').first.wait_for(timeout=30_000)
    assert not _signed_in_as(page)
    assert page.get_by_role("button", name="Cerrar sesión").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    context.close()
