"""Shared fixtures: databases on both backends, a seeded app database, service requirements."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from geo.db import make_engine, migrate
from tests.browser import CHROMIUM_ARGS, chromium_path, running_app
from tests.support import postgres_url, require_service

REPO = Path(__file__).resolve().parent.parent
TEST_FLOW_ROWS = 20_000


@contextmanager
def fresh_postgres() -> Iterator[Engine]:
    """An engine on a new, empty schema of the test database, dropped afterwards.

    Each test gets its own schema (search_path = schema, public: PostGIS types live in public), so test
    runs in parallel processes never see each other's tables.
    """
    url = postgres_url()
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema},public"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on each backend (not migrated)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
        yield engine
        engine.dispose()
        return
    with fresh_postgres() as engine:
        yield engine


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An empty PostgreSQL/PostGIS database (a schema of its own)."""
    with fresh_postgres() as engine:
        yield engine


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


# ------------------------------------------------------------------ the real app in headless Chromium
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser); skips, or fails in CI, without it."""
    path = chromium_path()
    if path is None:
        require_service("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_url(app_db_url: str) -> Iterator[str]:
    """The app served by `streamlit run` on the session's seeded database."""
    with running_app(app_db_url) as url:
        yield url
