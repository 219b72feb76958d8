"""Helpers shared by the import / export / hostile-input / roles tests (not a test module)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine, delete, func, select

from geo.db import make_engine, migrate
from geo.io.exports import export_bytes
from geo.kinds import KINDS
from geo.models import AuditEntry, DatasetState, Post
from geo.sample import load_reference, seed_all
from tests.support import copy_sqlite

SMALL_FLOWS = 1_500
_TEMPLATES: dict[str, Path] = {}


def seeded_sqlite(tmp_path: Path, flows_rows: int = SMALL_FLOWS, name: str = "db.sqlite") -> Engine:
    """A seeded SQLite database in tmp_path, copied from a per-process template (seeding once)."""
    key = str(flows_rows)
    if key not in _TEMPLATES:
        folder = Path(tmp_path).parent / f"template_{flows_rows}"
        folder.mkdir(exist_ok=True)
        template = folder / "template.sqlite"
        if not template.exists():
            engine = make_engine(f"sqlite:///{template}")
            migrate(engine)
            seed_all(engine, flows_rows=flows_rows)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
        _TEMPLATES[key] = template
    target = Path(tmp_path) / name
    return make_engine(copy_sqlite(f"sqlite:///{_TEMPLATES[key]}", target))


def seed(engine: Engine, flows_rows: int = SMALL_FLOWS) -> Engine:
    migrate(engine)
    seed_all(engine, flows_rows=flows_rows)
    return engine


def reference_only(engine: Engine) -> Engine:
    """Migrated, with countries, the component catalogue and projects, but no posts or data: "empty"."""
    migrate(engine)
    with engine.begin() as conn:
        load_reference(conn)
        conn.execute(delete(Post))
        conn.execute(delete(DatasetState))
    return engine


def snapshot(engine: Engine) -> str:
    """A fingerprint of every kind's export plus the audit-log size: equal means nothing changed."""
    digest = hashlib.sha256()
    for kind in KINDS:
        digest.update(export_bytes(engine, kind, "csv", exact=True))
    with engine.connect() as conn:
        digest.update(str(conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()).encode())
        digest.update(str(conn.execute(select(DatasetState.kind, DatasetState.source)
                                       .order_by(DatasetState.kind)).all()).encode())
    return digest.hexdigest()
