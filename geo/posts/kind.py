"""Border posts as a record kind: the file's meaning checks (codes, each post's rules, the crossings),
the import's row writer and the export query. Registered in geo.kinds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from geo.access.auth import Actor
from geo.access.editing import Saved
from geo.io.checks import Parsed, duplicates, exists
from geo.io.report import _Collector
from geo.kinds import ExportRows, FileCheck, RecordKind
from geo.kinds.context import Context
from geo.kinds.rows import given
from geo.kinds.rules import coordinate_columns
from geo.models import Post
from geo.posts.crossings import crossing_problems
from geo.posts.fields import POSTS
from geo.posts.records import save_post, validate_post

_COORDINATE_KEYS = ("data.err.swapped", "data.err.lon_sign", "data.err.outside_region", "data.err.post_moved")


def checks(ctx: Context) -> FileCheck:
    """A posts file's checks. Its rows arrive merged with the stored posts (a partial file's other columns),
    so each post's rules see the whole post; then the crossings, which compare posts with each other."""

    def check(parsed: Parsed, out: _Collector) -> None:
        frame, labels = parsed.frame, parsed.labels
        duplicates(parsed, ("code",), out)
        exists(parsed, "country_iso3", ctx.countries, out, "data.err.unknown_country")
        exists(parsed, "neighbour_iso3", ctx.countries, out, "data.err.unknown_country")
        numbers = parsed.rows.tolist()
        stored = {r["code"]: r for r in ctx.posts.to_dict("records")}  # where each post is now
        for position, row in enumerate(frame.to_dict("records")):
            if position in parsed.bad:
                continue
            # the rules save_post applies (a move judged against the stored place, `moved` a correction)
            for name, (key, params) in validate_post(row, stored.get(row["code"])).items():
                column = coordinate_columns(key, labels, "lon", "lat") if key in _COORDINATE_KEYS \
                    else labels.get(name, name)
                out.add(int(numbers[position]), column, key, **params)
                parsed.bad.add(position)
        if out:
            return
        _crossings(parsed, ctx, out)

    return check


def _crossings(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    first_row = dict(zip(parsed.frame["code"], parsed.rows, strict=True))
    for code, name, key, params in crossing_problems(parsed.frame, ctx.posts):
        out.add(int(first_row[code]) if code is not None else None, parsed.labels.get(name, name), key, **params)


_OWN = [n for n in POSTS.names if n != "code"]


def save_row(conn: Connection, actor: Actor, ctx: Context, record: Mapping[str, Any], present: set[str],
             at: dt.datetime) -> Saved:
    # the file's checks judged the crossings over the whole file (its posts may move both sides at once)
    return save_post(conn, actor, record["code"], given(record, _OWN, present), at=at, crossings=False)


def export_rows(conn: Connection) -> ExportRows:
    rows = [dict(r) for r in conn.execute(
        select(*(getattr(Post, n) for n in POSTS.names if n != "moved")).order_by(Post.code)).mappings()]
    return rows, [None if r["lon"] is None or r["lat"] is None else (float(r["lon"]), float(r["lat"])) for r in rows]


KIND = RecordKind("posts", POSTS, checks=checks, export_rows=export_rows, save_row=save_row,
                  columns_of={"lon": ("lon", "lat")},
                  stored_rows=lambda _conn, ctx: ctx.posts)
