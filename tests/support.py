"""Test helpers shared by several test modules."""

from __future__ import annotations

import os

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
