"""One truth: the same question gets the same answer on every page, with its scope and period in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import reference
from geo.db import make_engine
from geo.flows import queries as flows
from geo.i18n import fmt_compact, t
from geo.overview import figures as ov
from geo.periods import Period, add_months, default_period, months_between, previous_period
from geo.scope import scope_countries, scope_text

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60


def run(page: str, lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "screens" / page), default_timeout=TIMEOUT)
    at.query_params.update({"lang": lang, **params})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption) + " " + " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_overview_and_flows_page_show_the_same_crossings_and_say_what_they_count(app_env: str, lang: str) -> None:
    overview = run("overview.py", lang)
    flows_page = run("flows.py", lang)
    shown = metric(overview, t("ov.kpi.flows", lang))
    assert metric(flows_page, t("flows.kpi.total", lang)) == shown
    # the number is the programme's posts over the default period, and both pages say so in words
    engine = make_engine(app_env)
    period = ov.default_period(engine)
    total = flows.totals(engine, flows.FlowFilters(period.first, period.last, reference.CA4))["total"]
    assert shown == fmt_compact(total, lang)
    for at in (overview, flows_page):
        text = captions(at)
        assert scope_text("programme", (), lang) in text and period.label(lang) in text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_same_filters_give_the_same_number_everywhere(app_env: str, lang: str) -> None:
    engine = make_engine(app_env)
    months = ov.available_months(engine)
    period = Period(months[-6], months[-2])
    params = {"from": period.first.strftime("%Y-%m"), "to": period.last.strftime("%Y-%m"), "country": "HND"}
    overview = metric(run("overview.py", lang, **params), t("ov.kpi.flows", lang))
    flows_page = metric(run("flows.py", lang, **params), t("flows.kpi.total", lang))
    figures = ov.overview_figures(engine, period, ("HND",))  # what the slides and the brief are drawn from
    assert overview == flows_page == fmt_compact(figures.flows["total"], lang)
    with_neighbours = metric(run("flows.py", lang, **{**params, "country": "", "scope": "all"}),
                             t("flows.kpi.total", lang))
    total_all = flows.totals(engine, flows.FlowFilters(period.first, period.last))["total"]
    assert with_neighbours == fmt_compact(total_all, lang)


def test_the_workshops_page_opens_on_the_overviews_period(app_env: str) -> None:
    overview = run("overview.py", "en")
    workshops = run("workshops.py", "en")
    assert metric(workshops, t("ws.kpi.workshops", "en")) == metric(overview, t("ov.kpi.workshops", "en"))


def test_period_arithmetic() -> None:
    import datetime as dt

    jan, dec = dt.date(2026, 1, 1), dt.date(2025, 12, 1)
    assert add_months(jan, -1) == dec and add_months(dec, 1) == jan and add_months(jan, 25) == dt.date(2028, 2, 1)
    assert months_between(dec, dt.date(2026, 2, 14)) == [dec, jan, dt.date(2026, 2, 1)]
    assert months_between(jan, dec) == []
    assert previous_period(dt.date(2025, 11, 1), dt.date(2026, 10, 1)) == (dt.date(2024, 11, 1), dt.date(2025, 10, 1))
    period = default_period(months_between(dt.date(2024, 1, 1), dt.date(2026, 10, 1)))
    assert (period.first, period.last, period.months) == (dt.date(2025, 11, 1), dt.date(2026, 10, 1), 12)
    assert period.end == dt.date(2026, 10, 31) and period.previous().last == dt.date(2025, 10, 1)
    assert scope_countries("programme") == reference.CA4 and scope_countries("all") == ()
    assert scope_countries("programme", ("MEX",)) == ("MEX",)
