"""The map's region outlines served as static files (geo.maps.region_data), in headless Chromium:

- /map still draws the countries (land pixels in the CA4 fill, sea pixels in the sea colour), loading the
  outlines from <app>/app/static/ and sending no request beyond 127.0.0.1;
- a filter change on /map receives at most 50 KB over the websocket (issue 15: it was ~112 KB when the
  outlines rode in every rerun's deck JSON).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO

import pytest

from tests.browser import SCREENSHOTS, deck_specs, lonlat_to_pixel, wait_for_canvas_drawn, wait_idle, wait_quiet

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
MAX_BYTES_PER_CHANGE = 50 * 1024
# Points clear of post marks and labels at the first view: inland Honduras (Olancho), north-east Nicaragua,
# and the Pacific south of the Gulf of Fonseca.
LAND = [(-85.5, 15.0), (-84.6, 13.6)]
SEA = [(-88.5, 11.5)]


def _near(colour: tuple[int, ...], target: list[int], tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=False))


def _pixel(image, lon: float, lat: float, box: dict, view: dict) -> tuple[int, ...]:
    x, y = lonlat_to_pixel(lon, lat, view, box["width"], box["height"])
    return image.getpixel((int(x), int(y)))[:3]


def _view_sent(frames: list) -> dict:
    """The view of the last deck the server sent (the page fits its first view to the width the browser
    reports, in a follow-up run that may come late on a loaded machine: read it, do not assume it)."""
    return deck_specs(frames)[-1]["initialViewState"]


@dataclass
class MapPage:
    page: object
    frames: list = field(default_factory=list)  # websocket frames received, in order
    outside: list = field(default_factory=list)  # requests beyond 127.0.0.1
    static: dict = field(default_factory=dict)  # /app/static/ responses: url -> status


@pytest.fixture(scope="module")
def map_page(browser, app_url: str) -> Iterator[MapPage]:
    """One load of /map for both tests (a map page load is the costly part): the outlines are checked on its
    first view, then the filter changes are made on it."""
    context = browser.new_context(viewport=VIEWPORT)
    opened = MapPage(context.new_page())
    page = opened.page
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else opened.outside.append(r.url))
    page.on("response", lambda r: opened.static.__setitem__(r.url.split("?")[0], r.status)
            if "/app/static/" in r.url else None)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: opened.frames.append(payload)))
    page.goto(f"{app_url}/map?lang=en")
    wait_idle(page)
    wait_for_canvas_drawn(page)
    wait_idle(page)
    yield opened
    context.close()


def test_the_map_draws_the_countries_from_static_files_offline(map_page: MapPage, app_url: str) -> None:
    from PIL import Image

    from geo.maps import CA4_FILL
    from geo.maps import SEA as SEA_COLOUR

    page, frames, outside, static = map_page.page, map_page.frames, map_page.outside, map_page.static
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    deadline = time.monotonic() + 30
    land = sea = []
    while time.monotonic() < deadline:  # the outlines arrive a moment after the deck: poll the pixels
        box, view = canvas.bounding_box(), _view_sent(frames)
        image = Image.open(BytesIO(canvas.screenshot())).convert("RGB")
        land = [_pixel(image, lon, lat, box, view) for lon, lat in LAND]
        sea = [_pixel(image, lon, lat, box, view) for lon, lat in SEA]
        if all(_near(c, CA4_FILL) for c in land) and all(_near(c, SEA_COLOUR) for c in sea):
            break
        page.wait_for_timeout(300)
    image.save(SCREENSHOTS / "map_static_outlines.png")
    assert all(_near(c, CA4_FILL) for c in land), f"land not drawn in the CA4 fill: {land}"
    assert all(_near(c, SEA_COLOUR) for c in sea), sea
    assert {url.rsplit("/", 1)[1]: code for url, code in static.items()} == {
        "ca4-countries.json": 200, "ca4-borders.json": 200}
    assert all(url.startswith(f"{app_url}/app/static/") for url in static)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside == [], f"the app made outside requests: {outside[:5]}"


def test_a_filter_change_on_the_map_receives_at_most_50_kb(map_page: MapPage) -> None:
    page, frames = map_page.page, map_page.frames
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    received = []
    for name, codes in [("Guatemala", "GTM"), ("Honduras", "GTM,HND")]:
        wait_quiet(page, frames)
        start = len(frames)
        box.click()
        page.keyboard.type(name)  # filters the list, so the option is drawn (long lists are virtual)
        page.get_by_role("option", name=name, exact=True).click()
        page.keyboard.press("Escape")
        page.wait_for_function("expected => new URLSearchParams(location.search).get('country') === expected",
                               arg=codes, timeout=30_000)
        wait_quiet(page, frames)
        change = frames[start:]
        received.append(sum(len(p) for p in change))
        specs = deck_specs(change)
        assert specs, "the change sent no deck"
        layers = {layer["id"]: layer for layer in specs[-1]["layers"]}
        assert layers["countries"]["data"].startswith("app/static/ca4-countries.json")
        assert layers["borders"]["data"].startswith("app/static/ca4-borders.json")
    assert max(received) <= MAX_BYTES_PER_CHANGE, f"bytes per change: {received}"
    assert page.locator('[data-testid="stException"]').count() == 0
