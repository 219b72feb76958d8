"""The real app in headless Chromium: the map is drawn (pixels), no exception is shown."""

from __future__ import annotations

import pytest

from tests.browser import SCREENSHOTS, wait_for_canvas_drawn, wait_idle

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


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_clicking_a_post_opens_its_panel(browser, app_url: str, viewport: tuple[int, int]) -> None:
    from geo.posts.queries import read_posts_csv

    roatan = read_posts_csv().set_index("code").loc["HND-RTB"]  # an island airport: nothing else nearby
    context, page = _open_map(browser, f"{app_url}/map?lang=en", *viewport)
    _click_post(page, roatan.lon, roatan.lat)
    heading = page.get_by_role("heading", name="Aeropuerto Internacional Juan Manuel Gálvez")
    heading.wait_for(timeout=20_000)
    wait_idle(page)
    assert "post=HND-RTB" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    if viewport[0] < 600:
        # A phone stacks the profile under the map and its keys (it opened ~1,450 px below, out of sight): it is
        # brought up, its name in the upper half of the screen, clear of the app's top bar.
        page.wait_for_function("""() => { const h = [...document.querySelectorAll('h3')].find(
            e => e.textContent.includes('Juan Manuel')); if (!h) return false;
            const top = h.getBoundingClientRect().top; return top > 40 && top < window.innerHeight / 2; }""",
                               timeout=10_000)
    page.screenshot(path=str(SCREENSHOTS / f"map_selected_{viewport[0]}.png"))
    context.close()


# A post named with HTML, on the map's tooltip and panel: tests/test_hostile_browser.py (its server carries
# the hostile names already).
