"""Edits by coordinators with optimistic locking and the audit log, shared by every editable kind.

An editor reads a record with its `version`, changes some fields and saves. The save is refused with
StaleEdit when someone saved the same record meanwhile; the error lists what they changed, so nothing
is silently overwritten. Every accepted change writes one audit row per field, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, false, select, update
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from geo.access.audit import as_text, changed_fields, now, record_changes
from geo.access.auth import Actor, require
from geo.db import session_scope


class NotFound(Exception):
    pass


class ValidationFailed(Exception):
    """The new values break a rule; `problems` maps a field to a plain message."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


@dataclass
class StaleEdit(Exception):
    """Someone else saved the record after it was read."""

    entity: str
    key: str
    by: str | None
    meanwhile: dict[str, tuple[object, object]] = field(default_factory=dict)  # field: (seen, now)

    def __str__(self) -> str:
        changes = ", ".join(f"{k}: {as_text(a)} → {as_text(b)}" for k, (a, b) in self.meanwhile.items())
        return f"{self.entity} {self.key} was changed by {self.by or 'someone'} meanwhile ({changes})"


def record_values(obj: DeclarativeBase, fields: list[str]) -> dict[str, object]:
    return {f: getattr(obj, f) for f in fields}


def update_versioned(
    engine: Engine, actor: Actor, model: type, where: Mapping[str, object], seen: Mapping[str, object],
    new: Mapping[str, object], *, entity: str, key: str,
    validate: Callable[[dict[str, object]], Mapping[str, str]] | None = None,
    extra: Callable[[Session, object], Mapping[str, tuple[object, object]]] | None = None,
) -> int:
    """Apply `new` to the record matching `where` if its version is still `seen["version"]`.

    `seen` holds the values the editor read (including version). `validate` receives the merged record
    and returns {field: message} for every broken rule. Returns the new version.
    `extra`, if given, runs in the same transaction after those checks with (session, locked record): it
    applies changes held outside the record's columns (child rows) and returns them as {field: (old, new)};
    they are audited and, like column changes, raise the record's version.
    """
    require(actor, "editor", f"edit {entity}")
    try:
        with session_scope(engine) as session:
            query = select(model).filter_by(**where)
            if engine.dialect.name == "postgresql":
                query = query.with_for_update()
            elif engine.dialect.name == "sqlite":
                # SQLite has no row locks: take the database's write lock before reading (an UPDATE that
                # matches nothing does), so a concurrent save waits and then sees the new version.
                session.execute(update(model.__table__).where(false()).values(version=model.__table__.c.version))
            obj = session.execute(query).scalar_one_or_none()
            if obj is None:
                raise NotFound(f"{entity} {key} does not exist")
            if obj.version != seen.get("version"):
                raise _stale(obj, entity, key, seen, new)
            current = record_values(obj, list(new))
            changes = changed_fields(current, new)
            if validate is not None:
                merged = {**record_values(obj, [c.key for c in model.__table__.columns]), **new}
                problems = validate(merged)
                if problems:
                    raise ValidationFailed(problems)
            for name, (_, value) in changes.items():
                setattr(obj, name, value)
            if extra is not None:
                changes = {**changes, **extra(session, obj)}
            if not changes:
                return obj.version
            if hasattr(obj, "updated_by"):
                obj.updated_by = actor.username
                obj.updated_at = now()
                flag_modified(obj, "updated_at")  # an UPDATE (and a new version) even if only children changed
            session.flush()  # UPDATE ... WHERE version = :read_version (version_id_col)
            record_changes(session, actor, entity, key, "update", changes)
            return obj.version
    except StaleDataError as error:  # a concurrent save landed between our read and our write
        with session_scope(engine) as session:
            obj = session.execute(select(model).filter_by(**where)).scalar_one_or_none()
            stale = _stale(obj, entity, key, seen, new) if obj is not None else StaleEdit(entity, key, None, {})
        raise stale from error


def _stale(obj: object, entity: str, key: str, seen: Mapping[str, object], new: Mapping[str, object]) -> StaleEdit:
    """The refusal of a stale save, listing the fields someone else changed since `seen` was read."""
    fields = sorted((set(seen) | set(new)) - {"version"})
    current = record_values(obj, fields)  # type: ignore[arg-type]
    meanwhile = {f: (seen.get(f), current[f]) for f in fields
                 if f in seen and as_text(seen.get(f)) != as_text(current[f])}
    return StaleEdit(entity, key, getattr(obj, "updated_by", None), meanwhile)
