"""Shared fixtures: databases on both backends, a seeded app database, service requirements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from geo.db import make_engine, migrate
from geo.models import Base
from tests.support import postgres_url

REPO = Path(__file__).resolve().parent.parent
TEST_FLOW_ROWS = 20_000


def reset_postgres(engine: Engine) -> None:
    """Drop every table of ours (PostGIS's own spatial_ref_sys stays)."""
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on each backend (not migrated)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
        yield engine
        engine.dispose()
        return
    engine = make_engine(postgres_url())
    reset_postgres(engine)
    yield engine
    reset_postgres(engine)
    engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An empty PostgreSQL/PostGIS database (tables dropped before and after)."""
    engine = make_engine(postgres_url())
    reset_postgres(engine)
    yield engine
    reset_postgres(engine)
    engine.dispose()


@pytest.fixture
def migrated_engine(empty_engine: Engine) -> Engine:
    migrate(empty_engine)
    return empty_engine


@pytest.fixture(scope="session")
def app_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite database for page and browser tests, shared by the session."""
    from geo.db import ensure_database

    path = tmp_path_factory.mktemp("appdb") / "app.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    ensure_database(engine, flows_rows=TEST_FLOW_ROWS)
    engine.dispose()
    return url


@pytest.fixture
def app_env(app_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", app_db_url)
    return app_db_url
