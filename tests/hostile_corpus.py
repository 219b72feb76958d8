"""A seeded generator of hostile import files (not a test module): every kind, every format, many ways to
be wrong, each with what the import must do with it.

    files = corpus(seed=16)   # deterministic: the same seed gives the same bytes

Each HostileFile says whether it must be rejected ("reject"), accepted ("accept") or either ("any": random
junk that may happen to be valid), and, when the problem has a place, the row / column / i18n key the report
must name. Rows are numbered as the person sees them: the header is row 1 in CSV and XLSX; features count
from 1 in GeoJSON and GeoPackage.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import openpyxl
import pandas as pd

from tests.test_hostile_inputs import BASES, LAND_ROW, POST_HEADER, _other_key

FORMATS = ("csv", "xlsx", "geojson", "gpkg")
KINDS = ("posts", "upgrades", "workshops", "flows", "assistance")
INJECTED = "![px](http://198.51.100.7/px.png) <b>x</b> [go](http://198.51.100.7/) <script>alert(1)</script> *Peñas*"


@dataclass(frozen=True)
class HostileFile:
    id: str
    kind: str
    fmt: str
    data: bytes
    name: str
    expect: str  # reject | accept | any
    row: int | None = None
    column: str | None = None
    key: str | None = None
    note: str | None = None  # an i18n key the report's notes must hold (which sheet was read)
    only: bool = False  # the report must hold that one problem and no other (a file-level cause)


# ------------------------------------------------------------------------------------------ tables
def base_table(kind: str) -> tuple[list[str], list[list[object]]]:
    """A valid two-row table of `kind` for the seeded test database (rows 2 and 3 of a CSV)."""
    header, good = BASES[kind]
    if kind == "posts":
        return list(POST_HEADER), [list(LAND_ROW), list(good)]
    if kind == "upgrades":  # two components stored "in installation" in the seed: each row is a legal edit
        good = ["GTM-PQZ", "biometrics", *good[2:]]  # (and the other row's doc_readers, test_hostile_inputs)
    return list(header), [_other_key(kind, list(good)), list(good)]


# Where each kind keeps a free-text column, an integer column and a date (added when the base lacks it).
TEXT_COLUMN = {"posts": "name", "upgrades": "notes", "workshops": "title", "flows": None, "assistance": None}
INT_COLUMN = {"posts": None, "upgrades": "progress", "workshops": "participants_migration_F", "flows": "count",
              "assistance": "count"}
DATE_COLUMN = {"posts": None, "upgrades": "start_date", "workshops": "start_date", "flows": "day",
               "assistance": "month"}


def with_column(header: list[str], rows: list[list[object]], name: str, value: object = "") -> int:
    if name not in header:
        header.append(name)
        for row in rows:
            row.append(value)
    return header.index(name)


# ------------------------------------------------------------------------------------------ formats
def csv_bytes(header: list[str], rows: list[list[object]], sep: str = ",", encoding: str = "utf-8") -> bytes:
    def cell(v: object) -> str:
        text = "" if v is None else str(v)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in (sep, '"', "\n", "\r")) else text

    lines = [sep.join(cell(v) for v in header)] + [sep.join(cell(v) for v in r) for r in rows]
    return "\r\n".join(lines).encode(encoding, errors="replace")


def xlsx_bytes(header: list[str], rows: list[list[object]], formula_at: tuple[int, int] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # our hostile text, stored as text (a string cell, never a formula)
    if formula_at is not None:  # a real formula, saved by openpyxl with no cached result
        sheet.cell(row=formula_at[0], column=formula_at[1] + 1, value="=1+1")
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def geojson_bytes(header: list[str], rows: list[list[object]], geometry: dict | None = None,
                  geometry_row: int = 0) -> bytes:
    features = []
    for number, row in enumerate(rows):
        features.append({"type": "Feature", "geometry": geometry if number == geometry_row else None,
                         "properties": dict(zip(header, row, strict=False))})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def gpkg_bytes(kind: str, header: list[str], rows: list[list[object]]) -> bytes:
    import pyogrio

    width = len(header)
    frame = pd.DataFrame([[None if v is None else str(v) for v in (list(r) + [None] * width)[:width]]
                          for r in rows], columns=header)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.gpkg"
        pyogrio.write_dataframe(frame, path, layer=kind, driver="GPKG")
        return path.read_bytes()


def encode(fmt: str, kind: str, header: list[str], rows: list[list[object]]) -> bytes:
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt == "xlsx":
        return xlsx_bytes(header, rows)
    if fmt == "geojson":
        return geojson_bytes(header, rows)
    return gpkg_bytes(kind, header, rows)


def row_of(fmt: str, index: int) -> int:
    """The row number the report gives for data row `index` (0-based)."""
    return index + 2 if fmt in ("csv", "xlsx") else index + 1


# ------------------------------------------------------------------------------------------ geography
@lru_cache(maxsize=1)
def far_along_the_border() -> tuple[float, float]:
    """A point on El Salvador's side, a few hundred metres from the SLV-HND line, yet far (> 50 km) from
    El Amatillo's partner across its crossing: passes the border rule, fails the partner-distance rule."""
    import shapely
    from pyproj import Geod

    from geo import reference
    from geo.posts.checks import land_post_problem

    border = reference.border_between("SLV", "HND")
    geod = Geod(ellps="WGS84")
    lon0, lat0 = float(LAND_ROW[7]), float(LAND_ROW[8])
    lines = list(getattr(border, "geoms", [border]))
    for line in lines:
        for fraction in [i / 40 for i in range(41)]:
            point = line.interpolate(fraction, normalized=True)
            if geod.inv(lon0, lat0, point.x, point.y)[2] < 50_000:
                continue
            for dx in (-0.003, 0.003):
                for dy in (-0.003, 0.003):
                    lon, lat = point.x + dx, point.y + dy
                    if reference.country_of_point(lon, lat) == "SLV" and \
                            land_post_problem("SLV-AMA", "SLV", "HND", lon, lat) is None:
                        return round(lon, 5), round(lat, 5)
    raise AssertionError(f"no point found along the SLV-HND border ({shapely.__version__})")


# ------------------------------------------------------------------------------------------ mutations
Mutation = Callable[[str, str, random.Random], "HostileFile | None"]
MUTATIONS: dict[str, Mutation] = {}


def mutation(func: Mutation) -> Mutation:
    MUTATIONS[func.__name__] = func
    return func


def _cell_case(kind: str, fmt: str, name: str, column: str | None, value: object, expect: str,
               key: str | None, shown: str | None = None, index: int = 1) -> HostileFile | None:
    if column is None:
        return None
    header, rows = base_table(kind)
    position = with_column(header, rows, column)
    rows[index][position] = value
    return HostileFile(f"{kind}-{fmt}-{name}", kind, fmt, encode(fmt, kind, header, rows), f"{name}.{fmt}",
                       expect, row_of(fmt, index) if expect == "reject" else None,
                       (shown or column) if expect == "reject" else None, key)


@mutation
def valid(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    header, rows = base_table(kind)
    return HostileFile(f"{kind}-{fmt}-valid", kind, fmt, encode(fmt, kind, header, rows), f"valid.{fmt}", "accept")


@mutation
def int_64bit(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    value: object = 9223372036854775808 if fmt in ("xlsx", "geojson") else "9223372036854775808"
    return _cell_case(kind, fmt, "int_64bit", INT_COLUMN[kind], value, "reject", "data.err.range")


@mutation
def int_40_digits(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    value: object = 10 ** 40 if fmt == "geojson" else "9" * 40
    return _cell_case(kind, fmt, "int_40_digits", INT_COLUMN[kind], value, "reject", "data.err.range")


@mutation
def int_huge_json(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "geojson":
        return None
    return _cell_case(kind, fmt, "int_huge_json", INT_COLUMN[kind], 10 ** 400, "reject", "data.err.range")


@mutation
def count_over_cap(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    return _cell_case(kind, fmt, "count_over_cap", INT_COLUMN[kind], "2000000", "reject", "data.err.range")


@mutation
def geonameid_64bit(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "workshops":
        return None
    return _cell_case(kind, fmt, "geonameid_64bit", "venue_geonameid", "9223372036854775808", "reject",
                      "data.err.range")


@mutation
def money_absurd(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "upgrades":
        return None
    return _cell_case(kind, fmt, "money_absurd", "budget_planned", "1e300", "reject", "data.err.range")


@mutation
def negative_count(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    return _cell_case(kind, fmt, "negative_count", INT_COLUMN[kind], "-5", "reject", "data.err.negative")


@mutation
def fraction_count(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    return _cell_case(kind, fmt, "fraction_count", INT_COLUMN[kind], "1.5", "reject", "data.err.integer")


@mutation
def nan_count(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    return _cell_case(kind, fmt, "nan_count", INT_COLUMN[kind], "nan", "reject", "data.err.integer")


@mutation
def formula_text(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    payload = rng.choice(["=HYPERLINK(\"http://198.51.100.7\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
                          "@SUM(1+1)*cmd|' /C calc'!A0"])
    spreadsheet = fmt in ("csv", "xlsx")
    return _cell_case(kind, fmt, "formula_text", TEXT_COLUMN[kind], payload, "reject" if spreadsheet else "accept",
                      "data.err.formula" if spreadsheet else None)


@mutation
def formula_text_marked(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """An apostrophe marks it as text: accepted, stored without the apostrophe."""
    if fmt not in ("csv", "xlsx"):
        return None
    return _cell_case(kind, fmt, "formula_text_marked", TEXT_COLUMN[kind], "'=1+1", "accept", None)


@mutation
def markdown_text(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    return _cell_case(kind, fmt, "markdown_text", TEXT_COLUMN[kind], INJECTED, "accept", None)


@mutation
def control_text(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    value = "bell\x07here\u202e" if fmt != "xlsx" else "right-to-left\u202eoverride"  # XLSX refuses \x07
    return _cell_case(kind, fmt, "control_text", TEXT_COLUMN[kind], value, "reject", "data.err.control")


@mutation
def impossible_date(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    value = "2025-02-31" if kind != "assistance" else "2025-13"
    return _cell_case(kind, fmt, "impossible_date", DATE_COLUMN[kind], value, "reject", None)


@mutation
def year_9999(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    return _cell_case(kind, fmt, "year_9999", DATE_COLUMN[kind], "9999-01-01", "reject", None)


@mutation
def unknown_nationality(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "flows":
        return None
    return _cell_case(kind, fmt, "unknown_nationality", "nationality", "QQQ", "reject", "data.err.unknown_iso3")


@mutation
def unknown_next_country(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "flows":
        return None
    return _cell_case(kind, fmt, "unknown_next_country", "next_country", "ZZX", "reject", "data.err.unknown_iso3")


@mutation
def return_country_outside(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "assistance":
        return None
    return _cell_case(kind, fmt, "return_country_outside", "country_iso3", "MEX", "reject", "data.err.return_country")


@mutation
def post_far_from_partner(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "posts":
        return None
    header, rows = base_table(kind)
    lon, lat = far_along_the_border()
    rows[0][7], rows[0][8] = str(lon), str(lat)
    with_column(header, rows, "moved", "sí")  # declared a correction of its place: the partner rule still holds
    return HostileFile(f"{kind}-{fmt}-post_far_from_partner", kind, fmt, encode(fmt, kind, header, rows),
                       f"far.{fmt}", "reject", row_of(fmt, 0), "lon", "data.err.crossing_partner_far")


@mutation
def post_wrong_side(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "posts":
        return None
    header, rows = base_table(kind)
    rows[0][7], rows[0][8] = "-87.70", "13.62"  # inside Honduras
    return HostileFile(f"{kind}-{fmt}-post_wrong_side", kind, fmt, encode(fmt, kind, header, rows),
                       f"side.{fmt}", "reject", row_of(fmt, 0), "lon", "data.err.post_rule")


@mutation
def venue_at_sea(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if kind != "workshops":
        return None
    header, rows = base_table(kind)
    rows[1][header.index("venue_lon")], rows[1][header.index("venue_lat")] = "-89.9", "12.6"  # the Pacific
    return HostileFile(f"{kind}-{fmt}-venue_at_sea", kind, fmt, encode(fmt, kind, header, rows), f"sea.{fmt}",
                       "reject", row_of(fmt, 1), "venue_lon, venue_lat", "data.err.venue_not_on_land")


@mutation
def duplicate_rows(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    header, rows = base_table(kind)
    rows = [rows[1], list(rows[1])]
    return HostileFile(f"{kind}-{fmt}-duplicate_rows", kind, fmt, encode(fmt, kind, header, rows), f"dup.{fmt}",
                       "reject", row_of(fmt, 1), None, "data.err.duplicate")


@mutation
def short_row(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "csv":
        return None
    header, rows = base_table(kind)
    data = csv_bytes(header, rows[:1]) + b"\r\n" + csv_bytes(header, [rows[1][:-3]]).split(b"\r\n", 1)[1]
    return HostileFile(f"{kind}-{fmt}-short_row", kind, fmt, data, "short.csv", "reject", 3, None,
                       "data.err.short_row")


@mutation
def cut_mid_value(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """A file cut in the middle of its last row (the download broke off)."""
    header, rows = base_table(kind)
    data = encode(fmt, kind, header, rows)
    cut = data[: len(data) - max(3, len(data) // (8 if fmt == "csv" else 3))]
    return HostileFile(f"{kind}-{fmt}-cut_mid_value", kind, fmt, cut, f"cut.{fmt}",
                       "reject" if fmt != "gpkg" else "any")


@mutation
def extra_cells(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "csv":
        return None
    header, rows = base_table(kind)
    data = csv_bytes(header, rows) + b",surprise,again"
    return HostileFile(f"{kind}-{fmt}-extra_cells", kind, fmt, data, "extra.csv", "reject", 3, None,
                       "data.err.extra_values")


@mutation
def unclosed_quote(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "csv":
        return None
    header, rows = base_table(kind)
    data = csv_bytes(header, rows) + b'\r\n"' + ",".join(str(v) for v in rows[0]).encode()
    return HostileFile(f"{kind}-{fmt}-unclosed_quote", kind, fmt, data, "quote.csv", "reject", 4, None,
                       "data.err.unclosed_quote")


@mutation
def mixed_encoding(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "csv":
        return None
    header, rows = base_table(kind)
    position = with_column(header, rows, "observación")
    rows[0][position] = "Peñas Blancas"
    head = csv_bytes(header, rows[:1], encoding="utf-8")
    rows[1][position] = "año señal"
    tail = csv_bytes(header, rows[1:], encoding="cp1252").split(b"\r\n", 1)[1]
    return HostileFile(f"{kind}-{fmt}-mixed_encoding", kind, fmt, head + b"\r\n" + tail, "mixed.csv", "reject", 3,
                       None, "data.err.mixed_encoding")


@mutation
def formula_without_value(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "xlsx":
        return None
    header, rows = base_table(kind)
    column = INT_COLUMN[kind] or "name"
    data = xlsx_bytes(header, rows, formula_at=(3, header.index(column)))
    return HostileFile(f"{kind}-{fmt}-formula_without_value", kind, fmt, data, "formula.xlsx", "reject", 3, column,
                       "data.err.formula_no_value")


@mutation
def one_coordinate_point(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "geojson" or kind not in ("posts", "workshops"):
        return None
    header, rows = base_table(kind)
    keep = [i for i, name in enumerate(header) if name not in ("lon", "lat", "venue_lon", "venue_lat")]
    header = [header[i] for i in keep]
    rows = [[r[i] for i in keep] for r in rows]
    data = geojson_bytes(header, rows, {"type": "Point", "coordinates": [-89.1]}, geometry_row=1)
    return HostileFile(f"{kind}-{fmt}-one_coordinate_point", kind, fmt, data, "point.geojson", "reject", 2,
                       "geometry", "data.err.geometry_coordinates")


@mutation
def too_many_columns(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    header, rows = base_table(kind)
    for number in range(260):
        with_column(header, rows, f"extra_{number}", "x")
    return HostileFile(f"{kind}-{fmt}-too_many_columns", kind, fmt, encode(fmt, kind, header, rows), f"wide.{fmt}",
                       "reject", None, None, "data.err.too_many_columns")


@mutation
def empty_file(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    return HostileFile(f"{kind}-{fmt}-empty_file", kind, fmt, b"", f"empty.{fmt}", "reject", None, None,
                       "data.err.empty")


@mutation
def header_only(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    header, _ = base_table(kind)
    empty_collection = b'{"type": "FeatureCollection", "features": []}'
    data = empty_collection if fmt == "geojson" else encode(fmt, kind, header, [])
    return HostileFile(f"{kind}-{fmt}-header_only", kind, fmt, data, f"header.{fmt}", "reject")


@mutation
def wrong_format(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    junk = {"csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "xlsx": _zip({"word/document.xml": b"<w:document/>"}),
            "geojson": b'{"type": "Topology", "objects": {}}',
            "gpkg": b"SQLite format 3\x00" + b"\x00" * 1000}[fmt]
    return HostileFile(f"{kind}-{fmt}-wrong_format", kind, fmt, junk, f"wrong.{fmt}", "reject")


@mutation
def zip_bomb(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "xlsx":
        return None
    return HostileFile(f"{kind}-{fmt}-zip_bomb", kind, fmt, _bomb(), "bomb.xlsx", "reject", None, None,
                       "data.err.xlsx_too_large")


@mutation
def junk_cell(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    """Seeded random text (any script, controls, huge numbers, markup) in a random column: no crash."""
    header, rows = base_table(kind)
    alphabet = "aZ09-+=@'\"\t;,.:/\\()[]!#*_<>&%$€ñÑ²³½\u202e\u200b\x00\x07𝔘🙂"
    value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
    if rng.random() < 0.3:
        value = rng.choice(["1e999", "-0", "0x1F", "1_000", "١٢٣", "NaN", "Infinity", str(2 ** rng.randint(31, 90))])
    column = rng.randrange(len(header))
    rows[1][column] = value.replace("\x00", "") if fmt in ("xlsx", "gpkg") else value
    try:
        data = encode(fmt, kind, header, rows)
    except Exception:  # openpyxl refuses some control characters: then write the file without them
        rows[1][column] = "".join(c for c in str(rows[1][column]) if c.isprintable())
        data = encode(fmt, kind, header, rows)
    return HostileFile(f"{kind}-{fmt}-junk_cell-{rng.random():.6f}", kind, fmt, data, f"junk.{fmt}", "any")


@mutation
def flipped_bytes(kind: str, fmt: str, rng: random.Random) -> HostileFile:
    """A valid file with a few bytes overwritten at random: no crash, whatever it reads as."""
    header, rows = base_table(kind)
    data = bytearray(encode(fmt, kind, header, rows))
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return HostileFile(f"{kind}-{fmt}-flipped_bytes-{rng.random():.6f}", kind, fmt, bytes(data), f"flip.{fmt}", "any")


# ------------------------------------------------------------------------------------------ issue 29
# Data that passes each rule alone but is wrong as a whole, text decoded wrongly once before it was saved,
# "1.000", dates in two orders, and files whose real cause must be named.
POSTS_CSV = Path(__file__).resolve().parent.parent / "data" / "posts.csv"
MOJIBAKE = "San CristÃ³bal"  # "San Cristóbal" saved as UTF-8 after being read as Windows-1252


@cache
def stored_posts() -> pd.DataFrame:
    """data/posts.csv, as the seeded test database holds it."""
    return pd.read_csv(POSTS_CSV, dtype=str, keep_default_na=False).set_index("code", drop=False)


def post_rows(codes: tuple[str, ...]) -> list[list[object]]:
    posts = stored_posts()
    return [[posts.at[code, column] for column in POST_HEADER] for code in codes]


@cache
def crossing_moved_along(codes: tuple[str, str], min_km: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """New points for both posts of a crossing, moved together at least `min_km` along their border: each on
    its own side and within the border rule, the two near each other, 6 km or more from any other crossing's
    post. Such a file passes every rule of one post and of one crossing: only the post's stored place tells."""
    from pyproj import Geod

    from geo import reference
    from geo.posts.checks import land_post_problem

    posts = stored_posts()
    a, b = (posts.loc[code] for code in codes)
    geod = Geod(ellps="WGS84")
    others = posts[(posts["type"] == "land") & (posts["crossing_code"] != a["crossing_code"])]
    border = reference.border_between(a["country_iso3"], b["country_iso3"])
    offsets = [(dx, dy) for dx in (-0.004, 0.0, 0.004) for dy in (-0.004, 0.0, 0.004) if dx or dy]

    def placed(code: str, country: str, neighbour: str, lon: float, lat: float) -> tuple[float, float] | None:
        for dx, dy in offsets:
            x, y = round(lon + dx, 5), round(lat + dy, 5)
            on_side = reference.country_of_point(x, y) == country
            if on_side and land_post_problem(code, country, neighbour, x, y) is None:
                return x, y
        return None

    for line in getattr(border, "geoms", [border]):
        for step in range(201):
            point = line.interpolate(step / 200, normalized=True)
            if geod.inv(float(a["lon"]), float(a["lat"]), point.x, point.y)[2] < min_km * 1000:
                continue
            near = [geod.inv(point.x, point.y, float(o["lon"]), float(o["lat"]))[2] for _, o in others.iterrows()]
            if near and min(near) < 6000:
                continue
            first = placed(a["code"], a["country_iso3"], b["country_iso3"], point.x, point.y)
            second = placed(b["code"], b["country_iso3"], a["country_iso3"], point.x, point.y)
            if first and second:
                return first, second
    raise AssertionError(f"no place {min_km} km along the {a['country_iso3']}-{b['country_iso3']} border")


def _posts_case(name: str, fmt: str, header: list[str], rows: list[list[object]], expect: str,
                key: str | None = None, row: int | None = None, column: str | None = None) -> HostileFile:
    return HostileFile(f"posts-{fmt}-{name}", "posts", fmt, encode(fmt, "posts", header, rows), f"{name}.{fmt}",
                       expect, row, column, key)


@mutation
def crossing_onto_another(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """Both Leimus posts moved 286 km onto the Las Manos site: refused by the posts' stored places."""
    if kind != "posts":
        return None
    header, rows = list(POST_HEADER), post_rows(("HND-LEI", "NIC-LEI"))
    for row, site in zip(rows, post_rows(("HND-MAN", "NIC-MAN")), strict=True):
        row[7], row[8] = site[7], site[8]
    return _posts_case("crossing_onto_another", fmt, header, rows, "reject", "data.err.post_moved",
                       row_of(fmt, 0), "lon, lat")


@mutation
def crossing_onto_another_declared(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """The same, declared a correction: refused all the same, a crossing cannot stand on another's site."""
    if kind != "posts":
        return None
    header, rows = list(POST_HEADER), post_rows(("HND-LEI", "NIC-LEI"))
    for row, site in zip(rows, post_rows(("HND-MAN", "NIC-MAN")), strict=True):
        row[7], row[8] = site[7], site[8]
    with_column(header, rows, "moved", "sí")
    return _posts_case("crossing_onto_another_declared", fmt, header, rows, "reject",
                       "data.err.crossing_other_site", row_of(fmt, 0), "lon")


@mutation
def crossing_moved_far(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """Both Corinto posts moved 145 km along the Guatemala-Honduras border: every other rule passes."""
    if kind != "posts":
        return None
    header, rows = list(POST_HEADER), post_rows(("GTM-COR", "HND-COR"))
    for row, point in zip(rows, crossing_moved_along(("GTM-COR", "HND-COR"), 145.0), strict=True):
        row[7], row[8] = str(point[0]), str(point[1])
    return _posts_case("crossing_moved_far", fmt, header, rows, "reject", "data.err.post_moved",
                       row_of(fmt, 0), "lon, lat")


@mutation
def crossing_corrected(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """The same move with a `moved` column saying it corrects the place: accepted (and audited as such)."""
    if kind != "posts":
        return None
    header, rows = list(POST_HEADER), post_rows(("GTM-COR", "HND-COR"))
    for row, point in zip(rows, crossing_moved_along(("GTM-COR", "HND-COR"), 145.0), strict=True):
        row[7], row[8] = str(point[0]), str(point[1])
    with_column(header, rows, "moved", "true" if fmt != "csv" else "sí")
    return _posts_case("crossing_corrected", fmt, header, rows, "accept")


@mutation
def venue_country_wrong(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """A venue whose point is in El Salvador (Santa Ana) labelled Guatemala."""
    return None if kind != "workshops" else _cell_case(kind, fmt, "venue_country_wrong", "venue_country_iso3",
                                                       "GTM", "reject", "ws.err.venue_country")


@mutation
def mojibake_text(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    return _cell_case(kind, fmt, "mojibake_text", TEXT_COLUMN[kind], MOJIBAKE, "reject", "data.err.mojibake")


@mutation
def thousands_both_ways(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """"1.000" in one row and "2,000" in another: neither is read (never 1 and 2)."""
    column = INT_COLUMN[kind]
    if column is None:
        return None
    header, rows = base_table(kind)
    position = with_column(header, rows, column)
    rows[0][position], rows[1][position] = "1.000", "2,000"
    return HostileFile(f"{kind}-{fmt}-thousands_both_ways", kind, fmt, encode(fmt, kind, header, rows),
                       f"thousands.{fmt}", "reject", row_of(fmt, 0), column, "data.err.grouping_mixed")


@mutation
def dates_both_orders(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """One date only day first (25/03/2025), another only month first (03/26/2025): one problem."""
    column = DATE_COLUMN[kind]
    if column is None or kind == "assistance":  # a month column has no day to tell
        return None
    header, rows = base_table(kind)
    position = with_column(header, rows, column)
    rows[0][position], rows[1][position] = "25/03/2025", "03/26/2025"
    return HostileFile(f"{kind}-{fmt}-dates_both_orders", kind, fmt, encode(fmt, kind, header, rows),
                       f"dates.{fmt}", "reject", None, column, "data.err.date_order_mixed")


# File-level causes: the reader is the same for every kind, so two kinds (posts: read whole; flows: read
# in chunks) carry them.
FILE_LEVEL_KINDS = ("posts", "flows")


def _file_case(kind: str, fmt: str, name: str, data: bytes, key: str, expect: str = "reject",
               note: str | None = None) -> HostileFile:
    return HostileFile(f"{kind}-{fmt}-{name}", kind, fmt, data, f"{name}.{fmt}", expect, None, None,
                       key if expect == "reject" else None, note, only=expect == "reject")


@mutation
def utf16_without_bom(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "csv" or kind not in FILE_LEVEL_KINDS:
        return None
    header, rows = base_table(kind)
    text = csv_bytes(header, rows).decode()
    return _file_case(kind, fmt, "utf16_without_bom", text.encode("utf-16-le"), "data.err.encoding_utf16")


@mutation
def utf32(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "csv" or kind not in FILE_LEVEL_KINDS:
        return None
    header, rows = base_table(kind)
    return _file_case(kind, fmt, "utf32", csv_bytes(header, rows).decode().encode("utf-32"), "data.err.encoding_utf32")


@mutation
def pipe_separated(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    if fmt != "csv" or kind not in FILE_LEVEL_KINDS:
        return None
    header, rows = base_table(kind)
    return _file_case(kind, fmt, "pipe_separated", csv_bytes(header, rows, sep="|"), "data.err.separator")


@mutation
def random_bytes(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """Seeded random bytes named .csv: one "binary content" problem, not a hundred short rows."""
    if fmt != "csv" or kind not in FILE_LEVEL_KINDS:
        return None
    return _file_case(kind, fmt, "random_bytes", rng.randbytes(20_000), "data.err.binary")


def _workbook(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(["" if v is None else v for v in row])
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


NOTES_SHEET = [["Notas de la oficina"], ["Datos de enero, revisados por la directora"]]


@mutation
def notes_sheet_first(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """A workbook whose first sheet is notes: the sheet with the columns is read, and the report says so."""
    if fmt != "xlsx" or kind not in FILE_LEVEL_KINDS:
        return None
    header, rows = base_table(kind)
    data = _workbook([("Notas", NOTES_SHEET), ("Hoja2", [header, *rows])])
    return _file_case(kind, fmt, "notes_sheet_first", data, "", expect="accept", note="data.note.sheet_skipped")


@mutation
def notes_sheets_only(kind: str, fmt: str, rng: random.Random) -> HostileFile | None:
    """No sheet has the columns: "no recognised column", and the report says which sheet it read."""
    if fmt != "xlsx" or kind not in FILE_LEVEL_KINDS:
        return None
    data = _workbook([("Notas", NOTES_SHEET), ("Resumen", [["Observaciones"], ["sin cambios"]])])
    return _file_case(kind, fmt, "notes_sheets_only", data, "data.err.no_known_columns",
                      note="data.note.sheet_none")


@lru_cache(maxsize=1)
def _bomb() -> bytes:
    """80 MB of sheet XML in a 80 kB zip: rejected from the zip directory, before anything is inflated."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"<row>" * 16_000_000})


def _zip(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return raw.getvalue()


REPEATS = {"junk_cell": 4, "flipped_bytes": 3}


def corpus(seed: int = 16) -> Iterator[HostileFile]:
    """Every mutation for every kind and format (random ones several times), deterministically."""
    rng = random.Random(seed)
    for kind in KINDS:
        for fmt in FORMATS:
            for name, make in MUTATIONS.items():
                for _ in range(REPEATS.get(name, 1)):
                    made = make(kind, fmt, rng)
                    if made is not None:
                        yield made
