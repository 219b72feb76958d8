"""Users: argon2 password hashes, sign-in slowed down after failures, and user management (admins only).

Passwords are hashed with argon2id (argon2-cffi); only the hash is stored and nothing logs a password.
After FREE_ATTEMPTS failed sign-ins in a row, each further attempt must wait an exponentially growing
delay (2, 4, 8 … seconds, at most MAX_DELAY_S) counted from the last failure. Attempts inside the wait
are refused without checking the password, so guessing stays slow even from many browsers at once.
The clock and the sleep are parameters, so tests never wait.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import OperationalError

from geo.access.audit import now as utc_now
from geo.access.audit import record_changes
from geo.access.auth import Actor, parse_countries, require
from geo.models import ROLES, User

FREE_ATTEMPTS = 3
MAX_DELAY_S = 300
MIN_PASSWORD = 10
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
ENTITY = "user"

_hasher = PasswordHasher()
# Verified when the user does not exist, so an unknown name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password: timing equaliser")


class UserError(Exception):
    """A refused user operation; `key` is a catalog key (geo/i18n/locales) and `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(key)


@dataclass(frozen=True)
class SignIn:
    actor: Actor | None
    wait_s: int = 0  # > 0: refused because of earlier failures; try again after this many seconds


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def delay_s(failed_attempts: int) -> int:
    """How long to wait after `failed_attempts` consecutive failures before the next attempt counts."""
    if failed_attempts < FREE_ATTEMPTS:
        return 0
    return min(2 ** (failed_attempts - FREE_ATTEMPTS + 1), MAX_DELAY_S)


def retry_after_s(failed_attempts: int, last_failed_at: dt.datetime | None, at: dt.datetime) -> int:
    """Seconds left before another attempt is accepted (0: now)."""
    if last_failed_at is None:
        return 0
    left = delay_s(failed_attempts) - (at - last_failed_at).total_seconds()
    return max(0, int(left + 0.999))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_PATTERN.match(name):
        raise UserError("users.err.name")
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserError("users.err.password", n=MIN_PASSWORD)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError("users.err.role")


def sign_in(engine: Engine, name: str, password: str, *, clock: Callable[[], dt.datetime] = utc_now) -> SignIn:
    """Check a password. Refuses (wait_s > 0) while a slow-down from earlier failures is running.

    Each attempt is counted as a failure *before* the hash is checked, by one atomic compare-and-set of the
    failure counter (UPDATE ... WHERE failed_attempts = <the value read>). Of several simultaneous attempts
    only one wins that update; the others re-read the counter, find the slow-down running and are refused
    without checking the password. A right password then resets the counter.
    """
    at = clock()
    username = (name or "").strip()
    for _round in range(2 * FREE_ATTEMPTS + 2):  # bounded: each lost race means another attempt counted
        with engine.connect() as conn:
            user = conn.execute(select(User).where(User.username == username)).mappings().first()
        if user is None:
            _verify(_DUMMY_HASH, password)
            return SignIn(None)
        wait = retry_after_s(user["failed_attempts"], user["last_failed_at"], at)
        if wait > 0:
            return SignIn(None, wait)
        if _claim_attempt(engine, user["id"], user["failed_attempts"], at):
            break
    else:  # the counter kept moving under us: many attempts at once, which is what the slow-down is for
        return SignIn(None, max(1, delay_s(FREE_ATTEMPTS)))
    if not user["active"] or not _verify(user["password_hash"], password):
        return SignIn(None, 0)  # already counted by the claim
    values: dict[str, object] = {"failed_attempts": 0, "last_failed_at": None}
    if _hasher.check_needs_rehash(user["password_hash"]):
        values["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user["id"]).values(**values))
    return SignIn(Actor(user["username"], user["role"], parse_countries(user["countries"])))


def _claim_attempt(engine: Engine, user_id: int, seen: int, at: dt.datetime) -> bool:
    """Count one attempt as failed if the counter still holds `seen`; False when another attempt got there
    first (or the database is busy with one). A single UPDATE in its own transaction: SQLite and PostgreSQL
    both make it atomic, so no two attempts can claim the same counter value."""
    try:
        with engine.begin() as conn:
            claimed = conn.execute(update(User).where(User.id == user_id, User.failed_attempts == seen).values(
                failed_attempts=User.failed_attempts + 1, last_failed_at=at)).rowcount
    except OperationalError:  # "database is locked" after the busy timeout: treat as a lost race
        return False
    return claimed == 1


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(engine: Engine, name: str, password: str, *, clock: Callable[[], dt.datetime] = utc_now,
                 sleep: Callable[[float], None] = time.sleep) -> Actor | None:
    """The actor for a right name and password, else None. Waits out a running slow-down first (for the
    command line and scripts; the sign-in form shows the wait instead of blocking)."""
    result = sign_in(engine, name, password, clock=clock)
    if result.wait_s > 0:
        sleep(result.wait_s)
        result = sign_in(engine, name, password, clock=lambda: clock() + dt.timedelta(seconds=result.wait_s))
    return result.actor


# ------------------------------------------------------------------------------------------ management
def _check_countries(countries: tuple[str, ...] | str | None) -> str | None:
    """A scope as stored ('GTM,SLV'), checked: CA4 countries only; None (or empty) is the whole region."""
    from geo.reference import CA4

    codes = parse_countries(countries if isinstance(countries, str) or countries is None else ",".join(countries))
    if any(c not in CA4 for c in codes):
        raise UserError("users.err.countries")
    return ",".join(codes) or None


def create_user(engine: Engine, actor: Actor, name: str, role: str, password: str,
                countries: tuple[str, ...] | str | None = None) -> None:
    """A new user; `countries` limits an editor to those CA4 countries (none: the whole region)."""
    require(actor, "admin", "add users")
    name = _check_name(name)
    _check_role(role)
    _check_password(password)
    scope = _check_countries(countries)
    with engine.begin() as conn:
        if conn.execute(select(User.id).where(func.lower(User.username) == name.lower())).first():
            raise UserError("users.err.exists")
        conn.execute(insert(User), {"username": name, "password_hash": hash_password(password), "role": role,
                                    "active": True, "failed_attempts": 0, "created_at": utc_now(), "countries": scope})
        record_changes(conn, actor, ENTITY, name, "create", {"role": (None, role), "active": (None, True),
                                                             "countries": (None, scope or "")})


def set_countries(engine: Engine, actor: Actor, name: str, countries: tuple[str, ...] | str | None) -> None:
    """Change a user's country scope (none: the whole region)."""
    require(actor, "admin", "change a user's countries")
    scope = _check_countries(countries)
    with engine.begin() as conn:
        user = _user(conn, name)
        if (user["countries"] or None) == scope:
            return
        conn.execute(update(User).where(User.id == user["id"]).values(countries=scope))
        record_changes(conn, actor, ENTITY, name, "update", {"countries": (user["countries"] or "", scope or "")})


def actor_of(engine: Engine, name: str) -> Actor:
    """The actor an active user acts as (role and country scope): for `python -m geo import --user NAME`."""
    with engine.connect() as conn:
        user = _user(conn, name)
    if not user["active"]:
        raise UserError("users.err.disabled")
    return Actor(user["username"], user["role"], parse_countries(user["countries"]))


def _user(conn, name: str):
    user = conn.execute(select(User.id, User.username, User.role, User.active, User.countries)
                        .where(User.username == name)).mappings().first()
    if user is None:
        raise UserError("users.err.unknown")
    return user


def _other_active_admins(conn, user_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != user_id)).scalar_one())


def set_role(engine: Engine, actor: Actor, name: str, role: str) -> None:
    require(actor, "admin", "change roles")
    _check_role(role)
    with engine.begin() as conn:
        user = _user(conn, name)
        if user["role"] == role:
            return
        if user["role"] == "admin" and user["active"] and not _other_active_admins(conn, user["id"]):
            raise UserError("users.err.last_admin")
        conn.execute(update(User).where(User.id == user["id"]).values(role=role))
        record_changes(conn, actor, ENTITY, name, "update", {"role": (user["role"], role)})


def set_active(engine: Engine, actor: Actor, name: str, active: bool) -> None:
    require(actor, "admin", "disable or enable users")
    with engine.begin() as conn:
        user = _user(conn, name)
        if bool(user["active"]) == active:
            return
        if not active and user["role"] == "admin" and not _other_active_admins(conn, user["id"]):
            raise UserError("users.err.last_admin")
        conn.execute(update(User).where(User.id == user["id"]).values(active=active))
        record_changes(conn, actor, ENTITY, name, "update", {"active": (bool(user["active"]), active)})


def set_password(engine: Engine, actor: Actor, name: str, password: str) -> None:
    require(actor, "admin", "set passwords")
    _check_password(password)
    with engine.begin() as conn:
        user = _user(conn, name)
        conn.execute(update(User).where(User.id == user["id"]).values(
            password_hash=hash_password(password), failed_attempts=0, last_failed_at=None))
        record_changes(conn, actor, ENTITY, name, "update", {"password": ("***", "*** (changed)")})


def reset_failures(engine: Engine, actor: Actor, name: str) -> None:
    require(actor, "admin", "reset sign-in failures")
    with engine.begin() as conn:
        user = _user(conn, name)
        conn.execute(update(User).where(User.id == user["id"]).values(failed_attempts=0, last_failed_at=None))
        record_changes(conn, actor, ENTITY, name, "update", {"failed_attempts": ("…", 0)})


def users_frame(engine: Engine) -> pd.DataFrame:
    """Users without their password hashes."""
    with engine.connect() as conn:
        return pd.read_sql(select(User.username, User.role, User.countries, User.active, User.failed_attempts,
                                  User.last_failed_at, User.created_at).order_by(User.username), conn)
