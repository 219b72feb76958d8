"""Imports: read a file, validate every row into a report, and write all of it or nothing.

Real files are the normal case: CSV typed in Spanish-locale Excel (Windows-1252, `;` separators, decimal
commas, day-first dates), UTF-8 with or without BOM, tab-separated UTF-16 "Unicode text", XLSX, GeoJSON and
GeoPackage. Headers may be English, Spanish or HXL hashtags (a second header row of hashtags is recognised).

    report = import_data(engine, actor, "posts", data, "puestos.csv", dry_run=True)
    report.ok, report.problems, report.added, report.updated, report.unchanged

Records are matched by their code (posts, workshops) or natural key (upgrades, flows, assistance), so the
same file imported twice changes nothing. Validation and writes run in one transaction: a rejected file
(or any database error) leaves the database exactly as it was. Each accepted import writes one audit entry
(action "import", its counts) and updates dataset_state.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, text
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from geo.access.audit import now, record_event
from geo.access.auth import Actor, require
from geo.io.checks import CHECKS, load_context, parse_table
from geo.io.columns import map_columns
from geo.io.readers import read_table
from geo.io.report import ImportReport, Problem, Rejected, _Collector
from geo.io.schema import KINDS, SPECS
from geo.io.writers import Progress, _apply_assistance, _apply_flows, _apply_posts, _apply_upgrades, _apply_workshops
from geo.models import (
    DatasetState,
)


# ------------------------------------------------------------------------------------------ entry point
def import_data(engine: Engine, actor: Actor, kind: str, data: bytes, file_name: str, *, dry_run: bool = False,
                progress: Progress | None = None, max_bytes: int | None = None) -> ImportReport:
    """Validate `data` as a file of `kind` and, unless `dry_run` or rejected, write it in one transaction.

    Never raises for a bad file: every problem is in the report. Raises PermissionDenied for a viewer and
    ValueError for an unknown kind (a programming error, not a file problem).
    """
    require(actor, "editor", "import data")
    if kind not in SPECS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    name = Path(file_name or "upload").name[:120]
    try:
        return _import(engine, actor, kind, data, name, dry_run=dry_run, progress=progress, max_bytes=max_bytes)
    except Exception:  # a bug, not a file problem: logged with its traceback, shown as a plain message
        logging.getLogger(__name__).exception("import of %s (%s) failed", name, kind)
        report = ImportReport(kind=kind, file=name, dry_run=dry_run)
        report.problems.append(Problem(name, None, None, "data.err.internal"))
        return report


def _import(engine: Engine, actor: Actor, kind: str, data: bytes, name: str, *, dry_run: bool,
            progress: Progress | None, max_bytes: int | None) -> ImportReport:
    report = ImportReport(kind=kind, file=name, dry_run=dry_run)
    out = _Collector(report)
    step = progress or (lambda _f: None)
    spec = SPECS[kind]
    try:
        table = read_table(data, name, kind, out, max_bytes=max_bytes)
    except (MemoryError, RecursionError):
        out.add(None, None, "data.err.not_table")
        table = None
    if table is None:
        return report
    report.rows = len(table.values)
    step(0.1)
    columns = map_columns(spec, table, out)
    if out:
        return report
    parsed = parse_table(spec, table, columns, out)
    step(0.3)
    try:
        with engine.begin() as conn:
            if not dry_run:
                _one_import_at_a_time(conn, kind)
            ctx = load_context(conn)
            CHECKS[kind](parsed, ctx, out)
            step(0.45)
            if out:
                raise Rejected
            clean = parsed.frame.reset_index(drop=True)
            clean.attrs["present"] = set(columns) | (set(spec.point) if spec.point and table.geometry else set())

            def report_row(position: int, name: str | None, key: str, **params: Any) -> None:
                column = parsed.labels.get(name, name) if name else None
                out.add(int(parsed.rows.iloc[position]), column, key, **params)

            if kind == "flows":
                counts = _apply_flows(conn, actor, clean, ctx, not dry_run, progress)
            else:
                # Row by row through each kind's one write path (the forms' too); a dry run writes inside
                # the transaction and rolls it back, so it finds exactly what the real import would.
                counts = {"posts": _apply_posts, "upgrades": _apply_upgrades, "workshops": _apply_workshops,
                          "assistance": _apply_assistance}[kind](conn, actor, clean, ctx, report_row, now())
            if out:
                raise Rejected
            report.added, report.updated, report.unchanged = counts
            if dry_run:
                raise Rejected  # roll back what the dry run wrote
            conn.execute(delete(DatasetState).where(DatasetState.kind == kind))
            conn.execute(insert(DatasetState), {"kind": kind, "updated_at": now(), "source": name[:200], "seed": None})
            record_event(conn, actor, "import", kind, name[:80],
                         f"file={name}; format={report.format}; rows={report.rows}; added={report.added}; "
                         f"updated={report.updated}; unchanged={report.unchanged}")
    except Rejected:
        pass
    except IntegrityError as error:  # the same rows written meanwhile by a simultaneous import
        report.added = report.updated = report.unchanged = 0
        if _is_unique_violation(error):
            out.add(None, None, "data.err.concurrent")
        else:
            out.add(None, None, "data.err.database", detail=type(getattr(error, "orig", error)).__name__)
        return report
    except OperationalError as error:  # SQLite's write lock held past the busy timeout by another import
        report.added = report.updated = report.unchanged = 0
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            out.add(None, None, "data.err.busy")
        else:
            out.add(None, None, "data.err.database", detail=type(getattr(error, "orig", error)).__name__)
        return report
    except SQLAlchemyError as error:  # a constraint the checks did not foresee: still nothing written
        report.added = report.updated = report.unchanged = 0
        out.add(None, None, "data.err.database", detail=type(getattr(error, "orig", error)).__name__)
        return report
    report.written = not dry_run and report.ok
    step(1.0)
    return report


def _one_import_at_a_time(conn: Connection, kind: str) -> None:
    """Serialise writing imports, so that a second import of the same file waits for the first and then
    finds its rows stored ("unchanged") instead of failing on them. PostgreSQL: an advisory lock held until
    the transaction ends. SQLite: take the database's write lock now (BEGIN IMMEDIATE) rather than at the
    first write, after the checks have read a state another import is about to change; a writer waiting
    longer than the busy timeout gets "database is locked", reported as data.err.busy."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 16_000 + KINDS.index(kind)})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _is_unique_violation(error: IntegrityError) -> bool:
    detail = str(getattr(error, "orig", error)).lower()
    return "unique" in detail or "duplicate key" in detail


def kinds_in_order() -> tuple[str, ...]:
    """The order to load a full set of files into an empty database (posts before what refers to them)."""
    return KINDS
