"""The benchmark's own database: one SQLite file per (flow rows, seed) under <var dir>/bench/, built once."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, func, select

from geo.config import settings


def database_path(rows: int, seed: int) -> Path:
    """One file per (rows, seed, generator version): a database made by an older generator is not reused."""
    from geo.flows.generate import SAMPLE_VERSION

    return settings().var_dir / "bench" / f"flows-{rows}-seed{seed}-v{SAMPLE_VERSION}.sqlite"


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
