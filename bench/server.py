"""`python -m bench server` (and `python -m geo bench`): the key queries, and each page that reads flows
under Streamlit's AppTest, at N flow rows.

Each page that reads flow tables (found by watching the SQL of a first run) is run under AppTest; then,
`repeat` times, a filter changes, every st.cache_data is cleared (so the run pays for its queries, as a
never-seen filter combination does) and the script runs again. A page's time is the wall time of
`AppTest.run()`: the script run plus AppTest's own parsing of the elements, measured with public APIs only
(no patched Streamlit internals). What a user feels in a browser is measured by `python -m bench e2e`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, event

from bench.database import ensure_bench_database
from geo import periods
from geo.config import REPO_ROOT

PAGE_TIMEOUT_S = 300


@dataclass
class Timing:
    name: str
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return float(statistics.median(self.samples_ms))

    @property
    def p90(self) -> float:
        return float(np.percentile(self.samples_ms, 90))

    def line(self, kind: str) -> str:
        return f"{kind:6s} {self.name:34s} p50 {self.p50:8.1f} ms   p90 {self.p90:8.1f} ms   (n={len(self.samples_ms)})"


# ------------------------------------------------------------------------------------------ queries
def time_queries(engine: Engine, repeat: int) -> list[Timing]:
    """The flows page's queries and the map's, each run `repeat` times without any cache."""
    from geo.flows import queries as flows
    from geo.posts.queries import post_profile, posts_frame

    first, last = flows.month_range(engine)
    default = periods.default_period(periods.months_between(first, last))  # THE default period, as pages open on
    year = flows.FlowFilters(default.first, default.last)
    top_nats = flows.nationalities(engine)[:2]
    cases: dict[str, Callable[[], object]] = {
        "flows.summary (12 months)": lambda: flows.summary(engine, year),
        "flows.totals (previous period)": lambda: flows.totals(engine, year),
        "flows.series day": lambda: flows.series(engine, year, "day"),
        "flows.series week": lambda: flows.series(engine, year, "week"),
        "flows.series month (all data)": lambda: flows.series(engine, year.with_period(first, last), "month"),
        "flows.series week, 2 nationalities": lambda: flows.series(
            engine, flows.FlowFilters(year.start, year.end, nationalities=tuple(top_nats)), "week"),
        "flows.summary, GTM land, entries": lambda: flows.summary(
            engine, flows.FlowFilters(year.start, year.end, ("GTM",), ("land",), ("entry",))),
        "flows.export_frame (12 months)": lambda: flows.export_frame(engine, year),
        "posts.posts_frame (map)": lambda: posts_frame(engine),
        "posts.post_profile (map panel)": lambda: post_profile(engine, "GTM-TUM"),
    }
    timings = []
    for name, run in cases.items():
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        timings.append(Timing(name, samples))
    return timings


# ------------------------------------------------------------------------------------------ pages
def _flows_page_changes(at, step: int) -> None:
    """A different filter combination on each step, cycling through every kind of filter."""
    changes = [
        ("dir", ["entry"]), ("dir", []), ("nat", "first"), ("nat", []), ("country", ["GTM"]),
        ("type", ["land"]), ("country", []), ("type", []), ("grain", "day"), ("grain", "month"),
        ("grain", "week"), ("period", -6), ("period", 0), ("top", 5), ("top", 8),
    ]
    key, value = changes[step % len(changes)]
    if key == "nat":
        widget = at.multiselect(key="nat")
        widget.set_value([widget.options[0]] if value == "first" else [])
    elif key == "period":
        slider = at.select_slider(key="period")
        months = slider.options
        first = max(0, len(months) - 12 + value)
        slider.set_range(*[_month_of(at, months[i]) for i in (first, min(first + 11, len(months) - 1))])
    elif key == "grain":
        at.segmented_control(key="grain").set_value(value)
    elif key == "top":
        at.slider(key="top").set_value(value)
    else:
        at.multiselect(key=key).set_value(value)


def _month_of(at, label: str) -> dt.date:
    """The month a select_slider option label stands for (the page shows months by name)."""
    from geo.flows import queries as flows
    from geo.i18n import fmt_month

    first, last = flows.month_range(_engine_of_env())
    by_label = {fmt_month(m, at.query_params.get("lang", "es")): m for m in periods.months_between(first, last)}
    return by_label[label]


def _engine_of_env() -> Engine:
    from geo.db import get_engine

    return get_engine(os.environ["DATABASE_URL"])


def _map_page_changes(at, step: int) -> None:
    countries = [["GTM"], ["HND"], ["SLV", "NIC"], []]
    at.multiselect[0].set_value(countries[step % len(countries)])


PAGE_CHANGES: dict[str, Callable] = {"screens/flows.py": _flows_page_changes, "screens/map.py": _map_page_changes}


def _rerun_only(at, step: int) -> None:
    """Pages without a known filter: a rerun with cleared caches stands for the change."""


def pages_reading_flows(url: str) -> list[str]:
    """Pages whose first run queries a flow table (watched through the engine's SQL)."""
    from streamlit.testing.v1 import AppTest

    from geo.db import get_engine

    engine = get_engine(url)
    seen: set[str] = set()
    current: list[str] = []

    def watch(conn, cursor, statement, *_args) -> None:
        if "flow_" in statement.lower() and current:
            seen.add(current[0])

    event.listen(engine, "before_cursor_execute", watch)
    try:
        for page in sorted(p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "screens").glob("*.py")):
            current[:] = [page]
            at = AppTest.from_file(str(REPO_ROOT / page), default_timeout=PAGE_TIMEOUT_S)
            at.query_params["lang"] = "en"
            with contextlib.suppress(Exception):
                at.run()
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    return sorted(seen | ({"screens/flows.py", "screens/map.py"} & {p for p in PAGE_CHANGES
                                                                   if (REPO_ROOT / p).exists()}))


def _variants(page: str) -> list[tuple[str, dict[str, str]]]:
    """(name, extra URL parameters) to time for a page: the flows page also with a comparison open."""
    if page != "screens/flows.py":
        return [(page, {})]
    from geo.flows import queries as flows

    first, _last = flows.month_range(_engine_of_env())
    compare = {"cmp_from": periods.month_param(first), "cmp_to": periods.month_param(periods.add_months(first, 11))}
    return [(page, {}), (f"{page} comparing", compare)]


def time_pages(url: str, pages: list[str], repeat: int) -> list[Timing]:
    """The wall time of `AppTest.run()` for `repeat` filter changes per page (and variant)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    timings = []
    for page in pages:
        for name, query in _variants(page):
            at = AppTest.from_file(str(REPO_ROOT / page), default_timeout=PAGE_TIMEOUT_S)
            at.query_params.update({"lang": "en", **query})
            at.run()  # the first run: imports, engine, reference data
            if at.exception:
                raise RuntimeError(f"{name} failed: {[e.value for e in at.exception][:1]}")
            change = PAGE_CHANGES.get(page, _rerun_only)
            samples = []
            for step in range(repeat):
                change(at, step)
                st.cache_data.clear()
                started = time.perf_counter()
                at.run()
                samples.append((time.perf_counter() - started) * 1000)
                if at.exception:
                    raise RuntimeError(f"{name} failed at step {step}: {[e.value for e in at.exception][:1]}")
            timings.append(Timing(name, samples))
    return timings


def run_bench(rows: int, seed: int, repeat: int = 15, report: Callable[[str], None] = print) -> float:
    """Build or reuse the database, time queries and pages, print them; returns the worst page p50."""
    from geo.db import get_engine

    url = ensure_bench_database(rows, seed, report)
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))  # pages import ui from the repository root
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url  # only this process, so the pages open the bench database
    try:
        engine = get_engine(url)
        report(f"key queries ({repeat} runs each, no cache):")
        for timing in time_queries(engine, repeat):
            report(timing.line("query"))
        pages = pages_reading_flows(url)
        report(f"pages reading flows: {', '.join(pages)}")
        report(f"pages ({repeat} filter changes each, caches cleared before each run; AppTest.run wall time):")
        timings = time_pages(url, pages, repeat)
        for timing in timings:
            report(timing.line("page"))
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
    return max(t.p50 for t in timings)
