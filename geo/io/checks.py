"""Per-kind checks of a parsed file against the rules and the database (references, geography, ranges)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, select

from geo import reference
from geo.io.columns import column_label
from geo.io.parsers import EARLIEST, _decimal_comma, _num, _shown, parse_column
from geo.io.report import _Collector
from geo.io.schema import ASSISTANCE, FLOWS, NATIONALITY_CODES, UPGRADES, KindSpec
from geo.io.table import Table, _blank
from geo.models import (
    ComponentType,
    Country,
    Post,
    Project,
)
from geo.posts.checks import land_post_problem, point_post_problem, post_problems

SWAP_HINT_BOUNDS = reference.REGION_BOUNDS
# The two posts of a land crossing face each other across the line: the farthest pair in data/posts.csv is
# 7 km apart (GTM-MEX-06). Farther than this, one of them has been moved along the border.
MAX_PARTNER_KM = 15.0


# ------------------------------------------------------------------------------------------ validation
@dataclass
class Context:
    """What the database already holds, read inside the import's transaction."""

    countries: set[str]
    posts: pd.DataFrame  # id, code, country_iso3, type, crossing_code, neighbour_iso3, lon, lat
    components: set[str]
    projects: dict[str, int]

    @property
    def post_ids(self) -> dict[str, int]:
        return dict(zip(self.posts["code"], self.posts["id"].astype(int), strict=True))


def load_context(conn: Connection) -> Context:
    query = select(Post.id, Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code,
                   Post.neighbour_iso3, Post.road, Post.lon, Post.lat)
    # A plain DataFrame from the rows: pd.read_sql costs ~10 ms of version checks per call
    posts = pd.DataFrame(conn.execute(query).all(), columns=[c.name for c in query.selected_columns])
    return Context(
        countries=set(conn.execute(select(Country.iso3)).scalars()),
        posts=posts,
        components=set(conn.execute(select(ComponentType.code)).scalars()),
        projects=dict(conn.execute(select(Project.code, Project.id)).all()),
    )


@dataclass
class Parsed:
    frame: pd.DataFrame  # canonical columns, parsed values; rows with a problem are dropped later
    rows: pd.Series  # row numbers as the person sees them
    labels: dict[str, str]  # field -> column label in the file
    bad: set[int]  # positions (iloc) of rows with a problem


def parse_table(spec: KindSpec, table: Table, columns: dict[str, int], out: _Collector, *,
                decimal_comma: bool | None = None) -> Parsed:
    """Parse every column of `table` (a whole file or one chunk of it). `decimal_comma`: decided once for
    a file read in chunks (from its first chunk), so every chunk reads numbers alike."""
    header_width = len(table.header)
    lengths = list(map(len, table.values))
    width = max(header_width, max(lengths)) if lengths else header_width
    rows = pd.Series(table.rows, dtype="int64")
    labels = {name: column_label(table, index) for name, index in columns.items()}
    bad: set[int] = set()
    numbers = [int(r) for r in table.rows]  # plain lists: .iloc per problem costs ~50 µs (200k problems: 10 s)
    if width > header_width:  # values beyond the header, e.g. a stray separator (only those rows are looked at)
        for position in [p for p, n in enumerate(lengths) if n > header_width]:
            record = table.values[position]
            extra = [v for v in record[header_width:] if not _blank(v)]
            if extra:
                out.add(numbers[position], None, "data.err.extra_values", n=len(record), m=header_width)
                bad.add(position)
    # Columns by transposing the rows in C (zip), padding only rows shorter than the widest.
    records = table.values if min(lengths, default=width) == width else \
        [list(r) + [None] * (width - len(r)) if len(r) < width else r for r in table.values]
    transposed = list(zip(*records, strict=True)) if records else [() for _ in range(width)]
    if decimal_comma is None:
        decimal_comma = _decimal_comma(table, columns, spec)
    serials = table.fmt == "xlsx"
    parsed_columns: dict[str, pd.Series] = {}
    for f in spec.fields:
        if f.name not in columns:
            parsed_columns[f.name] = pd.Series([None] * len(numbers), dtype=object)
            continue
        cells = np.empty(len(numbers), dtype=object)
        cells[:] = transposed[columns[f.name]]
        values, errors = parse_column(pd.Series(cells, dtype=object), f, decimal_comma=decimal_comma,
                                      serials=serials, formulas=table.fmt in ("csv", "xlsx"),
                                      text_only=table.fmt == "csv")
        parsed_columns[f.name] = values
        has_error = errors.notna().to_numpy()
        if has_error.any():
            error_list = errors.tolist()
            for position in np.flatnonzero(has_error).tolist():
                key, params = error_list[position]
                out.add(numbers[position], labels[f.name], key, **params)
                bad.add(position)
        if f.required:
            missing = np.flatnonzero((values.isna() & errors.isna()).to_numpy()).tolist()
            for position in missing:
                out.add(numbers[position], labels[f.name], "data.err.required")
                bad.add(position)
    frame = pd.DataFrame(parsed_columns)
    if spec.point and table.geometry is not None:
        _points_from_geometry(spec, table, frame, rows, labels, bad, out)
    return Parsed(frame, rows, labels, bad)


def _points_from_geometry(spec: KindSpec, table: Table, frame: pd.DataFrame, rows: pd.Series,
                          labels: dict[str, str], bad: set[int], out: _Collector) -> None:
    """Fill lon/lat from point geometries; report empty, invalid and non-point geometries."""
    lon_name, lat_name = spec.point
    required = spec.field(lon_name).required
    for position, geometry in enumerate(table.geometry or []):
        row = int(rows.iloc[position])
        has_columns = frame.at[position, lon_name] is not None and frame.at[position, lat_name] is not None
        if isinstance(geometry, Exception):
            out.add(row, "geometry", "data.err.geometry_coordinates", value=str(getattr(geometry, "shown", "")))
            bad.add(position)
            continue
        if geometry is None or geometry.is_empty:
            if required and not has_columns and position not in bad:
                out.add(row, "geometry", "data.err.geometry_empty")
                bad.add(position)
            continue
        if geometry.geom_type != "Point":
            out.add(row, "geometry", "data.err.geometry_not_point", type=geometry.geom_type)
            bad.add(position)
            continue
        if not geometry.is_valid or not all(math.isfinite(c) for c in (geometry.x, geometry.y)):
            out.add(row, "geometry", "data.err.geometry_invalid", detail=shapely.is_valid_reason(geometry))
            bad.add(position)
            continue
        lon, lat = float(geometry.x), float(geometry.y)
        if has_columns and (abs(frame.at[position, lon_name] - lon) > 1e-7
                            or abs(frame.at[position, lat_name] - lat) > 1e-7):
            out.add(row, "geometry", "data.err.geometry_disagrees", lon=lon, lat=lat)
            bad.add(position)
            continue
        frame.at[position, lon_name] = lon
        frame.at[position, lat_name] = lat
    for name in spec.point:
        labels.setdefault(name, "geometry")


def _duplicates(parsed: Parsed, key: tuple[str, ...], out: _Collector) -> None:
    frame = parsed.frame
    keyed = frame[list(key)].astype(str)
    duplicated = keyed.duplicated(keep=False).to_numpy()
    if not duplicated.any():
        return
    first_row: dict[tuple, int] = {}
    label = parsed.labels.get(key[0], key[0])
    # Rows with a problem already are left out: their key is incomplete, and they are rejected anyway.
    positions = [p for p in np.flatnonzero(duplicated).tolist() if p not in parsed.bad]
    numbers = parsed.rows.tolist()
    for position, value in zip(positions, keyed.iloc[positions].itertuples(index=False, name=None), strict=True):
        row = int(numbers[position])
        if value not in first_row:
            first_row[value] = row
            continue
        out.add(row, label, "data.err.duplicate", first=first_row[value])
        parsed.bad.add(position)


def _exists(parsed: Parsed, name: str, known: Iterable[str], out: _Collector, key: str) -> None:
    known = set(known)
    values = parsed.frame[name]
    unknown = values.notna() & ~values.isin(known)
    positions = np.flatnonzero(unknown.to_numpy()).tolist()
    if not positions:
        return
    numbers, listed = parsed.rows.tolist(), values.tolist()
    for position in positions:
        if position in parsed.bad:
            continue
        out.add(int(numbers[position]), parsed.labels.get(name, name), key, value=_shown(listed[position]))
        parsed.bad.add(position)


def _in_region(lon: float, lat: float) -> bool:
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    return minx <= lon <= maxx and miny <= lat <= maxy


def coordinate_problem(lon: float, lat: float) -> tuple[str, dict[str, Any]] | None:
    """Outside the region: say so, and suggest the likely typo (swapped, or the minus sign lost)."""
    if _in_region(lon, lat):
        return None
    if _in_region(lat, lon):
        return "data.err.swapped", {"lon": _num(lon), "lat": _num(lat)}
    if _in_region(-abs(lon), lat):
        return "data.err.lon_sign", {"lon": _num(lon), "fixed": _num(-abs(lon))}
    return "data.err.outside_region", {"lon": _num(lon), "lat": _num(lat)}


def coordinate_columns(key: str, labels: Mapping[str, str], lon: str, lat: str) -> str:
    """The column(s) a coordinate problem is about: the longitude for a lost sign, else both."""
    lon_label, lat_label = labels.get(lon, lon), labels.get(lat, lat)
    if key == "data.err.lon_sign" or lon_label == lat_label:
        return lon_label
    return f"{lon_label}, {lat_label}"


def _check_posts(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    frame, labels = parsed.frame, parsed.labels
    _duplicates(parsed, ("code",), out)
    _exists(parsed, "country_iso3", ctx.countries, out, "data.err.unknown_country")
    _exists(parsed, "neighbour_iso3", ctx.countries, out, "data.err.unknown_country")
    for position, row in enumerate(frame.itertuples(index=False)):
        if position in parsed.bad:
            continue
        number = int(parsed.rows.iloc[position])

        def add(column: str, key: str, _number: int = number, _position: int = position, **params: Any) -> None:
            out.add(_number, labels.get(column, column), key, **params)
            parsed.bad.add(_position)

        if row.type == "land":
            if not row.neighbour_iso3:
                add("neighbour_iso3", "data.err.land_needs_neighbour")
            if not row.crossing_code:
                add("crossing_code", "data.err.land_needs_crossing")
        elif row.neighbour_iso3:
            add("neighbour_iso3", "data.err.neighbour_only_land")
        if row.neighbour_iso3 and row.neighbour_iso3 == row.country_iso3:
            add("neighbour_iso3", "data.err.neighbour_same")
        if position in parsed.bad:
            continue
        problem = coordinate_problem(row.lon, row.lat)
        if problem:
            out.add(number, coordinate_columns(problem[0], labels, "lon", "lat"), problem[0], **problem[1])
            parsed.bad.add(position)
            continue
        # The border rule lives in geo.posts.checks: one place for it.
        if row.type == "land":
            message = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, row.lon, row.lat)
        else:
            message = point_post_problem(row.country_iso3, row.lon, row.lat, row.type)
        if message:  # a Rule: worded in the reader's language when the report is shown
            add("lon", "data.err.post_rule", detail=message)
    if out:
        return
    # Crossings: one post on each side, after the file is merged into what the database holds.
    incoming = frame[["code", "country_iso3", "type", "crossing_code", "neighbour_iso3", "lon", "lat"]]
    merged = pd.concat([ctx.posts[~ctx.posts["code"].isin(incoming["code"])][incoming.columns], incoming])
    touched = set(incoming["crossing_code"].dropna())
    land = merged[(merged["type"] == "land") & merged["crossing_code"].isin(touched)]
    first_row = dict(zip(frame["code"], parsed.rows, strict=True))
    for problem in [] if land.empty else _crossing_problems(land):
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


def _crossing_problems(land: pd.DataFrame) -> list:
    """The crossing rule of geo.posts.checks.post_problems, without re-running its per-post checks."""
    # post_problems checks every post too; posts already passed that, so keep only the crossing verdicts.
    return [p for p in post_problems(land) if p.kind == "crossing"]


def _check_upgrades(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    """References only: the component rules run on the merged row (stored + file) in
    geo.upgrades.records.save_component, the one write path the form uses too."""
    _duplicates(parsed, UPGRADES.key, out)
    _exists(parsed, "post_code", ctx.post_ids, out, "data.err.unknown_post")
    _exists(parsed, "component_code", ctx.components, out, "data.err.unknown_component")
    _exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")


def _check_workshops(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    frame = parsed.frame
    _duplicates(parsed, ("code",), out)
    _exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")
    for name in ("venue_country_iso3", "pair_a", "pair_b"):
        _exists(parsed, name, ctx.countries, out, "data.err.unknown_country")
    known_posts = set(ctx.post_ids)
    for position, record in enumerate(frame.to_dict("records")):
        if position in parsed.bad:
            continue
        number = int(parsed.rows.iloc[position])
        unknown = [c for c in (record.get("posts") or ()) if c not in known_posts]
        if unknown:
            out.add(number, parsed.labels.get("posts", "posts"), "data.err.unknown_post", value=", ".join(unknown[:5]))
            parsed.bad.add(position)
            continue
        if record.get("venue_lon") is not None and record.get("venue_lat") is not None:
            problem = coordinate_problem(record["venue_lon"], record["venue_lat"])
            if problem:
                out.add(number, coordinate_columns(problem[0], parsed.labels, "venue_lon", "venue_lat"), problem[0],
                        **problem[1])
                parsed.bad.add(position)
                continue
            on_land = reference.country_of_point(record["venue_lon"], record["venue_lat"])
            if on_land is None:  # at sea, or in a country outside the region's polygons
                out.add(number, coordinate_columns("", parsed.labels, "venue_lon", "venue_lat"),
                        "data.err.venue_not_on_land", lon=_num(record["venue_lon"]), lat=_num(record["venue_lat"]))
                parsed.bad.add(position)
                continue
            if not record.get("venue_country_iso3"):
                frame.at[position, "venue_country_iso3"] = on_land
        # The workshop rules run on the merged row (stored + file) in geo.workshops.records.save_workshop,
        # the one write path the forms use too.


def _check_flows(parsed: Parsed, ctx: Context, out: _Collector, seen: FlowKeys | None = None) -> None:
    """The flows rules. `seen`: the keys of the file's earlier chunks (one FlowKeys per file), so a row
    repeating a row of another chunk is reported at its row with the first one's, as in one piece."""
    frame = parsed.frame
    for name in ("prev_country", "next_country"):
        frame[name] = frame[name].where(frame[name].notna(), "")
    _exists(parsed, "post_code", ctx.post_ids, out, "data.err.unknown_post")
    for name in ("nationality", "prev_country", "next_country"):  # any country of the world, none made up
        _exists(parsed, name, NATIONALITY_CODES | {""}, out, "data.err.unknown_iso3")
    _dates_in_range(parsed, "day", out)
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


def _dates_in_range(parsed: Parsed, name: str, out: _Collector) -> None:
    values = parsed.frame[name]
    today = dt.date.today()
    # Few distinct days in a file: look at each once, and walk the rows only when one is out of range.
    distinct = set(values.dropna().tolist()) if len(values) else set()
    if all(EARLIEST <= value <= today for value in distinct):
        return
    numbers = parsed.rows.tolist()
    for position, value in enumerate(values.tolist()):
        if value is None or position in parsed.bad:
            continue
        if value > today:
            out.add(int(numbers[position]), parsed.labels.get(name, name), "data.err.future",
                    value=value.isoformat())
            parsed.bad.add(position)
        elif value < EARLIEST:
            out.add(int(numbers[position]), parsed.labels.get(name, name), "data.err.too_old",
                    value=value.isoformat(), earliest=EARLIEST.isoformat())
            parsed.bad.add(position)


def _check_assistance(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    _duplicates(parsed, ASSISTANCE.key, out)
    _exists(parsed, "country_iso3", ctx.countries, out, "data.err.unknown_country")
    _allowed(parsed, "country_iso3", reference.CA4, out, "data.err.return_country")
    _exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")
    _dates_in_range(parsed, "month", out)


def _allowed(parsed: Parsed, name: str, allowed: Iterable[str], out: _Collector, key: str) -> None:
    """Values the record kind does not allow (e.g. a country of return outside the CA4)."""
    allowed = tuple(allowed)
    values = parsed.frame[name]
    for position in np.flatnonzero((values.notna() & ~values.isin(allowed)).to_numpy()):
        if position in parsed.bad:
            continue
        out.add(int(parsed.rows.iloc[position]), parsed.labels.get(name, name), key,
                value=_shown(values.iloc[position]), allowed=", ".join(allowed))
        parsed.bad.add(int(position))


CHECKS: dict[str, Callable[[Parsed, Context, _Collector], None]] = {
    "posts": _check_posts, "upgrades": _check_upgrades, "workshops": _check_workshops,
    "flows": _check_flows, "assistance": _check_assistance,
}
