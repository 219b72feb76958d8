"""Imports: read a file, validate every row into a report, and write all of it or nothing.

Real files are the normal case: CSV typed in Spanish-locale Excel (Windows-1252, `;` separators, decimal
commas, day-first dates), UTF-8 with or without BOM, tab-separated UTF-16 "Unicode text", XLSX, GeoJSON and
GeoPackage. Headers may be English, Spanish or HXL hashtags (a second header row of hashtags is recognised).

    report = import_data(engine, actor, kind, data, "puestos.csv", dry_run=True)   # kind: geo.kinds.KINDS
    report.ok, report.problems, report.added, report.updated, report.unchanged

Records are matched by their kind's key (a code, or a natural key: geo.kinds), so the
same file imported twice changes nothing. Validation and writes run in one transaction: a rejected file
(or any database error) leaves the database exactly as it was. Each accepted import writes one audit entry
(action "import", its counts) and updates dataset_state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from queue import Empty, Full, Queue
from typing import Any, BinaryIO

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, text
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from geo import kinds
from geo.access.audit import now, record_event
from geo.access.auth import Actor, require
from geo.datasets import record_load
from geo.io.checks import Parsed, note_dates_assumed, parse_table, report_style
from geo.io.columns import column_label, map_columns, recognises
from geo.io.parsers import file_style
from geo.io.readers import TableChunks, read_table
from geo.io.report import ImportProgress, ImportReport, Problem, Progress, Rejected, _Collector
from geo.io.schema import KindSpec
from geo.io.style import FileStyle
from geo.io.table import CHUNK_ROWS
from geo.io.writers import save_rows
from geo.kinds import FileCheck, RecordKind, load_context
from geo.models import DatasetState


# ------------------------------------------------------------------------------------------ entry point
def import_data(engine: Engine, actor: Actor, kind: str, data: bytes | BinaryIO, file_name: str, *,
                dry_run: bool = False, progress: Progress | None = None, max_bytes: int | None = None,
                chunk_rows: int = CHUNK_ROWS) -> ImportReport:
    """Validate `data` (the file's bytes, or a binary file open for reading) as a file of `kind` and,
    unless `dry_run` or rejected, write it in one transaction.

    A chunked kind's CSV (RecordKind.chunked) is read, checked and written `chunk_rows` rows at a time
    inside that one transaction, so memory stays bounded by the chunk whatever the file's size; the result
    (rows written, problems and their row numbers) is the same for any chunk size. `progress` is called as
    the import advances.

    Never raises for a bad file: every problem is in the report. Raises PermissionDenied for a viewer and
    ValueError for an unknown kind (a programming error, not a file problem).
    """
    require(actor, "editor", "import data")
    unit = kinds.get(kind)  # ValueError for a name that is not a kind
    name = Path(file_name or "upload").name[:120]
    tracker = _Tracker(progress)
    try:
        if unit.chunked:
            return _import_chunked(engine, actor, unit, data, name, dry_run=dry_run, tracker=tracker,
                                   max_bytes=max_bytes, chunk_rows=chunk_rows)
        return _import(engine, actor, unit, data, name, dry_run=dry_run, tracker=tracker, max_bytes=max_bytes)
    except Exception:  # a bug, not a file problem: logged with its traceback, shown as a plain message
        logging.getLogger(__name__).exception("import of %s (%s) failed", name, kind)
        report = ImportReport(kind=kind, file=name, dry_run=dry_run)
        report.problems.append(Problem(name, None, None, "data.err.internal"))
        return report


def progress_text(step: ImportProgress, lang: str) -> str:
    """One line for a progress bar: the stage, rows read, checked and written, seconds so far."""
    from geo.i18n import fmt_number, t

    return t("data.progress_detail", lang, stage=t(f"data.stage.{step.stage}", lang),
             read=fmt_number(step.rows_read, lang), checked=fmt_number(step.rows_checked, lang),
             written=fmt_number(step.rows_written, lang), seconds=f"{step.elapsed:.0f}")


class _Tracker:
    """Counts for the progress callback, called once per chunk and at each later stage (a chunk is tens of
    thousands of rows: a few dozen calls for the largest file, so no throttling is needed)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.started = time.perf_counter()
        self.read = self.checked = self.written = 0

    def __call__(self, stage: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(ImportProgress(stage, self.read, self.checked, self.written,
                                         min(max(fraction, 0.0), 1.0), time.perf_counter() - self.started))


def _import(engine: Engine, actor: Actor, unit: RecordKind, data: bytes | BinaryIO, name: str, *, dry_run: bool,
            tracker: _Tracker, max_bytes: int | None) -> ImportReport:
    """A kind with a form: the whole file read, merged with the stored rows, checked, then written row by
    row through the kind's save_row (the form's write path), all in one transaction."""
    kind, spec = unit.name, unit.spec
    report = ImportReport(kind=kind, file=name, dry_run=dry_run)
    out = _Collector(report)
    try:
        table = read_table(data, name, kind, out, max_bytes=max_bytes, recognised=recognises(spec))
    except (MemoryError, RecursionError):
        out.add(None, None, "data.err.not_table")
        table = None
    if table is None:
        return report
    report.rows = tracker.read = len(table.values)
    tracker("reading", 0.1)
    columns = map_columns(spec, table, out)
    if out:
        return report
    parsed = parse_table(spec, table, columns, out)
    present = set(columns) | (set(spec.point) if spec.point and table.geometry else set())
    tracker("reading", 0.3)
    try:
        with engine.begin() as conn:
            if not dry_run:
                _one_import_at_a_time(conn, kind)
            ctx = load_context(conn, actor)
            if unit.stored_rows is not None:  # before any rule runs: a partial file's rows made whole
                _merge_stored(parsed, unit.stored_rows(conn, ctx), spec, present)
            unit.checks(ctx)(parsed, out)
            tracker.checked = report.rows
            tracker("reading", 0.45)
            if out:
                raise Rejected
            clean = parsed.frame.reset_index(drop=True)

            def report_row(position: int, names: tuple[str, ...], key: str, **params: Any) -> None:
                column = ", ".join(dict.fromkeys(parsed.labels.get(n, n) for n in names)) or None
                out.add(int(parsed.rows.iloc[position]), column, key, **params)

            # Row by row through the kind's one write path (the forms' too); a dry run writes inside
            # the transaction and rolls it back, so it finds exactly what the real import would.
            stamp = now()
            counts = save_rows(clean, lambda row: unit.save_row(conn, actor, ctx, row, present, stamp),
                               report_row, unit.columns_of)
            if out:
                raise Rejected
            report.added, report.updated, report.unchanged = counts
            tracker.written = 0 if dry_run else report.added + report.updated
            if dry_run:
                raise Rejected  # roll back what the dry run wrote
            tracker("saving", 0.95)
            _stamp(conn, actor, kind, name, report)
    except Rejected:
        pass
    except SQLAlchemyError as error:
        _database_problem(report, out, error)
        return report
    report.written = not dry_run and report.ok
    tracker("done", 1.0)
    return report


def _merge_stored(parsed: Parsed, stored: pd.DataFrame, spec: KindSpec, present: set[str]) -> None:
    """Fill the columns a partial file does not name with the stored row's values (matched by the key), so
    every rule sees the whole record, as the form's save does; rows of new records keep None there."""
    absent = [n for n in spec.names if n not in present and n in stored.columns and n not in spec.key]
    if not absent or stored.empty or parsed.frame.empty:
        return
    frame, key = parsed.frame, list(spec.key)
    stored_keys = list(zip(*(stored[k].tolist() for k in key), strict=True))
    file_keys = list(zip(*(frame[k].tolist() for k in key), strict=True))
    for name in absent:
        lookup = dict(zip(stored_keys, stored[name].tolist(), strict=True))
        values = [lookup.get(k) for k in file_keys]
        frame[name] = pd.Series([None if v is None or v != v else v for v in values], index=frame.index,
                                dtype=object)


def _import_chunked(engine: Engine, actor: Actor, unit: RecordKind, data: bytes | BinaryIO, name: str, *,
                    dry_run: bool, tracker: _Tracker, max_bytes: int | None, chunk_rows: int) -> ImportReport:
    """A kind written in bulk (RecordKind.bulk_writer), chunk by chunk in one transaction: read a chunk,
    check it (the same rules as a whole file; the kind's checks keep what they need across chunks, e.g. the
    keys seen), write it unless a problem has been found anywhere,
    next chunk; then the roll-ups once, the dataset stamp and the audit entry, and commit. Any problem, an
    error or the process being killed before the commit leaves the database as it was.

    Problems as when the file is read at once: when the file cannot be read (a short row, a broken quote,
    too many rows ...) only the reading problems are reported, whatever the chunks before them held."""
    kind, spec = unit.name, unit.spec
    report = ImportReport(kind=kind, file=name, dry_run=dry_run)
    out = _Collector(report)  # reading problems
    checked = ImportReport(kind=kind, file=name, dry_run=dry_run)
    check_out = _Collector(checked)  # column and row problems, kept apart until the reading is done
    chunks = TableChunks(data, name, kind, out, max_bytes=max_bytes, chunk_rows=chunk_rows,
                         recognised=recognises(spec))
    if not chunks.open():  # size, emptiness and format: before anything is read or locked
        return report
    size = max(chunks.size, 1)
    try:
        with engine.begin() as conn:
            if not dry_run:
                _one_import_at_a_time(conn, kind)
            with _bulk_writing(conn):
                ctx = load_context(conn, actor)
                state = _ChunkChecks(spec, unit.checks(ctx), check_out)
                writer: kinds.BulkWriter | None = None
                try:
                    # Reading and checking (Python) run in a thread ahead of the writing (SQLite and
                    # PostgreSQL work with the GIL released), one or two chunks ahead: on two cores the
                    # next chunk is parsed while this one is written. Progress is reported from here.
                    for frame, rows_read, rows_checked in _ahead(state.checked_chunks(chunks), depth=2):
                        if writer is None:
                            writer = unit.bulk_writer(conn, ctx, not dry_run, set(state.columns or ()))
                        # counts as of this chunk (the reading thread may be a chunk or two further on)
                        tracker.read, tracker.checked = rows_read, rows_checked
                        if frame is not None and not check_out:  # once refused, writing more is wasted
                            writer.add(frame)
                            tracker.written = writer.rows_written
                        tracker("reading", 0.9 * chunks.bytes_read / size)
                except (MemoryError, RecursionError):
                    out.add(None, None, "data.err.not_table")
                if chunks.failed or out or writer is None:
                    raise Rejected
                report.rows = tracker.read = chunks.rows_read
                if check_out:
                    report.problems, report.more_problems = checked.problems, checked.more_problems
                    report.ignored_columns = checked.ignored_columns
                    raise Rejected
                report.ignored_columns = checked.ignored_columns
                report.notes += checked.notes
                tracker("rollups", 0.9)
                writer.finish()
                # What the kind found worth a warning in what it wrote (data, not a problem: it is saved).
                for key, params in getattr(writer, "warnings", ()):
                    report.warnings.append(Problem(name, None, None, key, params))
                report.added, report.updated, report.unchanged = writer.counts
                if dry_run:
                    raise Rejected  # nothing was written; end the transaction as a dry run ends
                tracker("saving", 0.98)
                _stamp(conn, actor, kind, name, report)
    except Rejected:
        pass
    except SQLAlchemyError as error:
        _database_problem(report, out, error)
        return report
    report.written = not dry_run and report.ok
    tracker("done", 1.0)
    return report


class _ChunkChecks:
    """The reading-and-checking half of a chunked import: each chunk's columns mapped (from the first),
    parsed and checked against the kind's rules (which remember the file's earlier chunks). No database
    access: it runs in a thread of its own (see _ahead)."""

    def __init__(self, spec: KindSpec, check: FileCheck, out: _Collector) -> None:
        self.spec, self.check, self.out = spec, check, out
        self.columns: dict[str, int] | None = None
        self.rows_checked = 0

    def checked_chunks(self, chunks: TableChunks) -> Iterator[tuple[pd.DataFrame | None, int, int]]:
        """(checked frame, or None when the chunk is not to be written; rows read and checked so far)."""
        column_problems = False
        style: FileStyle | None = None
        for table in chunks:
            if self.columns is None:
                self.columns = map_columns(self.spec, table, self.out)
                column_problems = bool(self.out)
            if column_problems:  # read on only to find reading problems, which are reported first
                yield None, chunks.rows_read, self.rows_checked
                continue
            # How the file writes numbers and dates: from its first chunk, each later one adding its evidence
            # (a later chunk writing dates the other way makes the file's dates ambiguous: reported once).
            labels = {name: column_label(table, index) for name, index in self.columns.items()}
            seen = file_style(table, self.columns, self.spec, style.decimal_comma if style else None, labels)
            mixed_before = style is not None and style.dates_mixed
            style = seen if style is None else style.adding(seen)
            if style.dates_mixed and not mixed_before:
                report_style(style, self.out)
            parsed = parse_table(self.spec, table, self.columns, self.out, style=style)
            self.check(parsed, self.out)
            self.rows_checked += len(table.values)
            yield (None if self.out else parsed.frame.reset_index(drop=True)), chunks.rows_read, self.rows_checked
        if style is not None:  # decided on the whole file: a later chunk may have shown the order
            note_dates_assumed(style, self.out)


_DONE = object()


def _ahead(items: Iterator[Any], depth: int) -> Iterator[Any]:
    """Iterate `items` in a thread of its own, up to `depth` items ahead of the caller. An exception in
    the thread is raised here; when the caller stops early, the thread is told to stop and joined."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        queue.put((item, None), timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put((_DONE, None))
        except BaseException as error:  # handed to the caller, who raises it
            queue.put((_DONE, error))

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with suppress(Empty):
                queue.get_nowait()
            thread.join(timeout=0.05)
        close = getattr(items, "close", None)
        if close is not None:
            close()


@contextmanager
def _bulk_writing(conn: Connection) -> Iterator[None]:
    """SQLite: a bigger page cache for this import's connection, put back after (the connection returns
    to the pool). Bounded (128 MB): a million rows' index pages stay in memory while written, and the
    roll-ups' GROUP BY sorts in memory (SQLite's sorter spills to disk beyond the cache size)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    conn.exec_driver_sql("PRAGMA cache_size=-131072")
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):  # the connection broke: it is discarded anyway
            conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def _stamp(conn: Connection, actor: Actor, kind: str, name: str, report: ImportReport) -> None:
    """dataset_state and the audit entry: written with the data, so data_version changes with it."""
    conn.execute(delete(DatasetState).where(DatasetState.kind == kind))
    conn.execute(insert(DatasetState), {"kind": kind, "updated_at": now(), "source": name[:200], "seed": None})
    record_load(conn, kind, name, actor.username, report.rows)
    record_event(conn, actor, "import", kind, name[:80],
                 f"file={name}; format={report.format}; rows={report.rows}; added={report.added}; "
                 f"updated={report.updated}; unchanged={report.unchanged}")


def _database_problem(report: ImportReport, out: _Collector, error: SQLAlchemyError) -> None:
    """A database error ends the import with nothing written: said in plain words."""
    report.added = report.updated = report.unchanged = 0
    detail = type(getattr(error, "orig", error)).__name__
    if isinstance(error, IntegrityError):  # the same rows written meanwhile by a simultaneous import
        if _is_unique_violation(error):
            out.add(None, None, "data.err.concurrent")
        else:
            out.add(None, None, "data.err.database", detail=detail)
    elif isinstance(error, OperationalError) and ("locked" in str(error).lower() or "busy" in str(error).lower()):
        out.add(None, None, "data.err.busy")  # SQLite's write lock held past the busy timeout by another import
    else:  # a constraint the checks did not foresee: still nothing written
        out.add(None, None, "data.err.database", detail=detail)


def _one_import_at_a_time(conn: Connection, kind: str) -> None:
    """Serialise writing imports, so that a second import of the same file waits for the first and then
    finds its rows stored ("unchanged") instead of failing on them. PostgreSQL: an advisory lock held until
    the transaction ends. SQLite: take the database's write lock now (BEGIN IMMEDIATE) rather than at the
    first write, after the checks have read a state another import is about to change; a writer waiting
    longer than the busy timeout gets "database is locked", reported as data.err.busy."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 16_000 + kinds.KINDS.index(kind)})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _is_unique_violation(error: IntegrityError) -> bool:
    detail = str(getattr(error, "orig", error)).lower()
    return "unique" in detail or "duplicate key" in detail


def kinds_in_order() -> tuple[str, ...]:
    """The order to load a full set of files into an empty database (what is referred to first: geo.kinds)."""
    return kinds.KINDS
