"""The audit log: one row per changed field (who, when, old → new), one per import with its counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from geo.access.auth import Actor
from geo.models import AuditEntry


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def as_text(value: object) -> str | None:
    """A stable text form for the log (dates ISO, numbers without trailing zeros)."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # Numeric columns: 1000.00 from the database equals 1000.0 from a form
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same_value(a: object, b: object) -> bool:
    """Equal as stored values: 1000.00 (a Decimal column) equals 1000.0 (a form), "" equals None."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, float | Decimal) or isinstance(b, float | Decimal):
        try:
            return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
    return as_text(a) == as_text(b)


def changed_fields(old: Mapping[str, object], new: Mapping[str, object]) -> dict[str, tuple[object, object]]:
    """{field: (old, new)} for the fields of `new` whose value differs from `old`: THE diff of the audit log,
    used by every save (forms and imports)."""
    return {k: (old.get(k), v) for k, v in new.items() if not same_value(old.get(k), v)}


def record_changes(
    target: Session | Connection, actor: Actor, entity: str, key: str, action: str,
    changes: Mapping[str, tuple[object, object]], at: dt.datetime | None = None,
) -> int:
    """Write one audit row per changed field, in the caller's transaction. Returns rows written."""
    when = at or now()
    rows = [
        {"at": when, "username": actor.username, "action": action, "entity": entity, "entity_key": key,
         "field": field, "old_value": as_text(old), "new_value": as_text(new), "scope": actor.scope_text}
        for field, (old, new) in changes.items()
    ]
    if rows:
        target.execute(insert(AuditEntry), rows)
    return len(rows)


def record_event(
    target: Session | Connection, actor: Actor, action: str, entity: str, key: str | None, details: str,
) -> None:
    """One summary row, e.g. an import with its counts."""
    target.execute(insert(AuditEntry), {
        "at": now(), "username": actor.username, "action": action, "entity": entity, "entity_key": key,
        "details": details, "scope": actor.scope_text,
    })


def audit_frame(engine: Engine, since: dt.datetime | None = None, entity: str | None = None,
                username: str | None = None, limit: int = 5000) -> pd.DataFrame:
    """Audit rows, newest first, filtered."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if username:
        query = query.where(AuditEntry.username == username)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)
