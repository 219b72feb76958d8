"""The generic half of a file's checks: parse a table into typed columns, and the checks every kind uses
(a key given twice, a code that must exist, a value the kind does not allow, a date out of range). The
meaning checks of each kind (geography, codes) are in its package's kind.py (geo.kinds lists them)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geo.io.columns import column_label
from geo.io.parsers import EARLIEST, _decimal_comma, _shown, file_style, parse_column
from geo.io.report import _Collector
from geo.io.schema import KindSpec
from geo.io.style import FileStyle
from geo.io.table import Table, _blank


@dataclass
class Parsed:
    frame: pd.DataFrame  # canonical columns, parsed values; rows with a problem are dropped later
    rows: pd.Series  # row numbers as the person sees them
    labels: dict[str, str]  # field -> column label in the file
    bad: set[int]  # positions (iloc) of rows with a problem


def parse_table(spec: KindSpec, table: Table, columns: dict[str, int], out: _Collector, *,
                decimal_comma: bool | None = None, style: FileStyle | None = None) -> Parsed:
    """Parse every column of `table` (a whole file or one chunk of it). `style`: how the file writes numbers
    and dates, decided once for a file read in chunks (geo.io.imports), so every chunk reads them alike;
    without it, decided here from this table (and a file with dates written both ways is reported)."""
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
        decimal_comma = style.decimal_comma if style is not None else _decimal_comma(table, columns, spec)
    if style is None:
        style = file_style(table, columns, spec, decimal_comma, labels)
        report_style(style, out)
    serials = table.fmt == "xlsx"
    parsed_columns: dict[str, pd.Series] = {}
    for f in spec.fields:
        if f.name not in columns:
            parsed_columns[f.name] = pd.Series([None] * len(numbers), dtype=object)
            continue
        cells = np.empty(len(numbers), dtype=object)
        cells[:] = transposed[columns[f.name]]
        values, errors = parse_column(pd.Series(cells, dtype=object), f, decimal_comma=decimal_comma,
                                      serials=serials, formulas=table.fmt in ("csv", "xlsx"), style=style,
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


def report_style(style: FileStyle, out: _Collector) -> None:
    """A file whose dates show the day first in one place and the month first in another cannot be read:
    one problem naming a cell of each (its ambiguous dates, 03/04/2025, could be either). A file whose dates
    all read either way is read day first, the region's way, and says so (a note, not a problem)."""
    note_dates_assumed(style, out)
    if style.dates_mixed:
        (day_row, day_column, day_cell), (month_row, month_column, month_cell) = style.day_first, style.month_first_seen
        out.add(None, day_column, "data.err.date_order_mixed", day=day_cell, day_row=day_row, month=month_cell,
                month_row=month_row, month_column=month_column)


def note_dates_assumed(style: FileStyle, out: _Collector) -> None:
    if style.dates_assumed:
        row, column, cell = style.either_way
        out.note("data.note.dates_day_first", cell=cell, row=row, column=column)


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


def duplicates(parsed: Parsed, key: tuple[str, ...], out: _Collector) -> None:
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


def exists(parsed: Parsed, name: str, known: Iterable[str], out: _Collector, key: str) -> None:
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


def dates_in_range(parsed: Parsed, name: str, out: _Collector) -> None:
    values = parsed.frame[name]
    from geo.periods import today as region_today

    today = region_today()  # the region's date, not the server's
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
