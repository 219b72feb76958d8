"""A phone's map is drawn at its device pixels (issue 27, "the map blurry at device-pixel-ratio 2").

Streamlit 1.67's deck.gl (luma.gl 9) sizes the canvas's backing store from the ResizeObserver's
devicePixelContentBoxSize. Playwright's `device_scale_factor` emulation reports devicePixelRatio 2 but leaves that
box in CSS pixels (microsoft/playwright#18591), so under emulation the canvas looks soft: that is the tool, not the
app. A browser whose screen really has two device pixels per CSS pixel (Chromium's --force-device-scale-factor=2,
what a phone's or a HiDPI laptop's compositor does) gets a backing store of twice the CSS size; this checks it,
on the session's app server, at a phone's width.
"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import CHROMIUM_ARGS, chromium_path, wait_for_canvas_drawn, wait_idle

pytestmark = pytest.mark.browser

CANVAS_SIZES = """() => [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"] canvas')].map(c => ({
    width: c.width, height: c.height, cssWidth: c.getBoundingClientRect().width,
    cssHeight: c.getBoundingClientRect().height, ratio: window.devicePixelRatio}))"""

DOUBLED = """() => { const c = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
    return c && c.width >= 2 * Math.floor(c.getBoundingClientRect().width) - 1; }"""


def test_phone_map_canvas_has_device_pixels(browser, app_url: str) -> None:
    # Headless Chromium's narrowest window is 500 CSS px; the map page then stacks as on a phone (under 600 px).
    hidpi = browser.browser_type.launch(executable_path=chromium_path(),
                                        args=[*CHROMIUM_ARGS, "--force-device-scale-factor=2", "--window-size=390,844"])
    try:
        page = hidpi.new_context(no_viewport=True).new_page()
        page.goto(f"{app_url}/map?lang=es")
        wait_idle(page, 90_000)
        wait_for_canvas_drawn(page)
        # The backing store follows the canvas's first resize; the assertions below say what it became.
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(DOUBLED, timeout=15_000)
        sizes = page.evaluate(CANVAS_SIZES)
    finally:
        hidpi.close()
    assert sizes, "no map canvas"
    canvas = sizes[0]
    assert canvas["ratio"] == 2
    assert canvas["cssWidth"] < 600  # the phone's stacked layout
    assert abs(canvas["width"] - 2 * canvas["cssWidth"]) <= 1, canvas
    assert abs(canvas["height"] - 2 * canvas["cssHeight"]) <= 1, canvas
