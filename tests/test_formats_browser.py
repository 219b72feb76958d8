"""Chart axes in the page's language, as drawn by plotly in headless Chromium at 1280x800: Spanish month names
(plotly's own locales need a CDN, so its built-in labels would be English) and the region's 1,234.5."""

from __future__ import annotations

import re

import pytest

from tests.browser import SCREENSHOTS, wait_idle

pytestmark = pytest.mark.browser

SPANISH_MONTH = re.compile(r"^(ene|feb|mar|abr|may|jun|jul|ago|sep|sept|oct|nov|dic)( \d{4})?$")
ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def test_flows_chart_axes_in_spanish_at_1280(browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-ES")  # Spain's browser
    page = context.new_page()
    # Nine months: month ticks written by geo.charts.date_axis, whatever the grain (day, week or month).
    page.goto(f"{app_url}/flows?lang=es&from=2026-01&to=2026-09")
    wait_idle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator("g.xtick text").first.wait_for(timeout=30_000)
    chart.scroll_into_view_if_needed()
    x_ticks = [t.strip() for t in chart.locator("g.xtick text").all_text_contents() if t and t.strip()]
    y_ticks = [t.strip() for t in chart.locator("g.ytick text").all_text_contents() if t and t.strip()]
    assert x_ticks and all(SPANISH_MONTH.match(t) for t in x_ticks), x_ticks
    assert any(re.search(r"\d{4}", t) for t in x_ticks), x_ticks  # the year on the first tick
    assert not ENGLISH_MONTH.search(" ".join(x_ticks + y_ticks))
    # Thousands with a comma (es_GT), whatever the browser's locale: 150,000 or 150k, never 150.000.
    assert y_ticks and not any(re.search(r"\d\.\d{3}\b|\d,\d{1,2}\b", t) for t in y_ticks), y_ticks
    assert page.locator('[data-testid="stException"]').count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "formats_flows_es_1280.png"))
    context.close()
