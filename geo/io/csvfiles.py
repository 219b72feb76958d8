"""CSV files in their many real-world dialects, read as a stream of chunks: the encoding found in one pass
over the bytes, the separator sniffed, ragged rows, unclosed quotes and mixed encodings reported by line."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from geo.io.report import _Collector
from geo.io.table import _BAD_UTF8_ROWS_SHOWN, CHUNK_ROWS, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, Table


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


def _other_separator(text: str, separator: str) -> str | None:
    """A separator the reader does not use (|, ^, ...) when the header is one column holding it and the
    first lines hold it as often: a file split by it, which would otherwise show "no recognised column"."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines or separator in lines[0]:
        return None
    for candidate in OTHER_SEPARATORS:
        count = lines[0].count(candidate)
        if count and all(line.count(candidate) >= count for line in lines[1:6]):
            return candidate
    return None


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
    """What one decoding pass over a CSV finds: its encoding, NULs and other control characters, its first
    lines (for the separator)."""

    encoding: str
    chars: int = 0
    nuls: int = 0
    controls: int = 0
    head: str = ""
    has_content: bool = False


# Characters no text table holds (C0 controls but tab and line ends, DEL, C1 controls): a file with more
# than 1 in 100 of them is binary content read as text (an image, a PDF, random bytes), whatever it decoded as.
_CONTROLS_IN_TEXT = 16  # a few control characters are a text file's typos, reported by cell
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Separators people use that the reader does not: named in the message when a file's lines are split by one.
OTHER_SEPARATORS = ("|", "^", "~", "!")


def wide_encoding(head: bytes) -> str | None:
    """The name of an encoding this reader refuses, seen in a file's first bytes: UTF-32 (with a BOM or
    without) or UTF-16 without a BOM (Excel's "Unicode text" has a BOM and is read). None otherwise, and for
    binary content whose NULs only look like a wide encoding (it decodes to control characters)."""
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    sample = head[:4096]
    quads = [sample[i:i + 4] for i in range(0, len(sample) - 3, 4)]
    pairs = [sample[i:i + 2] for i in range(0, len(sample) - 1, 2)]
    if len(pairs) < 4:
        return None
    for name, codec, share in (("UTF-32", "utf-32-le", sum(q[1:] == b"\0\0\0" and q[0] != 0 for q in quads)),
                               ("UTF-32", "utf-32-be", sum(q[:3] == b"\0\0\0" and q[3] != 0 for q in quads)),
                               ("UTF-16", "utf-16-le", sum(p[1] == 0 and p[0] != 0 for p in pairs)),
                               ("UTF-16", "utf-16-be", sum(p[0] == 0 and p[1] != 0 for p in pairs))):
        units = quads if name == "UTF-32" else pairs
        if units and share >= 0.6 * len(units):
            size = 4 if name == "UTF-32" else 2
            text = sample[: len(sample) // size * size].decode(codec, errors="replace")
            if len(_CONTROLS.findall(text)) <= len(text) / 100:  # text, not binary with NULs in it
                return name
    return None


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
            facts.controls += len(_CONTROLS.findall(text)) if _CONTROLS.search(text) else 0
            if len(facts.head) < 20_000 or "\n" not in facts.head:
                facts.head += text
            if final:
                return facts
    except UnicodeDecodeError:
        return None


def mixed_encoding_rows_of(stream: BinaryIO) -> list[int]:
    """Line numbers that are not UTF-8 in a file whose other lines are UTF-8 with accents: a file pasted
    together from two encodings. Empty when the file is one encoding (all UTF-8, or none of it). Read line
    by line from the stream."""
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
    wide = wide_encoding(stream.read(4096))
    if wide:  # said by name: read as text it would be "not a table", or a column of NULs
        out.add(None, None, "data.err.encoding_utf32" if wide == "UTF-32" else "data.err.encoding_utf16")
        return None
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
        # binary content, not a stray control character in a cell (reported there, by row and column)
        if facts.controls > max(facts.chars / 100, _CONTROLS_IN_TEXT) or "\x00" in first_line:
            out.add(None, None, "data.err.binary")  # one problem, not one per "row" of the bytes
            self._fail()
            return
        self.separator = separator = _separator(facts.head)
        other = _other_separator(facts.head, separator)
        if other:
            out.add(None, None, "data.err.separator", separator=other)
            self._fail()
            return
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
