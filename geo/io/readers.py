"""File readers, one per format (CSV in its many real-world dialects, XLSX, GeoJSON, GeoPackage): bytes in,
a Table of raw cells out, or problems."""

from __future__ import annotations

import io
import json
import math
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import shapely

from geo.config import settings
from geo.i18n import t
from geo.io.csvfiles import _BLOCK, CsvChunks, _head, _read_all, _read_csv, source_size
from geo.io.report import _Collector
from geo.io.schema import header_key
from geo.io.table import CHUNK_ROWS, MAX_COLUMNS, MAX_ROWS, XLSX_MAX_UNPACKED, Table, _blank, _is_hxl_row


def sniff_format(data: bytes, name: str = "") -> str:
    """csv, xlsx, geojson or gpkg, from the content first (offices rename files), then the name."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:1] in (b"{", b"["):
        return "geojson"
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("json", "geojson") and head[:1] in (b"{", b"["):
        return "geojson"
    return "csv"


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_CACHED = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")


def _formulas_without_values(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int]]:
    """(row, column index) of formula cells that carry no saved result: read with data_only they would
    look blank, and a blank is not what the person sees in Excel."""
    try:
        xml = archive.read(path)
    except KeyError:
        return []
    if not _FORMULA.search(xml):
        return []
    found = []
    for match in _CELL.finditer(xml):
        body = match.group(3) or b""
        if _FORMULA.search(body) and not _CACHED.search(body):
            ref = _REF.search(match.group(1))
            if ref:
                letters, row = ref.group(1).decode(), int(ref.group(2))
                column = 0
                for letter in letters:
                    column = column * 26 + ord(letter) - 64
                found.append((row, column - 1))
    return found


# Does a header row name any of the kind's columns? (given by the pipeline, which knows the kind's fields)
Recognised = Callable[[list[Any]], bool]
_HEADER_ROWS_LOOKED_AT = 30  # a sheet's header is its first non-blank row, looked for this far down


def _first_row(sheet: Any) -> list[Any]:
    for record in sheet.iter_rows(min_row=1, max_row=_HEADER_ROWS_LOOKED_AT, values_only=True):
        if not all(_blank(v) for v in record):
            return list(record)
    return []


def _pick_sheet(book: Any, kind: str, recognised: Recognised | None, out: _Collector) -> Any:
    """The sheet named after the kind, else the first whose header names the kind's columns, else the
    first; said in a note when the workbook has more than one sheet (a first sheet of notes is common)."""
    sheets = book.worksheets
    wanted = {header_key(kind), header_key(t(f"data.kind.{kind}", "es")), header_key(t(f"data.kind.{kind}", "en"))}
    named = next((s for s in sheets if header_key(s.title) in wanted), None)
    if named is not None or len(sheets) == 1:
        chosen = named or sheets[0]
        if len(sheets) > 1:
            out.note("data.note.sheet", sheet=chosen.title, sheets=", ".join(s.title for s in sheets))
        return chosen
    fitting = next((s for s in sheets if recognised is not None and recognised(_first_row(s))), None)
    if fitting is None:
        out.note("data.note.sheet_none", sheet=sheets[0].title, sheets=", ".join(s.title for s in sheets))
        return sheets[0]
    skipped = sheets[:sheets.index(fitting)]
    if skipped:
        out.note("data.note.sheet_skipped", sheet=fitting.title, skipped=", ".join(s.title for s in skipped))
    else:
        out.note("data.note.sheet", sheet=fitting.title, sheets=", ".join(s.title for s in sheets))
    return fitting


def _read_xlsx(data: bytes, kind: str, max_bytes: int, out: _Collector,
               recognised: Recognised | None = None) -> Table | None:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        out.add(None, None, "data.err.not_spreadsheet")
        return None
    limit = min(max_bytes * 10, XLSX_MAX_UNPACKED)
    if unpacked > limit:  # a zip bomb, or far too big a sheet: said before inflating anything
        out.add(None, None, "data.err.xlsx_too_large", size=f"{unpacked / 1e6:.0f}", limit=f"{limit / 1e6:g}")
        return None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or non-Excel zip
        out.add(None, None, "data.err.not_spreadsheet")
        return None
    try:
        sheets = book.worksheets
        if not sheets:
            out.add(None, None, "data.err.empty")
            return None
        sheet = _pick_sheet(book, kind, recognised, out)
        unsaved = _formulas_without_values(archive, str(getattr(sheet, "_worksheet_path", "")))
        header: list[str] | None = None
        values: list[list[Any]] = []
        rows: list[int] = []
        for number, record in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [v.strip() if isinstance(v, str) else v for v in record]
            if len(cells) > MAX_COLUMNS and any(not _blank(v) for v in cells[MAX_COLUMNS:]):
                out.add(None, None, "data.err.too_many_columns", n=len(cells), limit=MAX_COLUMNS)
                return None
            if all(_blank(v) for v in cells):
                continue
            if header is None:
                header = ["" if v is None else str(v) for v in cells]
                continue
            values.append(cells)
            rows.append(number)
            if len(values) > MAX_ROWS:
                out.add(None, None, "data.err.too_many_rows", limit=MAX_ROWS)
                return None
    except Exception:
        out.add(None, None, "data.err.not_spreadsheet")
        return None
    finally:
        book.close()
        archive.close()
    if header is None:
        out.add(None, None, "data.err.empty")
        return None
    for row, column in unsaved:
        name = header[column].strip() if column < len(header) and header[column].strip() else f"#{column + 1}"
        out.add(row, name, "data.err.formula_no_value", cell=f"{_column_letters(column)}{row}")
    if out:
        return None
    return Table(header, values, rows, "xlsx", text_numbers=False, sheet=sheet.title)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class UnreadableGeometry(ValueError):
    """A geometry that cannot be read; `shown` is what the file holds, short, for the message."""

    def __init__(self, shown: str) -> None:
        super().__init__(shown)
        self.shown = shown


def _finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, int):
        return abs(value) < 10 ** 300  # JSON allows any integer; float() would overflow
    return math.isfinite(value)


def _geometry_or_error(geometry: Any) -> Any:
    """A shapely geometry, None for a null geometry, or an UnreadableGeometry for one that cannot be read
    (with what the file holds, never a library's internals)."""
    if geometry is None:
        return None
    shown = json.dumps(geometry, ensure_ascii=False, default=str)[:60] if isinstance(geometry, dict | list) \
        else str(geometry)[:60]
    if not isinstance(geometry, dict):
        return UnreadableGeometry(shown)
    if geometry.get("type") == "Point":  # the common case, checked by hand for a plain message
        coordinates = geometry.get("coordinates")
        if coordinates == []:
            return shapely.Point()
        if not (isinstance(coordinates, list) and len(coordinates) in (2, 3)
                and all(_finite_number(c) for c in coordinates)):
            return UnreadableGeometry(json.dumps(coordinates, ensure_ascii=False, default=str)[:60])
    try:
        return shapely.geometry.shape(geometry)
    except Exception:  # malformed coordinates of any sort
        return UnreadableGeometry(shown)


def _read_geojson(data: bytes, out: _Collector) -> Table | None:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        out.add(None, None, "data.err.not_geojson")
        return None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not (isinstance(document, dict) and document.get("type") == "FeatureCollection"
            and isinstance(document.get("features"), list)):
        out.add(None, None, "data.err.not_geojson")
        return None
    crs = document.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not re.search(r"(CRS84|EPSG:{1,2}4326)$", name):
            out.add(None, None, "data.err.crs", crs=name[:60])
            return None
    columns: dict[str, None] = {}
    records, geometries, rows = [], [], []
    if len(document["features"]) > MAX_ROWS:
        out.add(None, None, "data.err.too_many_rows", limit=MAX_ROWS)
        return None
    for number, feature in enumerate(document["features"], start=1):
        if not isinstance(feature, dict):
            out.add(number, None, "data.err.not_feature")
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            out.add(number, None, "data.err.not_feature")
            continue
        for key in properties:
            columns.setdefault(str(key), None)
        if len(columns) > MAX_COLUMNS:
            out.add(None, None, "data.err.too_many_columns", n=len(columns), limit=MAX_COLUMNS)
            return None
        records.append({str(k): v for k, v in properties.items()})
        geometries.append(_geometry_or_error(feature.get("geometry")))
        rows.append(number)
    if out:
        return None
    header = list(columns)
    values = [[_plain(r.get(c)) for c in header] for r in records]
    if not header and not records:
        out.add(None, None, "data.err.empty")
        return None
    return Table(header, values, rows, "geojson", geometry=geometries, text_numbers=False)


def _plain(value: Any) -> Any:
    """Nested JSON values become text (and then fail their column's type check)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:500]
    return value


def _read_gpkg(data: bytes, kind: str, out: _Collector) -> Table | None:
    import pyogrio

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.gpkg"
        path.write_bytes(data)
        try:
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
            if not layers:
                out.add(None, None, "data.err.empty")
                return None
            layer = next((name for name in layers if header_key(name) == kind), layers[0])
            info = pyogrio.read_info(path, layer=layer)
            if len(info["fields"]) > MAX_COLUMNS:
                out.add(None, None, "data.err.too_many_columns", n=len(info["fields"]), limit=MAX_COLUMNS)
                return None
            if int(info["features"]) > MAX_ROWS:
                out.add(None, None, "data.err.too_many_rows", limit=MAX_ROWS)
                return None
            frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
        except Exception:  # GDAL errors come in several classes; all mean "not a usable GeoPackage"
            out.add(None, None, "data.err.not_gpkg")
            return None
    geometries = None
    if "geometry" in frame.columns:
        crs = getattr(frame, "crs", None)
        if crs is not None and crs.to_epsg() != 4326:
            try:
                frame = frame.to_crs("EPSG:4326")
            except Exception:
                out.add(None, None, "data.err.crs", crs=str(crs)[:60])
                return None
        geometries = list(frame.geometry)
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    header = [str(c) for c in frame.columns]
    values = frame.astype(object).where(frame.notna(), None).values.tolist()
    index = [int(i) for i in frame.index] if len(frame) else []
    return Table(header, values, index, "gpkg", geometry=geometries, text_numbers=False)


def _blank_file(data: bytes | BinaryIO) -> bool:
    """Nothing but spaces, line ends, BOMs and NULs (read block by block from a stream)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return not bytes(data).strip(b" \t\r\n\xef\xbb\xbf\x00")
    data.seek(0)
    try:
        while block := data.read(_BLOCK):
            if block.strip(b" \t\r\n\xef\xbb\xbf\x00"):
                return False
        return True
    finally:
        data.seek(0)


def _hxl_and_rows(table: Table, first: bool) -> Table:
    """Recognise a second header row of HXL hashtags (the first data row of the first chunk)."""
    if first and table.values and _is_hxl_row(table.values[0]):
        table.hxl = ["" if v is None else str(v) for v in table.values[0]]
        table.values, table.rows = table.values[1:], table.rows[1:]
        if table.geometry is not None:
            table.geometry = table.geometry[1:]
    if _is_hxl_row(table.header):
        table.hxl = table.header
    return table


def _open_checks(data: bytes | BinaryIO, name: str, out: _Collector, max_bytes: int | None) -> str | None:
    """The checks made before reading the file: its size (from the system for a file: nothing is read),
    blank content, and its format. The format, or None when refused."""
    max_bytes = max_bytes if max_bytes is not None else int(settings().import_max_mb * 1_000_000)
    size = source_size(data)
    if size > max_bytes:
        out.add(None, None, "data.err.too_large", size=f"{size / 1e6:.1f}", limit=f"{max_bytes / 1e6:g}")
        return None
    if _blank_file(data):
        out.add(None, None, "data.err.empty")
        return None
    fmt = sniff_format(_head(data), name)
    out.report.format = fmt
    return fmt


def read_table(data: bytes | BinaryIO, name: str, kind: str, out: _Collector,
               max_bytes: int | None = None, recognised: Recognised | None = None) -> Table | None:
    """Read any supported file into a Table; problems that make it unreadable go to `out`. `recognised`
    tells a header that names the kind's columns (an XLSX's sheet is chosen by it)."""
    fmt = _open_checks(data, name, out, max_bytes)
    if fmt is None:
        return None
    limit = max_bytes if max_bytes is not None else int(settings().import_max_mb * 1_000_000)
    if fmt == "xlsx":
        table = _read_xlsx(_read_all(data), kind, limit, out, recognised)
    elif fmt == "gpkg":
        table = _read_gpkg(_read_all(data), kind, out)
    elif fmt == "geojson":
        table = _read_geojson(_read_all(data), out)
    else:
        table = _read_csv(data, out)
    if table is None:
        return None
    table = _hxl_and_rows(table, first=True)
    if not table.values:
        out.add(None, None, "data.err.no_rows")
        return None
    return table


class TableChunks:
    """A file read as Tables of at most `chunk_rows` rows: a CSV as a stream (memory bounded by the chunk),
    other formats (bounded by their own limits) as one Table. Iterate it; afterwards `failed` says whether
    the file was unreadable (its problems are in `out`, as read_table reports them)."""

    def __init__(self, data: bytes | BinaryIO, name: str, kind: str, out: _Collector, *,
                 max_bytes: int | None = None, chunk_rows: int = CHUNK_ROWS,
                 recognised: Recognised | None = None) -> None:
        self.data, self.name, self.kind, self.out = data, name, kind, out
        self.recognised = recognised
        self.max_bytes, self.chunk_rows = max_bytes, chunk_rows
        self.failed = False
        self.rows_read = 0
        self.size = source_size(data)
        self._csv: CsvChunks | None = None
        self._format: str | None = None

    def open(self) -> bool:
        """The checks made before reading (size from the system, emptiness, format); False when refused."""
        if self._format is None and not self.failed:
            self._format = _open_checks(self.data, self.name, self.out, self.max_bytes)
            self.failed = self._format is None
        return not self.failed

    @property
    def bytes_read(self) -> int:
        return self._csv.bytes_read if self._csv is not None else (self.size if self.rows_read else 0)

    def __iter__(self) -> Iterator[Table]:
        if not self.open():
            return
        if self._format != "csv":
            table = read_table(self.data, self.name, self.kind, self.out, self.max_bytes, self.recognised)
            if table is None:
                self.failed = True
                return
            self.rows_read = len(table.values)
            yield table
            return
        self._csv = chunks = CsvChunks(self.data, self.out, self.chunk_rows)
        first, hxl, skipped = True, None, 0
        for table in chunks:
            if first:
                before = len(table.values)
                table = _hxl_and_rows(table, first=True)
                hxl, skipped, first = table.hxl, before - len(table.values), False
            else:
                table.hxl = hxl
            self.rows_read = chunks.rows_read - skipped
            if table.values:
                yield table
        if chunks.failed:
            self.failed = True
            return
        if first or self.rows_read == 0:
            self.out.add(None, None, "data.err.no_rows")
            self.failed = True
