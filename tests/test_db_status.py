"""A database that cannot be used: one message on every page and every command (issue 28).

Unreachable, login refused, no such database, no PostGIS, no schema: the message names host, port and
database (or the SQLite file) and what failed, never the password, never a traceback; the command line
exits 2. The browser side (a fresh server, the retry that reopens the app) is in test_first_request_browser.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from geo.cli import build_parser, main
from geo.db import get_engine
from geo.db_status import DatabaseUnavailable, check, check_schema, classify
from tests.browser import free_port
from tests.support import postgres_url

REPO = Path(__file__).resolve().parent.parent
SECRET = "s3cret-Pa55word"
PAGES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "screens").glob("*.py") if not p.name.startswith("_"))


def unreachable_url() -> str:
    """PostgreSQL on a port where nothing listens (refused at once; no server needed)."""
    return f"postgresql+psycopg://ca4:{SECRET}@127.0.0.1:{free_port()}/border_ca4"


@pytest.fixture
def down(monkeypatch: pytest.MonkeyPatch) -> str:
    url = unreachable_url()
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    return url


def _assert_one_message(said: str, url: str) -> None:
    parsed = make_url(url)
    assert (f"host {parsed.host}, port {parsed.port}, database {parsed.database}" in said
            or f"servidor {parsed.host}, puerto {parsed.port}, base de datos {parsed.database}" in said), said
    assert SECRET not in said and "Traceback" not in said and "sqlalchemy" not in said.lower()


# ------------------------------------------------------------------ every command
COMMANDS = {  # top-level command -> an argv that reaches the database
    "init": ["init"],
    "seed": ["seed", "--flows-rows", "0", "--quiet"],
    "check": ["check"],
    "import": ["import", "posts", str(REPO / "data" / "posts.csv")],
    "export": ["export", "posts", "-o", "{tmp}/posts.csv"],
    "users": ["users", "list"],
    "highlights": ["highlights"],
    "alerts": ["alerts", "list"],
    "serve": ["serve", "--replicas", "1", "--port", "65530"],  # the database is checked before any replica starts
}
NOT_ON_DATABASE_URL = {"bench": "builds and reads databases of its own under CA4_VAR_DIR/bench"}


def test_every_command_is_covered() -> None:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = set(sub.choices) - set(COMMANDS) - set(NOT_ON_DATABASE_URL)
    assert not missing, f"add a case to COMMANDS for: {sorted(missing)}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_on_an_unreachable_database_says_where_and_exits_2(
        command: str, down: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [arg.format(tmp=tmp_path) for arg in COMMANDS[command]]
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own exit (a subcommand missing from this version)
        code = stop.code
    said = capsys.readouterr()
    assert code == 2, said
    assert "cannot be reached" in said.err or "No se puede contactar" in said.err  # (--lang es by default)
    assert len(said.err.strip().splitlines()) == 1
    _assert_one_message(said.err, down)


def test_the_process_prints_one_message_not_a_traceback(down: str) -> None:
    result = subprocess.run([sys.executable, "-m", "geo", "check", "--lang", "es"], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "No se puede contactar la base de datos (servidor 127.0.0.1, puerto" in lines[0]
    assert SECRET not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_each_failure_is_named() -> None:
    """What each driver answer means (libpq's words), with where the database is."""
    url = f"postgresql+psycopg://ca4:{SECRET}@db.example.org:5433/ca4"
    said = {
        'connection failed: connection to server at "10.0.0.5", port 5433 failed: Connection refused': "unreachable",
        "failed to resolve host 'db.example.org': [Errno -2] Name or service not known": "unreachable",
        f'password authentication failed for user "ca4" ({SECRET})': "login",
        'FATAL:  database "ca4" does not exist': "no_database",
        'FATAL:  permission denied for database "ca4"': "login",
        'extension "postgis" is not available': "postgis",
        "permission denied to create extension \"postgis\"": "postgis",
        'relation "posts" does not exist': "schema",
        "Can't locate revision identified by 'zzzz'": "schema",
        "something else entirely": "other",
    }
    for answer, reason in said.items():
        problem = classify(RuntimeError(answer), url)
        assert problem.reason == reason, answer
        for lang in ("es", "en"):
            message = problem.message(lang)
            assert SECRET not in message
            assert ("db.example.org" in message and "5433" in message) and " ca4" in message
    assert "file /tmp/x/ca4.sqlite" in classify(RuntimeError("unable to open database file"),
                                                "sqlite:////tmp/x/ca4.sqlite").message("en")


def test_an_unmigrated_database_lacks_the_schema(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    check(engine)  # reachable
    with pytest.raises(DatabaseUnavailable) as raised:
        check_schema(engine)
    assert raised.value.reason == "schema" and "python -m geo init" in raised.value.message("en")


# ------------------------------------------------------------------ every page
@pytest.mark.parametrize("script", ["app.py", *PAGES])
def test_every_page_on_an_unreachable_database_shows_one_message(script: str, down: str) -> None:
    at = AppTest.from_file(str(REPO / script), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    _assert_one_message(at.error[0].value.replace("\\", ""), down)
    assert "tries again every 5 seconds" in " ".join(c.value for c in at.caption)
    assert not at.metric and not at.dataframe and not at.title  # nothing of the page itself


def test_the_app_on_a_database_of_an_unknown_schema_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "other.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a database another (newer) version migrated
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('zzzz_future')"))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    get_engine.cache_clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "no tiene las tablas de la aplicación" in at.error[0].value
    assert f"archivo {path}".replace("_", "\\_") in at.error[0].value or f"archivo {path}" in at.error[0].value


# ------------------------------------------------------------------ PostgreSQL: login, database, PostGIS
@pytest.fixture
def pg_admin():
    engine = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _app_error(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    return at.error[0].value.replace("\\", "")


def test_postgres_login_refused_and_missing_database(pg_admin, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    good = make_url(postgres_url())
    wrong_password = good.set(password=SECRET).render_as_string(hide_password=False)
    said = _app_error(wrong_password, monkeypatch)
    assert "refused the login of user" in said
    _assert_one_message(said, wrong_password)
    missing = good.set(database=f"nosuch_{uuid.uuid4().hex[:8]}").render_as_string(hide_password=False)
    said = _app_error(missing, monkeypatch)
    assert "has no database named" in said
    monkeypatch.setenv("DATABASE_URL", missing)
    get_engine.cache_clear()
    assert main(["users", "list"]) == 2
    assert "has no database named" in capsys.readouterr().err


def test_postgres_without_postgis(pg_admin, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A database without PostGIS, for a user who may not add it (not a superuser): init and the app say so."""
    suffix = uuid.uuid4().hex[:8]
    database, role = f"ca4_nogis_{suffix}", f"ca4_plain_{suffix}"
    with pg_admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'"))
        conn.execute(text(f"CREATE DATABASE {database} OWNER {role}"))
    url = make_url(postgres_url()).set(username=role, password=SECRET, database=database)
    url_text = url.render_as_string(hide_password=False)
    try:
        monkeypatch.setenv("DATABASE_URL", url_text)
        get_engine.cache_clear()
        assert main(["init"]) == 2
        err = capsys.readouterr().err
        assert "lacks PostGIS" in err and "CREATE EXTENSION postgis" in err
        _assert_one_message(err, url_text)
        said = _app_error(url_text, monkeypatch)
        assert "lacks PostGIS" in said
    finally:
        get_engine(url_text).dispose()
        get_engine.cache_clear()
        with pg_admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))


def test_a_database_lost_while_the_app_runs_gives_the_message_then_the_app_again(
        app_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app ran; a table it reads vanishes (as when a database is restored or replaced under it): the next
    run shows the one message instead of a traceback; once the table is back, the next run (what the message's
    retry starts) shows the page again, with no restart."""
    from tests.support import copy_sqlite

    url = copy_sqlite(app_db_url, tmp_path / "running.sqlite")
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception and not at.error and at.title
    outside = create_engine(url)
    with outside.begin() as conn:
        conn.execute(text("ALTER TABLE dataset_state RENAME TO dataset_state_away"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "lacks the app's tables" in at.error[0].value
    with outside.begin() as conn:
        conn.execute(text("ALTER TABLE dataset_state_away RENAME TO dataset_state"))
    outside.dispose()
    at.run()
    assert not at.exception and not at.error and at.title
