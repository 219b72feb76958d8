"""Why the database cannot be used, in one message: the same on every page and every command.

A database that cannot be reached, refuses the login, does not exist, lacks PostGIS or lacks the app's schema
is a DatabaseUnavailable: its message names where the database is (host, port and database name, or the
SQLite file) and what failed, and the driver's own one-line answer, never the password and never a traceback.
The app shows it instead of any page and tries again by itself (ui.database_or_stop); `python -m geo` prints
it and exits 2 (geo/cli.py).

The driver reports connection failures as text, without an SQLSTATE (libpq's messages, in English), so the
kind of failure is read from that text; an error of a kind not known here is still one message ("could not
be used"), with the driver's answer.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

REASONS = ("unreachable", "login", "no_database", "postgis", "schema", "other")

# (reason, pattern of the driver's message), first match wins. Authentication comes before "does not exist"
# (a missing role is a refused login, a missing database is not).
_PATTERNS = (
    ("login", r"password authentication failed|authentication failed|no pg_hba\.conf entry|role \"[^\"]*\" does "
              r"not exist|password is required|no password supplied|permission denied for database"),
    ("no_database", r"database \"[^\"]*\" does not exist"),
    ("postgis", r"postgis|type \"geography\" does not exist|function st_\w+.* does not exist"),
    ("schema", r"no such table|relation \"[^\"]*\" does not exist|column .* does not exist|no such column|"
               r"permission denied for (schema|table|relation)|can't locate revision|"
               r"not migrated"),
    ("unreachable", r"connection refused|could not connect|failed to resolve host|could not translate host|"
                    r"name or service not known|timeout expired|timed out|no route to host|network is unreachable|"
                    r"server closed the connection|connection to server .* failed|unable to open database file|"
                    r"terminating connection|the database system is (starting up|shutting down)|"
                    r"consuming input failed|connection is closed"),
)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used. `message(lang)` says where it is and what failed (never the password)."""

    def __init__(self, url: str | URL, reason: str, detail: str = "") -> None:
        self.url = make_url(url) if isinstance(url, str) else url
        self.reason = reason if reason in REASONS else "other"
        self.detail = _clean(detail, self.url)
        super().__init__(self.message("en"))

    def where(self, lang: str) -> str:
        """host, port and database (PostgreSQL) or the file (SQLite): where the app looked."""
        from geo.i18n import t

        url = self.url
        if url.get_backend_name() == "sqlite":
            return t("db.where.file", lang, path=url.database or ":memory:")
        return t("db.where.server", lang, host=url.host or "localhost", port=url.port or 5432,
                 database=url.database or "—")

    def message(self, lang: str = "en") -> str:
        from geo.i18n import t

        url = self.url
        key = "unreachable_file" if self.reason == "unreachable" and url.get_backend_name() == "sqlite" else self.reason
        said = t(f"db.err.{key}", lang, where=self.where(lang), user=url.username or "—",
                 database=url.database or "—")
        return said + (" " + t("db.err.detail", lang, detail=self.detail) if self.detail else "")


def _clean(detail: str, url: URL) -> str:
    """The driver's answer on one line, short, without the password (should a driver ever echo it)."""
    line = re.sub(r"\s+", " ", str(detail)).strip()
    line = re.sub(r"^\(psycopg[\w.]*\.\w+\)\s*", "", line)  # SQLAlchemy's "(psycopg.OperationalError)" prefix
    line = line.split(" [SQL: ")[0].split(" (Background on this error")[0]
    if url.password:  # as a whole word: a short password must not eat letters out of other words
        line = re.sub(rf"(?<![\w]){re.escape(str(url.password))}(?![\w])", "***", line)
    return line if len(line) <= 300 else line[:297] + "…"


def classify(error: BaseException, url: str | URL) -> DatabaseUnavailable:
    """The DatabaseUnavailable an error of the driver (or of a migration) means."""
    if isinstance(error, DatabaseUnavailable):
        return error
    original = getattr(error, "orig", None) or error
    said = str(original)
    lowered = said.lower()
    reason = next((name for name, pattern in _PATTERNS if re.search(pattern, lowered)), "other")
    return DatabaseUnavailable(url, reason, said)


def is_database_error(error: BaseException) -> bool:
    """An error that means the database (not the code) is the problem: the driver's operational errors, and
    a missing table or extension (the schema or PostGIS lacking). Other errors are bugs and stay loud."""
    if isinstance(error, DatabaseUnavailable):
        return True
    if not isinstance(error, SQLAlchemyError):
        return False
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    from sqlalchemy.exc import InterfaceError, OperationalError

    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    return classify(error, "sqlite://").reason in ("schema", "postgis")


def check(engine: Engine) -> None:
    """Raise DatabaseUnavailable unless the database answers a query (one cheap round trip)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        raise classify(error, engine.url) from None


def check_schema(engine: Engine) -> None:
    """Raise DatabaseUnavailable (reason "schema") unless the database is migrated to this code's schema; on
    PostgreSQL also (reason "postgis") unless PostGIS is installed in it."""
    from geo.db import current_revision, head_revision

    check(engine)
    try:
        revision = current_revision(engine)
        postgis = True
        if engine.url.get_backend_name() == "postgresql":
            with engine.connect() as conn:
                postgis = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first() is not None
    except SQLAlchemyError as error:
        raise classify(error, engine.url) from None
    if revision != head_revision():  # (a database never migrated has no PostGIS yet: init adds it)
        raise DatabaseUnavailable(engine.url, "schema", f"schema revision {revision or 'none'}, "
                                                        f"this version needs {head_revision()}")
    if not postgis:
        raise DatabaseUnavailable(engine.url, "postgis")
