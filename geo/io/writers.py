"""Per-kind writers of an import: each checked row goes through its domain's one write path.

Posts, components, workshops and assisted returns are saved row by row through the same function the edit
forms use (geo.posts.records.save_post, geo.upgrades.records.save_component, geo.workshops.records.save_workshop,
geo.programme.returns.save_return_count): a partial file is merged with the stored rows and changes only the
columns it names, the merged row obeys the form's rules (workflow transitions and who may make them,
budgets, dates), versions rise and the audit log records each change with one diff. A rule a row breaks is
reported at its row and column, and the import's transaction is rolled back.
Flows have no form: their one write path is the bulk loader (geo.flows.load), with roll-ups refreshed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, func, select, update

from geo.access.audit import as_text
from geo.access.auth import Actor
from geo.access.editing import NotFound, Saved, ValidationFailed
from geo.flows.load import insert_flows, refresh_monthly
from geo.io.checks import Context
from geo.io.schema import POSTS, UPGRADES, WORKSHOPS
from geo.models import AGENCIES, SEXES, FlowCount

ReportRow = Callable[..., None]  # (position in the frame, field, i18n key, **params)
Counts = tuple[int, int, int]


def _given(record: Mapping[str, Any], names: list[str], present: set[str]) -> dict[str, Any]:
    """The values a row gives: only the columns the file has (a partial file updates what it names)."""
    return {n: _plain(record.get(n)) for n in names if n in present}


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _save_rows(frame: pd.DataFrame, save: Callable[[Mapping[str, Any]], Saved], report_row: ReportRow,
               renames: Mapping[str, str] | None = None) -> Counts:
    """Save each row, counting outcomes; a refused row is reported at its row and column."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for position, record in enumerate(frame.to_dict("records")):
        try:
            counts[save(record).outcome] += 1
        except ValidationFailed as refused:
            for name, key in refused.problems.items():
                report_row(position, (renames or {}).get(name, name), key)
        except NotFound:
            report_row(position, None, "data.err.not_found")
    return counts["added"], counts["updated"], counts["unchanged"]


def _project(record: Mapping[str, Any], ctx: Context, present: set[str]) -> dict[str, Any]:
    if "project_code" not in present:
        return {}
    code = record.get("project_code")
    return {"project_id": ctx.projects.get(code) if code else None}


def _apply_posts(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context, report_row: ReportRow,
                 at: dt.datetime) -> Counts:
    from geo.posts.records import save_post

    present = frame.attrs.get("present", set())
    names = [n for n in POSTS.names if n != "code"]
    return _save_rows(frame, lambda r: save_post(conn, actor, r["code"], _given(r, names, present), at=at),
                      report_row)


def _apply_upgrades(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context, report_row: ReportRow,
                    at: dt.datetime) -> Counts:
    from geo.upgrades.records import save_component

    present = frame.attrs.get("present", set())
    names = [n for n in UPGRADES.names if n not in ("post_code", "component_code", "project_code")]

    def save(r: Mapping[str, Any]) -> Saved:
        given = _given(r, names, present) | _project(r, ctx, present)
        return save_component(conn, actor, r["post_code"], r["component_code"], given, at=at)

    return _save_rows(frame, save, report_row, {"project_id": "project_code"})


def _participants_of(record: Mapping[str, Any], present: set[str]) -> dict[str, int] | None:
    """Participants as "agency.sex": count, or None when the file has no participant column (keep stored)."""
    if not any(n.startswith("participants_") for n in present):
        return None
    return {f"{a}.{s}": int(record.get(f"participants_{a}_{s}") or 0) for a in AGENCIES for s in SEXES}


def _apply_workshops(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context, report_row: ReportRow,
                     at: dt.datetime) -> Counts:
    from geo.workshops.records import save_workshop

    present = frame.attrs.get("present", set())
    names = [n for n in WORKSHOPS.names if n not in ("code", "project_code", "posts")
             and not n.startswith("participants_")]

    def save(r: Mapping[str, Any]) -> Saved:
        given = _given(r, names, present) | _project(r, ctx, present)
        participants = _participants_of(r, present)
        if participants is not None:
            given["participants"] = participants
        if "posts" in present:
            given["posts"] = list(r.get("posts") or ())
        return save_workshop(conn, actor, r["code"], given, at=at)

    return _save_rows(frame, save, report_row, {"project_id": "project_code", "dates": "end_date",
                                                 "venue": "venue_name", "pair": "pair_a"})


def _apply_assistance(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context, report_row: ReportRow,
                      at: dt.datetime) -> Counts:
    from geo.programme.returns import save_return_count

    present = frame.attrs.get("present", set())

    def save(r: Mapping[str, Any]) -> Saved:
        given = _given(r, ["count", "is_sample"], present) | _project(r, ctx, present)
        return save_return_count(conn, actor, r["month"], r["country_iso3"], r["category"], given)

    return _save_rows(frame, save, report_row, {"project_id": "project_code"})


FLOW_KEY = ("day", "post_id", "direction", "nationality", "sex", "age_band", "prev_country", "next_country")


class FlowWriter:
    """Writes a flows file chunk by chunk inside the import's one transaction: each chunk's rows are
    matched to the stored rows by their natural key (new, changed, unchanged), new rows are appended
    (executemany on SQLite, COPY on PostgreSQL), changed ones updated; `finish` recomputes the roll-ups of
    every month touched, once. With `write` False (a dry run) it only counts."""

    def __init__(self, conn: Connection, ctx: Context, write: bool, present: set[str]) -> None:
        self.conn, self.write, self.present = conn, write, present
        self.post_ids = ctx.post_ids
        self.months: set[dt.date] = set()
        self.added = self.updated = self.unchanged = 0
        self.rows_written = 0
        # Only rows stored before this import can match a row of the file (a row repeating an earlier row
        # of the file is refused, and then nothing more is written). Their ids are at most this; None: the
        # table was empty, so no chunk needs to look (and on PostgreSQL, rows COPYed in this transaction
        # have no statistics yet: a lookup per chunk would scan them all again).
        self.last_stored_id = conn.execute(select(func.max(FlowCount.id))).scalar()

    def _stored(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The stored rows that may share a key with `frame`: its days and posts (one range query)."""
        if self.last_stored_id is None:
            return pd.DataFrame()
        first, last = min(frame["day"]), max(frame["day"])
        post_list = sorted(set(frame["post_id"].tolist()))
        query = (select(FlowCount.id, *(getattr(FlowCount, c) for c in FLOW_KEY), FlowCount.count.label("old_count"),
                        FlowCount.unaccompanied_minors.label("old_minors"), FlowCount.is_sample.label("old_sample"))
                 .where(FlowCount.day >= first, FlowCount.day <= last, FlowCount.post_id.in_(post_list),
                        FlowCount.id <= self.last_stored_id))
        existing = pd.DataFrame(self.conn.execute(query).all(), columns=[c.name for c in query.selected_columns])
        if existing.empty:
            return existing.astype({"id": "int64", "post_id": "int64", "day": object})
        existing["day"] = pd.to_datetime(existing["day"]).dt.date
        return existing

    def add(self, frame: pd.DataFrame) -> None:
        """Match, count and (unless a dry run) write one checked chunk."""
        if frame.empty:
            return
        frame = frame.copy()
        frame["post_id"] = frame["post_code"].map(self.post_ids).astype("int64")
        frame["count"] = frame["count"].astype("int64")
        minors = frame["unaccompanied_minors"]
        frame["unaccompanied_minors"] = pd.Series(
            [None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v) for v in minors.tolist()],
            index=frame.index, dtype=object)
        existing = self._stored(frame)
        if existing.empty:  # the common case of new data: no merge at all
            frame["is_sample"] = frame["is_sample"].map(lambda v: bool(v) if v is not None and v == v else False)
            new, old = frame, frame.iloc[0:0]
            changed, same_count = old, 0
        else:
            merged = frame.merge(existing, on=list(FLOW_KEY), how="left", indicator=True)
            no_flag = merged["is_sample"].isna()
            merged["is_sample"] = merged["is_sample"].where(~no_flag, merged["old_sample"])  # no column: keep it
            merged["is_sample"] = merged["is_sample"].map(lambda v: bool(v) if v is not None and v == v else False)
            if "unaccompanied_minors" not in self.present:  # no column: keep what is stored
                matched = merged["_merge"] == "both"
                merged.loc[matched, "unaccompanied_minors"] = merged.loc[matched, "old_minors"].map(
                    lambda v: None if v is None or v != v else int(v)).astype(object)
            new = merged[merged["_merge"] == "left_only"]
            old = merged[merged["_merge"] == "both"]
            old_minors = old["old_minors"].map(lambda v: None if v is None or v != v else int(v))
            same = ((old["count"].to_numpy() == old["old_count"].astype("int64").to_numpy())
                    & np.array([as_text(a) == as_text(b)
                                for a, b in zip(old["unaccompanied_minors"], old_minors, strict=True)], dtype=bool)
                    & (old["is_sample"].astype(bool).to_numpy() == old["old_sample"].astype(bool).to_numpy()))
            changed, same_count = old[~same], int(same.sum())
        self.added += len(new)
        self.updated += len(changed)
        self.unchanged += same_count
        if not self.write:
            return
        if len(changed):
            self.conn.execute(
                update(FlowCount).where(FlowCount.id == bindparam("row_id")).values(
                    count=bindparam("new_count"), unaccompanied_minors=bindparam("new_minors"),
                    is_sample=bindparam("new_sample")),
                [{"row_id": int(r["id"]), "new_count": int(r["count"]), "new_minors": r["unaccompanied_minors"],
                  "new_sample": bool(r["is_sample"])} for r in changed.to_dict("records")],
            )
            self.months |= {d.replace(day=1) for d in changed["day"]}
        if len(new):
            columns = [*FLOW_KEY, "count", "unaccompanied_minors", "is_sample"]
            self.months |= insert_flows(self.conn, new[columns].reset_index(drop=True))
        self.rows_written += len(new) + len(changed)

    def finish(self) -> None:
        """Recompute the roll-ups of the months touched (same transaction: raw rows and roll-ups agree)."""
        if self.write:
            refresh_monthly(self.conn, self.months)

    @property
    def counts(self) -> Counts:
        return self.added, self.updated, self.unchanged
