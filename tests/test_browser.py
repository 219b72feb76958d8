"""The real app in headless Chromium: the map is drawn (pixels), no exception is shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import CHROMIUM_ARGS, SCREENSHOTS, chromium_path, running_app, wait_for_canvas_drawn, wait_idle
from tests.support import require_service

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        require_service("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_url(app_db_url: str) -> Iterator[str]:
    with running_app(app_db_url) as url:
        yield url


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_map_is_drawn_offline(browser, app_url: str, viewport: tuple[int, int]) -> None:
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    outside: list[str] = []
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    page.goto(f"{app_url}/?lang=en")
    wait_idle(page)
    png = wait_for_canvas_drawn(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"map_{width}x{height}.png"), full_page=True)
    (SCREENSHOTS / f"map_canvas_{width}x{height}.png").write_bytes(png)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside == [], f"the app made outside requests: {outside[:5]}"
    context.close()
