"""File readers, one per format (CSV in its many real-world dialects, XLSX, GeoJSON, GeoPackage): bytes in,
a Table of raw cells out, or problems."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from geo.config import settings
from geo.i18n import t
from geo.io.report import _Collector
from geo.io.schema import header_key

# Bounds on the work a file can cause, checked before (or while) reading it, so that a hostile file is
# rejected in seconds: rows, columns, one cell's length, and an XLSX's size once unpacked (read from the zip
# directory before anything is inflated: zipfile never inflates an entry beyond its declared size).
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 20_000
XLSX_MAX_UNPACKED = 60_000_000  # bytes of XML: about 150,000 rows; bigger tables travel as CSV
_BAD_UTF8_ROWS_SHOWN = 20


_HXL_CELL = re.compile(r"^\s*#[A-Za-z][\w]*(\s*\+\s*[A-Za-z][\w]*)*\s*$")


def _is_hxl_row(values: Iterable[object]) -> bool:
    cells = [v for v in values if not _blank(v)]
    return bool(cells) and all(isinstance(v, str) and _HXL_CELL.match(v) for v in cells)

# ------------------------------------------------------------------------------------------ reading
@dataclass
class Table:
    """A file read as rows of raw values: header, values, the row numbers a person sees, geometries."""

    header: list[str]
    values: list[list[Any]]
    rows: list[int]
    fmt: str
    hxl: list[str] | None = None
    geometry: list[Any] | None = None
    text_numbers: bool = True  # numbers arrive as text (CSV) and may use a decimal comma
    separator: str | None = None


def _blank(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


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


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding that read it: UTF-16 (BOM), UTF-8 (BOM or not), else
    Windows-1252, else Latin-1 (which reads any byte)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters=",;\t").delimiter
    except csv.Error:
        counts = {sep: first.count(sep) for sep in (";", "\t", ",")}
        best = max(counts, key=lambda s: counts[s])
        return best if counts[best] else ","


def mixed_encoding_rows(data: bytes) -> list[int]:
    """Line numbers that are not UTF-8 in a file whose other lines are UTF-8 with accents: a file pasted
    together from two encodings. Empty when the file is one encoding (all UTF-8, or none of it)."""
    utf8_accents = False
    bad: list[int] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
        else:
            utf8_accents = True
    return bad if utf8_accents and bad else []


def _read_csv(data: bytes, out: _Collector) -> Table | None:
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            bad = mixed_encoding_rows(data)
            if bad:  # decoding it all as Windows-1252 would silently garble the UTF-8 half
                for row in bad[:_BAD_UTF8_ROWS_SHOWN]:
                    out.add(row, None, "data.err.mixed_encoding")
                if len(bad) > _BAD_UTF8_ROWS_SHOWN:
                    out.add(None, None, "data.err.mixed_encoding_more", n=len(bad) - _BAD_UTF8_ROWS_SHOWN)
                return None
    try:
        text, _encoding = decode_text(data)
    except UnicodeDecodeError:
        out.add(None, None, "data.err.not_text")
        return None
    first_line = text.split("\n", 1)[0]
    if text.count("\x00") > len(text) / 100 or "\x00" in first_line:  # binary, not a stray NUL in a cell
        out.add(None, None, "data.err.not_table")
        return None
    separator = _separator(text)
    previous_limit = csv.field_size_limit(MAX_CELL_CHARS)
    # strict: an unclosed quote (or text after a closing quote) is an error, not a silently merged row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    header: list[str] | None = None
    values: list[list[Any]] = []
    rows: list[int] = []
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                if len(header) > MAX_COLUMNS:
                    out.add(None, None, "data.err.too_many_columns", n=len(header), limit=MAX_COLUMNS)
                    return None
                continue
            if len(record) < len(header):  # a row cut short: never pad it with blanks and save it
                out.add(line, None, "data.err.short_row", n=len(record), m=len(header))
            values.append(record)
            rows.append(line)
            if len(values) > MAX_ROWS:
                out.add(None, None, "data.err.too_many_rows", limit=MAX_ROWS)
                return None
    except csv.Error as error:
        detail = str(error)
        key = ("data.err.unclosed_quote" if "end of data" in detail else
               "data.err.cell_too_long" if "field limit" in detail else "data.err.bad_quote")
        out.add(start, None, key, max=MAX_CELL_CHARS)
        return None
    finally:
        csv.field_size_limit(previous_limit)
    if header is None:
        out.add(None, None, "data.err.empty")
        return None
    if out:
        return None
    return Table(header, values, rows, "csv", separator=separator)


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


def _read_xlsx(data: bytes, kind: str, max_bytes: int, out: _Collector) -> Table | None:
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
        wanted = {header_key(kind), header_key(t(f"data.kind.{kind}", "es")), header_key(t(f"data.kind.{kind}", "en"))}
        sheet = next((s for s in sheets if header_key(s.title) in wanted), sheets[0])
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
    return Table(header, values, rows, "xlsx", text_numbers=False)


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


def read_table(data: bytes, name: str, kind: str, out: _Collector, max_bytes: int | None = None) -> Table | None:
    """Read any supported file into a Table; problems that make it unreadable go to `out`."""
    max_bytes = max_bytes if max_bytes is not None else int(settings().import_max_mb * 1_000_000)
    if len(data) > max_bytes:
        out.add(None, None, "data.err.too_large", size=f"{len(data) / 1e6:.1f}", limit=f"{max_bytes / 1e6:g}")
        return None
    if not data.strip(b" \t\r\n\xef\xbb\xbf\x00"):
        out.add(None, None, "data.err.empty")
        return None
    fmt = sniff_format(data, name)
    out.report.format = fmt
    if fmt == "xlsx":
        table = _read_xlsx(data, kind, max_bytes, out)
    elif fmt == "gpkg":
        table = _read_gpkg(data, kind, out)
    elif fmt == "geojson":
        table = _read_geojson(data, out)
    else:
        table = _read_csv(data, out)
    if table is None:
        return None
    if table.values and _is_hxl_row(table.values[0]):
        table.hxl = ["" if v is None else str(v) for v in table.values[0]]
        table.values, table.rows = table.values[1:], table.rows[1:]
        if table.geometry is not None:
            table.geometry = table.geometry[1:]
    if _is_hxl_row(table.header):
        table.hxl = table.header
    if not table.values:
        out.add(None, None, "data.err.no_rows")
        return None
    return table
