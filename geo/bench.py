"""`python -m geo bench`: how fast the pages that read flows answer a filter change at N flow rows.

The benchmark builds (or reuses) a database of its own under <var dir>/bench/, one file per row count
and seed, never the app's database. Each page that reads flow tables (found by watching the SQL of a
first run) is run under Streamlit's AppTest; then, `repeat` times, a filter changes, every st.cache_data
is cleared (so the run pays for its queries, as a never-seen filter combination does) and the script
runs again. The server-side time of a run is from "script started" to "script stopped", which includes
building and serialising every element, but not AppTest's parsing of them (also printed, as apptest).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, event, func, select

from geo.config import REPO_ROOT, settings

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


def database_path(rows: int, seed: int) -> Path:
    return settings().var_dir / "bench" / f"flows-{rows}-seed{seed}.sqlite"


def _fast_bulk_load(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB of page cache: index inserts stay in memory
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _is_complete(path: Path, rows: int, seed: int) -> bool:
    from geo.db import make_engine
    from geo.models import DatasetState, FlowMonthly

    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            stored_seed = conn.execute(select(DatasetState.seed).where(DatasetState.kind == "flows")).scalar()
            stored_rows = conn.execute(select(func.coalesce(func.sum(FlowMonthly.rows), 0))).scalar_one()
        return stored_seed == seed and int(stored_rows) == rows
    except Exception:
        return False
    finally:
        engine.dispose()


def ensure_bench_database(rows: int, seed: int, report: Callable[[str], None] = print) -> str:
    """The URL of the benchmark database for (rows, seed), built if missing, migrated to head.

    Built under a temporary name and renamed when complete, so an interrupted build is never reused.
    """
    from geo.db import make_engine, migrate
    from geo.sample import seed_all

    path = database_path(rows, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not _is_complete(path, rows, seed):
        report(f"bench database {path} is incomplete or different: rebuilding")
        path.unlink()
    if not path.exists():
        building = path.with_name(path.name + ".building")
        for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            stale.unlink(missing_ok=True)
        report(f"building {path} with {rows:,} flow rows (seed {seed}); reused by later runs")
        started = time.perf_counter()
        engine = make_engine(f"sqlite:///{building}")
        event.listen(engine, "connect", _fast_bulk_load)
        migrate(engine)
        seed_all(engine, seed=seed, flows_rows=rows, report=lambda m: report(f"  {m}"))
        engine.dispose()  # the last connection closing checkpoints the WAL into the file
        os.replace(building, path)
        report(f"built in {time.perf_counter() - started:.0f} s")
    else:
        report(f"reusing {path}")
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)  # a database from an older schema gets the new roll-ups, filled from its raw rows
    engine.dispose()
    return f"sqlite:///{path}"


# ------------------------------------------------------------------------------------------ queries
def time_queries(engine: Engine, repeat: int) -> list[Timing]:
    """The flows page's queries and the map's, each run `repeat` times without any cache."""
    from geo.flows import queries as flows
    from geo.posts.queries import post_profile, posts_frame

    first, last = flows.month_range(engine)
    months = flows.months_between(first, last)
    year = flows.FlowFilters(months[max(0, len(months) - 12)], last)
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
@contextlib.contextmanager
def _script_clock() -> Iterator[list[tuple[float, float]]]:
    """Record (started, stopped) of every script run of AppTest's runner.

    AppTest gives each run a new script cache, so every run would recompile the page; a server keeps
    one cache for the life of the process, and so does the benchmark.
    """
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    shared_cache = ScriptCache()

    runs: list[tuple[float, float]] = []
    original = local_script_runner.LocalScriptRunner.__init__
    stops = {ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
             ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN}
    started: list[float] = []

    def patched(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._script_cache = shared_cache

        def clock(sender, event, **_kw) -> None:
            if event == ScriptRunnerEvent.SCRIPT_STARTED:
                started.append(time.perf_counter())
            elif event in stops and started:
                runs.append((started.pop(), time.perf_counter()))

        self._bench_clock = clock  # keep a strong reference: blinker holds receivers weakly by default
        self.on_event.connect(clock, weak=False)

    local_script_runner.LocalScriptRunner.__init__ = patched
    try:
        yield runs
    finally:
        local_script_runner.LocalScriptRunner.__init__ = original


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
    by_label = {fmt_month(m, at.query_params.get("lang", "es")): m for m in flows.months_between(first, last)}
    return by_label[label]


def _engine_of_env() -> Engine:
    from geo.db import get_engine

    return get_engine(os.environ["DATABASE_URL"])


def _map_page_changes(at, step: int) -> None:
    countries = [["GTM"], ["HND"], ["SLV", "NIC"], []]
    at.multiselect[0].set_value(countries[step % len(countries)])


PAGE_CHANGES: dict[str, Callable] = {"pages/flows.py": _flows_page_changes, "pages/map.py": _map_page_changes}


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
        for page in sorted(p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "pages").glob("*.py")):
            current[:] = [page]
            at = AppTest.from_file(str(REPO_ROOT / page), default_timeout=PAGE_TIMEOUT_S)
            at.query_params["lang"] = "en"
            with contextlib.suppress(Exception):
                at.run()
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    return sorted(seen | ({"pages/flows.py", "pages/map.py"} & {p for p in PAGE_CHANGES
                                                                   if (REPO_ROOT / p).exists()}))


def _variants(page: str) -> list[tuple[str, dict[str, str]]]:
    """(name, extra URL parameters) to time for a page: the flows page also with a comparison open."""
    if page != "pages/flows.py":
        return [(page, {})]
    from geo.flows import queries as flows

    first, _last = flows.month_range(_engine_of_env())
    compare = {"cmp_from": flows.month_param(first), "cmp_to": flows.month_param(flows.add_months(first, 11))}
    return [(page, {}), (f"{page} comparing", compare)]


def time_pages(url: str, pages: list[str], repeat: int) -> tuple[list[Timing], list[Timing]]:
    """(server-side script times, AppTest wall times) of `repeat` filter changes per page (and variant)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    server, wall = [], []
    with _script_clock() as runs:
        for page in pages:
            for name, query in _variants(page):
                at = AppTest.from_file(str(REPO_ROOT / page), default_timeout=PAGE_TIMEOUT_S)
                at.query_params.update({"lang": "en", **query})
                at.run()  # the first run: imports, engine, reference data
                if at.exception:
                    raise RuntimeError(f"{name} failed: {[e.value for e in at.exception][:1]}")
                change = PAGE_CHANGES.get(page, _rerun_only)
                script_ms, wall_ms = [], []
                for step in range(repeat):
                    change(at, step)
                    st.cache_data.clear()
                    runs.clear()
                    started = time.perf_counter()
                    at.run()
                    wall_ms.append((time.perf_counter() - started) * 1000)
                    if at.exception:
                        raise RuntimeError(f"{name} failed at step {step}: {[e.value for e in at.exception][:1]}")
                    script_ms.append(sum((stop - start) * 1000 for start, stop in runs))
                server.append(Timing(name, script_ms))
                wall.append(Timing(name, wall_ms))
    return server, wall


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
        report(f"pages ({repeat} filter changes each, caches cleared before each run):")
        server, wall = time_pages(url, pages, repeat)
        for timing in server:
            report(timing.line("page"))
        for timing in wall:
            report(timing.line("apptest"))
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
    return max(t.p50 for t in server)
