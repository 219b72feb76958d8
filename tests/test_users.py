"""Users: argon2 hashes, sign-in with slow-down after failures (no real waiting), roles, CLI management."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from geo.access.auth import ANONYMOUS, SYSTEM, Actor, PermissionDenied
from geo.access.users import (
    FREE_ATTEMPTS,
    MAX_DELAY_S,
    UserError,
    authenticate,
    create_user,
    delay_s,
    reset_failures,
    set_active,
    set_password,
    set_role,
    sign_in,
    users_frame,
)
from geo.cli import main
from geo.db import get_engine, make_engine, migrate
from geo.models import AuditEntry, User

PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 1, 12, 0, 0)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'users.sqlite'}")
    migrate(engine)
    create_user(engine, SYSTEM, "ana", "editor", PASSWORD)
    return engine


def at(seconds: float):
    return lambda: T0 + dt.timedelta(seconds=seconds)


def test_passwords_are_stored_as_argon2id_hashes(engine: Engine) -> None:
    with engine.connect() as conn:
        stored = conn.execute(select(User.password_hash)).scalar_one()
        audit = " ".join(str(v) for row in conn.execute(select(AuditEntry)).all() for v in row)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PASSWORD not in audit and stored not in audit
    assert "password_hash" not in users_frame(engine).columns


def test_sign_in_right_and_wrong(engine: Engine) -> None:
    assert sign_in(engine, "ana", PASSWORD, clock=at(0)).actor == Actor("ana", "editor")
    assert sign_in(engine, "ana", "wrong", clock=at(1)).actor is None
    assert sign_in(engine, "nobody", PASSWORD, clock=at(2)).actor is None
    assert sign_in(engine, "ana", PASSWORD, clock=at(3)).actor is not None  # a success resets the count
    assert users_frame(engine)["failed_attempts"].tolist() == [0]


def test_repeated_failures_are_slowed_down(engine: Engine) -> None:
    for i in range(FREE_ATTEMPTS):
        assert sign_in(engine, "ana", "guess", clock=at(i)).wait_s == 0
    # The next attempt within the delay is refused without checking, even with the right password.
    refused = sign_in(engine, "ana", PASSWORD, clock=at(FREE_ATTEMPTS))
    assert refused.actor is None and refused.wait_s > 0
    later = FREE_ATTEMPTS - 1 + delay_s(FREE_ATTEMPTS) + 0.1
    assert sign_in(engine, "ana", PASSWORD, clock=at(later)).actor == Actor("ana", "editor")


def test_the_delay_grows_exponentially_and_is_capped() -> None:
    delays = [delay_s(n) for n in range(FREE_ATTEMPTS + 6)]
    assert delays[:FREE_ATTEMPTS] == [0] * FREE_ATTEMPTS
    growing = delays[FREE_ATTEMPTS:]
    assert all(b == 2 * a for a, b in itertools.pairwise(growing))
    assert delay_s(100) == MAX_DELAY_S


def test_authenticate_waits_through_an_injected_sleep(engine: Engine) -> None:
    for i in range(FREE_ATTEMPTS):
        sign_in(engine, "ana", "guess", clock=at(i))
    waited: list[float] = []
    actor = authenticate(engine, "ana", PASSWORD, clock=at(FREE_ATTEMPTS - 1), sleep=waited.append)
    assert waited == [delay_s(FREE_ATTEMPTS)]
    assert actor == Actor("ana", "editor")


def test_disabled_users_cannot_sign_in(engine: Engine) -> None:
    set_active(engine, SYSTEM, "ana", False)
    assert sign_in(engine, "ana", PASSWORD, clock=at(0)).actor is None
    set_active(engine, SYSTEM, "ana", True)
    reset_failures(engine, SYSTEM, "ana")
    assert sign_in(engine, "ana", PASSWORD, clock=at(1)).actor is not None


def test_only_admins_manage_users(engine: Engine) -> None:
    for actor in (ANONYMOUS, Actor("ana", "editor")):
        with pytest.raises(PermissionDenied):
            create_user(engine, actor, "eve", "admin", PASSWORD)
        with pytest.raises(PermissionDenied):
            set_role(engine, actor, "ana", "admin")
        with pytest.raises(PermissionDenied):
            set_active(engine, actor, "ana", False)
        with pytest.raises(PermissionDenied):
            set_password(engine, actor, "ana", "another long password")
    assert users_frame(engine)["username"].tolist() == ["ana"]


def test_user_rules(engine: Engine) -> None:
    with pytest.raises(UserError) as error:
        create_user(engine, SYSTEM, "ANA", "viewer", PASSWORD)
    assert error.value.key == "users.err.exists"
    with pytest.raises(UserError, match=r"users\.err\.password"):
        create_user(engine, SYSTEM, "bob", "viewer", "short")
    with pytest.raises(UserError, match=r"users\.err\.name"):
        create_user(engine, SYSTEM, "<script>", "viewer", PASSWORD)
    with pytest.raises(UserError, match=r"users\.err\.role"):
        create_user(engine, SYSTEM, "bob", "root", PASSWORD)
    create_user(engine, SYSTEM, "root", "admin", PASSWORD)
    with pytest.raises(UserError, match=r"users\.err\.last_admin"):
        set_role(engine, SYSTEM, "root", "viewer")
    with pytest.raises(UserError, match=r"users\.err\.last_admin"):
        set_active(engine, SYSTEM, "root", False)
    set_role(engine, SYSTEM, "ana", "admin")
    set_role(engine, SYSTEM, "root", "viewer")  # another admin remains
    assert dict(zip(*(users_frame(engine)[c] for c in ("username", "role")), strict=True)) == \
        {"ana": "admin", "root": "viewer"}


def test_cli_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    migrate(make_engine(url))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "carla", "--role", "editor"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "carla", "--role", "viewer"]) == 1  # exists
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "add", "dani", "--role", "viewer"]) == 1
    assert main(["users", "set-role", "carla", "admin"]) == 0
    assert main(["users", "disable", "nobody"]) == 1
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    assert "carla\tadmin\tactive" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["users", "add", "erik", "--role", "superuser"])
    assert exit_info.value.code == 2
    engine = make_engine(url)
    assert authenticate(engine, "carla", PASSWORD, sleep=lambda _s: None) == Actor("carla", "admin")
    with engine.connect() as conn:
        who = conn.execute(select(AuditEntry.username).where(AuditEntry.entity == "user")).scalars().all()
    assert who and all(w.startswith("cli:") for w in who)
