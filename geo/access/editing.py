"""Edits by coordinators with optimistic locking and the audit log, shared by every editable kind.

An editor reads a record with its `version`, changes some fields and saves. The save is refused with
StaleEdit when someone saved the same record meanwhile; the error lists what they changed, so nothing
is silently overwritten. Every accepted change writes one audit row per field, in the same transaction.
`save_record` is the one write path of every editable kind: the forms call it through each domain's save
function, and so does every import, row by row, inside the import's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, false, insert, select, update
from sqlalchemy.orm import DeclarativeBase, Session

from geo.access.audit import as_text, changed_fields, now, record_changes
from geo.access.auth import Actor, may_change, require
from geo.access.countries import record_countries
from geo.db import session_scope


class NotFound(Exception):
    pass


class ValidationFailed(Exception):
    """The new values break a rule; `problems` maps a field to an i18n key, `params` (by field) holds the
    key's placeholders ({value}, {min}, ...). A rule may give a problem as a key or as (key, params)."""

    def __init__(self, problems: Mapping[str, str | tuple[str, Mapping[str, Any]]]) -> None:
        self.problems: dict[str, str] = {}
        self.params: dict[str, dict[str, Any]] = {}
        for name, problem in problems.items():
            key, params = (problem, {}) if isinstance(problem, str) else problem
            self.problems[name] = key
            if params:
                self.params[name] = dict(params)
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


# A rule's verdict: {field: i18n key} or {field: (i18n key, params)}; empty when the row is valid.
Verdict = Mapping[str, str | tuple[str, Mapping[str, Any]]]
Validate = Callable[[Mapping[str, object] | None, dict[str, object]], Verdict]
Children = Callable[[Connection | Session, int, Mapping[str, object] | None], Mapping[str, tuple[object, object]]]


@dataclass(frozen=True)
class Saved:
    """What a save did: "added", "updated" or "unchanged", with the record's id and version after it."""

    outcome: str
    id: int | None
    version: int | None


def _dialect(target: Connection | Session) -> str:
    return (target.get_bind() if isinstance(target, Session) else target).dialect.name


def lock_for_write(target: Connection | Session, model: type) -> None:
    """Take the database's write lock before reading a record that is about to be saved.

    SQLite has no row locks: an UPDATE that matches nothing takes the database's write lock, so a
    concurrent save waits and then sees the new version. PostgreSQL locks the row (FOR UPDATE) instead.
    """
    if _dialect(target) == "sqlite":
        table = model.__table__
        target.execute(update(table).where(false()).values(**{table.c.keys()[0]: table.c[table.c.keys()[0]]}))


def refuse_out_of_scope(target: Connection | Session, actor: Actor, stored: Mapping[str, Any] | None,
                        merged: Mapping[str, Any]) -> None:
    """The per-country rule on a record as stored and as it would be saved (so a record is neither changed
    outside the actor's countries nor moved out of them): ValidationFailed on the deciding column."""
    if actor.regional:
        return
    for row in (stored, merged):
        column, countries = record_countries(target, row)
        if row is not None and not may_change(actor, countries):
            raise ValidationFailed({column or "key": ("edit.err.out_of_scope",
                                                      {"scope": ", ".join(actor.countries),
                                                       "countries": ", ".join(sorted(countries)) or "-"})})


def save_record(
    target: Connection | Session, actor: Actor, model: type, where: Mapping[str, object], given: Mapping[str, object],
    *, entity: str, key: str, mode: str = "upsert", defaults: Mapping[str, object] | None = None,
    seen: Mapping[str, object] | None = None, validate: Validate | None = None, children: Children | None = None,
    at: dt.datetime | None = None, exists: tuple[str, str] = ("key", "edit.err.exists"),
) -> Saved:
    """THE write path of an editable record, shared by the edit forms and the imports.

    Reads the stored row matching `where` (locked), merges `given` into it (a partial input changes only
    the fields it names; a new record starts from `defaults`), validates the merged row with `validate(stored,
    merged)` (stored is None for a new record: the same rules whoever calls), writes it with its version
    raised, and writes one audit entry per changed field with one diff function (geo.access.audit.changed_fields).
    `mode`: "upsert" (imports), "update" (must exist) or "create" (must not exist: ValidationFailed with
    `exists`, a (field, i18n key) pair). `seen`: the values an editor read, with `version`;
    a save over a newer version raises StaleEdit listing what changed meanwhile. `children(target, id, stored)`
    writes rows held outside the record (participants, posts) and returns their changes.
    Raises ValidationFailed ({field: i18n key}), StaleEdit, NotFound, PermissionDenied; writes nothing then.
    """
    require(actor, "editor", f"edit {entity}")
    table = model.__table__
    columns = list(table.c.keys())
    query = select(table).filter_by(**where)
    if _dialect(target) == "postgresql":
        query = query.with_for_update()
    else:
        lock_for_write(target, model)
    row = target.execute(query).mappings().first()
    stored = dict(row) if row is not None else None
    if stored is None and mode == "update":
        raise NotFound(f"{entity} {key} does not exist")
    if stored is not None and mode == "create":
        raise ValidationFailed({exists[0]: exists[1]})
    if stored is not None and seen is not None and "version" in stored and stored["version"] != seen.get("version"):
        raise stale_edit(stored, entity, key, seen, given)
    fields = {k: v for k, v in given.items() if k in columns and k not in ("id", "version")}
    merged = {**(stored if stored is not None else {**dict(where), **(defaults or {})}), **fields}
    refuse_out_of_scope(target, actor, stored, merged)
    problems = dict(validate(stored, merged)) if validate is not None else {}
    if stored is None:  # a new record needs every value its table requires
        for column in table.c:
            if not (column.nullable or column.primary_key or column.default is not None
                    or column.server_default is not None or column.name in problems) \
                    and merged.get(column.name) is None and column.name not in ("version", "updated_at", "updated_by"):
                problems[column.name] = "data.err.required"
    if problems:
        raise ValidationFailed(problems)
    stamp = at or now()
    editable = [c for c in merged if c in columns and c not in ("id", "version", "updated_at", "updated_by")]
    changes = changed_fields(stored or {}, {c: merged[c] for c in editable if c not in where})
    if stored is None:
        values = {c: merged[c] for c in editable}
        if "version" in columns:
            values["version"] = 1
        if "updated_by" in columns:
            values |= {"updated_by": actor.username, "updated_at": stamp}
        result = target.execute(insert(table).values(**values))
        new_id = result.inserted_primary_key[0] if "id" in columns else None
        if children is not None and new_id is not None:
            changes |= children(target, int(new_id), None)
        record_changes(target, actor, entity, key, "create", {k: v for k, v in changes.items() if v[1] is not None},
                       at=stamp)
        return Saved("added", new_id, 1 if "version" in columns else None)
    if children is not None:
        changes |= children(target, int(stored["id"]), stored)
    version = stored.get("version")
    if not changes:
        return Saved("unchanged", stored.get("id"), version)
    values = {c: merged[c] for c in editable if c in changes}
    statement = update(table).where(*(table.c[k] == stored[k] for k in (["id"] if "id" in columns else where)))
    if version is not None:
        statement = statement.where(table.c.version == version)
        values["version"] = version + 1
    if "updated_by" in columns:
        values |= {"updated_by": actor.username, "updated_at": stamp}
    if target.execute(statement.values(**values)).rowcount != 1:  # a concurrent save won the race
        current = target.execute(select(table).filter_by(**where)).mappings().first()
        raise stale_edit(dict(current or {}), entity, key, seen or stored, given)
    record_changes(target, actor, entity, key, "update", changes, at=stamp)
    return Saved("updated", stored.get("id"), None if version is None else version + 1)


def save_one(engine: Engine, actor: Actor, model: type, where: Mapping[str, object], given: Mapping[str, object],
             **options: Any) -> Saved:
    """save_record in a transaction of its own (a form's save)."""
    require(actor, "editor", f"edit {options.get('entity', 'records')}")
    with session_scope(engine) as session:
        return save_record(session, actor, model, where, given, **options)


def stale_edit(current: Mapping[str, object], entity: str, key: str, seen: Mapping[str, object],
               new: Mapping[str, object]) -> StaleEdit:
    """The refusal of a stale save, listing the fields someone else changed since `seen` was read."""
    fields = sorted((set(seen) | set(new)) - {"version"})
    meanwhile = {f: (seen.get(f), current.get(f)) for f in fields
                 if f in seen and f in current and as_text(seen.get(f)) != as_text(current.get(f))}
    return StaleEdit(entity, key, current.get("updated_by"), meanwhile)
