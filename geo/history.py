"""A register as it stood at a past moment, from the audit log: THE history rule of the stock figures (posts
monitored, components operational, budget executed).

Every write to posts and components since they were loaded goes through geo.access.editing.save_record (forms and
imports alike), which logs each changed field with its time, old and new value, and a new record as a "create";
records are never deleted. So a register at a moment is today's with every change logged after that moment undone:
each field takes the old value of its first change after the moment, and a record created after it is left out.
There is no other dated record of spending: the programme's budget executions are these logged changes of
`budget_spent` (geo.upgrades.fields), each with its date.

A seed (by the "system" user) writes its rows without per-field entries: before the newest seed of a kind the
log knows nothing of that kind, so a figure at such a moment has no history (`known_from` says from when it has
one) and a page says so in words instead of inventing a trend. The sample's seed (geo.sample) also writes its
records' dated story (each sample component's start, installation and completion, by "system", as updates at
their dates): the log then knows that kind from the story's first entry.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from geo.access.auth import SYSTEM
from geo.models import AuditEntry, DatasetLoad


def known_from(engine: Engine, kind: str, entity: str) -> dt.datetime | None:
    """From when the log holds every change of `kind` (its records are `entity` in the log; stored UTC): the
    newest load by a seed, which writes without per-field entries, or the first entry of the dated story that
    seed wrote with its rows (the sample's); None when no seed ever wrote it (every row came through the log)."""
    with engine.connect() as conn:
        seeded = conn.execute(select(func.max(DatasetLoad.loaded_at))
                              .where(DatasetLoad.kind == kind, DatasetLoad.username == SYSTEM.username)).scalar()
        if seeded is None:
            return None
        story = conn.execute(select(func.min(AuditEntry.at))
                             .where(AuditEntry.entity == entity, AuditEntry.username == SYSTEM.username,
                                    AuditEntry.action == "update", AuditEntry.at <= seeded)).scalar()
    return min(seeded, story) if story is not None else seeded


def changes_after(engine: Engine, entity: str, when: dt.datetime) -> pd.DataFrame:
    """The logged creates and updates of `entity` after `when`, oldest first: at, action, key, field, old_value."""
    query = (select(AuditEntry.at, AuditEntry.action, AuditEntry.entity_key.label("key"), AuditEntry.field,
                    AuditEntry.old_value)
             .where(AuditEntry.entity == entity, AuditEntry.at > when, AuditEntry.action.in_(("create", "update")),
                    AuditEntry.field.is_not(None))
             .order_by(AuditEntry.at, AuditEntry.id))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["at", "action", "key", "field", "old_value"])


def as_it_stood(current: pd.DataFrame, changes: pd.DataFrame, key: str = "key") -> pd.DataFrame:
    """`current` (one row per record, its log key in column `key`) with the logged `changes` after a moment
    undone (changes_after's frame, oldest first): a record created after the moment is left out; each other
    field that changed since takes the old value of its first change. A numeric column reads the logged text
    back as a number."""
    created = set(changes.loc[changes["action"] == "create", "key"])
    out = current[~current[key].isin(created)].copy()
    updates = changes[(changes["action"] == "update") & changes["field"].isin(out.columns)]
    first = updates.drop_duplicates(["key", "field"], keep="first")
    for field, rows in first.groupby("field"):
        old = rows.set_index("key")["old_value"]
        if pd.api.types.is_numeric_dtype(out[field]):
            old = pd.to_numeric(old, errors="coerce")
        changed = out[key].isin(old.index)
        out[field] = out[field].astype(object)
        out.loc[changed, field] = out.loc[changed, key].map(old)
        if pd.api.types.is_numeric_dtype(current[field]):
            out[field] = pd.to_numeric(out[field])
    return out.reset_index(drop=True)
