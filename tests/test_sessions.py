"""Sign-in tokens (geo.access.sessions): signed, expiring, revocable; refused when forged, altered,
expired, revoked or when the user is disabled. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from geo.access import sessions
from geo.access.auth import SYSTEM, Actor
from geo.access.users import create_user, set_active, set_role
from geo.models import ServerSecret, SignInSession

T0 = dt.datetime(2026, 11, 28, 9, 0, 0)


def clock(at: dt.datetime = T0):
    return lambda: at


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    create_user(migrated_engine, SYSTEM, "ana", "editor", "correct horse battery")
    return migrated_engine


def test_a_token_signs_its_user_in_until_it_expires(engine: Engine) -> None:
    token = sessions.issue(engine, "ana", clock=clock())
    assert sessions.verify(engine, token, clock=clock()) == Actor("ana", "editor")
    almost = T0 + sessions.TOKEN_TTL - dt.timedelta(seconds=1)
    assert sessions.verify(engine, token, clock=clock(almost)) == Actor("ana", "editor")
    assert sessions.verify(engine, token, clock=clock(T0 + sessions.TOKEN_TTL)) is None  # expired
    assert sessions.seconds_left(token, clock=clock()) == int(sessions.TOKEN_TTL.total_seconds())


def test_forged_and_altered_tokens_are_refused(engine: Engine) -> None:
    token = sessions.issue(engine, "ana", clock=clock())
    version, token_id, expires, signature = token.split(".")
    later = str(int(expires) + 86_400)
    forged = [
        None, "", "garbage", "v1.a.b.c", f"{version}.{token_id}.{expires}",
        f"{version}.{token_id}.{later}.{signature}",  # a longer life, old signature
        f"{version}.{token_id[:-1]}x.{expires}.{signature}",  # another id
        f"{version}.{token_id}.{expires}.{signature[:-2]}AA",  # a made-up signature
        f"v2.{token_id}.{expires}.{signature}",
    ]
    for bad in forged:
        assert sessions.verify(engine, bad, clock=clock()) is None, bad
    # A token signed with another key (e.g. from another server) is refused too.
    with engine.begin() as conn:
        conn.execute(ServerSecret.__table__.update().values(value="00" * 32))
    assert sessions.verify(engine, token, clock=clock()) is None


def test_signing_out_revokes_the_token_for_good(engine: Engine) -> None:
    token = sessions.issue(engine, "ana", clock=clock())
    other = sessions.issue(engine, "ana", clock=clock())  # the same user in another browser
    assert sessions.revoke(engine, token, clock=clock(T0 + dt.timedelta(minutes=5)))
    assert sessions.verify(engine, token, clock=clock(T0 + dt.timedelta(minutes=6))) is None
    assert not sessions.revoke(engine, token, clock=clock(T0 + dt.timedelta(minutes=7)))  # already
    assert sessions.verify(engine, other, clock=clock(T0 + dt.timedelta(minutes=6))) == Actor("ana", "editor")


def test_the_server_keeps_only_a_hash_of_the_token_id(engine: Engine) -> None:
    token = sessions.issue(engine, "ana", clock=clock())
    token_id = token.split(".")[1]
    with engine.connect() as conn:
        stored = conn.execute(select(SignInSession.id_hash)).scalars().all()
    assert len(stored) == 1 and token_id not in stored[0] and len(stored[0]) == 64


def test_a_disabled_user_is_signed_out_and_a_new_role_applies(engine: Engine) -> None:
    create_user(engine, SYSTEM, "admin2", "admin", "another long password")
    token = sessions.issue(engine, "ana", clock=clock())
    set_role(engine, SYSTEM, "ana", "viewer")
    assert sessions.verify(engine, token, clock=clock()) == Actor("ana", "viewer")
    set_active(engine, SYSTEM, "ana", False)
    assert sessions.verify(engine, token, clock=clock()) is None
    with pytest.raises(ValueError):
        sessions.issue(engine, "ana", clock=clock())
