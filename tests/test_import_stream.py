"""Flows imports read, checked and written in chunks (issue 15): the same result for any chunk size,
progress as the import advances, the size guard before reading, all-or-nothing to the last chunk."""

from __future__ import annotations

import io
import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bench.importing import write_flows_csv
from geo.access.auth import Actor
from geo.db import data_version, make_engine, migrate
from geo.io.imports import import_data
from geo.io.report import ImportProgress
from geo.models import FlowCount, FlowMonthly
from geo.posts.checks import database_problems
from geo.sample import seed_all
from tests.data_helpers import snapshot
from tests.support import copy_sqlite

REPO = Path(__file__).resolve().parent.parent
EDITOR = Actor("ana", "editor")
ROWS = 3_000
_FILES: dict[int, bytes] = {}


def flows_csv(rows: int = ROWS) -> bytes:
    """A valid flows CSV of `rows` rows (the sample generator's rows, written as an export writes them)."""
    if rows not in _FILES:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "flows.csv"
            assert write_flows_csv(path, rows) == rows
            _FILES[rows] = path.read_bytes()
    return _FILES[rows]


def no_flows(engine: Engine) -> Engine:
    """Reference records and sample records of the other kinds, but no flow rows."""
    migrate(engine)
    seed_all(engine, flows_rows=0)
    return engine


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Engine:
    template = tmp_path.parent / "stream_template" / "db.sqlite"
    if not template.exists():
        template.parent.mkdir(exist_ok=True)
        engine = no_flows(make_engine(f"sqlite:///{template}"))
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    engine = make_engine(copy_sqlite(f"sqlite:///{template}", tmp_path / "db.sqlite"))
    yield engine
    engine.dispose()


@pytest.fixture
def any_db(migrated_engine: Engine) -> Engine:
    """No flows, on SQLite and on PostgreSQL (when CA4_TEST_DATABASE_URL is set)."""
    return no_flows(migrated_engine)


def flow_rows(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(FlowCount.day, FlowCount.post_id, FlowCount.direction, FlowCount.nationality,
                                   FlowCount.sex, FlowCount.age_band, FlowCount.prev_country, FlowCount.next_country,
                                   FlowCount.count, FlowCount.unaccompanied_minors, FlowCount.is_sample)).all()
    return sorted(tuple(str(v) for v in row) for row in rows)


def problems(report) -> list[tuple]:
    return sorted((p.row or 0, p.column or "", p.key, sorted(p.params.items())) for p in report.problems)


def with_lines(data: bytes, replace: dict[int, str] | None = None, append: list[str] | None = None) -> bytes:
    """The file with data rows replaced (1 = the first data row) or rows added at the end."""
    lines = data.decode().splitlines()
    for number, line in (replace or {}).items():
        lines[number] = line
    return ("\n".join(lines + (append or [])) + "\n").encode()


# ------------------------------------------------------------------------------------------ same result
def test_any_chunk_size_writes_the_same_rows(tmp_path: Path, sqlite_db: Engine) -> None:
    data = flows_csv()
    other = make_engine(copy_sqlite(str(sqlite_db.url), tmp_path / "other.sqlite"))
    whole = import_data(sqlite_db, EDITOR, "flows", data, "flows.csv", chunk_rows=1_000_000)
    chunked = import_data(other, EDITOR, "flows", io.BytesIO(data), "flows.csv", chunk_rows=7)
    assert whole.ok and chunked.ok
    assert (whole.rows, whole.added) == (chunked.rows, chunked.added) == (ROWS, ROWS)
    assert flow_rows(sqlite_db) == flow_rows(other)
    # The same file again, in chunks: every row is found stored and unchanged; one changed count is updated.
    again = import_data(other, EDITOR, "flows", data, "flows.csv", chunk_rows=250)
    assert (again.added, again.updated, again.unchanged) == (0, 0, ROWS)
    lines = data.decode().splitlines()
    fields = lines[1500].split(",")
    fields[8] = str(int(fields[8]) + 5)
    changed = import_data(other, EDITOR, "flows", with_lines(data, {1500: ",".join(fields)}), "c.csv", chunk_rows=250)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, ROWS - 1)
    assert not [p for p in database_problems(other) if p.kind == "rollup"]
    other.dispose()


def test_problems_and_row_numbers_do_not_depend_on_the_chunks(sqlite_db: Engine) -> None:
    data = flows_csv(60)
    lines = data.decode().splitlines()
    header, rows = lines[0], lines[1:]
    bad_post = rows[9].split(",")
    bad_post[1] = "ZZZ-999"
    future = rows[20].split(",")
    future[0] = "2099-01-01"
    edited = [header, *rows[:9], ",".join(bad_post), *rows[10:20], ",".join(future), *rows[21:]]
    # The 10th data row (file row 11) is the last of the first chunk of 10; the copy of data row 3 and
    # of data row 10 land in later chunks; a copy of the 30th row sits right after it (same chunk or not).
    edited += [rows[2], rows[29], rows[11]]
    data = ("\n".join(edited) + "\n").encode()
    before = snapshot(sqlite_db)
    reports = {size: import_data(sqlite_db, EDITOR, "flows", data, "bad.csv", chunk_rows=size)
               for size in (1, 3, 10, 61, 1000)}
    expected = problems(reports[1000])
    assert [key for _row, _column, key, _params in expected].count("data.err.duplicate") == 3
    assert (62, "day", "data.err.duplicate", [("first", 4)]) in expected  # row 62 repeats file row 4
    assert (11, "post_code", "data.err.unknown_post", [("value", "ZZZ-999")]) in expected
    assert any(row == 22 and key == "data.err.future" for row, _c, key, _p in expected)
    for size, report in reports.items():
        assert problems(report) == expected, size
        assert report.rows == 63 and not report.written
    assert snapshot(sqlite_db) == before


def test_a_reading_problem_in_a_later_chunk_is_reported_alone(sqlite_db: Engine) -> None:
    data = flows_csv(40)
    lines = data.decode().splitlines()
    bad_date = lines[2].split(",")
    bad_date[0] = "31/02/2025"  # a row problem in the first chunk ...
    cut = lines[35].rsplit(",", 3)[0]  # ... and a row cut short in the last one
    data = with_lines(data, {2: ",".join(bad_date), 35: cut})
    for size in (5, 1000):
        report = import_data(sqlite_db, EDITOR, "flows", data, "cut.csv", chunk_rows=size)
        assert [(p.row, p.key) for p in report.problems] == [(36, "data.err.short_row")], size


# ------------------------------------------------------------------------------------------ progress
def test_progress_counts_rise_to_the_total(any_db: Engine) -> None:
    steps: list[ImportProgress] = []
    report = import_data(any_db, EDITOR, "flows", flows_csv(), "flows.csv", progress=steps.append, chunk_rows=500)
    assert report.ok and report.added == ROWS
    reading = [s for s in steps if s.stage == "reading"]
    assert len(reading) == ROWS // 500
    assert [s.rows_read for s in reading] == list(range(500, ROWS + 1, 500))
    assert [s.rows_written for s in reading] == list(range(500, ROWS + 1, 500))
    assert [s.stage for s in steps[len(reading):]] == ["rollups", "saving", "done"]
    for earlier, later in itertools.pairwise(steps):
        assert later.fraction >= earlier.fraction and later.elapsed >= earlier.elapsed
        assert later.rows_checked >= earlier.rows_checked
    assert all(s.rows_written <= s.rows_checked <= s.rows_read for s in steps)  # as of the same chunk
    last = steps[-1]
    assert (last.rows_read, last.rows_checked, last.rows_written, last.fraction) == (ROWS, ROWS, ROWS, 1.0)


def run_cli(*args: str, url: str, **kwargs) -> subprocess.Popen | subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, **kwargs)


def test_cli_prints_progress_on_stderr(sqlite_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_bytes(flows_csv())
    result = run_cli("import", "flows", str(path), "--progress", "--chunk-rows", "300", url=str(sqlite_db.url))
    assert result.returncode == 0, result.stderr
    out = result.stdout.strip().splitlines()
    assert out[0] == f"flows.csv: {ROWS:,} rows; {ROWS:,} added, 0 updated, 0 unchanged."
    # The sample's rows carry its planted mirror gap (Las Manos): saved, and said as data warnings.
    assert all(line.startswith("WARNING flows.csv: Saved.") and "Las Manos" in line for line in out[1:]), out[1:3]
    lines = result.stderr.splitlines()
    assert len(lines) >= ROWS // 300 and all(line.startswith("import ") for line in lines)
    assert "1,500 rows read" in result.stderr
    assert lines[-1].startswith("import 100 % · Done: 3,000 rows read, 3,000 checked, 3,000 written")
    # Without --progress nothing is printed on stderr during the first 2 s (a quick import prints nothing; on
    # a loaded machine this one may pass 2 s, and then only lines stamped 2 s or later may appear).
    quiet = run_cli("import", "flows", str(path), "--dry-run", url=str(sqlite_db.url))
    assert quiet.returncode == 0
    stamps = [float(line.rsplit(", ", 1)[1].removesuffix(" s")) for line in quiet.stderr.splitlines()]
    assert all(stamp >= 2.0 for stamp in stamps), quiet.stderr
    assert run_cli("import", "flows", str(path), "--chunk-rows", "0", url=str(sqlite_db.url)).returncode == 2


# ------------------------------------------------------------------------------------------ size guard
class CountingFile(io.BytesIO):
    """A file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        block = super().read(size)
        self.bytes_read += len(block)
        return block


def test_the_size_guard_refuses_before_reading(sqlite_db: Engine) -> None:
    handle = CountingFile(flows_csv())
    report = import_data(sqlite_db, EDITOR, "flows", handle, "big.csv", max_bytes=10_000)
    assert [p.key for p in report.problems] == ["data.err.too_large"]
    assert handle.bytes_read == 0


def test_cli_size_guard(sqlite_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(flows_csv())
    env_limit = {"CA4_IMPORT_MAX_MB": "0.01"}
    result = subprocess.run([sys.executable, "-m", "geo", "import", "flows", str(path)], cwd=REPO,
                            env={**os.environ, "DATABASE_URL": str(sqlite_db.url), **env_limit},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "MB" in result.stdout and "Traceback" not in result.stderr


# ------------------------------------------------------------------------------------------ all or nothing
def test_a_problem_in_the_last_chunk_writes_nothing(any_db: Engine) -> None:
    data = flows_csv()
    last = data.decode().splitlines()[ROWS].split(",")
    last[8] = "-1"
    before, version = snapshot(any_db), data_version(any_db)
    report = import_data(any_db, EDITOR, "flows", with_lines(data, {ROWS: ",".join(last)}), "late.csv",
                         chunk_rows=500)
    assert [(p.row, p.key) for p in report.problems] == [(ROWS + 1, "data.err.negative")]
    assert snapshot(any_db) == before and data_version(any_db) == version
    with any_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(FlowCount)).scalar_one() == 0


def test_a_failure_while_writing_a_later_chunk_writes_nothing(any_db: Engine,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.flows import writer as writers

    calls = {"n": 0}
    original = writers.FlowWriter.add

    def fail_on_the_fourth(self, frame):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("the disk is full")
        return original(self, frame)

    monkeypatch.setattr(writers.FlowWriter, "add", fail_on_the_fourth)
    before = snapshot(any_db)
    report = import_data(any_db, EDITOR, "flows", flows_csv(), "flows.csv", chunk_rows=500)
    assert [p.key for p in report.problems] == ["data.err.internal"] and not report.written
    assert snapshot(any_db) == before


def test_a_killed_import_leaves_the_database_unchanged(sqlite_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_bytes(flows_csv())
    before = snapshot(sqlite_db)
    env = {**os.environ, "DATABASE_URL": str(sqlite_db.url)}
    child = subprocess.Popen([sys.executable, "-m", "geo", "import", "flows", str(path), "--progress",
                              "--chunk-rows", "100"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        for line in child.stderr:  # killed once rows have been written, long before the commit
            if " 1,000 written" in line or " 1,100 written" in line:
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert snapshot(sqlite_db) == before


def test_an_import_keeps_the_rollups_exact_and_refreshes_the_data_version(any_db: Engine) -> None:
    version = data_version(any_db)
    report = import_data(any_db, EDITOR, "flows", flows_csv(), "flows.csv", chunk_rows=400)
    assert report.ok and report.written
    assert data_version(any_db) != version
    with any_db.connect() as conn:
        raw = conn.execute(select(func.sum(FlowCount.count))).scalar_one()
        rolled = conn.execute(select(func.sum(FlowMonthly.count))).scalar_one()
    assert raw == rolled > 0
    assert not [p for p in database_problems(any_db) if p.kind == "rollup"]


def test_a_dry_run_in_chunks_counts_what_the_import_would_write(sqlite_db: Engine) -> None:
    before = snapshot(sqlite_db)
    dry = import_data(sqlite_db, EDITOR, "flows", flows_csv(), "flows.csv", dry_run=True, chunk_rows=700)
    assert dry.ok and dry.added == ROWS and not dry.written
    assert snapshot(sqlite_db) == before
