"""The hostile corpus (tests/hostile_corpus.py, over 500 seeded files across the five kinds and the four
formats) run in-process on one seeded SQLite database, plus a handful through the real command line and
through the import page.

For every file, a dry run and then a real import. Asserted: no traceback (no exception, no
"data.err.internal"); the dry run says what the real import does (it passes nothing the import would crash
on); a rejected file writes nothing (a fingerprint of every table is unchanged); the row / column / key named
when the problem has a place; every message exists in Spanish and English; each file in <= 10 s.
The figures (files, crashes, wrong acceptances, slowest file) are printed and written to
$CA4_CORPUS_REPORT when set.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData

from geo.access.auth import Actor
from geo.db import make_engine
from geo.i18n import has
from geo.io.imports import import_data
from geo.io.report import ImportReport
from tests.data_helpers import seeded_sqlite
from tests.hostile_corpus import INJECTED, HostileFile, corpus
from tests.support import copy_sqlite

REPO = Path(__file__).resolve().parent.parent
EDITOR = Actor("corpus-test", "editor")
PER_FILE_S = 10.0
CORPUS_S = 120.0
# Problems about a place in the file: they must name a row (and, for the first group, a column too).
CELL_KEYS = {"data.err.range", "data.err.integer", "data.err.number", "data.err.negative", "data.err.formula",
             "data.err.control", "data.err.required", "data.err.iso3", "data.err.choice", "data.err.date",
             "data.err.date_impossible", "data.err.date_range", "data.err.month", "data.err.unknown_iso3",
             "data.err.return_country", "data.err.venue_not_on_land", "data.err.crossing_partner_far",
             "data.err.unknown_country", "data.err.unknown_post", "data.err.formula_no_value",
             "data.err.geometry_coordinates", "data.err.too_long", "data.err.code_format", "data.err.future",
             "data.err.too_old", "data.err.bool"}
ROW_KEYS = {"data.err.short_row", "data.err.extra_values", "data.err.unclosed_quote", "data.err.bad_quote",
            "data.err.cell_too_long", "data.err.mixed_encoding", "data.err.not_feature", "data.err.duplicate"}

FILES = list(corpus(seed=16))


_TABLES: dict[str, MetaData] = {}


def fingerprint(engine: Engine) -> str:
    """Every row of every table, hashed: equal means nothing was written. SQLite concatenates each table's
    rows (quote() of every column, in primary-key order) in C; Python hashes one string per table."""
    metadata = _TABLES.get("schema")
    if metadata is None:  # reflected once: every copy has the same schema
        metadata = _TABLES["schema"] = MetaData()
        metadata.reflect(engine)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for name in sorted(metadata.tables):
            table = metadata.tables[name]
            columns = " || ',' || ".join(f'quote("{c.name}")' for c in table.columns)
            order = ", ".join(f'"{c.name}"' for c in (table.primary_key.columns or table.columns))
            text = conn.exec_driver_sql(
                f'SELECT count(*), group_concat(row, char(10)) FROM (SELECT {columns} AS row FROM "{name}" '
                f"ORDER BY {order})").one()
            digest.update(f"{name}:{text[0]}:{text[1]}".encode())
    return digest.hexdigest()


class Database:
    """The seeded database, recopied from its template after each file that was (rightly) accepted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        template_engine = seeded_sqlite(folder, flows_rows=500, name="template.sqlite")
        self.template = str(template_engine.url).split("///", 1)[1]
        template_engine.dispose()
        self.copies = 0
        self.engine = self._copy()
        self.base = fingerprint(self.engine)

    def _copy(self) -> Engine:
        self.copies += 1
        url = copy_sqlite(f"sqlite:///{self.template}", self.folder / f"work-{self.copies}.sqlite")
        return make_engine(url)

    def reset(self) -> None:
        self.engine.dispose()
        self.engine = self._copy()


def crashed(report: ImportReport | None) -> bool:
    return report is None or any(p.key == "data.err.internal" for p in report.problems)


def check_file(db: Database, f: HostileFile) -> tuple[str | None, float, ImportReport | None]:
    """(what went wrong or None, seconds, the real import's report)."""
    started = time.perf_counter()
    try:
        dry = import_data(db.engine, EDITOR, f.kind, f.data, f.name, dry_run=True)
        real = import_data(db.engine, EDITOR, f.kind, f.data, f.name)
    except Exception as error:  # a traceback: the worst outcome
        return f"crash: {error!r}", time.perf_counter() - started, None
    elapsed = time.perf_counter() - started
    if crashed(dry) or crashed(real):
        return "crash: data.err.internal", elapsed, real
    if dry.ok != real.ok:
        return f"dry run ok={dry.ok} but import ok={real.ok}: {[p.key for p in real.problems][:3]}", elapsed, real
    if f.note and f.note not in [n.key for n in real.notes]:
        return f"the report does not say {f.note}: {[n.key for n in real.notes]}", elapsed, real
    if real.ok:
        db.reset()
        if f.expect == "reject":
            return "wrong acceptance", elapsed, real
        return None, elapsed, real
    if f.expect == "accept":
        return f"wrong rejection: {[(p.row, p.column, p.key) for p in real.problems][:3]}", elapsed, real
    if real.written or real.added or real.updated:
        return "a rejected file reports writes", elapsed, real
    if fingerprint(db.engine) != db.base:
        db.reset()
        return "a rejected file changed the database", elapsed, real
    for p in real.problems:
        if not (has(p.key) and p.message("es") and p.message("en")):
            return f"untranslated message {p.key}", elapsed, real
        if p.key in CELL_KEYS and (p.row is None or not p.column):
            return f"{p.key} names no row/column", elapsed, real
        if p.key in ROW_KEYS and p.row is None:
            return f"{p.key} names no row", elapsed, real
    if f.only and [p.key for p in real.problems] != [f.key]:  # a file-level cause: said once, nothing else
        return f"expected only {f.key}: {[(p.row, p.key) for p in real.problems][:4]}", elapsed, real
    if f.key or f.row is not None or f.column:
        located = [(p.row, p.column, p.key) for p in real.problems]
        if not any((f.row is None or r == f.row) and (f.column is None or c == f.column)
                   and (f.key is None or k == f.key) for r, c, k in located):
            return f"not located as expected ({f.row}, {f.column}, {f.key}): {located[:4]}", elapsed, real
    return None, elapsed, real


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(tmp_path_factory.mktemp("corpus"))
    yield database
    database.engine.dispose()


@pytest.fixture(autouse=True)
def default_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CA4_IMPORT_MAX_MB", "50")


def test_the_corpus_covers_every_kind_and_format() -> None:
    assert len(FILES) >= 500
    assert len({f.id for f in FILES}) == len(FILES)
    combos = Counter((f.kind, f.fmt) for f in FILES)
    assert len(combos) == 20 and min(combos.values()) >= 15, combos


def test_the_hostile_corpus(db: Database) -> None:
    started = time.perf_counter()
    failures: dict[str, str] = {}
    times: dict[str, float] = {}
    outcomes: Counter[str] = Counter()
    for f in FILES:
        failure, elapsed, report = check_file(db, f)
        times[f.id] = elapsed
        outcomes["accepted" if report is not None and report.ok else "rejected"] += 1
        if failure:
            failures[f.id] = failure
    total = time.perf_counter() - started
    slowest = max(times, key=times.__getitem__)
    figures = {
        "files": len(FILES), "accepted": outcomes["accepted"], "rejected": outcomes["rejected"],
        "crashes": sum(v.startswith("crash") for v in failures.values()),
        "wrong_acceptances": sum(v == "wrong acceptance" for v in failures.values()),
        "other_failures": sum(not v.startswith("crash") and v != "wrong acceptance" for v in failures.values()),
        "slowest_file": slowest, "slowest_s": round(times[slowest], 2), "total_s": round(total, 1),
        "formats": dict(Counter(f.fmt for f in FILES)), "kinds": dict(Counter(f.kind for f in FILES)),
    }
    print("CORPUS", json.dumps(figures))
    if os.environ.get("CA4_CORPUS_REPORT"):
        Path(os.environ["CA4_CORPUS_REPORT"]).write_text(json.dumps({**figures, "failures": failures}, indent=1))
    assert not failures, "\n".join(f"{k}: {v}" for k, v in list(failures.items())[:40])
    over = {k: round(v, 1) for k, v in times.items() if v > PER_FILE_S}
    assert not over, over
    assert total <= CORPUS_S, figures


def test_markdown_text_is_stored_as_typed(db: Database) -> None:
    f = next(f for f in FILES if f.id == "posts-csv-markdown_text")
    report = import_data(db.engine, EDITOR, f.kind, f.data, f.name)
    assert report.ok, [p.line() for p in report.problems]
    from geo.io.exports import export_frame

    assert INJECTED in set(export_frame(db.engine, "posts")["name"])
    db.reset()


# ------------------------------------------------------------------------------------------ the real CLI
CLI_CASES = ["flows-csv-int_64bit", "flows-csv-valid", "posts-xlsx-formula_without_value", "assistance-csv-empty_file",
             "workshops-geojson-one_coordinate_point", "flows-xlsx-zip_bomb"]


@pytest.mark.parametrize("case_id", CLI_CASES)
def test_through_the_command_line(db: Database, tmp_path: Path, case_id: str) -> None:
    f = next(f for f in FILES if f.id == case_id)
    path = tmp_path / f.name
    path.write_bytes(f.data)
    database = tmp_path / "cli.sqlite"
    url = copy_sqlite(f"sqlite:///{db.template}", database)
    env = {**os.environ, "DATABASE_URL": url, "CA4_IMPORT_MAX_MB": "50"}
    before = fingerprint(make_engine(url))
    done = subprocess.run([sys.executable, "-m", "geo", "import", f.kind, str(path), "--lang", "es"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    if f.expect == "accept":
        assert done.returncode == 0, output
    else:
        assert done.returncode == 1, output
        assert "Archivo rechazado" in output, output  # in the language asked for
        assert fingerprint(make_engine(url)) == before


def test_a_file_that_is_not_there_exits_2(tmp_path: Path) -> None:
    """Once, not per case: the command line's exit code for a missing file, without a traceback."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}"}
    missing = subprocess.run([sys.executable, "-m", "geo", "import", "flows", str(tmp_path / "nope.csv")], cwd=REPO,
                             env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


# ------------------------------------------------------------------------------------------ the import page
def _import_page_with_upload() -> None:
    """screens/data.py with st.file_uploader answering the file in session state (AppTest has no uploader)."""
    import io as _io
    import runpy
    from pathlib import Path

    import streamlit as st

    name, data = st.session_state["hostile_upload"]

    class Upload(_io.BytesIO):
        def __init__(self) -> None:
            super().__init__(data)
            self.name = name

    original = st.file_uploader
    st.file_uploader = lambda *args, **kwargs: Upload()
    try:
        runpy.run_path(str(Path.cwd() / "screens" / "data.py"), run_name="__main__")
    finally:  # the module is shared by every later test in this process: put the real uploader back
        st.file_uploader = original


PAGE_CASES = ["flows-csv-int_64bit", "posts-csv-markdown_text", "flows-csv-mixed_encoding", "assistance-xlsx-zip_bomb",
              "flows-geojson-unknown_nationality", "flows-csv-random_bytes", "flows-xlsx-notes_sheet_first"]


@pytest.mark.parametrize("case_id", PAGE_CASES)
def test_through_the_import_page(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case_id: str) -> None:
    from streamlit.testing.v1 import AppTest

    f = next(f for f in FILES if f.id == case_id)
    url = copy_sqlite(f"sqlite:///{db.template}", tmp_path / "page.sqlite")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(REPO)
    before = fingerprint(make_engine(url))
    at = AppTest.from_function(_import_page_with_upload, default_timeout=120)
    at.session_state["actor"] = EDITOR
    at.session_state["hostile_upload"] = (f.name, f.data)
    at.query_params["lang"] = "en"
    at.run()
    at.selectbox(key="import_kind").set_value(f.kind).run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    if f.expect == "accept":
        assert at.success, [e.value for e in at.error]
        assert "\\[" in at.success[0].value or "[" not in f.name  # the summary is escaped Markdown
    else:
        assert any("File rejected" in e.value for e in at.error), [e.value for e in at.error]
        assert at.dataframe, "the problems table"
        assert fingerprint(make_engine(url)) == before
        if f.only:  # a file-level cause: one line, in the reader's language
            problems = at.dataframe[0].value
            assert len(problems) == 1 and "binary content" in problems.iloc[0, -1], problems
    if f.note:  # which sheet of the workbook was read, said on the page
        assert any("Hoja2" in c.value and "Sheet read" in c.value for c in at.caption), [c.value for c in at.caption]
