"""A file read as a table of raw cells (geo.io.readers, geo.io.csvfiles), and the bounds on the work a file
can cause."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

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
    sheet: str | None = None  # the workbook's sheet that was read (XLSX)


def _blank(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


# Rows per chunk when a CSV is read as a stream (geo.io.imports checks and writes a chunked kind chunk by chunk):
# large enough that per-chunk work (a DataFrame, one query, one executemany) is amortised, small enough
# that a chunk's cells stay well under 100 MB.
CHUNK_ROWS = 50_000
