"""Test helpers shared by several test modules."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest


def require_service(reason: str) -> None:
    """Skip with a stated reason, unless CI asked that services be present (then fail)."""
    if os.environ.get("CA4_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing in CI: {reason}")
    pytest.skip(reason)


def postgres_url() -> str:
    url = os.environ.get("CA4_TEST_DATABASE_URL")
    if not url:
        require_service("CA4_TEST_DATABASE_URL is not set (PostgreSQL/PostGIS tests run in .ci/run)")
    return url


def copy_sqlite(source_url: str, target: Path) -> str:
    """Copy a SQLite database through SQLite's backup API; return the copy's URL.

    Never copy an open SQLite file with shutil: closing that second file descriptor drops every POSIX
    lock this process holds on the database, so another process (a browser test's Streamlit) may then
    delete the WAL under our open connections, and they fail with "disk I/O error".
    """
    source = sqlite3.connect(source_url.split("///", 1)[1])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return f"sqlite:///{target}"


def page_elements(at):
    """Every element an AppTest run put on screen, main area and sidebar, through AppTest's public blocks."""

    def walk(node):
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            children = children.values()
        for child in children or []:
            yield child
            yield from walk(child)

    for block in (at.main, at.sidebar):
        yield from walk(block)
