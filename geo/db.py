"""Engine, sessions and schema migrations, for the embedded SQLite default and PostgreSQL/PostGIS."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from geo.config import REPO_ROOT, settings

_bootstrap_lock = threading.Lock()
CONNECT_TIMEOUT_S = 10


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the app) do not block the writer (an import)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for `url`; SQLite files get their folder, foreign keys and WAL."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            with suppress(OSError):  # SQLite then says "unable to open database file": geo.db_status's message
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A host that does not answer fails after CONNECT_TIMEOUT_S, not after the system's TCP retries (minutes),
    # so the page says so quickly; a URL's own ?connect_timeout= wins.
    timeout = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT_S}
    return create_engine(url, pool_pre_ping=True, connect_args=timeout)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The shared engine for `url` (default: DATABASE_URL or the embedded SQLite file)."""
    return make_engine(url or settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back everything on any error."""
    factory = sessionmaker(bind=engine or get_engine(), expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config() -> Config:
    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_empty(engine: Engine) -> bool:
    from geo.models import Post

    if "posts" not in inspect(engine).get_table_names():
        return True
    with engine.connect() as conn:
        return conn.execute(select(Post.id).limit(1)).first() is None


def ensure_database(engine: Engine | None = None, *, flows_rows: int | None = None) -> bool:
    """Migrate to head and, if the database holds no posts, fill it with the sample data.

    Called on every app start; cheap once done. Returns True when it seeded.
    """
    engine = engine or get_engine()
    with _bootstrap_lock:  # two browser tabs opening the first start at once must not seed twice
        if current_revision(engine) != head_revision():
            migrate(engine)
        if not is_empty(engine):
            return False
        from geo.sample import seed_all

        seed_all(engine, flows_rows=flows_rows)
        return True


def data_version(engine: Engine) -> str:
    """A stamp that changes with every write to the data: the key of every cached read.

    Every write path leaves a trace in the same transaction: form edits and imports write the audit log,
    seeding and imports stamp dataset_state. So the newest audit entry and the newest load tell whether
    anything changed since a figure was cached; both are index lookups.
    """
    from geo.models import AuditEntry, DatasetState

    with engine.connect() as conn:
        audit, loaded = conn.execute(select(
            select(func.max(AuditEntry.id)).scalar_subquery(),
            select(func.max(DatasetState.updated_at)).scalar_subquery(),
        )).one()
    return f"{audit}|{loaded}"
