"""Months and scope, one rule each: THE month parser and period arithmetic in geo.periods, what a figure counts in
geo.scope, and every page opening on the default period and scope those give."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import periods, reference, scope
from geo.db import make_engine
from geo.flows import queries as flows
from geo.io.parsers import parse_file_month
from geo.io.schema import Field
from geo.overview import figures as ov
from geo.overview import highlights as hl
from geo.programme import returns as rt

REPO = Path(__file__).resolve().parent.parent
SOURCES = [p for folder in ("geo", "screens", "views", "bench", "scripts", "tests")
           for p in (REPO / folder).rglob("*.py")
           if p.name != "test_periods_scope.py"]  # this file names what it looks for
SOURCES += [REPO / "app.py", REPO / "ui.py"]
PERIOD_FUNCTIONS = ("add_months", "last_day", "month_param", "month_start", "months_between", "previous_period",
                    "parse_month")
# Pages that show data over a period of months (the others have no period, or a date filter of their own).
PERIOD_PAGES = ("overview.py", "flows.py", "projects.py", "workshops.py", "present.py")

# (text, month or None): links, the CLI's --month and highlight figures all read a month this way.
MONTHS = [
    ("2026-10", dt.date(2026, 10, 1)), (" 2026-10 ", dt.date(2026, 10, 1)), ("1999-01", dt.date(1999, 1, 1)),
    ("2026-1", None), ("26-10", None), ("+2026-10", None), ("2026-010", None), ("2026-13", None),
    ("2026-00", None), ("0000-01", None), ("２０２６-10", None), ("٢٠٢٦-10", None), ("2026-10-01", None),
    ("10-2026", None), ("2026/10", None), ("octubre", None), ("x<b>", None), ("", None), (None, None),
]


@pytest.mark.parametrize(("text", "month"), MONTHS)
def test_the_month_parser(text: str | None, month: dt.date | None) -> None:
    assert periods.parse_month(text) == month
    if month is not None:  # what a link writes, the parser reads back
        assert periods.parse_month(periods.month_param(month)) == month


@pytest.mark.parametrize("text", [t for t, m in MONTHS if m is not None])
def test_a_file_reads_a_link_month_the_same(text: str) -> None:
    """An import takes more spellings of a month (11/2025, nov 2025), but never reads THE form otherwise."""
    assert parse_file_month(text, Field("month", "month"), serials=False) == (periods.parse_month(text), None)


def test_one_month_parser_and_no_second_home_for_period_arithmetic() -> None:
    """A grep for the month parser's definition finds one; no module defines or re-exports geo.periods' functions."""
    defining = {p.relative_to(REPO).as_posix() for p in SOURCES
                if re.search(r"^\s*def _?parse_month\b", p.read_text(encoding="utf-8"), re.M)}
    assert defining == {"geo/periods.py"}
    names = "|".join(PERIOD_FUNCTIONS)
    for path in SOURCES:
        if path.name == "periods.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(rf"^\s*def ({names})\(", text, re.M), path
        # Reached through another module (flows.add_months): call geo.periods directly.
        assert not re.search(rf"\b(?:flows|queries|hl|highlights|ov|figures)\.({names}|Period)\b", text), path
        assert not re.search(r"from geo\.periods import[^\n]*noqa: F401", text), path


def test_today_is_the_regions_date_and_asked_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """"Today" (freshness, overdue components, default periods, the brief's date) is the region's date from
    geo.periods.today, never the server's: at 03:00 UTC on 1 December it is still 30 November in Guatemala."""
    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(periods.dt, "datetime", Clock)
    assert periods.today() == dt.date(2026, 11, 30)
    monkeypatch.setenv("CA4_TIMEZONE", "Europe/Madrid")
    assert periods.today() == dt.date(2026, 12, 1)
    asking = {p.relative_to(REPO).as_posix() for p in SOURCES if not p.is_relative_to(REPO / "tests")
              and re.search(r"\bdate\.today\(\)|datetime\.now\(\)\.date\(\)", p.read_text(encoding="utf-8"))}
    assert asking == set(), f"ask geo.periods.today() instead: {sorted(asking)}"


def test_no_page_builds_its_own_period() -> None:
    """A page's default period is periods.default_period (or the overview's, which is it over its months),
    never a hand-made "last 12 months"."""
    hand_made = re.compile(r"len\(months\)\s*-\s*\d+|date_range\(|replace\(day=1\)|relativedelta|- ?12\b")
    for path in sorted((REPO / "screens").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not hand_made.search(text), (path.name, hand_made.search(text))
        if path.name in PERIOD_PAGES:
            assert "default_period(" in text, path.name


# ------------------------------------------------------------------ scope
def test_one_scope_rule_for_the_overview_and_the_highlights() -> None:
    """The overview's figures, slides, brief and highlights count the programme's countries through geo.scope."""
    assert scope.programme_countries() == scope.scope_countries(scope.DEFAULT_SCOPE) == reference.CA4
    assert scope.programme_countries(("HND", "MEX")) == ("HND",)  # a neighbour in a link is dropped
    assert scope.programme_countries(("MEX",)) == reference.CA4
    assert hl.Scope(("MEX", "NIC")).ca4 == scope.programme_countries(("MEX", "NIC"))
    # All four chosen is the programme, and said so; a part of it is named.
    assert scope.scope_text("programme", reference.CA4, "en") == scope.scope_text("programme", (), "en")
    assert "Honduras" in scope.scope_text("programme", ("HND",), "en")


def test_the_ca4_is_defined_once() -> None:
    literal = re.compile(r"""\(\s*["']GTM["'],\s*["']SLV["'],\s*["']HND["'],\s*["']NIC["']\s*\)""")
    code = [p for p in SOURCES if "tests" not in p.relative_to(REPO).parts]  # tests may write their data out
    defining = {p.relative_to(REPO).as_posix() for p in code if literal.search(p.read_text(encoding="utf-8"))}
    assert defining == {"geo/reference.py"}


# ------------------------------------------------------------------ every page's defaults
def _run(page: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "screens" / page), default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.caption, *at.markdown])


def test_every_page_opens_on_the_default_period_and_scope(app_env: str) -> None:
    """Opened with no link parameters, each page with a period shows periods.default_period over its months
    and counts scope's default (the programme's posts), and says so in scope.figure_caption's words."""
    engine = make_engine(app_env)
    overview_months = ov.available_months(engine)
    default = periods.default_period(overview_months)
    assert ov.default_period(engine) == default
    caption = scope.figure_caption(scope.DEFAULT_SCOPE, (), default, "en")

    at = _run("overview.py")
    assert at.select_slider(key="ov_period").value == (default.first, default.last)
    assert at.multiselect(key="ov_countries").value == []  # nothing chosen: the scope decides (all four)
    assert caption in _text(at)

    at = _run("flows.py")
    flow_default = periods.default_period(periods.months_between(*flows.month_range(engine)))
    assert at.select_slider(key="period").value == (flow_default.first, flow_default.last)
    assert at.segmented_control(key="scope").value == scope.DEFAULT_SCOPE
    assert scope.figure_caption(scope.DEFAULT_SCOPE, (), flow_default, "en") in _text(at)

    at = _run("projects.py")
    return_default = periods.default_period(periods.months_between(*rt.month_span(engine)))
    assert at.select_slider(key="returns_period").value == (return_default.first, return_default.last)
    assert at.multiselect(key="ret_countries").value == []

    at = _run("workshops.py")
    assert tuple(at.date_input(key="ws_period").value) == (default.start, default.end)
    assert caption in _text(at)
