"""The one write path of flows: a checked file, chunk by chunk, into flow_counts inside the import's
transaction (new rows appended in bulk, changed ones updated), then the roll-ups of the months touched."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, func, select, update

from geo.access.audit import as_text
from geo.flows.load import insert_flows, refresh_monthly
from geo.models import FlowCount

Counts = tuple[int, int, int]


FLOW_KEY = ("day", "post_id", "direction", "nationality", "sex", "age_band", "prev_country", "next_country")


class FlowWriter:
    """Writes a flows file chunk by chunk inside the import's one transaction: each chunk's rows are
    matched to the stored rows by their natural key (new, changed, unchanged), new rows are appended
    (executemany on SQLite, COPY on PostgreSQL), changed ones updated; `finish` recomputes the roll-ups of
    every month touched, once. With `write` False (a dry run) it only counts."""

    def __init__(self, conn: Connection, post_ids: Mapping[str, int], write: bool, present: set[str]) -> None:
        self.conn, self.write, self.present = conn, write, present
        self.post_ids = post_ids
        self.months: set[dt.date] = set()
        self.warnings: list[tuple[str, dict]] = []  # (i18n key, params): the mirror gaps this write created
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
            from geo.flows import mirror

            # The mirror rule on the months written: gaps the roll-ups show after this write and not before
            # (before the refresh, the roll-ups still hold the stored figures) become the import's warnings.
            before = mirror.gaps_in(self.conn, self.months)
            refresh_monthly(self.conn, self.months)
            after = mirror.gaps_in(self.conn, self.months)
            self.warnings = [("data.warn.mirror", {"gap": gap}) for gap in mirror.created_gaps(before, after)]

    @property
    def counts(self) -> Counts:
        return self.added, self.updated, self.unchanged
