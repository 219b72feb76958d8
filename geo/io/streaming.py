"""Exports written as they are read: a kind's rows in chunks, each written and dropped before the next, so a
file of millions of rows takes one chunk of memory (20 million flow rows in well under 1 GB), and the app
hands it to a browser as it is written (geo/api/routes.py), never held whole in a session or a process.

The values, columns and rules are geo.io.exports' (the same text of a value, the same spreadsheet-safe text,
the same public and exact columns): a streamed CSV or GeoJSON is byte for byte the file export_bytes builds.
What streaming changes: an XLSX sheet holds at most 1,048,576 rows (Excel's limit), so a larger export
continues on sheets `flows_2`, `flows_3`, ...; an XLSX or GeoPackage is built in a temporary file (both
formats need their whole file before the first byte can be sent) and then sent in blocks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine

from geo import kinds
from geo.io.exports import (
    _TEXT_TYPES,
    STAFF_ONLY_KINDS,
    ExactOnly,
    _native,
    _properties,
    _text,
    export_spec,
    file_name,
    spreadsheet_safe,
    xlsx_cells,
)
from geo.io.schema import FORMATS, KindSpec

CHUNK_ROWS = 50_000
BLOCK_BYTES = 1 << 20
XLSX_MAX_ROWS = 1_048_576  # a sheet's rows, the header included (Excel, LibreOffice)


def row_chunks(engine: Engine, kind: str, chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple[list[dict], list]]:
    """(rows, points) of `kind` in key order, at most `chunk_rows` at a time (one piece for a small kind)."""
    unit = kinds.get(kind)
    names = unit.spec.names
    with engine.connect() as conn:
        pieces = unit.export_chunks(conn, chunk_rows) if unit.export_chunks else [unit.export_rows(conn)]
        for rows, points in pieces:
            yield [{n: r.get(n) for n in names} for r in rows], points


def _checked(kind: str, fmt: str, exact: bool) -> KindSpec:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if kind in STAFF_ONLY_KINDS and not exact:
        raise ExactOnly(f"{kind} holds exact counts of vulnerable people: staff export it as exact")
    return export_spec(kind, exact)


# ------------------------------------------------------------------------------------------ text formats
def _csv_lines(chunks, spec: KindSpec, hxl: bool) -> Iterator[bytes]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.names)
    if hxl:
        writer.writerow([f.hxl for f in spec.fields])
    yield buffer.getvalue().encode("utf-8-sig")
    types = [f.type for f in spec.fields]
    for rows, _points in chunks:
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            writer.writerow([spreadsheet_safe(_text(row[n], ty)) if ty in _TEXT_TYPES else _text(row[n], ty)
                             for n, ty in zip(spec.names, types, strict=True)])
        yield buffer.getvalue().encode("utf-8")


def _geojson_lines(chunks, spec: KindSpec) -> Iterator[bytes]:
    columns = _properties(spec)
    yield ('{"type":"FeatureCollection","name":' + json.dumps(spec.kind) + ',"features":[\n').encode()
    first = True
    for rows, points in chunks:
        lines = []
        for row, point in zip(rows, points, strict=True):
            properties = {}
            for name, type_ in columns:
                value = _native(row[name], type_)
                properties[name] = value.isoformat() if isinstance(value, dt.date) else value
            geometry = None if point is None else {"type": "Point", "coordinates": [point[0], point[1]]}
            lines.append(json.dumps({"type": "Feature", "geometry": geometry, "properties": properties},
                                    ensure_ascii=False, separators=(",", ":")))
        if lines:
            yield (("" if first else ",\n") + ",\n".join(lines)).encode("utf-8")
            first = False
    yield b"\n]}\n"


# ------------------------------------------------------------------------------------------ file formats
def _write_xlsx(chunks, spec: KindSpec, out: BinaryIO) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)  # rows go to a temporary file as they are appended
    types = [f.type for f in spec.fields]
    sheet, used, number = None, XLSX_MAX_ROWS, 0
    for rows, _points in chunks:
        for row in rows:
            if used >= XLSX_MAX_ROWS:
                number += 1
                sheet = book.create_sheet(spec.kind if number == 1 else f"{spec.kind}_{number}")
                sheet.append(spec.names)
                used = 1
            sheet.append(xlsx_cells(sheet, row, spec.names, types))
            used += 1
    if sheet is None:  # no rows: the header alone
        book.create_sheet(spec.kind).append(spec.names)
    book.save(out)


def _write_gpkg(chunks, spec: KindSpec, located: bool, path: Path) -> None:
    import geopandas as gpd
    import pandas as pd
    import pyogrio
    import shapely

    columns = _properties(spec)
    written = False
    for rows, points in chunks:
        data = {}
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
            frame = gpd.GeoDataFrame(frame, geometry=[None if p is None else shapely.Point(p) for p in points],
                                     crs="EPSG:4326")
        if len(frame) or not written:
            pyogrio.write_dataframe(frame, path, layer=spec.kind, driver="GPKG", append=written)
            written = True


# ------------------------------------------------------------------------------------------ entry points
def write_export(engine: Engine, kind: str, fmt: str, out: BinaryIO, *, hxl: bool = False, exact: bool = False,
                 chunk_rows: int = CHUNK_ROWS) -> None:
    """Write `kind`'s export in `fmt` to the binary file `out`, one chunk of rows at a time (the same public
    and exact rules as geo.io.exports.export_bytes: ExactOnly for a staff-only kind asked as public)."""
    for block in stream_export(engine, kind, fmt, hxl=hxl, exact=exact, chunk_rows=chunk_rows):
        out.write(block)


def stream_export(engine: Engine, kind: str, fmt: str, *, hxl: bool = False, exact: bool = False,
                  chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The export as blocks of bytes, produced as the rows are read: for an HTTP response or a file."""
    spec = _checked(kind, fmt, exact)
    chunks = row_chunks(engine, kind, chunk_rows)
    if fmt == "csv":
        yield from _csv_lines(chunks, spec, hxl)
        return
    if fmt == "geojson":
        yield from _geojson_lines(chunks, spec)
        return
    with tempfile.TemporaryDirectory(prefix="ca4-export-") as folder:
        path = Path(folder) / file_name(kind, fmt)
        if fmt == "xlsx":
            with path.open("wb") as out:
                _write_xlsx(chunks, spec, out)
        else:
            _write_gpkg(chunks, spec, kinds.get(kind).located, path)
        with path.open("rb") as built:
            while block := built.read(BLOCK_BYTES):
                yield block


def export_to_path(engine: Engine, kind: str, fmt: str, path: Path, **options: Any) -> None:
    """The export written to `path` (the command line), through a temporary name: no half-written file."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            write_export(engine, kind, fmt, out, **options)
        shutil.move(partial, path)
    finally:
        partial.unlink(missing_ok=True)
