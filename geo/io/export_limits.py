"""What the app exports, the app imports: an export the import would refuse (its size, an XLSX's unpacked size,
its rows: geo.io.readers and geo.io.table) is said before it is built, with CSV or parts offered."""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from geo import kinds
from geo.io.exports import (
    _WRITERS,
    FIXED_TIME,
    STAFF_ONLY_KINDS,
    ExactOnly,
    export_records,
    export_spec,
    file_name,
)
from geo.io.schema import FORMATS, KindSpec
from geo.io.table import MAX_ROWS, XLSX_MAX_UNPACKED

_SAMPLE_ROWS = 400  # rows written to measure a format's bytes per row
_MARGIN = 1.05  # an estimate's safety margin; a part aims at 90% of the limit


@dataclass(frozen=True)
class ImportLimits:
    """The bounds an import puts on a file (the running settings' unless given)."""

    max_bytes: int
    xlsx_unpacked: int
    max_rows: int = MAX_ROWS

    @classmethod
    def current(cls) -> ImportLimits:
        from geo.config import settings

        max_bytes = int(settings().import_max_mb * 1_000_000)
        return cls(max_bytes, min(max_bytes * 10, XLSX_MAX_UNPACKED))


@dataclass(frozen=True)
class TooLarge:
    """An export the import would refuse: an i18n key and its parameters (worded when shown), and the
    number of parts that each import."""

    key: str
    params: dict[str, Any]
    parts: int

    def message(self, lang: str) -> str:
        from geo.i18n import t

        return t(self.key, lang, **self.params)


def _mb(size: float) -> str:
    """Megabytes as a message shows them: 75, 2.5, 0.013 (never "0 MB" for a small file)."""
    mb = size / 1e6
    return f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}" if mb >= 1 else f"{mb:.2g}"


def _unpacked(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _measure(rows: Sequence[dict[str, Any]], points: Sequence[Any], spec: KindSpec, fmt: str, hxl: bool,
             located: bool, total: int | None = None) -> tuple[float, float]:
    """(bytes, unpacked bytes for XLSX) an export of `total` rows (default: these rows) would take: exact when
    these are all its rows and few, else from a sample of them spread over the table."""
    total = len(rows) if total is None else total
    if total == len(rows) and len(rows) <= _SAMPLE_ROWS * 2:
        data = _WRITERS[fmt](rows, points, spec, hxl, located)
        return len(data), (_unpacked(data) if fmt == "xlsx" else len(data))
    step = max(len(rows) / _SAMPLE_ROWS, 1)
    picks = sorted({min(int(i * step), len(rows) - 1) for i in range(min(_SAMPLE_ROWS, len(rows)))})
    if not picks:
        return 0, 0
    empty = _WRITERS[fmt]([], [], spec, hxl, located)
    sample = _WRITERS[fmt]([rows[i] for i in picks], [points[i] for i in picks], spec, hxl, located)
    per_row = (len(sample) - len(empty)) / len(picks)
    size = len(empty) + per_row * total * _MARGIN
    if fmt != "xlsx":
        return size, size
    per_row_unpacked = (_unpacked(sample) - _unpacked(empty)) / len(picks)
    return size, _unpacked(empty) + per_row_unpacked * total * _MARGIN


def _verdict(name: str, fmt: str, total: int, size: float, unpacked: float, limits: ImportLimits) -> TooLarge | None:
    """Would the import refuse a file of `total` rows, `size` bytes (`unpacked` for an XLSX)?"""

    def parts(amount: float, limit: float) -> int:
        return max(2, math.ceil(amount / (0.9 * limit)))

    verdict: tuple[str, dict[str, Any], int] | None = None
    if total > limits.max_rows:
        verdict = ("data.export.too_many_rows", {"rows": total, "limit": limits.max_rows},
                   parts(total, limits.max_rows))
    elif fmt == "xlsx" and unpacked > limits.xlsx_unpacked:
        verdict = ("data.export.too_large_xlsx", {"size": _mb(unpacked), "limit": f"{limits.xlsx_unpacked / 1e6:g}"},
                   max(parts(unpacked, limits.xlsx_unpacked), parts(size, limits.max_bytes)))
    elif size > limits.max_bytes:
        verdict = ("data.export.too_large", {"size": _mb(size), "limit": f"{limits.max_bytes / 1e6:g}"},
                   parts(size, limits.max_bytes))
    if verdict is None:
        return None
    key, params, count = verdict
    return TooLarge(key, {"name": name, "parts": count, **params}, count)


def _too_large(rows: Sequence[dict[str, Any]], points: Sequence[Any], spec: KindSpec, fmt: str, hxl: bool,
               located: bool, limits: ImportLimits) -> TooLarge | None:
    size, unpacked = _measure(rows, points, spec, fmt, hxl, located)
    return _verdict(file_name(spec.kind, fmt), fmt, len(rows), size, unpacked, limits)


def _prepared(engine: Engine, kind: str, fmt: str, exact: bool) -> tuple[list, list, KindSpec, bool]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if kind in STAFF_ONLY_KINDS and not exact:
        raise ExactOnly(f"{kind} holds exact counts of vulnerable people: staff export it as exact")
    rows, points = export_records(engine, kind)
    return rows, points, export_spec(kind, exact), kinds.get(kind).located


def export_too_large(engine: Engine, kind: str, fmt: str, *, hxl: bool = False, exact: bool = False,
                     limits: ImportLimits | None = None) -> TooLarge | None:
    """Would this export be refused by the import (too many bytes, an XLSX too large unpacked, too many
    rows)? Said before the file is built (measured on a sample of its rows), with how many parts would do."""
    rows, points, spec, located = _prepared(engine, kind, fmt, exact)
    return _too_large(rows, points, spec, fmt, hxl, located, limits or ImportLimits.current())


def export_checked(engine: Engine, kind: str, fmt: str, *, hxl: bool = False, exact: bool = False,
                   limits: ImportLimits | None = None) -> tuple[bytes | None, TooLarge | None]:
    """The export's bytes, or (None, why) when the import would refuse it (nothing is built then): the
    page's and the command line's one call. The rows are read once."""
    rows, points, spec, located = _prepared(engine, kind, fmt, exact)
    verdict = _too_large(rows, points, spec, fmt, hxl, located, limits or ImportLimits.current())
    if verdict is not None:
        return None, verdict
    return _WRITERS[fmt](rows, points, spec, hxl, located), None


def export_estimate(engine: Engine, kind: str, fmt: str, *, hxl: bool = False, exact: bool = False,
                    limits: ImportLimits | None = None) -> TooLarge | None:
    """export_too_large without reading every row, for a kind exported as a stream (RecordKind.count_rows and
    export_chunks: millions of flow rows): its row count and its first rows' bytes. Other kinds: read whole."""
    unit = kinds.get(kind)
    if unit.count_rows is None or unit.export_chunks is None:
        return export_too_large(engine, kind, fmt, hxl=hxl, exact=exact, limits=limits)
    spec = export_spec(kind, exact)
    if kind in STAFF_ONLY_KINDS and not exact:
        raise ExactOnly(f"{kind} holds exact counts of vulnerable people: staff export it as exact")
    names = unit.spec.names
    with engine.connect() as conn:
        total = unit.count_rows(conn)
        rows, points = next(iter(unit.export_chunks(conn, _SAMPLE_ROWS * 5)), ([], []))
    rows = [{n: r.get(n) for n in names} for r in rows]
    size, unpacked = _measure(rows, points, spec, fmt, hxl, unit.located, total=total)
    return _verdict(file_name(kind, fmt), fmt, total, size, unpacked, limits or ImportLimits.current())


def _fits(data: bytes, fmt: str, rows: int, limits: ImportLimits) -> bool:
    return len(data) <= limits.max_bytes and rows <= limits.max_rows and \
        (fmt != "xlsx" or _unpacked(data) <= limits.xlsx_unpacked)


def export_parts(engine: Engine, kind: str, fmt: str, *, hxl: bool = False, exact: bool = False,
                 limits: ImportLimits | None = None) -> bytes:
    """The export as a ZIP of parts (ca4_flows_part1.xlsx, ...), each within the import's limits: rows in
    key order, as many to a part as the estimate allows (a part that still does not fit is halved), read a
    part at a time (geo.io.streaming.row_chunks: a kind of millions of rows is never held whole). Each part
    imports by itself; the key keeps them apart."""
    from geo.io.streaming import row_chunks

    limits = limits or ImportLimits.current()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    spec, located = export_spec(kind, exact), kinds.get(kind).located
    verdict = export_estimate(engine, kind, fmt, hxl=hxl, exact=exact, limits=limits)
    unit = kinds.get(kind)
    with engine.connect() as conn:
        total = unit.count_rows(conn) if unit.count_rows is not None else len(unit.export_rows(conn)[0])
    per_part = max(1, math.ceil(total / (verdict.parts if verdict is not None else 1)))
    out = io.BytesIO()
    number = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(rows: list[dict[str, Any]], points: list[Any]) -> None:
            nonlocal number
            data = _WRITERS[fmt](rows, points, spec, hxl, located)
            if not _fits(data, fmt, len(rows), limits) and len(rows) > 1:  # the estimate was short: halve
                half = len(rows) // 2
                write(rows[:half], points[:half])
                write(rows[half:], points[half:])
                return
            number += 1
            entry = zipfile.ZipInfo(f"ca4_{kind}_part{number}.{fmt}", date_time=FIXED_TIME)
            entry.external_attr = 0o600 << 16
            entry.compress_type = zipfile.ZIP_STORED if fmt == "xlsx" else zipfile.ZIP_DEFLATED  # XLSX is a zip
            archive.writestr(entry, data)

        for rows, points in row_chunks(engine, kind, per_part):
            for start in range(0, len(rows), per_part):
                write(rows[start:start + per_part], list(points[start:start + per_part]))
    return out.getvalue()


def parts_file_name(kind: str, fmt: str) -> str:
    return f"ca4_{kind}_{fmt}_parts.zip"
