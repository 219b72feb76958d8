"""Border posts as a record kind: the file's meaning checks (codes, each post's rules, the crossings),
the import's row writer and the export query. Registered in geo.kinds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
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
from geo.posts.checks import post_problems
from geo.posts.fields import POSTS
from geo.posts.records import save_post, validate_post

# The two posts of a land crossing face each other across the line: the farthest pair in data/posts.csv is
# 7 km apart (GTM-MEX-06). Farther than this, one of them has been moved along the border.
MAX_PARTNER_KM = 15.0
_COORDINATE_KEYS = ("data.err.swapped", "data.err.lon_sign", "data.err.outside_region")


def checks(ctx: Context) -> FileCheck:
    """A posts file's checks. Its rows arrive merged with the stored posts (a partial file's other columns),
    so each post's rules see the whole post; then the crossings, which compare posts with each other."""

    def check(parsed: Parsed, out: _Collector) -> None:
        frame, labels = parsed.frame, parsed.labels
        duplicates(parsed, ("code",), out)
        exists(parsed, "country_iso3", ctx.countries, out, "data.err.unknown_country")
        exists(parsed, "neighbour_iso3", ctx.countries, out, "data.err.unknown_country")
        numbers = parsed.rows.tolist()
        for position, row in enumerate(frame.to_dict("records")):
            if position in parsed.bad:
                continue
            for name, (key, params) in validate_post(row).items():  # the rules save_post applies
                column = coordinate_columns(key, labels, "lon", "lat") if key in _COORDINATE_KEYS \
                    else labels.get(name, name)
                out.add(int(numbers[position]), column, key, **params)
                parsed.bad.add(position)
        if out:
            return
        _crossings(parsed, ctx, out)

    return check


def _crossings(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    """One post on each side of a crossing, after the file is merged into what the database holds."""
    frame, labels = parsed.frame, parsed.labels
    incoming = frame[["code", "country_iso3", "type", "crossing_code", "neighbour_iso3", "lon", "lat"]]
    merged = pd.concat([ctx.posts[~ctx.posts["code"].isin(incoming["code"])][incoming.columns], incoming])
    touched = set(incoming["crossing_code"].dropna())
    land = merged[(merged["type"] == "land") & merged["crossing_code"].isin(touched)]
    first_row = dict(zip(frame["code"], parsed.rows, strict=True))
    # post_problems checks every post too; these passed validate_post, so keep only the crossing verdicts.
    for problem in [] if land.empty else [p for p in post_problems(land) if p.kind == "crossing"]:
        crossing = problem.subject
        codes = frame.loc[frame["crossing_code"] == crossing, "code"]
        out.add(int(first_row[codes.iloc[0]]) if len(codes) else None, labels.get("crossing_code", "crossing_code"),
                "data.err.crossing", crossing=crossing, detail=problem.rule)
    _partner_distances(land, frame, first_row, labels, out)
    for (crossing, country), group in land.groupby(["crossing_code", "country_iso3"]):
        if len(group) > 1:
            codes = frame.loc[(frame["crossing_code"] == crossing) & (frame["country_iso3"] == country), "code"]
            if len(codes):
                out.add(int(first_row[codes.iloc[0]]), labels.get("crossing_code", "crossing_code"),
                        "data.err.crossing_side_taken", crossing=crossing, country=country)


def _partner_distances(land: pd.DataFrame, frame: pd.DataFrame, first_row: Mapping[str, int],
                       labels: Mapping[str, str], out: _Collector) -> None:
    """Each incoming land post within MAX_PARTNER_KM of the post across its crossing (stored or incoming)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    incoming = set(frame["code"])
    for crossing, sides in land.groupby("crossing_code"):
        if len(sides) != 2:
            continue  # the crossing rule reports it
        a, b = sides.iloc[0], sides.iloc[1]
        km = geod.inv(float(a["lon"]), float(a["lat"]), float(b["lon"]), float(b["lat"]))[2] / 1000
        if km <= MAX_PARTNER_KM:
            continue
        moved, partner = (a, b) if a["code"] in incoming else (b, a)
        out.add(int(first_row[moved["code"]]), labels.get("lon", "lon"), "data.err.crossing_partner_far",
                km=f"{km:.1f}", partner=partner["code"], crossing=crossing, limit=f"{MAX_PARTNER_KM:g}")


_OWN = [n for n in POSTS.names if n != "code"]


def save_row(conn: Connection, actor: Actor, ctx: Context, record: Mapping[str, Any], present: set[str],
             at: dt.datetime) -> Saved:
    return save_post(conn, actor, record["code"], given(record, _OWN, present), at=at)


def export_rows(conn: Connection) -> ExportRows:
    rows = [dict(r) for r in conn.execute(
        select(*(getattr(Post, n) for n in POSTS.names)).order_by(Post.code)).mappings()]
    return rows, [None if r["lon"] is None or r["lat"] is None else (float(r["lon"]), float(r["lat"])) for r in rows]


KIND = RecordKind("posts", POSTS, checks=checks, export_rows=export_rows, save_row=save_row,
                  columns_of={"lon": ("lon", "lat")}, stored_rows=lambda _conn, ctx: ctx.posts)
