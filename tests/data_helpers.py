"""Helpers shared by the import / export / hostile-input / roles tests (not a test module)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, func, select, text

from geo.db import make_engine, migrate
from geo.io.exports import export_bytes
from geo.kinds import KINDS
from geo.models import AuditEntry, DatasetState, Post
from geo.sample import load_reference, seed_all
from tests.support import copy_sqlite, postgres_url

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


_PG_TEMPLATES: set[str] = set()


def _database_url(name: str) -> str:
    return postgres_url().rsplit("/", 1)[0] + "/" + name


@contextmanager
def seeded_postgres(flows_rows: int = SMALL_FLOWS) -> Iterator[Engine]:
    """A seeded PostgreSQL/PostGIS database of the test's own, dropped afterwards.

    Seeding takes seconds; copying a database takes a fraction of one. So each test process seeds one template
    database per size (its name carries the process id, so parallel workers never share one) and each test
    gets `CREATE DATABASE ... TEMPLATE` of it: the same tables and rows as a fresh seeding, its own to write.
    """
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    template = f"ca4_tpl_{os.getpid()}_{flows_rows}"
    try:
        if template not in _PG_TEMPLATES:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {template}"))
                conn.execute(text(f"CREATE DATABASE {template} TEMPLATE template0"))
            engine = create_engine(_database_url(template))
            with engine.begin() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            seed(engine, flows_rows)
            engine.dispose()  # a template may have no open connection while it is copied
            _PG_TEMPLATES.add(template)
        name = f"ca4_t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        engine = create_engine(_database_url(name))
        try:
            yield engine
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()


@contextmanager
def seeded_on(backend: str, tmp_path: Path, flows_rows: int) -> Iterator[Engine]:
    """The seeded sample on `backend` ("sqlite" or "postgresql"), the test's own: a copy of one seeding per
    test process and size on either."""
    if backend == "sqlite":
        yield seeded_sqlite(tmp_path, flows_rows=flows_rows, name="seeded.sqlite")
        return
    with seeded_postgres(flows_rows=flows_rows) as engine:
        yield engine


def drop_postgres_templates() -> None:
    """Drop this process's template databases (at the end of its session)."""
    if not _PG_TEMPLATES:
        return
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for template in sorted(_PG_TEMPLATES):
            conn.execute(text(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)"))
    admin.dispose()
    _PG_TEMPLATES.clear()


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
