"""Eight imports of the same new flows file started together on one database: one writes the rows; each of
the others waits its turn and finds them stored ("unchanged"), or ends with a plain "busy / already
imported, try again" message. Never a traceback, never a row twice, roll-ups consistent."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from geo.access.auth import Actor
from geo.io.imports import import_data
from geo.io.report import ImportReport
from geo.models import FlowCount
from geo.posts.checks import database_problems
from tests.data_helpers import seeded_sqlite

EDITOR = Actor("parallel-test", "editor")
PARALLEL = 8
NATIONALITIES = ("GTM", "SLV", "HND", "NIC", "MEX", "VEN", "HTI", "CUB")


def new_flows_csv() -> tuple[bytes, int]:
    """Rows for 2023 (before the sample's first day): all new to the seeded database."""
    lines = ["day,post_code,direction,nationality,sex,age_band,count"]
    day = dt.date(2023, 1, 1)
    while day.year == 2023:
        for direction in ("entry", "exit"):
            for nationality in NATIONALITIES:
                lines.append(f"{day.isoformat()},GTM-PDA,{direction},{nationality},F,18-29,{day.day % 7 + 1}")
        day += dt.timedelta(days=1)
    return ("\n".join(lines) + "\n").encode(), len(lines) - 1


def flow_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(FlowCount)).scalar_one())


def test_eight_parallel_imports_of_one_file(tmp_path: Path) -> None:
    engine = seeded_sqlite(tmp_path, flows_rows=500)
    data, rows = new_flows_csv()
    before = flow_rows(engine)
    barrier = threading.Barrier(PARALLEL)
    reports: list[ImportReport] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            report = import_data(engine, EDITOR, "flows", data, "same.csv")
        except BaseException as error:  # a traceback is the failure this test is about
            with lock:
                errors.append(error)
            return
        with lock:
            reports.append(report)

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    assert len(reports) == PARALLEL
    writers = [r for r in reports if r.ok and r.added == rows]
    waited = [r for r in reports if r.ok and r.added == 0 and r.unchanged == rows]
    refused = [r for r in reports if not r.ok]
    assert len(writers) == 1, [(r.ok, r.added, r.unchanged, [p.key for p in r.problems]) for r in reports]
    assert len(writers) + len(waited) + len(refused) == PARALLEL
    for report in refused:
        assert {p.key for p in report.problems} <= {"data.err.busy", "data.err.concurrent"}, report.problems
        assert all(p.message("es") and p.row is None for p in report.problems)
    assert flow_rows(engine) == before + rows
    assert not [p for p in database_problems(engine) if p.subject.startswith(("roll-up", "flows"))]


@pytest.mark.parametrize("dry_run", [True])
def test_a_dry_run_next_to_an_import_is_not_refused(tmp_path: Path, dry_run: bool) -> None:
    engine = seeded_sqlite(tmp_path, flows_rows=500)
    data, rows = new_flows_csv()
    report = import_data(engine, EDITOR, "flows", data, "same.csv", dry_run=dry_run)
    assert report.ok and report.added == rows and not report.written
