"""THE registry of record kinds: which kinds exist, and where each one's unit lives.

A record kind is one unit in its own domain package: its fields and ranges (`fields.py`), its row rules
and write path, shared by the edit form and the import (`records.py`), and its file-level meaning checks
and export query (`kind.py`, which builds the kind's RecordKind). geo/io/ knows only files (formats,
encodings, dialects, bounds, the read-check-write-report pipeline) and asks this registry for the rest.

    from geo import kinds
    kinds.KINDS                 # ("posts", "upgrades", "workshops", "flows", "assistance"), in load order
    kinds.get("workshops")      # its RecordKind: spec, check_file, save_row or bulk writer, export_rows

Adding a kind: write its package's fields.py, records.py and kind.py, and add one line to _UNITS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import Connection

from geo.access.auth import Actor
from geo.access.editing import Saved
from geo.io.schema import KindSpec
from geo.kinds.context import Context, load_context

# name -> the module whose KIND describes it. The order is the order to load a full set of files into an
# empty database (posts before what refers to them).
_UNITS: dict[str, str] = {
    "posts": "geo.posts.kind",
    "upgrades": "geo.upgrades.kind",
    "workshops": "geo.workshops.kind",
    "flows": "geo.flows.kind",
    "assistance": "geo.programme.return_kind",
}
KINDS: tuple[str, ...] = tuple(_UNITS)

Point = tuple[float, float] | None
ExportRows = tuple[list[dict[str, Any]], list[Point]]


class FileCheck(Protocol):
    """The meaning checks of one file (codes that must exist, geography, keys given twice), called once per
    parsed table or chunk; it may keep state across a file's chunks (flows: the keys seen so far)."""

    def __call__(self, parsed: Any, out: Any) -> None: ...


class BulkWriter(Protocol):
    """A kind without a form writes a file in bulk, chunk by chunk inside the import's transaction."""

    rows_written: int

    def add(self, frame: pd.DataFrame) -> None: ...

    def finish(self) -> None: ...

    @property
    def counts(self) -> tuple[int, int, int]: ...


# (connection, actor, context, one parsed row, the fields the file names, stamp) -> what the save did
SaveRow = Callable[[Connection, Actor, Context, Mapping[str, Any], set[str], Any], Saved]


@dataclass(frozen=True)
class RecordKind:
    """One record kind as the file pipeline sees it."""

    name: str
    spec: KindSpec
    checks: Callable[[Context], FileCheck]  # a file's meaning checks, made once per file
    export_rows: Callable[[Connection], ExportRows]  # every row in key order, with the import's columns
    save_row: SaveRow | None = None  # the form's write path, row by row (None: bulk_writer)
    bulk_writer: Callable[[Connection, Context, bool, set[str]], BulkWriter] | None = None
    # a rule's field -> the file's column(s) it is about (e.g. "dates" -> ("end_date",)); "field:key" first
    columns_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Stored rows to merge under a partial file's rows before any rule runs: (conn, ctx) -> frame with the
    # spec's columns (those it knows); None: the kind's rules run on the merged row in its save function only.
    stored_rows: Callable[[Connection, Context], pd.DataFrame] | None = None
    chunked: bool = False  # read, checked and written in chunks (large files)
    located: bool = True  # its rows carry a point (their own, or their post's): GeoJSON/GPKG geometry
    # Exact counts of vulnerable people (geo.disclosure): a kind exported only exact (to staff), and the
    # columns a public file of the kind leaves out.
    exact_only: bool = False
    staff_only_columns: tuple[str, ...] = ()
    # The same rows as export_rows, `size` at a time as they are read (a large kind: a streamed export holds
    # one chunk, geo.io.streaming); None: export_rows is read whole.
    export_chunks: Callable[[Connection, int], Iterator[ExportRows]] | None = None
    # Its rows' number, read without reading them (a kind with export_chunks): an export's size is estimated
    # from it and a sample, before a file of millions of rows is streamed (geo.io.export_limits.export_estimate).
    count_rows: Callable[[Connection], int] | None = None


def get(name: str) -> RecordKind:
    """The RecordKind `name`; ValueError for a name that is not a kind (a programming error)."""
    if name not in _UNITS:
        raise ValueError(f"unknown kind {name!r}; one of {', '.join(KINDS)}")
    return importlib.import_module(_UNITS[name]).KIND


def spec(name: str) -> KindSpec:
    return get(name).spec


__all__ = ["KINDS", "BulkWriter", "Context", "ExportRows", "FileCheck", "RecordKind", "get", "load_context", "spec"]
