"""Matching a file's header row to a kind's fields (English, Spanish or HXL headers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from geo.io.report import _Collector
from geo.io.schema import KindSpec, header_key
from geo.io.table import Table


# ------------------------------------------------------------------------------------------ columns
def map_columns(spec: KindSpec, table: Table, out: _Collector) -> dict[str, int]:
    """{field name: column index}. Reports missing required columns and columns given twice."""
    aliases = {f.name: {header_key(a) for a in (f.name, *f.aliases)} | ({header_key(f.hxl)} if f.hxl else set())
               for f in spec.fields}
    found: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(table.header):
        keys = {header_key(name)}
        if table.hxl and index < len(table.hxl) and table.hxl[index]:
            keys.add(header_key(table.hxl[index]))
        match = next((f for f, names in aliases.items() if keys & names), None)
        if match is None:
            if str(name).strip():
                ignored.append(str(name))
            continue
        if match in found:
            out.add(None, column_label(table, index), "data.err.column_twice", field=match,
                    other=column_label(table, found[match]))
            continue
        found[match] = index
    out.report.ignored_columns = ignored
    if not found:
        out.add(None, None, "data.err.no_known_columns", kind=spec.kind,
                expected=", ".join(f.name for f in spec.fields if f.required))
        return found
    point_from_geometry = spec.point is not None and table.geometry is not None
    # Only the key's columns must be there: a partial file updates the columns it names, and a row that
    # adds a record without a required value is refused at its row by the kind's write path.
    for f in spec.fields:
        needed = f.name in spec.key if spec.partial else f.required
        if needed and f.name not in found and not (point_from_geometry and f.name in spec.point):
            out.add(None, f.name, "data.err.column_missing",
                    names=", ".join(dict.fromkeys([f.name, *f.aliases[:3], *(f.hxl,)])))
    return found


def column_label(table: Table, index: int) -> str:
    name = table.header[index] if index < len(table.header) else ""
    return name.strip() or f"#{index + 1}"


def recognises(spec: KindSpec) -> Callable[[list[Any]], bool]:
    """A test of a header row: does it name any of `spec`'s columns (English, Spanish or HXL)? Used to pick
    the sheet of a workbook that holds the table."""
    known = {header_key(a) for f in spec.fields for a in (f.name, *f.aliases, *((f.hxl,) if f.hxl else ()))}

    def test(header: list[Any]) -> bool:
        return any(header_key(cell) in known for cell in header if cell is not None and str(cell).strip())

    return test
