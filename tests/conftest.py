"""Shared fixtures: databases on both backends, a seeded app database, service requirements."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from geo.db import make_engine, migrate
from tests.browser import CHROMIUM_ARGS, chromium_path, running_app, wait_idle
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


# Test files in order of their measured time, slowest first (pytest --durations=0 under pytest-xdist,
# 2026-11-29). pytest.ini gives pytest-xdist --no-loadscope-reorder, so it hands files out in this order:
# the long ones start at once instead of leaving one process working alone at the end. Files not
# listed (new or fast) follow in their usual order. A wrong or stale entry costs time, never a result.
SLOW_FIRST = [
    "test_map_browser.py", "test_replicas_browser.py", "test_first_request_browser.py", "test_flows.py",
    "test_bench.py", "test_filters_browser.py",
    "test_hostile_browser.py", "test_translations.py", "test_present_browser.py",
    "test_infrastructure_page.py", "test_hostile_inputs.py", "test_browser.py", "test_screenshots_browser.py",
    "test_exports.py",
    "test_hostile_corpus.py", "test_workshops.py", "test_flows_browser.py", "test_workshops_page.py",
    "test_guards_browser.py", "test_map_static_browser.py", "test_import_stream.py",
    "test_navigation_browser.py",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(SLOW_FIRST)}
    # sorted() is stable: tests keep their order within a file, unlisted files theirs among themselves
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Each new AppTest scans every installed distribution's metadata for Streamlit components (Streamlit 1.67:
    ~150 packages, 0.3-1 s a page run, most of a cached page's run). The installed packages do not change
    during a test run, so the scan's answer is kept for the session. Only the tests' harness is touched: a
    served app scans once at its start anyway."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture(scope="session", autouse=True)
def own_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Local state (CA4_VAR_DIR: the default database, benchmark databases) in this test process's own
    folder, never the repository's var/: parallel workers (pytest-xdist) and a developer's app stay apart.
    Servers started by the tests inherit it."""
    path = tmp_path_factory.mktemp("var")
    before = os.environ.get("CA4_VAR_DIR")
    os.environ["CA4_VAR_DIR"] = str(path)
    yield path
    if before is None:
        os.environ.pop("CA4_VAR_DIR", None)
    else:
        os.environ["CA4_VAR_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def postgres_templates_dropped() -> Iterator[None]:
    """The seeded template databases a test process made (tests.data_helpers.seeded_postgres), dropped at its end."""
    yield
    from tests.data_helpers import drop_postgres_templates

    drop_postgres_templates()


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_backend(request: pytest.FixtureRequest) -> str:
    """The backend a seeded-database fixture is built on: each test runs on SQLite and on PostgreSQL/PostGIS."""
    return request.param


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
# One Chromium and one app server per test process (each pytest-xdist worker has its own): a server start
# and a cold first page cost seconds, and the app's state lives in the database, not in the server.
# Tests that need a server of their own (other data, other settings, a fresh first request) start one
# with tests.browser.running_app and still use this browser.
@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser); skips, or fails in CI, without it.

    While it lives, Playwright's sync API marks its event loop as running in the main thread: a test must
    not start a second sync_playwright() (take this fixture) nor call asyncio.run() there.
    """
    path = chromium_path()
    if path is None:
        require_service("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_url(app_db_url: str, browser) -> Iterator[str]:
    """The app served by `streamlit run` on the session's seeded database (one server per test process).

    Its entry page is opened once before any test, so the first start's cost is not charged to whichever
    test its process runs first. A fresh server's first request on each page is tested on purpose, on
    servers of their own, in test_first_request_browser.py and test_guards_browser.py.
    """
    with running_app(app_db_url) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/?lang=en")
        page.locator("h1").first.wait_for(timeout=120_000)
        wait_idle(page, 120_000)
        context.close()
        yield url
