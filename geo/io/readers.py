"""File readers, one per format (CSV in its many real-world dialects, XLSX, GeoJSON, GeoPackage): bytes in,
a Table of raw cells out, or problems."""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

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


# Rows per chunk when a CSV is read as a stream (geo.io.imports checks and writes flows chunk by chunk):
# large enough that per-chunk work (a DataFrame, one query, one executemany) is amortised, small enough
# that a chunk's cells stay well under 100 MB.
CHUNK_ROWS = 50_000
_BLOCK = 1 << 20  # bytes read at a time by the encoding pass


def _stream(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data


def source_size(data: bytes | BinaryIO) -> int:
    """Bytes in the file, known before reading it (a file's size from the system, not from reading)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return len(data)
    try:
        return os.fstat(data.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        here = data.tell()
        size = data.seek(0, io.SEEK_END)
        data.seek(here)
        return size


def _read_all(data: bytes | BinaryIO) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    data.seek(0)
    return data.read()


def _head(data: bytes | BinaryIO, size: int = 64) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:size])
    data.seek(0)
    head = data.read(size)
    data.seek(0)
    return head


@dataclass
class _TextFacts:
    """What one decoding pass over a CSV finds: its encoding, NULs, its first lines (for the separator)."""

    encoding: str
    chars: int = 0
    nuls: int = 0
    head: str = ""
    has_content: bool = False


def _decodes(stream: BinaryIO, encoding: str) -> _TextFacts | None:
    """Decode the whole stream block by block (never all at once): the facts, or None if it does not decode."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    facts = _TextFacts(encoding)
    try:
        while True:
            block = stream.read(_BLOCK)
            final = not block
            text = decoder.decode(block, final=final)
            if block and not facts.has_content and block.strip(b" \t\r\n\xef\xbb\xbf\x00"):
                facts.has_content = True
            facts.chars += len(text)
            facts.nuls += text.count("\x00")
            if len(facts.head) < 20_000 or "\n" not in facts.head:
                facts.head += text
            if final:
                return facts
    except UnicodeDecodeError:
        return None


def mixed_encoding_rows_of(stream: BinaryIO) -> list[int]:
    """mixed_encoding_rows, line by line from a stream."""
    stream.seek(0)
    utf8_accents = False
    bad: list[int] = []
    for number, line in enumerate(_lines(stream), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
        else:
            utf8_accents = True
    return bad if utf8_accents and bad else []


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """The stream split at b"\\n" exactly as bytes.split(b"\\n") splits it (a final empty piece included)."""
    rest = b""
    while True:
        block = stream.read(_BLOCK)
        if not block:
            yield rest
            return
        pieces = (rest + block).split(b"\n")
        rest = pieces.pop()
        yield from pieces


def _text_facts(stream: BinaryIO, out: _Collector) -> _TextFacts | None:
    """The encoding decode_text would choose, found in one streaming pass (two for non-UTF-8 files)."""
    stream.seek(0)
    bom = stream.read(2)
    if bom in (b"\xff\xfe", b"\xfe\xff"):
        facts = _decodes(stream, "utf-16")
        if facts is None:
            out.add(None, None, "data.err.not_text")
        return facts
    facts = _decodes(stream, "utf-8-sig")
    if facts is not None:
        return facts
    bad = mixed_encoding_rows_of(stream)
    if bad:  # decoding it all as Windows-1252 would silently garble the UTF-8 half
        for row in bad[:_BAD_UTF8_ROWS_SHOWN]:
            out.add(row, None, "data.err.mixed_encoding")
        if len(bad) > _BAD_UTF8_ROWS_SHOWN:
            out.add(None, None, "data.err.mixed_encoding_more", n=len(bad) - _BAD_UTF8_ROWS_SHOWN)
        return None
    return _decodes(stream, "cp1252") or _decodes(stream, "latin-1")


class CsvChunks:
    """A CSV read as a stream of Tables of at most `chunk_rows` rows each, with the checks _read_csv makes
    on the whole file (encoding, binary content, separator, strict quoting, short rows, cell length, row and
    column limits). Problems go to `out`; after the first one no more chunks are given (the rest of the file
    is still read, so every short row is reported, as when the file is read at once). `failed` tells whether
    the file was unreadable; `rows_read` counts data rows so far; `bytes_read` how far into the file."""

    def __init__(self, data: bytes | BinaryIO, out: _Collector, chunk_rows: int = CHUNK_ROWS) -> None:
        self.stream = _stream(data)
        self.out = out
        self.chunk_rows = max(1, int(chunk_rows))
        self.failed = False
        self.rows_read = 0
        self.header: list[str] | None = None
        self.separator = ","

    @property
    def bytes_read(self) -> int:
        try:
            return self.stream.tell()
        except (OSError, ValueError):
            return 0

    def _fail(self) -> None:
        self.failed = True

    def __iter__(self) -> Iterator[Table]:
        out = self.out
        facts = _text_facts(self.stream, out)
        if facts is None:
            self._fail()
            return
        first_line = facts.head.split("\n", 1)[0]
        if facts.nuls > facts.chars / 100 or "\x00" in first_line:  # binary, not a stray NUL in a cell
            out.add(None, None, "data.err.not_table")
            self._fail()
            return
        self.separator = separator = _separator(facts.head)
        self.stream.seek(0)
        text = io.TextIOWrapper(self.stream, encoding=facts.encoding, newline="")
        previous_limit = csv.field_size_limit(MAX_CELL_CHARS)
        # strict: an unclosed quote (or text after a closing quote) is an error, not a silently merged row
        reader = csv.reader(text, delimiter=separator, strict=True)
        values: list[list[Any]] = []
        rows: list[int] = []
        start = 1
        problems = bool(out)
        try:
            for record in reader:
                line = start
                start = reader.line_num + 1
                # a blank row: no cell with anything but spaces (the join is one C call, not a loop)
                if not "".join(record).strip():
                    continue
                if self.header is None:
                    self.header = [cell.strip() for cell in record]
                    if len(self.header) > MAX_COLUMNS:
                        out.add(None, None, "data.err.too_many_columns", n=len(self.header), limit=MAX_COLUMNS)
                        self._fail()
                        return
                    continue
                if len(record) < len(self.header):  # a row cut short: never pad it with blanks and save it
                    out.add(line, None, "data.err.short_row", n=len(record), m=len(self.header))
                    problems = True
                self.rows_read += 1
                if self.rows_read > MAX_ROWS:
                    out.add(None, None, "data.err.too_many_rows", limit=MAX_ROWS)
                    self._fail()
                    return
                if problems:
                    continue  # the file will be refused: keep reading only to report every short row
                values.append(record)
                rows.append(line)
                if len(values) >= self.chunk_rows:
                    yield Table(self.header, values, rows, "csv", separator=separator)
                    values, rows = [], []
        except csv.Error as error:
            detail = str(error)
            key = ("data.err.unclosed_quote" if "end of data" in detail else
                   "data.err.cell_too_long" if "field limit" in detail else "data.err.bad_quote")
            out.add(start, None, key, max=MAX_CELL_CHARS)
            self._fail()
            return
        finally:
            csv.field_size_limit(previous_limit)
            text.detach()  # leave the caller's stream open
        if self.header is None:
            out.add(None, None, "data.err.empty")
            self._fail()
            return
        if problems:
            self._fail()
            return
        if values:
            yield Table(self.header, values, rows, "csv", separator=separator)


def _read_csv(data: bytes | BinaryIO, out: _Collector) -> Table | None:
    """The whole CSV as one Table (the chunks of CsvChunks joined: one reading rule for both)."""
    chunks = CsvChunks(data, out, chunk_rows=MAX_ROWS + 1)
    tables = list(chunks)
    if chunks.failed or out:
        return None
    if not tables:
        return Table(chunks.header or [], [], [], "csv", separator=chunks.separator)
    return tables[0]


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
               max_bytes: int | None = None) -> Table | None:
    """Read any supported file into a Table; problems that make it unreadable go to `out`."""
    fmt = _open_checks(data, name, out, max_bytes)
    if fmt is None:
        return None
    limit = max_bytes if max_bytes is not None else int(settings().import_max_mb * 1_000_000)
    if fmt == "xlsx":
        table = _read_xlsx(_read_all(data), kind, limit, out)
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
                 max_bytes: int | None = None, chunk_rows: int = CHUNK_ROWS) -> None:
        self.data, self.name, self.kind, self.out = data, name, kind, out
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
            table = read_table(self.data, self.name, self.kind, self.out, self.max_bytes)
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
