"""Edits by coordinators with optimistic locking and the audit log, shared by every editable kind.

An editor reads a record with its `version`, changes some fields and saves. The save is refused with
StaleEdit when someone saved the same record meanwhile; the error lists what they changed, so nothing
is silently overwritten. Every accepted change writes one audit row per field, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.exc import StaleDataError

from geo.audit import as_text, changed_fields, now, record_changes
from geo.auth import Actor, require
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
) -> int:
    """Apply `new` to the record matching `where` if its version is still `seen["version"]`.

    `seen` holds the values the editor read (including version). `validate` receives the merged record
    and returns {field: message} for every broken rule. Returns the new version.
    """
    require(actor, "editor", f"edit {entity}")
    try:
        with session_scope(engine) as session:
            query = select(model).filter_by(**where)
            if engine.dialect.name == "postgresql":
                query = query.with_for_update()
            obj = session.execute(query).scalar_one_or_none()
            if obj is None:
                raise NotFound(f"{entity} {key} does not exist")
            if obj.version != seen.get("version"):
                fields = sorted((set(seen) | set(new)) - {"version"})
                current = record_values(obj, fields)
                meanwhile = {f: (seen.get(f), current[f]) for f in fields
                             if f in seen and as_text(seen.get(f)) != as_text(current[f])}
                raise StaleEdit(entity, key, getattr(obj, "updated_by", None), meanwhile)
            current = record_values(obj, list(new))
            changes = changed_fields(current, new)
            if validate is not None:
                merged = {**record_values(obj, [c.key for c in model.__table__.columns]), **new}
                problems = validate(merged)
                if problems:
                    raise ValidationFailed(problems)
            if not changes:
                return obj.version
            for name, (_, value) in changes.items():
                setattr(obj, name, value)
            if hasattr(obj, "updated_by"):
                obj.updated_by = actor.username
                obj.updated_at = now()
            session.flush()  # UPDATE ... WHERE version = :read_version (version_id_col)
            record_changes(session, actor, entity, key, "update", changes)
            return obj.version
    except StaleDataError as error:  # a concurrent save landed between our read and our write
        raise StaleEdit(entity, key, None, {}) from error
