"""Per-kind writers: merge a checked file with the stored rows and write it (or count what it would do)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, delete, insert, select, update

from geo.access.audit import as_text, now, record_changes
from geo.access.auth import Actor
from geo.flows.load import insert_flows, refresh_monthly
from geo.io.checks import Context
from geo.io.schema import POSTS, UPGRADES
from geo.models import (
    AGENCIES,
    SEXES,
    AssistedReturn,
    FlowCount,
    Post,
    PostComponent,
    Workshop,
    WorkshopParticipants,
    WorkshopPost,
)

# ------------------------------------------------------------------------------------------ writing
Progress = Callable[[float], None]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float | Decimal) or isinstance(b, float | Decimal):
        try:
            return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
        except (TypeError, ValueError):
            return False
    return as_text(a) == as_text(b)


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (old.get(k), v) for k, v in new.items() if not _same(old.get(k), v)
            and not (old.get(k) in (None, "") and v in (None, ""))}


def _sample(value: object, old: Mapping[str, Any] | None = None) -> bool:
    """The sample flag to store: the file's, else (no is_sample column) the record's current one."""
    if value is not None:
        return bool(value)
    return bool(old["is_sample"]) if old is not None else False


def _keep_absent(values: dict[str, Any], old: Mapping[str, Any] | None, frame: pd.DataFrame,
                 renames: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Columns the file does not have keep their stored values (a partial file updates what it gives)."""
    if old is None:
        return values
    present = frame.attrs.get("present", set())
    for name in list(values):
        if (renames or {}).get(name, name) not in present and name in old:
            values[name] = old[name]
    return values


def _apply_posts(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                 write: bool) -> tuple[int, int, int]:
    columns = [n for n in POSTS.names if n != "is_sample"]
    rows = conn.execute(select(*(getattr(Post, c) for c in (*columns, "is_sample")))).mappings().all()
    existing = {r["code"]: dict(r) for r in rows}
    added = updated = unchanged = 0
    stamp = now()
    for record in frame.to_dict("records"):
        values = {c: record.get(c) for c in columns}
        old = existing.get(values["code"])
        values["is_sample"] = _sample(record.get("is_sample"), old)
        values = _keep_absent(values, old, frame)
        if old is None:
            added += 1
            if write:
                conn.execute(insert(Post), {**values, "updated_at": stamp})
            continue
        changes = _diff(old, values)
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(Post).where(Post.code == values["code"]).values(**values, updated_at=stamp))
            record_changes(conn, actor, "post", values["code"], "update", changes, at=stamp)
    return added, updated, unchanged


def _apply_upgrades(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                    write: bool) -> tuple[int, int, int]:
    post_ids = ctx.post_ids
    fields = [n for n in UPGRADES.names if n not in ("post_code", "component_code", "project_code")]
    rows = conn.execute(
        select(PostComponent.id, PostComponent.post_id, PostComponent.component_code, PostComponent.project_id,
               PostComponent.version, *(getattr(PostComponent, f) for f in fields))
    ).mappings().all()
    existing = {(r["post_id"], r["component_code"]): dict(r) for r in rows}
    added = updated = unchanged = 0
    stamp = now()
    for record in frame.to_dict("records"):
        post_id = post_ids[record["post_code"]]
        values = {f: record.get(f) for f in fields}
        values["project_id"] = ctx.projects.get(record.get("project_code")) if record.get("project_code") else None
        old = existing.get((post_id, record["component_code"]))
        values["is_sample"] = _sample(values.get("is_sample"), old)
        values = _keep_absent(values, old, frame, {"project_id": "project_code"})
        key = f"{record['post_code']}/{record['component_code']}"
        if old is None:
            added += 1
            if write:
                conn.execute(insert(PostComponent), {
                    **values, "post_id": post_id, "component_code": record["component_code"], "version": 1,
                    "updated_at": stamp, "updated_by": actor.username})
            continue
        changes = _diff(old, values)
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(PostComponent).where(PostComponent.id == old["id"]).values(
                **values, version=old["version"] + 1, updated_at=stamp, updated_by=actor.username))
            record_changes(conn, actor, "post_component", key, "update", changes, at=stamp)
    return added, updated, unchanged


def _participants_of(record: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    out = {}
    for agency in AGENCIES:
        for sex in SEXES:
            value = record.get(f"participants_{agency}_{sex}")
            if value:
                out[(agency, sex)] = int(value)
    return out


def _participants_text(parts: Mapping[tuple[str, str], int]) -> str:
    return ", ".join(f"{a}.{s}={n}" for (a, s), n in sorted(parts.items()) if n)


def _apply_workshops(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                     write: bool) -> tuple[int, int, int]:
    from geo.workshops.records import EDIT_FIELDS

    post_ids = ctx.post_ids
    fields = [*EDIT_FIELDS, "project_id", "is_sample"]
    rows = conn.execute(select(Workshop.id, Workshop.code, Workshop.version,
                               *(getattr(Workshop, f) for f in fields))).mappings().all()
    existing = {r["code"]: dict(r) for r in rows}
    parts: dict[int, dict[tuple[str, str], int]] = {}
    for workshop_id, agency, sex, count in conn.execute(
            select(WorkshopParticipants.workshop_id, WorkshopParticipants.agency, WorkshopParticipants.sex,
                   WorkshopParticipants.count)):
        if count:
            parts.setdefault(workshop_id, {})[(agency, sex)] = int(count)
    attended: dict[int, list[str]] = {}
    for workshop_id, code in conn.execute(select(WorkshopPost.workshop_id, Post.code)
                                          .join(Post, Post.id == WorkshopPost.post_id)):
        attended.setdefault(workshop_id, []).append(code)
    added = updated = unchanged = 0
    stamp = now()
    for record in frame.to_dict("records"):
        values = {f: record.get(f) for f in EDIT_FIELDS}
        values["project_id"] = ctx.projects.get(record.get("project_code")) if record.get("project_code") else None
        new_parts = _participants_of(record)
        new_posts = sorted(record.get("posts") or ())
        old = existing.get(record["code"])
        values["is_sample"] = _sample(record.get("is_sample"), old)
        values = _keep_absent(values, old, frame, {"project_id": "project_code"})
        present = frame.attrs.get("present", set())
        if old is not None and not any(n.startswith("participants_") for n in present):
            new_parts = parts.get(old["id"], {})
        if old is not None and "posts" not in present:
            new_posts = sorted(attended.get(old["id"], []))
        if old is None:
            added += 1
            if write:
                workshop_id = conn.execute(insert(Workshop).returning(Workshop.id), {
                    **values, "code": record["code"], "version": 1, "updated_at": stamp,
                    "updated_by": actor.username}).scalar_one()
                _write_children(conn, workshop_id, new_parts, new_posts, post_ids)
            continue
        changes = _diff(old, values)
        old_parts, old_posts = parts.get(old["id"], {}), sorted(attended.get(old["id"], []))
        if _participants_text(old_parts) != _participants_text(new_parts):
            changes["participants"] = (_participants_text(old_parts), _participants_text(new_parts))
        if old_posts != new_posts:
            changes["posts"] = (", ".join(old_posts), ", ".join(new_posts))
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(Workshop).where(Workshop.id == old["id"]).values(
                **values, version=old["version"] + 1, updated_at=stamp, updated_by=actor.username))
            conn.execute(delete(WorkshopParticipants).where(WorkshopParticipants.workshop_id == old["id"]))
            conn.execute(delete(WorkshopPost).where(WorkshopPost.workshop_id == old["id"]))
            _write_children(conn, old["id"], new_parts, new_posts, post_ids)
            record_changes(conn, actor, "workshop", record["code"], "update", changes, at=stamp)
    return added, updated, unchanged


def _write_children(conn: Connection, workshop_id: int, parts: Mapping[tuple[str, str], int], posts: list[str],
                    post_ids: Mapping[str, int]) -> None:
    if parts:
        conn.execute(insert(WorkshopParticipants), [
            {"workshop_id": workshop_id, "agency": a, "sex": s, "count": n} for (a, s), n in parts.items()])
    if posts:
        conn.execute(insert(WorkshopPost), [{"workshop_id": workshop_id, "post_id": post_ids[c]} for c in posts])


FLOW_KEY = ("day", "post_id", "direction", "nationality", "sex", "age_band", "prev_country", "next_country")


def _apply_flows(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context, write: bool,
                 progress: Progress | None = None) -> tuple[int, int, int]:
    frame = frame.copy()
    frame["post_id"] = frame["post_code"].map(ctx.post_ids).astype("int64")
    frame["count"] = frame["count"].astype("int64")
    minors = frame["unaccompanied_minors"]
    frame["unaccompanied_minors"] = pd.Series(
        [None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v) for v in minors.tolist()],
        index=frame.index, dtype=object)
    first, last = min(frame["day"]), max(frame["day"])
    post_list = sorted(set(frame["post_id"].tolist()))
    existing = pd.read_sql(
        select(FlowCount.id, *(getattr(FlowCount, c) for c in FLOW_KEY), FlowCount.count.label("old_count"),
               FlowCount.unaccompanied_minors.label("old_minors"), FlowCount.is_sample.label("old_sample"))
        .where(FlowCount.day >= first, FlowCount.day <= last, FlowCount.post_id.in_(post_list)),
        conn,
    )
    existing["day"] = pd.to_datetime(existing["day"]).dt.date
    merged = frame.merge(existing, on=list(FLOW_KEY), how="left", indicator=True)
    no_flag = merged["is_sample"].isna()
    merged["is_sample"] = merged["is_sample"].where(~no_flag, merged["old_sample"])  # no column: keep the flag
    merged["is_sample"] = merged["is_sample"].map(lambda v: bool(v) if v is not None and v == v else False)
    if "unaccompanied_minors" not in frame.attrs.get("present", set()):  # no column: keep what is stored
        matched = merged["_merge"] == "both"
        merged.loc[matched, "unaccompanied_minors"] = merged.loc[matched, "old_minors"].map(
            lambda v: None if v is None or v != v else int(v)).astype(object)
    new = merged[merged["_merge"] == "left_only"]
    old = merged[merged["_merge"] == "both"]
    old_minors = old["old_minors"].map(lambda v: None if v is None or v != v else int(v))
    same = ((old["count"].to_numpy() == old["old_count"].astype("int64").to_numpy())
            & np.array([as_text(a) == as_text(b) for a, b in zip(old["unaccompanied_minors"], old_minors, strict=True)],
                       dtype=bool)
            & (old["is_sample"].astype(bool).to_numpy() == old["old_sample"].astype(bool).to_numpy()))
    changed = old[~same]
    if write:
        months: set[dt.date] = set()
        if len(changed):
            conn.execute(
                update(FlowCount).where(FlowCount.id == bindparam("row_id")).values(
                    count=bindparam("new_count"), unaccompanied_minors=bindparam("new_minors"),
                    is_sample=bindparam("new_sample")),
                [{"row_id": int(r["id"]), "new_count": int(r["count"]), "new_minors": r["unaccompanied_minors"],
                  "new_sample": bool(r["is_sample"])} for r in changed.to_dict("records")],
            )
            months |= {d.replace(day=1) for d in changed["day"]}
        if len(new):
            total = len(new)
            columns = [*FLOW_KEY, "count", "unaccompanied_minors", "is_sample"]
            months |= insert_flows(conn, new[columns].reset_index(drop=True),
                                   progress=(lambda n: progress(0.5 + 0.4 * n / total)) if progress else None)
        refresh_monthly(conn, months)
    return len(new), len(changed), len(old) - len(changed)


def _apply_assistance(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                      write: bool) -> tuple[int, int, int]:
    rows = conn.execute(select(AssistedReturn)).mappings().all()
    existing = {(r["month"], r["country_iso3"], r["category"]): dict(r) for r in rows}
    added = updated = unchanged = 0
    for record in frame.to_dict("records"):
        key = (record["month"], record["country_iso3"], record["category"])
        old = existing.get(key)
        values = {"count": int(record["count"]), "is_sample": _sample(record.get("is_sample"), old),
                  "project_id": ctx.projects.get(record.get("project_code")) if record.get("project_code") else None}
        values = _keep_absent(values, old, frame, {"project_id": "project_code"})
        label = f"{key[0].isoformat()}/{key[1]}/{key[2]}"
        if old is None:
            added += 1
            if write:
                conn.execute(insert(AssistedReturn), {**values, "month": key[0], "country_iso3": key[1],
                                                      "category": key[2]})
            continue
        changes = _diff(old, values)
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(AssistedReturn).where(
                AssistedReturn.month == key[0], AssistedReturn.country_iso3 == key[1],
                AssistedReturn.category == key[2]).values(**values))
            record_changes(conn, actor, "assisted_return", label, "update", changes)
    return added, updated, unchanged
