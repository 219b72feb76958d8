"""Keys the server makes for itself on first use and keeps in the database (server_secrets), so every
replica and every command-line run on the same database uses the same key, and the key never leaves it."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from geo.access.audit import now as utc_now
from geo.models import ServerSecret


def server_key(engine: Engine, name: str, clock: Callable[[], dt.datetime] = utc_now) -> bytes:
    """The 32-byte key called `name`: read from the database, made (once, race-safe) when missing."""
    with engine.connect() as conn:
        value = conn.execute(select(ServerSecret.value).where(ServerSecret.name == name)).scalar()
    if value is None:
        try:
            with engine.begin() as conn:
                conn.execute(insert(ServerSecret).values(name=name, value=secrets.token_hex(32), created_at=clock()))
        except IntegrityError:  # another process made it first: use theirs
            pass
        with engine.connect() as conn:
            value = conn.execute(select(ServerSecret.value).where(ServerSecret.name == name)).scalar_one()
    return bytes.fromhex(value)
