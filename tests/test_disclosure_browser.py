"""Counts of vulnerable people on the rendered pages (headless Chromium), at the links the issue tried: the
flows page's minors, the projects and overview pages' returns, one country subset against another. Every
figure read off the screen is a published one (geo.disclosure): a multiple of 5 or '<5', the same on every
page, and a difference of two views is never 1 to 4."""

from __future__ import annotations

import datetime as dt

import pytest

from geo import disclosure
from geo.db import make_engine
from geo.flows import queries as fq
from geo.programme import returns as rt
from geo.reference import CA4
from tests.browser import wait_idle

pytestmark = pytest.mark.browser

MONTH = dt.date(2026, 9, 1)


def _metric_values(browser, urls: list[str], count: int = 4) -> list[list[str]]:
    """The values of each page's metrics, in order, once at least `count` are drawn. The pages are opened
    together (their runs overlap), at a laptop's size: the metrics are read from the page, not its pixels."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pages = []
    for url in urls:
        pages.append(context.new_page())
        pages[-1].goto(url, wait_until="commit")
    values = []
    for page in pages:
        page.locator("h1").first.wait_for(timeout=60_000)
        wait_idle(page)
        page.locator('[data-testid="stMetricValue"]').nth(count - 1).wait_for(timeout=30_000)
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        values.append([v.strip() for v in page.locator('[data-testid="stMetricValue"]').all_inner_texts()])
    context.close()
    return values


def _number(text: str) -> int:
    return 0 if text == disclosure.SMALL else int(text.replace(",", ""))


def test_flows_page_minors_are_published_figures(browser, app_url: str, app_db_url: str) -> None:
    engine = make_engine(app_db_url)
    published = fq.minors(engine, fq.FlowFilters(MONTH, MONTH, ("GTM",), ("air",)))
    exact = fq.minors(engine, fq.FlowFilters(MONTH, MONTH, ("GTM",), ("air",)), exact=True)
    engine.dispose()
    [values] = _metric_values(browser, [f"{app_url}/flows?lang=es&country=GTM&type=air&from=2026-09&to=2026-09"], 5)
    minors = values[4]  # total, entries, exits, balance, minors
    assert minors == disclosure.text(published, "es")
    assert _number(minors) % 5 == 0
    assert minors == disclosure.SMALL or minors != str(exact) or exact % 5 == 0  # the exact count is not shown
    # (A direction filter's "—" and the staff's exact figure: tests/test_disclosure.py, under AppTest.)


def test_returns_differencing_on_the_pages_gives_nothing_away(browser, app_url: str, app_db_url: str) -> None:
    period = "from=2024-01&to=2024-01"  # the month the issue found Guatemala's 1 trafficking victim in
    everyone, others = (values[:4] for values in _metric_values(
        browser, [f"{app_url}/projects?lang=en&{period}", f"{app_url}/projects?lang=en&{period}&country=SLV,HND,NIC"]))
    engine = make_engine(app_db_url)
    month = dt.date(2024, 1, 1)
    frame = rt.returns_frame(engine, month, month, CA4)
    guatemala = rt.public_category_totals(rt.returns_frame(engine, month, month, ("GTM",)), "en")
    engine.dispose()
    for whole, rest, key in zip(everyone, others, ("total", *rt.RETURN_CATEGORIES), strict=True):
        derived = _number(whole) - _number(rest)
        assert derived % 5 == 0 and not 1 <= derived <= 4
        assert derived == _number(guatemala[key])  # totals are sums of their parts: nothing new learnt
    assert everyone == [rt.public_category_totals(frame, "en")[k] for k in ("total", *rt.RETURN_CATEGORIES)]
    # (The overview's returns card against the same figure: tests/test_disclosure.py, under AppTest.)
