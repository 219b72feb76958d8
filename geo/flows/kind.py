"""Flows as a record kind: the rules of a flows file (codes that exist, dates, minors within the count, a
row's natural key once in the whole file, across its chunks), the bulk writer and the export query.
Registered in geo.kinds. Flows have no form: their one write path is the bulk loader (geo.flows.writer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, select

from geo.access.auth import may_change
from geo.flows.fields import FLOWS, NATIONALITY_CODES
from geo.flows.writer import FlowWriter
from geo.io.checks import Parsed, dates_in_range, exists
from geo.io.report import _Collector
from geo.kinds import ExportRows, FileCheck, RecordKind
from geo.kinds.context import Context
from geo.models import FlowCount, Post


def checks(ctx: Context) -> FileCheck:
    """A flows file's checks, called once per chunk; the keys seen stay across the file's chunks."""
    seen = FlowKeys(ctx)

    def check(parsed: Parsed, out: _Collector) -> None:
        check_flows(parsed, ctx, out, seen)

    return check


def check_flows(parsed: Parsed, ctx: Context, out: _Collector, seen: FlowKeys | None = None) -> None:
    """The flows rules. `seen`: the keys of the file's earlier chunks (one FlowKeys per file), so a row
    repeating a row of another chunk is reported at its row with the first one's, as in one piece."""
    frame = parsed.frame
    for name in ("prev_country", "next_country"):
        frame[name] = frame[name].where(frame[name].notna(), "")
    exists(parsed, "post_code", ctx.post_ids, out, "data.err.unknown_post")
    out_of_scope(parsed, ctx, out)
    for name in ("nationality", "prev_country", "next_country"):  # any country of the world, none made up
        exists(parsed, name, NATIONALITY_CODES | {""}, out, "data.err.unknown_iso3")
    dates_in_range(parsed, "day", out)
    counts, minors = frame["count"], frame["unaccompanied_minors"]
    over = (minors.notna() & counts.notna()).to_numpy().copy()
    over[over] = (minors[over].astype(float) > counts[over].astype(float)).to_numpy()
    for position in np.flatnonzero(over):
        if position not in parsed.bad:
            out.add(int(parsed.rows.iloc[position]), parsed.labels.get("unaccompanied_minors"),
                    "data.err.minors_over_count")
            parsed.bad.add(int(position))
    # Last, on the rows that passed every other rule: their codes are known, so each key packs into one
    # integer (FlowKeys), and the keys of a whole file fit in a few MB whatever the chunking.
    (seen or FlowKeys(ctx)).report_duplicates(parsed, out)


def out_of_scope(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    """The per-country rule (geo.access.auth.may_change) on each row's post: a scoped editor's file with a
    row of another country's post is refused at that row (flows have no form: this is their write path's)."""
    actor = ctx.actor
    if actor is None or actor.regional:
        return
    country_of = dict(zip(ctx.posts["code"], ctx.posts["country_iso3"], strict=True))
    countries = parsed.frame["post_code"].map(country_of)
    outside = (countries.notna() & ~countries.isin(set(actor.countries))).to_numpy()
    for position in np.flatnonzero(outside).tolist():
        if position in parsed.bad or may_change(actor, {countries.iloc[position]}):
            continue
        out.add(int(parsed.rows.iloc[position]), parsed.labels.get("post_code", "post_code"), "edit.err.out_of_scope",
                scope=", ".join(actor.countries), countries=countries.iloc[position])
        parsed.bad.add(position)


_DAY_ZERO = dt.date(1900, 1, 1)  # parse_date accepts 1900-2100: a day number fits in 17 bits


class FlowKeys:
    """The natural keys of the flow rows seen so far in one file, to find a row repeated anywhere in it.

    Each key (day, post, direction, nationality, sex, age band, previous and next country) of a checked row
    is packed into one unsigned 64-bit integer (every part is a known code, so it has a small number), and
    the keys seen are kept sorted with the row number of their first appearance: 16 bytes a row, a
    binary search per row. Exact: two keys pack alike only if they are equal. With more posts than the
    bits allow (thousands), it falls back to a dict of tuples (also exact, more memory)."""

    def __init__(self, ctx: Context) -> None:
        self.posts = {code: i for i, code in enumerate(sorted(ctx.posts["code"]))}
        self.countries = {code: i for i, code in enumerate(sorted(NATIONALITY_CODES | {""}))}
        self.choices = {name: {v: i for i, v in enumerate(FLOWS.field(name).choices)}
                        for name in ("direction", "sex", "age_band")}
        country_bits = max(1, len(self.countries).bit_length())
        self.parts: list[tuple[str, int]] = [
            ("day", 17), ("post_code", max(1, len(self.posts).bit_length())),
            *((name, max(1, len(self.choices[name]).bit_length())) for name in ("direction", "sex", "age_band")),
            *((name, country_bits) for name in ("nationality", "prev_country", "next_country")),
        ]
        self.packed = sum(bits for _name, bits in self.parts) <= 64
        self.keys = np.empty(0, dtype=np.uint64)
        self.first = np.empty(0, dtype=np.int64)
        self.fallback: dict[tuple, int] = {}

    def _pack(self, frame: pd.DataFrame) -> np.ndarray:
        key = np.zeros(len(frame), dtype=np.uint64)
        for name, bits in self.parts:
            # Each column factorised (few distinct values), its distinct values coded once, spread in C.
            codes, uniques = pd.factorize(frame[name])
            if name == "day":
                days = np.array(list(uniques), dtype="datetime64[D]").astype(np.int64)
                coded = (days - np.datetime64(_DAY_ZERO, "D").astype(np.int64)).astype(np.uint64)
            else:
                lookup = self.posts if name == "post_code" else self.choices.get(name, self.countries)
                coded = np.array([lookup[value] for value in uniques], dtype=np.uint64)
            code = coded[codes]
            key = (key << np.uint64(bits)) | code
        return key

    def report_duplicates(self, parsed: Parsed, out: _Collector) -> None:
        """Report each checked row whose key came earlier (this chunk or an earlier one); remember the rest."""
        positions = np.arange(len(parsed.frame), dtype=np.int64)
        if parsed.bad:
            positions = np.setdiff1d(positions, np.fromiter(parsed.bad, dtype=np.int64, count=len(parsed.bad)))
        if not len(positions):
            return
        frame = parsed.frame.iloc[positions]
        rows = parsed.rows.to_numpy()[positions]
        label = parsed.labels.get("day", "day")
        if not self.packed:
            for position, row, key in zip(positions.tolist(), rows.tolist(),
                                          frame[list(FLOWS.key)].itertuples(index=False, name=None), strict=True):
                first = self.fallback.setdefault(key, row)
                if first != row:
                    out.add(row, label, "data.err.duplicate", first=first)
                    parsed.bad.add(position)
            return
        keys = self._pack(frame)
        first = np.full(len(keys), -1, dtype=np.int64)
        if len(self.keys):  # in an earlier chunk
            at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
            earlier = self.keys[at] == keys
            first[earlier] = self.first[at[earlier]]
        again = pd.Series(keys).duplicated(keep="first").to_numpy() & (first < 0)
        if again.any():  # earlier in this chunk
            firsts = pd.Series(rows[~again & (first < 0)], index=keys[~again & (first < 0)])
            first[again] = firsts.loc[keys[again]].to_numpy()
        new = first < 0
        order = np.argsort(keys[new], kind="stable")
        new_keys, new_rows = keys[new][order], rows[new][order]
        at = np.searchsorted(self.keys, new_keys)
        self.keys, self.first = np.insert(self.keys, at, new_keys), np.insert(self.first, at, new_rows)
        for index in np.flatnonzero(~new).tolist():
            out.add(int(rows[index]), label, "data.err.duplicate", first=int(first[index]))
            parsed.bad.add(int(positions[index]))


def _export_query():
    fields = [n for n in FLOWS.names if n != "post_code"]
    return (select(Post.code.label("post_code"), Post.lon, Post.lat, *(getattr(FlowCount, n) for n in fields))
            .join(Post, Post.id == FlowCount.post_id)
            .order_by(FlowCount.day, Post.code, FlowCount.direction, FlowCount.nationality, FlowCount.sex,
                      FlowCount.age_band, FlowCount.prev_country, FlowCount.next_country))


def _with_points(rows) -> ExportRows:
    # each row carries its post's point, for mapping
    return [dict(r) for r in rows], [(float(r["lon"]), float(r["lat"])) for r in rows]


def export_rows(conn: Connection) -> ExportRows:
    return _with_points(conn.execute(_export_query()).mappings().all())


def export_chunks(conn: Connection, size: int) -> Iterator[ExportRows]:
    """The same rows in the same order, `size` at a time, read as they are written (a server-side cursor on
    PostgreSQL): a streamed export of millions of rows holds one chunk (geo.io.streaming)."""
    result = conn.execution_options(stream_results=True, yield_per=size).execute(_export_query()).mappings()
    for part in result.partitions(size):
        yield _with_points(part)


def count_rows(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(FlowCount)).scalar_one())


KIND = RecordKind("flows", FLOWS, checks=checks, export_rows=export_rows, export_chunks=export_chunks,
                  count_rows=count_rows,
                  bulk_writer=lambda conn, ctx, write, present: FlowWriter(conn, ctx.post_ids, write, present),
                  chunked=True, staff_only_columns=("unaccompanied_minors",))
