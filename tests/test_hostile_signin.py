"""Sign-in slow-down under parallel attempts: simultaneous wrong passwords for one user are not all checked
against the hash (the counter is claimed atomically before verifying), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from geo.access import users
from geo.access.auth import SYSTEM
from geo.db import make_engine, migrate
from geo.models import User
from tests.conftest import fresh_postgres

PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 1, 12, 0, 0)
PARALLEL = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'users.sqlite'}")
        migrate(engine)
        create_user_in_slowdown(engine)
        yield engine
        engine.dispose()
        return
    with fresh_postgres() as engine:
        migrate(engine)
        create_user_in_slowdown(engine)
        yield engine


def create_user_in_slowdown(engine: Engine) -> None:
    """A user with 6 failures whose last wait (2**4 s) ran out long ago: the next attempt is checked."""
    users.create_user(engine, SYSTEM, "ana", "editor", PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(User).values(failed_attempts=6, last_failed_at=T0 - dt.timedelta(hours=1)))


def failures(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(User.failed_attempts)).scalar_one())


def run_parallel(engine: Engine, password: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list, int]:
    checked: list[int] = []
    real_verify = users._verify
    lock = threading.Lock()

    def counting_verify(password_hash: str, given: str) -> bool:
        with lock:
            checked.append(1)
        return real_verify(password_hash, given)

    monkeypatch.setattr(users, "_verify", counting_verify)
    barrier = threading.Barrier(PARALLEL)
    results: list[users.SignIn] = []

    def attempt() -> None:
        barrier.wait()  # all eight start together
        result = users.sign_in(engine, "ana", password, clock=lambda: T0)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, len(checked)


def test_parallel_wrong_passwords_are_checked_once(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    results, checked = run_parallel(engine, "wrong password!", monkeypatch)
    assert len(results) == PARALLEL
    assert checked == 1, f"{checked} of {PARALLEL} simultaneous attempts were checked against the hash"
    assert failures(engine) == 7
    refused = [r for r in results if r.wait_s > 0]
    assert len(refused) == PARALLEL - 1 and all(r.actor is None for r in results)


def test_parallel_right_passwords_sign_in_once_and_reset(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    results, checked = run_parallel(engine, PASSWORD, monkeypatch)
    assert checked == 1
    assert sum(r.actor is not None for r in results) == 1
    assert failures(engine) == 0
