"""Issue 29: imports that cannot be fooled. Rules on the whole file, not only on each row (a whole crossing
moved, a venue's country against its point), text decoded wrongly once (mojibake, found with ftfy), "1.000"
in a whole-number column, dates day-first or month-first for the whole file, exports the import would refuse,
and file-level messages that name the real cause. The hostile corpus (tests/hostile_corpus.py) carries the
same cases in every format; here each rule is tested on its own, through both paths where it has two.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from geo import reference
from geo.access.auth import Actor
from geo.access.editing import ValidationFailed
from geo.cli import main as cli_main
from geo.db import make_engine
from geo.i18n import t
from geo.io.export_limits import ImportLimits, export_checked, export_parts
from geo.io.exports import export_bytes
from geo.io.imports import import_data
from geo.io.parsers import mojibake_fix
from geo.io.report import ImportReport
from geo.models import AuditEntry, FlowCount, Post, Workshop
from geo.posts.records import MAX_MOVE_KM, save_post
from geo.workshops import records as ws
from tests.data_helpers import seeded_sqlite
from tests.hostile_corpus import MOJIBAKE, crossing_moved_along, post_rows, stored_posts
from tests.test_hostile_inputs import FLOW_HEADER, FLOW_ROW, POST_HEADER

EDITOR = Actor("ana", "editor")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return seeded_sqlite(tmp_path_factory.mktemp("whole"), flows_rows=300)


def csv_of(header: list[str], rows: list[list[object]], sep: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def imported(engine: Engine, kind: str, data: bytes, name: str = "f.csv", *, dry_run: bool = True,
             chunk_rows: int = 50_000) -> ImportReport:
    return import_data(engine, EDITOR, kind, data, name, dry_run=dry_run, chunk_rows=chunk_rows)


def located(report: ImportReport) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.key) for p in report.problems]


def form_keys(engine: Engine, save) -> set[str]:
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            save(conn)
            return set()
        except ValidationFailed as refused:
            return set(refused.problems.values())
        finally:
            transaction.rollback()


# ------------------------------------------------------------------------------------------ a crossing moved
def moved(codes: tuple[str, str], places: list[tuple[float, float]], declared: str | None = None) -> bytes:
    rows = post_rows(codes)
    for row, (lon, lat) in zip(rows, places, strict=True):
        row[7], row[8] = str(lon), str(lat)
    header = list(POST_HEADER)
    if declared is not None:
        header.append("moved")
        rows = [[*row, declared] for row in rows]
    return csv_of(header, rows)


def las_manos() -> list[tuple[float, float]]:
    return [(float(r[7]), float(r[8])) for r in post_rows(("HND-MAN", "NIC-MAN"))]


def test_both_leimus_posts_moved_onto_las_manos_are_refused(engine: Engine) -> None:
    report = imported(engine, "posts", moved(("HND-LEI", "NIC-LEI"), las_manos()))
    assert located(report) == [(2, "lon, lat", "data.err.post_moved"), (3, "lon, lat", "data.err.post_moved")]
    assert report.problems[0].params["km"] == "286.7"
    message = report.problems[0].message("es")
    assert "286.7 km" in message and "movido" in message  # the distance, and how to declare a correction
    # declared a correction, it is still refused: a crossing cannot stand on another crossing's site
    report = imported(engine, "posts", moved(("HND-LEI", "NIC-LEI"), las_manos(), declared="sí"))
    assert {k for _, _, k in located(report)} == {"data.err.crossing_other_site"}
    assert "HND-MAN" in report.problems[0].message("en")


def test_both_corinto_posts_moved_145_km_need_a_declared_correction(engine: Engine) -> None:
    places = list(crossing_moved_along(("GTM-COR", "HND-COR"), 145.0))
    report = imported(engine, "posts", moved(("GTM-COR", "HND-COR"), places))
    assert [k for _, _, k in located(report)] == ["data.err.post_moved"] * 2
    assert float(report.problems[0].params["km"]) >= 145
    for answer in ("no", "false", ""):
        assert not imported(engine, "posts", moved(("GTM-COR", "HND-COR"), places, declared=answer)).ok
    with engine.connect() as conn:
        audit_before = conn.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc())).scalars().first()
    report = imported(engine, "posts", moved(("GTM-COR", "HND-COR"), places, declared="sí"), dry_run=False)
    assert report.ok and report.updated == 2, located(report)
    with engine.connect() as conn:
        stored = dict(conn.execute(select(Post.code, Post.lon).where(Post.code.in_(["GTM-COR", "HND-COR"]))).all())
        audit = conn.execute(select(AuditEntry.action, AuditEntry.entity_key, AuditEntry.field, AuditEntry.details)
                             .where(AuditEntry.id > audit_before)).all()
    assert stored == {"GTM-COR": places[0][0], "HND-COR": places[1][0]}
    corrections = {(key, details.split(":")[0]) for action, key, _f, details in audit if action == "correction"}
    assert corrections == {("GTM-COR", "position corrected"), ("HND-COR", "position corrected")}
    assert {(key, field) for action, key, field, _d in audit if action == "update"} >= {("GTM-COR", "lon")}
    # put them back (a correction again), so later tests see the stored crossing
    assert imported(engine, "posts", moved(("GTM-COR", "HND-COR"), [
        (float(r[7]), float(r[8])) for r in post_rows(("GTM-COR", "HND-COR"))], declared="true"), dry_run=False).ok


def test_the_form_path_gives_the_same_verdict_on_a_move(engine: Engine) -> None:
    """save_post (the one write path) refuses the far move and takes it declared, like the file."""
    posts = stored_posts()
    lon, lat = float(posts.at["SLV-AMA", "lon"]), float(posts.at["SLV-AMA", "lat"])
    far = {"lon": lon, "lat": lat + 0.09}  # ~10 km north (the border rule or the move rule refuses it)
    near = {"lon": lon + 0.001, "lat": lat}  # ~100 m: accepted by both
    assert form_keys(engine, lambda c: save_post(c, EDITOR, "SLV-AMA", near)) == \
        {k for _, _, k in located(imported(engine, "posts", csv_of(["code", "lon", "lat"],
                                                                   [["SLV-AMA", near["lon"], near["lat"]]])))}
    form = form_keys(engine, lambda c: save_post(c, EDITOR, "SLV-AMA", far))
    file = {k for _, _, k in located(imported(engine, "posts", csv_of(["code", "lon", "lat"],
                                                                     [["SLV-AMA", far["lon"], far["lat"]]])))}
    assert form == file and form  # refused alike (by the border rule or the move rule)
    places = crossing_moved_along(("GTM-COR", "HND-COR"), 20.0)
    new = {"lon": places[0][0], "lat": places[0][1]}
    assert form_keys(engine, lambda c: save_post(c, EDITOR, "GTM-COR", new, crossings=False)) == \
        {"data.err.post_moved"}
    assert form_keys(engine, lambda c: save_post(c, EDITOR, "GTM-COR", {**new, "moved": True},
                                                 crossings=False)) == set()
    assert MAX_MOVE_KM == 5.0


def test_a_crossing_code_names_its_border(engine: Engine) -> None:
    row = post_rows(("SLV-AMA",))[0]
    row[4] = "GTM-SLV-01"  # El Amatillo faces Honduras, not Guatemala
    report = imported(engine, "posts", csv_of(list(POST_HEADER), [row]))
    assert located(report) == [(2, "crossing_code", "data.err.crossing_border")]
    assert "Guatemala" in report.problems[0].message("en") and "Honduras" in report.problems[0].message("es")
    assert form_keys(engine, lambda c: save_post(c, EDITOR, "SLV-AMA", {"crossing_code": "GTM-SLV-01"})) == \
        {"data.err.crossing_border"}


def test_the_stored_posts_pass_every_new_rule(engine: Engine) -> None:
    """The app's own posts export imports back unchanged (all 66 posts: their places, codes and sites)."""
    report = imported(engine, "posts", export_bytes(engine, "posts", "csv"))
    assert report.ok and report.unchanged == len(stored_posts()), located(report)[:3]


# ------------------------------------------------------------------------------------------ a venue's country
def first_workshop(engine: Engine) -> dict:
    with engine.connect() as conn:
        code = conn.execute(select(Workshop.code).order_by(Workshop.code)).scalars().first()
    return ws.workshop_record(engine, code)


@pytest.mark.parametrize(("lon", "lat", "label", "refused"), [
    (-89.559, 13.994, "GTM", True),  # Santa Ana, El Salvador, labelled Guatemala
    (-86.25, 12.13, "MEX", True),  # Managua labelled Mexico
    (-92.07, 14.68, "HND", True),  # a Honduran venue moved to the Mexico-Guatemala border keeps HND
    (-89.559, 13.994, "SLV", False),
], ids=["slv-as-gtm", "nic-as-mex", "hnd-moved-439-km", "right"])
def test_a_venue_country_is_the_country_of_its_point(engine: Engine, lon: float, lat: float, label: str,
                                                    refused: bool) -> None:
    record = first_workshop(engine)
    given = {"venue_lon": lon, "venue_lat": lat, "venue_country_iso3": label, "venue_name": "Sede"}
    form = form_keys(engine, lambda c: ws.save_workshop(c, EDITOR, record["code"], given, mode="update"))
    report = imported(engine, "workshops", csv_of(["code", *given], [[record["code"], *given.values()]]))
    assert form == {k for _, _, k in located(report)} == ({"ws.err.venue_country"} if refused else set())
    if refused:
        assert located(report) == [(2, "venue_country_iso3", "ws.err.venue_country")]
        assert reference.country_name(label, "es") in report.problems[0].message("es")


def test_a_venue_near_a_border_may_name_the_country_across_it() -> None:
    """The gazetteer's towns near a border sit up to 3.4 km across Natural Earth's generalised line."""
    places = reference.gazetteer()
    magdalena = places[(places["name"] == "Magdalena") & (places["country_iso3"] == "HND")].iloc[0]
    assert reference.country_of_point(float(magdalena["lon"]), float(magdalena["lat"])) == "SLV"
    assert ws.venue_country_problem("HND", float(magdalena["lon"]), float(magdalena["lat"])) is None
    assert ws.venue_country_problem("NIC", float(magdalena["lon"]), float(magdalena["lat"])) is not None


# ------------------------------------------------------------------------------------------ mojibake
def test_mojibake_is_found_and_its_likely_text_given() -> None:
    assert mojibake_fix(MOJIBAKE) == "San Cristóbal"
    assert mojibake_fix("PeÃ±as Blancas") == "Peñas Blancas"
    assert mojibake_fix("Â¡Bienvenidos!") == "¡Bienvenidos!"
    for fine in ("San Cristóbal", "Peñas Blancas", "CORAZÓN DE JESÚS", "«Ya»", "Guasaule — río", "El Amatillo"):
        assert mojibake_fix(fine) is None, fine


def test_no_real_place_name_is_taken_for_mojibake() -> None:
    names = [*reference.gazetteer()["name"].astype(str), *stored_posts()["name"], *stored_posts()["placement"]]
    assert [n for n in names if mojibake_fix(n)] == []


@pytest.mark.parametrize("kind", ["posts", "workshops", "upgrades"])
def test_a_file_with_mojibake_is_refused_naming_the_cell(engine: Engine, kind: str) -> None:
    if kind == "posts":
        header, rows = ["code", "name"], [["SLV-AMA", "El Amatillo"], ["GTM-COR", MOJIBAKE]]
    elif kind == "workshops":
        header, rows = ["code", "title"], [[first_workshop(engine)["code"], MOJIBAKE]]
    else:
        header, rows = ["post_code", "component_code", "notes"], [["GTM-PDA", "workstations", MOJIBAKE]]
    report = imported(engine, kind, csv_of(header, rows), dry_run=False)
    assert not report.written
    problem = next(p for p in report.problems if p.key == "data.err.mojibake")
    assert (problem.row, problem.column) == (len(rows) + 1, header[-1])
    assert problem.params == {"value": MOJIBAKE, "fixed": "San Cristóbal"}
    assert "San Cristóbal" in problem.message("es") and MOJIBAKE in problem.message("en")


# ------------------------------------------------------------------------------------------ "1.000"
def flows_file(counts: list[str], days: list[str] | None = None, sep: str = ",") -> bytes:
    rows = []
    for number, value in enumerate(counts):
        row = list(FLOW_ROW)
        row[0] = (days[number] if days else f"2025-03-{number + 1:02d}")
        row[8] = value
        rows.append(row)
    return csv_of(list(FLOW_HEADER), rows, sep)


def stored_counts(engine: Engine, days: list[dt.date]) -> list[int]:
    with engine.connect() as conn:
        post = conn.execute(select(Post.id).where(Post.code == "GTM-PDA")).scalar_one()
        found = dict(conn.execute(select(FlowCount.day, FlowCount.count)
                                  .where(FlowCount.day.in_(days), FlowCount.post_id == post,
                                         FlowCount.direction == "entry", FlowCount.nationality == "SLV",
                                         FlowCount.sex == "F", FlowCount.age_band == "18-29")).all())
    return [found.get(d) for d in days]


@pytest.mark.parametrize(("counts", "sep", "read"), [
    (["1.000", "12"], ",", [1000, 12]),  # one mark throughout: thousands
    (["1,000", "2,500"], ";", [1000, 2500]),  # Spanish-Excel CSV, comma-grouped counts
    (["1 000", "12"], ",", [1000, 12]),  # a space is never a decimal mark
    (["12.000", "7"], ",", [12000, 7]),
])
def test_grouped_whole_numbers_written_one_way_are_thousands(engine: Engine, counts: list[str], sep: str,
                                                             read: list[int]) -> None:
    days = [dt.date(2024, 6, 10 + i) for i in range(len(counts))]
    report = imported(engine, "flows", flows_file(counts, [d.isoformat() for d in days], sep), dry_run=False)
    assert report.ok, located(report)
    assert stored_counts(engine, days) == read


def test_1000_with_a_point_is_never_read_as_1(engine: Engine) -> None:
    report = imported(engine, "flows", flows_file(["1.000", "2,000"]))
    assert located(report) == [(2, "count", "data.err.grouping_mixed"), (3, "count", "data.err.grouping_mixed")]
    # a file whose decimals use the point (a money column: 12.50) cannot say what 1.000 is
    header = ["post_code", "component_code", "progress", "budget_planned"]
    report = imported(engine, "upgrades", csv_of(header, [["GTM-PDA", "workstations", "1.000", "1200.50"]]))
    assert located(report) == [(2, "progress", "data.err.grouping")]
    assert "1000" in report.problems[0].message("es")


def test_grouping_across_chunks_is_one_style_for_the_file(engine: Engine) -> None:
    report = imported(engine, "flows", flows_file(["1.000", "5", "2,000"]), chunk_rows=1)
    assert (4, "count", "data.err.grouping_mixed") in located(report)


# ------------------------------------------------------------------------------------------ dates
def test_dates_are_read_month_first_when_the_file_shows_it(engine: Engine) -> None:
    days = ["03/25/2024", "03/04/2024"]  # the first can only be month first: so is the second
    report = imported(engine, "flows", flows_file(["4", "5"], days), dry_run=False)
    assert report.ok, located(report)
    assert stored_counts(engine, [dt.date(2024, 3, 25), dt.date(2024, 3, 4)]) == [4, 5]


def test_dates_are_day_first_by_default(engine: Engine) -> None:
    report = imported(engine, "flows", flows_file(["6", "7"], ["25/04/2024", "03/05/2024"]), dry_run=False)
    assert report.ok, located(report)
    assert stored_counts(engine, [dt.date(2024, 4, 25), dt.date(2024, 5, 3)]) == [6, 7]


@pytest.mark.parametrize("chunk_rows", [50_000, 1])
def test_a_file_with_dates_in_both_orders_is_reported_once(engine: Engine, chunk_rows: int) -> None:
    report = imported(engine, "flows", flows_file(["1", "2", "3"], ["25/03/2024", "03/04/2024", "03/26/2024"]),
                      chunk_rows=chunk_rows)
    mixed = [p for p in report.problems if p.key == "data.err.date_order_mixed"]
    assert len(mixed) == 1 and mixed[0].column == "day"
    assert mixed[0].params["day"] == "25/03/2024" and mixed[0].params["month"] == "03/26/2024"
    assert mixed[0].params["day_row"] == 2 and mixed[0].params["month_row"] == 4
    assert "2025-04-03" in mixed[0].message("es")


@pytest.mark.parametrize("chunk_rows", [50_000, 1])
def test_a_file_whose_dates_all_read_either_way_is_read_day_first_and_says_so(
        engine: Engine, chunk_rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """03/04/2024 and 05/06/2024 read either way: the region's day first, and a note says so (not a problem:
    the file is saved); a date that shows the order, even in the file's last chunk, leaves no note."""
    data = flows_file(["8", "9"], ["03/04/2024", "05/06/2024"])
    report = imported(engine, "flows", data, dry_run=False, chunk_rows=chunk_rows)
    assert report.ok, located(report)
    assert stored_counts(engine, [dt.date(2024, 4, 3), dt.date(2024, 6, 5)]) == [8, 9]
    notes = [n for n in report.notes if n.key == "data.note.dates_day_first"]
    assert len(notes) == 1 and (notes[0].params["cell"], notes[0].params["row"]) == ("03/04/2024", 2), notes
    assert "2025-04-03" in notes[0].message("es") and "dd/mm/aaaa" in notes[0].message("es")
    shown = imported(engine, "flows", flows_file(["1", "2", "3"], ["03/04/2024", "05/06/2024", "25/06/2024"]),
                     chunk_rows=chunk_rows)
    assert shown.ok and not [n for n in shown.notes if n.key == "data.note.dates_day_first"]
    # The command line prints the note after the summary (exit 0).
    path = tmp_path / "flows.csv"
    path.write_bytes(data)
    monkeypatch.setenv("DATABASE_URL", str(engine.url))
    assert cli_main(["import", "flows", str(path), "--dry-run", "--chunk-rows", str(chunk_rows)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert any(line.startswith("NOTE flows.csv") and "03/04/2024" in line for line in printed), printed


def test_workshop_dates_follow_the_file(engine: Engine) -> None:
    record = first_workshop(engine)
    header = ["code", "start_date", "end_date"]
    report = imported(engine, "workshops", csv_of(header, [[record["code"], "02/13/2025", "02/14/2025"]]),
                      dry_run=False)
    assert report.ok, located(report)
    assert ws.workshop_record(engine, record["code"])["start_date"] == dt.date(2025, 2, 13)


# ------------------------------------------------------------------------------------------ file-level causes
def flows_text() -> str:
    return csv_of(list(FLOW_HEADER), [list(FLOW_ROW)]).decode()


@pytest.mark.parametrize(("data", "key", "words_es"), [
    (flows_text().encode("utf-16-le"), "data.err.encoding_utf16", "UTF-16"),
    (flows_text().encode("utf-16-be"), "data.err.encoding_utf16", "CSV UTF-8"),
    (flows_text().encode("utf-32"), "data.err.encoding_utf32", "UTF-32"),
    (flows_text().encode("utf-32-le"), "data.err.encoding_utf32", "UTF-8"),
    (flows_text().replace(",", "|").encode(), "data.err.separator", "«|»"),
    (flows_text().replace(",", "^").encode(), "data.err.separator", "«^»"),
    (bytes(range(256)) * 40, "data.err.binary", "binario"),
], ids=["utf16le", "utf16be", "utf32", "utf32le", "pipe", "caret", "random-bytes"])
@pytest.mark.parametrize("kind", ["flows", "posts"])
def test_a_file_level_cause_is_named_once(engine: Engine, data: bytes, key: str, words_es: str, kind: str) -> None:
    report = imported(engine, kind, data)
    assert located(report) == [(None, None, key)]
    assert words_es in report.problems[0].message("es") and report.problems[0].message("en")


def test_random_bytes_are_one_problem_not_a_hundred_short_rows(engine: Engine) -> None:
    import random

    data = random.Random(29).randbytes(200_000)
    assert [p.key for p in imported(engine, "flows", data).problems] == ["data.err.binary"]


def test_a_utf16_file_with_its_bom_is_still_read(engine: Engine) -> None:
    assert imported(engine, "flows", flows_text().encode("utf-16")).ok


def workbook(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def test_a_workbook_whose_first_sheet_is_notes(engine: Engine) -> None:
    notes = ("Notas", [["Notas de la oficina"], ["revisado"]])
    data = workbook([notes, ("Datos", [list(FLOW_HEADER), list(FLOW_ROW)])])
    report = imported(engine, "flows", data, "f.xlsx")
    assert report.ok, located(report)
    assert [(n.key, n.params) for n in report.notes] == [("data.note.sheet_skipped", {"sheet": "Datos",
                                                                                       "skipped": "Notas"})]
    assert "«Datos»" in report.notes[0].message("es")
    report = imported(engine, "flows", workbook([notes, ("Resumen", [["Observaciones"], ["sin cambios"]])]), "f.xlsx")
    assert [p.key for p in report.problems] == ["data.err.no_known_columns"]
    assert [n.key for n in report.notes] == ["data.note.sheet_none"]
    assert "Notas, Resumen" in report.notes[0].message("en")
    # a sheet named after the kind wins; one sheet alone needs no note
    report = imported(engine, "flows", workbook([("flows", [list(FLOW_HEADER), list(FLOW_ROW)]), notes]), "f.xlsx")
    assert report.ok and [n.key for n in report.notes] == ["data.note.sheet"]
    assert imported(engine, "flows", workbook([("x", [list(FLOW_HEADER), list(FLOW_ROW)])]), "f.xlsx").notes == []


# ------------------------------------------------------------------------------------------ exports vs imports
def test_an_export_the_import_would_refuse_says_so_and_parts_import_back(engine: Engine) -> None:
    full, _ = export_checked(engine, "flows", "xlsx", exact=True)
    assert full == export_bytes(engine, "flows", "xlsx", exact=True)  # within the limits: the same file
    with zipfile.ZipFile(io.BytesIO(full)) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    limits = ImportLimits(max_bytes=10_000_000, xlsx_unpacked=unpacked // 3)  # as the 75 MB flows XLSX vs 60 MB
    data, too_large = export_checked(engine, "flows", "xlsx", exact=True, limits=limits)
    assert data is None and too_large is not None and too_large.key == "data.export.too_large_xlsx"
    assert too_large.parts >= 3
    for lang in ("es", "en"):
        assert "CSV" in too_large.message(lang) and str(too_large.parts) in too_large.message(lang)
    parts = export_parts(engine, "flows", "xlsx", exact=True, limits=limits)
    with zipfile.ZipFile(io.BytesIO(parts)) as archive:
        names = archive.namelist()
        files = [archive.read(n) for n in names]
    assert names == [f"ca4_flows_part{i + 1}.xlsx" for i in range(len(names))] and len(names) >= 3
    total = 0
    for name, part in zip(names, files, strict=True):
        with zipfile.ZipFile(io.BytesIO(part)) as inner:
            assert sum(i.file_size for i in inner.infolist()) <= limits.xlsx_unpacked
        report = import_data(engine, EDITOR, "flows", part, name, dry_run=True)
        assert report.ok and report.added == report.updated == 0, located(report)[:3]  # the same rows back
        total += report.unchanged
    assert total == len(pd.read_excel(io.BytesIO(full)))


def test_a_csv_export_over_the_file_size_limit_offers_parts(engine: Engine) -> None:
    size = len(export_bytes(engine, "flows", "csv", exact=True))
    limits = ImportLimits(max_bytes=size // 2, xlsx_unpacked=60_000_000)
    data, too_large = export_checked(engine, "flows", "csv", exact=True, limits=limits)
    assert data is None and too_large.key == "data.export.too_large" and too_large.parts >= 2
    with zipfile.ZipFile(io.BytesIO(export_parts(engine, "flows", "csv", exact=True, limits=limits))) as archive:
        parts = [archive.read(n) for n in archive.namelist()]
    assert all(len(p) <= limits.max_bytes for p in parts)
    counted = [imported(engine, "flows", p) for p in parts]
    assert all(r.ok and r.added == 0 for r in counted)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
@pytest.mark.parametrize("kind", ["posts", "workshops", "upgrades"])
def test_the_apps_own_exports_import_back_under_the_new_rules(engine: Engine, kind: str, fmt: str) -> None:
    data, too_large = export_checked(engine, kind, fmt, exact=True)
    assert too_large is None
    report = import_data(engine, EDITOR, kind, data, f"ca4_{kind}.{fmt}", dry_run=True)
    assert report.ok and report.added == report.updated == 0, located(report)[:3]



def test_the_export_tab_says_when_a_file_would_not_import_and_offers_parts(app_env: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The page (AppTest): over the import's limit (CA4_IMPORT_MAX_MB=0.01 here) the posts CSV is not built;
    the warning says why, and the parts button gives a ZIP whose parts each import."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CA4_IMPORT_MAX_MB", "0.01")
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "screens" / "data.py"), default_timeout=90)
    at.query_params["lang"] = "es"
    at.session_state["actor"] = EDITOR
    at.run()
    at.selectbox(key="export_kind").set_value("posts").run()
    at.selectbox(key="export_format").set_value("csv").run()
    at.button(key="export_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    warning = next(w.value for w in at.warning if "ca4\\_posts.csv" in w.value or "ca4_posts.csv" in w.value)
    assert "0.01 MB" in warning and "partes" in warning
    assert not at.get("download_button")  # nothing offered that would not import back
    labels = [b.label for b in at.button]
    assert t("data.export.as_csv", "es") not in labels  # it is a CSV already
    at.button(key="export_parts").click().run()
    assert not at.exception
    assert at.get("download_button"), "the ZIP of parts"
    _, data, name, mime, _ = at.session_state["export_file"]
    assert name == "ca4_posts_csv_parts.zip" and mime == "application/zip"
    engine = make_engine(app_env)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(n) for n in archive.namelist()]
    assert len(parts) >= 2 and all(len(p) <= 10_000 for p in parts)
    assert all(imported(engine, "posts", p).ok for p in parts)
    engine.dispose()
    # flows are streamed by a link (never built in the session): the same warning first, and parts offered (a
    # limit of 0.5 MB: the 20,000 rows' XLSX takes about 7 MB unpacked, over its 5 MB)
    monkeypatch.setenv("CA4_IMPORT_MAX_MB", "0.5")
    at.selectbox(key="export_kind").set_value("flows").run()
    at.selectbox(key="export_format").set_value("xlsx").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("ca4\\_flows.xlsx" in w.value or "ca4_flows.xlsx" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert any(b.key == "export_streamed_parts" for b in at.button)  # (the ZIP itself: tested above)


def test_a_streamed_export_is_estimated_before_it_is_written(engine: Engine, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Flows are exported as a stream (never built whole): the import's limit is checked from the rows' count
    and a sample, with the same verdict as the whole file gives, and the command line says it."""
    from geo.cli import main
    from geo.io.export_limits import export_estimate, export_too_large

    full = export_bytes(engine, "flows", "xlsx", exact=True)
    with zipfile.ZipFile(io.BytesIO(full)) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    limits = ImportLimits(max_bytes=10_000_000, xlsx_unpacked=unpacked // 3)
    estimated = export_estimate(engine, "flows", "xlsx", exact=True, limits=limits)
    measured = export_too_large(engine, "flows", "xlsx", exact=True, limits=limits)
    assert estimated is not None and estimated.key == measured.key == "data.export.too_large_xlsx"
    assert 0.7 <= float(estimated.params["size"]) / (unpacked / 1e6) <= 1.4, (estimated.params, unpacked)
    assert export_estimate(engine, "flows", "xlsx", exact=True) is None  # within the real limits
    monkeypatch.setenv("DATABASE_URL", str(engine.url))
    monkeypatch.setenv("CA4_IMPORT_MAX_MB", "0.01")
    output = tmp_path / "flows.csv"
    assert main(["export", "flows", "--format", "csv", "--exact", "-o", str(output)]) == 0
    said = capsys.readouterr().err
    assert "warning:" in said and "--parts" in said and output.stat().st_size > 10_000
    assert main(["export", "flows", "--format", "csv", "--exact", "--parts", "-o", str(tmp_path / "p.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        sizes = [i.file_size for i in archive.infolist()]
    assert len(sizes) >= 2 and max(sizes) <= 10_000
