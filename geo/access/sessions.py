"""Staying signed in across a reload: signed, expiring, revocable sign-in tokens.

A token is `v1.<id>.<expires>.<signature>`: a random id (32 bytes from `secrets`), its expiry (Unix
seconds) and an HMAC-SHA256 of both under a key the server makes for itself on first use and keeps in
the database (server_secrets). The server also keeps one row per token, by the SHA-256 of its id, so:

- a forged or altered token fails the signature check (the key never leaves the server);
- an expired token is refused (the signed expiry and the row's agree; neither can be extended);
- signing out marks the row revoked, so the same token is refused afterwards even if a browser kept it;
- a disabled user's tokens stop working at once, and the role is read from the user row each time.

The browser carries the token in a cookie (see browser_bridge and ui.sign_in_box). Pure logic with an
injectable clock; no Streamlit here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable

from sqlalchemy import Engine, insert, select, update

from geo.access.audit import now as utc_now
from geo.access.auth import Actor, parse_countries
from geo.access.keys import server_key
from geo.models import SignInSession, User

COOKIE_NAME = "ca4_session"
TOKEN_TTL = dt.timedelta(hours=12)
_VERSION = "v1"
_KEY_NAME = "sign_in_token_key"


def _signing_key(engine: Engine, clock: Callable[[], dt.datetime] = utc_now) -> bytes:
    """The server's token key (geo.access.keys: made once, kept in the database)."""
    return server_key(engine, _KEY_NAME, clock)


def _signature(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _id_hash(token_id: str) -> str:
    return hashlib.sha256(token_id.encode()).hexdigest()


def _epoch(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.UTC).timestamp())


def issue(engine: Engine, username: str, *, clock: Callable[[], dt.datetime] = utc_now,
          ttl: dt.timedelta = TOKEN_TTL) -> str:
    """A new token for an active user (call it right after a successful sign-in)."""
    at = clock()
    expires = at + ttl
    with engine.connect() as conn:
        user_id = conn.execute(select(User.id).where(User.username == username, User.active.is_(True))).scalar()
    if user_id is None:
        raise ValueError(f"no active user {username!r}")
    token_id = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(SignInSession).values(id_hash=_id_hash(token_id), user_id=user_id, created_at=at,
                                                  expires_at=expires, revoked_at=None))
    payload = f"{_VERSION}.{token_id}.{_epoch(expires)}"
    return f"{payload}.{_signature(_signing_key(engine, clock), payload)}"


def _checked_id(engine: Engine, token: str | None, at: dt.datetime) -> str | None:
    """The token's id if its form, signature and signed expiry hold; None otherwise."""
    parts = (token or "").split(".")
    if len(parts) != 4 or parts[0] != _VERSION or not parts[2].isdigit():
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(_signing_key(engine), payload), parts[3]):
        return None
    if int(parts[2]) <= _epoch(at):
        return None
    return parts[1]


def verify(engine: Engine, token: str | None, *, clock: Callable[[], dt.datetime] = utc_now) -> Actor | None:
    """The actor a token signs in, or None if it is forged, altered, expired, revoked or its user disabled."""
    at = clock()
    token_id = _checked_id(engine, token, at)
    if token_id is None:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(User.username, User.role, User.active, User.countries, SignInSession.expires_at,
                   SignInSession.revoked_at)
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.id_hash == _id_hash(token_id))
        ).mappings().first()
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= at or not row["active"]:
        return None
    return Actor(row["username"], row["role"], parse_countries(row["countries"]))


def seconds_left(token: str | None, *, clock: Callable[[], dt.datetime] = utc_now) -> int:
    """How long the browser should keep the token's cookie (0 for anything malformed or past)."""
    parts = (token or "").split(".")
    if len(parts) != 4 or not parts[2].isdigit():
        return 0
    return max(0, int(parts[2]) - _epoch(clock()))


def revoke(engine: Engine, token: str | None, *, clock: Callable[[], dt.datetime] = utc_now) -> bool:
    """Sign a token out for good (sign-out). True if a live token was revoked."""
    at = clock()
    token_id = _checked_id(engine, token, at)
    if token_id is None:
        return False
    with engine.begin() as conn:
        done = conn.execute(update(SignInSession)
                            .where(SignInSession.id_hash == _id_hash(token_id), SignInSession.revoked_at.is_(None))
                            .values(revoked_at=at)).rowcount
    return done == 1
