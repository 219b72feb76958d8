"""Exports of every data kind as CSV (optionally with an HXL hashtag row), XLSX, GeoJSON and GeoPackage.

Columns are the import columns of each kind (its fields, geo.kinds), so an exported file imports back as is;
the rows come from the kind's own export query (RecordKind.export_rows): this module knows formats, not kinds.
Output is deterministic: the same database gives byte-identical files (rows in key order, fixed number
formats, fixed timestamps inside XLSX and GeoPackage), which makes the round trip testable.
Points are WGS84 lon/lat (EPSG:4326); GeoPackages open in QGIS.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from geo import disclosure, kinds
from geo.access.auth import Actor
from geo.io.parsers import FORMULA_START, looks_like_formula
from geo.io.schema import FORMATS, KindSpec
from geo.kinds import KINDS

MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
ZIP_MEDIA_TYPE = "application/zip"  # an export in parts
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # inside XLSX zips and GeoPackage metadata: files depend on data only
FIXED_ISO = "2000-01-01T00:00:00Z"


_TEXT_TYPES = ("text", "code", "codes")  # free text; numbers, dates and choices cannot begin like a formula


def file_name(kind: str, fmt: str) -> str:
    return f"ca4_{kind}.{fmt}"


# ------------------------------------------------------------------------------------------ frames
def export_records(engine: Engine, kind: str) -> tuple[list[dict[str, Any]], list[tuple[float, float] | None]]:
    """Rows of `kind` in key order with the import columns, and each row's point (or None)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    with engine.connect() as conn:
        rows, points = kinds.get(kind).export_rows(conn)
    names = kinds.spec(kind).names
    return [{n: r.get(n) for n in names} for r in rows], points


def export_frame(engine: Engine, kind: str) -> pd.DataFrame:
    """The export as a DataFrame of display-ready values (for previews and tests)."""
    rows, _ = export_records(engine, kind)
    return pd.DataFrame(rows, columns=kinds.spec(kind).names)


# ------------------------------------------------------------------------------------------ values
def _text(value: Any, type_: str) -> str:
    """The text form of a value in CSV: ISO dates, plain numbers, true/false, codes joined by ';'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if type_ == "money":
        return f"{float(value):.2f}"
    if type_ == "int":
        return str(int(value))
    if type_ == "coord" or isinstance(value, float):
        return repr(float(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, tuple | list):
        return ";".join(value)
    return str(value)


def _native(value: Any, type_: str) -> Any:
    """The value for XLSX / GeoJSON / GeoPackage: numbers as numbers, dates as dates."""
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return ";".join(value)
    if type_ == "money":
        return round(float(value), 2)
    if isinstance(value, Decimal):
        return float(value)
    if type_ == "int" and not isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


# ------------------------------------------------------------------------------------------ writers
def spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (= + - @ tab CR first), or that already begins with the
    apostrophe that marks text, gets a leading apostrophe: Excel and LibreOffice then show it as text, and
    an import reads it back without the apostrophe (geo.io.parsers.parse_text), so names keep their text."""
    if isinstance(value, str) and (looks_like_formula(value) or
                                   (value.startswith("'") and value[1:].startswith(FORMULA_START))):
        return "'" + value
    return value


def to_csv(rows: Sequence[dict[str, Any]], spec: KindSpec, hxl: bool = False) -> bytes:
    """UTF-8 with BOM (Excel reads the accents right), comma separated, an optional HXL hashtag row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.names)
    if hxl:
        writer.writerow([f.hxl for f in spec.fields])
    types = [f.type for f in spec.fields]
    for row in rows:
        writer.writerow([spreadsheet_safe(_text(row[n], ty)) if ty in _TEXT_TYPES else _text(row[n], ty)
                         for n, ty in zip(spec.names, types, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_cells(sheet: Any, row: dict[str, Any], names: Sequence[str], types: Sequence[str]) -> list[Any]:
    """One row's cells for a write-only sheet: text never a formula, dates as dates (both XLSX writers)."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for name, type_ in zip(names, types, strict=True):
        value = _native(row[name], type_)
        if type_ in _TEXT_TYPES:
            value = spreadsheet_safe(value)
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)  # text, never a formula
            cell.data_type = "s"
            cells.append(cell)
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def to_xlsx(rows: Sequence[dict[str, Any]], spec: KindSpec) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(spec.kind)
    sheet.append(spec.names)
    types = [f.type for f in spec.fields]
    for row in rows:
        sheet.append(xlsx_cells(sheet, row, spec.names, types))
    raw = io.BytesIO()
    book.save(raw)
    return _reproducible_zip(raw.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """The same XLSX with fixed timestamps (zip entries and document properties)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" +
                                 FIXED_ISO.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _properties(spec: KindSpec) -> list[tuple[str, str]]:
    skip = set(spec.point or ())  # a point geometry carries these: not repeated as properties
    return [(f.name, f.type) for f in spec.fields if f.name not in skip]


def to_geojson(rows: Sequence[dict[str, Any]], points: Sequence[tuple[float, float] | None], spec: KindSpec) -> bytes:
    """RFC 7946 GeoJSON, one feature per line. A kind's point is its own (spec.point) or its post's, for
    mapping; a row without one has a null geometry."""
    columns = _properties(spec)
    lines = []
    for row, point in zip(rows, points, strict=True):
        properties = {}
        for name, type_ in columns:
            value = _native(row[name], type_)
            properties[name] = value.isoformat() if isinstance(value, dt.date) else value
        geometry = None if point is None else {"type": "Point", "coordinates": [point[0], point[1]]}
        lines.append(json.dumps({"type": "Feature", "geometry": geometry, "properties": properties},
                                ensure_ascii=False, separators=(",", ":")))
    head = '{"type":"FeatureCollection","name":' + json.dumps(spec.kind) + ',"features":[\n'
    return (head + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def to_gpkg(rows: Sequence[dict[str, Any]], points: Sequence[tuple[float, float] | None], spec: KindSpec,
            located: bool = True) -> bytes:
    """A GeoPackage layer named after the kind: points in EPSG:4326 (QGIS opens it), or a plain table when
    the kind's rows carry no point (`located` False)."""
    import geopandas as gpd
    import pyogrio
    import shapely

    columns = _properties(spec)
    data: dict[str, list[Any]] = {}
    for name, type_ in columns:
        values = [_native(r[name], type_) for r in rows]
        data[name] = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    frame = pd.DataFrame(data, columns=[n for n, _ in columns])
    for name, type_ in columns:
        if type_ == "int":
            frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
        elif type_ in ("money", "coord"):
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
        elif type_ == "bool":
            frame[name] = frame[name].map(lambda v: None if v is None else bool(v)).astype("boolean")
    if located:
        geometry = [None if p is None else shapely.Point(p) for p in points]
        frame = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name(spec.kind, "gpkg")
        previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_ISO})  # reproducible gpkg_contents dates
        try:
            pyogrio.write_dataframe(frame, path, layer=spec.kind, driver="GPKG")
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
        return path.read_bytes()


# Exact counts of vulnerable people are for staff (geo.disclosure): a kind exported only exact goes to staff
# only (the public downloads the published tables of the pages instead); a kind's staff-only columns are left
# out of a public file (its rows are far finer than the cells the public may see).
# Which kinds and columns: each kind says (RecordKind.exact_only, .staff_only_columns).
STAFF_ONLY_KINDS = tuple(k for k in KINDS if kinds.get(k).exact_only)
STAFF_ONLY_COLUMNS = {k: kinds.get(k).staff_only_columns for k in KINDS if kinds.get(k).staff_only_columns}


class ExactOnly(PermissionError):
    """The kind holds exact counts of vulnerable people and the export was not asked as exact (staff)."""


def exportable_kinds(actor: Actor | None) -> tuple[str, ...]:
    """The kinds `actor` may export as files: every kind for staff, the public ones otherwise."""
    if disclosure.can_see_exact(actor):
        return KINDS
    return tuple(k for k in KINDS if k not in STAFF_ONLY_KINDS)


def export_spec(kind: str, exact: bool) -> KindSpec:
    """The columns of `kind`'s file: all of them when `exact` (staff), else without the staff-only ones."""
    spec = kinds.spec(kind)
    hidden = () if exact else STAFF_ONLY_COLUMNS.get(kind, ())
    return replace(spec, fields=tuple(f for f in spec.fields if f.name not in hidden)) if hidden else spec


def export_bytes(engine: Engine, kind: str, fmt: str, *, hxl: bool = False, exact: bool = False) -> bytes:
    """The file for `kind` in `fmt` (csv, xlsx, geojson, gpkg). `hxl` adds the hashtag row to CSV. `exact`
    (staff only: the caller checks the role) keeps exact counts of vulnerable people; without it the file
    is public: a kind exported only exact is refused (ExactOnly) and staff-only columns are left out."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if kind in STAFF_ONLY_KINDS and not exact:
        raise ExactOnly(f"{kind} holds exact counts of vulnerable people: staff export it as exact")
    rows, points = export_records(engine, kind)
    spec = export_spec(kind, exact)
    located = kinds.get(kind).located
    return _WRITERS[fmt](rows, points, spec, hxl, located)


# One writer per format: (rows, points, spec, hxl, located) -> bytes
_WRITERS = {
    "csv": lambda rows, points, spec, hxl, located: to_csv(rows, spec, hxl=hxl),
    "xlsx": lambda rows, points, spec, hxl, located: to_xlsx(rows, spec),
    "geojson": lambda rows, points, spec, hxl, located: to_geojson(rows, points, spec),
    "gpkg": lambda rows, points, spec, hxl, located: to_gpkg(rows, points, spec, located),
}


__all__ = [
    "FORMATS",
    "KINDS",
    "MEDIA_TYPES",
    "STAFF_ONLY_COLUMNS",
    "STAFF_ONLY_KINDS",
    "ZIP_MEDIA_TYPE",
    "ExactOnly",
    "export_bytes",
    "export_frame",
    "export_records",
    "export_spec",
    "exportable_kinds",
    "file_name",
]
