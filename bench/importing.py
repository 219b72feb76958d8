"""`python -m bench import --rows N`: the flows import as the command line runs it, timed.

Builds a valid N-row flows CSV (the sample generator's rows, written as the export writes them: post codes,
ISO dates), a fresh SQLite database with the reference records and no flows, then runs
`python -m geo import flows FILE` in a child process against it (the real CLI: reading, every check,
the one transaction, the roll-ups) and prints seconds and rows per second.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from geo.config import REPO_ROOT, settings

CSV_COLUMNS = ("day", "post_code", "direction", "nationality", "sex", "age_band", "prev_country", "next_country",
               "count", "unaccompanied_minors")


def write_flows_csv(path: Path, rows: int, seed: int = 2026) -> int:
    """Write `rows` valid flow rows (sample generator, real post codes) to `path`; returns rows written.
    Streams one generated frame at a time, so memory stays flat at any row count."""
    from sqlalchemy import select

    from geo.db import make_engine, migrate
    from geo.flows.draw import iter_flow_frames
    from geo.models import Post
    from geo.sample import _post_profiles, load_reference

    # The generator needs the posts (ids and profiles): a throwaway in-memory database gives them.
    engine = make_engine("sqlite://")
    migrate(engine)
    with engine.begin() as conn:
        load_reference(conn)
        profiles = _post_profiles(conn)
        codes = dict(conn.execute(select(Post.id, Post.code)).all())
    engine.dispose()
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for frame in iter_flow_frames(profiles, rows, seed):
            frame["post_code"] = frame["post_id"].map(codes)
            frame["day"] = frame["day"].map(lambda d: d.isoformat())
            writer.writerows(frame[list(CSV_COLUMNS)].itertuples(index=False, name=None))
            written += len(frame)
    return written


def fresh_database(path: Path) -> str:
    """A new SQLite database at `path`: migrated, reference records (countries, posts, projects), no flows."""
    from geo.db import make_engine, migrate
    from geo.sample import load_reference

    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        load_reference(conn)
    engine.dispose()
    return url


def run_import_bench(rows: int, seed: int = 2026, database_url: str | None = None,
                     report: Callable[[str], None] = print) -> float:
    """Build the file (reused when present) and the database, import through the CLI; returns seconds."""
    folder = settings().var_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"flows-import-{rows}-seed{seed}.csv"
    if not data.exists():
        building = data.with_name(data.name + ".building")
        report(f"writing {data} ({rows:,} rows)")
        written = write_flows_csv(building, rows, seed)
        if written != rows:
            raise RuntimeError(f"the generator gave {written} rows, not {rows}")
        os.replace(building, data)
    else:
        report(f"reusing {data}")
    url = prepared_database(database_url) if database_url else fresh_database(folder / f"import-{rows}.sqlite")
    report(f"importing into {url.split('@')[-1]} (load average {os.getloadavg()[0]:.2f})")
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    # Progress lines (stderr) show live; the summary (stdout) is printed after.
    result = subprocess.run([sys.executable, "-m", "geo", "import", "flows", str(data), "--progress"],
                            cwd=REPO_ROOT, env=env, text=True, stdout=subprocess.PIPE)
    seconds = time.perf_counter() - started
    for line in result.stdout.splitlines():
        report(f"  {line}")
    report(f"load average after: {os.getloadavg()[0]:.2f}")
    if result.returncode != 0:
        raise RuntimeError(f"the import failed (exit {result.returncode})")
    return seconds


def prepared_database(url: str) -> str:
    """A given database (e.g. a PostgreSQL schema) migrated, with the reference records, and no flow rows."""
    from sqlalchemy import func, select

    from geo.db import make_engine, migrate
    from geo.models import FlowCount, Post
    from geo.sample import load_reference

    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            if not conn.execute(select(func.count()).select_from(Post)).scalar_one():
                load_reference(conn)
            if conn.execute(select(func.count()).select_from(FlowCount)).scalar_one():
                raise RuntimeError(f"{url.split('@')[-1]} already holds flow rows: give an empty database")
    finally:
        engine.dispose()
    return url
