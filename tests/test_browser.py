"""The real app in headless Chromium: the map is drawn (pixels), no exception is shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import SCREENSHOTS, running_app, wait_for_canvas_drawn, wait_idle
from tests.support import copy_sqlite

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_map_is_drawn_offline(browser, app_url: str, viewport: tuple[int, int]) -> None:
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    outside: list[str] = []
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    page.goto(f"{app_url}/map?lang=en")
    wait_idle(page)
    png = wait_for_canvas_drawn(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"map_{width}x{height}.png"), full_page=True)
    (SCREENSHOTS / f"map_canvas_{width}x{height}.png").write_bytes(png)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside == [], f"the app made outside requests: {outside[:5]}"
    context.close()


def _open_map(browser, url: str, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    wait_for_canvas_drawn(page)
    return context, page


def _click_post(page, lon: float, lat: float) -> None:
    from geo.maps import region_view
    from tests.browser import lonlat_to_pixel

    wait_idle(page)  # the rerun with the width the browser reported
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    box = canvas.bounding_box()
    # The map page fits its first view to the width the browser reports (rounded to 10 px).
    view = region_view((float(round(box["width"] / 10) * 10), float(box["height"])))
    x, y = lonlat_to_pixel(lon, lat, view, box["width"], box["height"])
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_clicking_a_post_opens_its_panel(browser, app_url: str) -> None:
    from geo.posts.queries import read_posts_csv

    roatan = read_posts_csv().set_index("code").loc["HND-RTB"]  # an island airport: nothing else nearby
    context, page = _open_map(browser, f"{app_url}/map?lang=en")
    _click_post(page, roatan.lon, roatan.lat)
    page.get_by_role("heading", name="Aeropuerto Internacional Juan Manuel Gálvez").wait_for(timeout=20_000)
    wait_idle(page)
    assert "post=HND-RTB" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SCREENSHOTS / "map_selected.png"), full_page=True)
    context.close()


HOSTILE = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def hostile_app_url(app_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the app database where a post is named with an HTML payload."""
    from sqlalchemy import text

    from geo.db import make_engine

    path = tmp_path_factory.mktemp("hostile") / "hostile.sqlite"
    engine = make_engine(copy_sqlite(app_db_url, path))
    with engine.begin() as conn:
        conn.execute(text("UPDATE posts SET name = :n WHERE code = 'HND-RTB'"), {"n": HOSTILE})
    engine.dispose()
    with running_app(f"sqlite:///{path}") as url:
        yield url


def test_hostile_post_name_renders_as_text(browser, hostile_app_url: str) -> None:
    from geo.posts.queries import read_posts_csv

    roatan = read_posts_csv().set_index("code").loc["HND-RTB"]
    context, page = _open_map(browser, f"{hostile_app_url}/map?lang=en")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _click_post(page, roatan.lon, roatan.lat)  # hovering shows the tooltip, the click opens the panel
    page.get_by_role("heading", name=HOSTILE).wait_for(timeout=20_000)
    wait_idle(page)
    assert page.evaluate("window.__xss") is None, "the payload ran"
    assert dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.get_by_text(HOSTILE).count() >= 1  # shown as text
    page.screenshot(path=str(SCREENSHOTS / "map_hostile.png"), full_page=True)
    context.close()
