"""A corpus of hostile inputs: every one is rejected with a located, plain message and changes nothing.

Hand-made cases cover each check of the import (file level, column level, cell level, cross-row and
geography), written in several encodings and formats; hypothesis adds generated bad cells and random bytes.
All run on SQLite; a representative subset runs on PostgreSQL. "Nothing changed" is checked by comparing
the export of every kind (and the audit log size) before and after.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from geo.access.auth import Actor
from geo.io.imports import import_data
from geo.io.report import MAX_PROBLEMS
from tests.conftest import fresh_postgres
from tests.data_helpers import seed, seeded_sqlite, snapshot

EDITOR = Actor("hostile-test", "editor")


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    data: bytes
    name: str = "file.csv"
    row: int | None = None  # expected row of (one of) the problems; None: file-level
    column: str | None = None
    key: str | None = None


# ------------------------------------------------------------------------------------------ valid bases
POST_HEADER = ["code", "name", "country_iso3", "type", "crossing_code", "neighbour_iso3", "road", "lon", "lat"]
POST_ROW = ["SLV-TST", "Puesto de prueba", "SLV", "air", "", "", "", "-89.0553", "13.4409"]  # SLV airport area
LAND_ROW = ["SLV-AMA", "El Amatillo", "SLV", "land", "HND-SLV-01", "HND", "CA-1", "-87.76952", "13.59918"]
FLOW_HEADER = ["day", "post_code", "direction", "nationality", "sex", "age_band", "prev_country", "next_country",
               "count", "unaccompanied_minors"]
FLOW_ROW = ["2025-03-04", "GTM-PDA", "entry", "SLV", "F", "18-29", "", "", "12", "0"]
UPGRADE_HEADER = ["post_code", "component_code", "status", "progress", "budget_planned", "budget_committed",
                  "budget_spent", "start_date", "target_date", "completion_date"]
UPGRADE_ROW = ["GTM-PDA", "workstations", "installation", "50", "1000", "800", "400", "2025-01-10", "2025-12-01", ""]
WORKSHOP_HEADER = ["code", "title", "start_date", "end_date", "venue_name", "venue_lon", "venue_lat", "scope",
                   "pair_a", "pair_b", "participants_migration_F", "posts"]
WORKSHOP_ROW = ["TB-TEST-001", "Taller de prueba", "2025-05-06", "2025-05-07", "Santa Ana", "-89.559", "13.994",
                "binational", "GTM", "SLV", "4", "GTM-PDA;SLV-HAC"]
RETURN_HEADER = ["month", "country_iso3", "category", "count"]
RETURN_ROW = ["2025-03", "HND", "unaccompanied_minor", "7"]

BASES = {
    "posts": (POST_HEADER, POST_ROW),
    "flows": (FLOW_HEADER, FLOW_ROW),
    "upgrades": (UPGRADE_HEADER, UPGRADE_ROW),
    "workshops": (WORKSHOP_HEADER, WORKSHOP_ROW),
    "assistance": (RETURN_HEADER, RETURN_ROW),
}


def csv_bytes(header: list[str], rows: list[list[str]], sep: str = ",", encoding: str = "utf-8") -> bytes:
    def cell(v: str) -> str:
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in (sep, '"', "\n", "\r")) else v

    lines = [sep.join(cell(v) for v in header)] + [sep.join(cell(v) for v in r) for r in rows]
    return "\r\n".join(lines).encode(encoding, errors="replace")


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


# Bad values per column: (value, expected i18n key or None for "any problem on that cell").
BAD_CELLS: dict[str, dict[str, list[tuple[str, str | None]]]] = {
    "posts": {
        "code": [("", "data.err.required"), ("a b c", "data.err.code_format"), ("X" * 40, "data.err.too_long"),
                 ("=1+1", "data.err.formula"), ("GTM\x00PDA", "data.err.control")],
        "name": [("", "data.err.required"), ("=HYPERLINK(\"http://x\")", "data.err.formula"),
                 ("@SUM(A1)", "data.err.formula"), ("n" * 200, "data.err.too_long"),
                 ("bad\u202ename", "data.err.control"), ("two\nlines", "data.err.control")],
        "country_iso3": [("Guatemala", "data.err.iso3"), ("XXX", "data.err.unknown_country"), ("", "data.err.required"),
                         ("G1M", "data.err.iso3")],
        "type": [("bus", "data.err.choice"), ("", "data.err.required"), ("1", "data.err.choice")],
        "lon": [("abc", "data.err.number"), ("", "data.err.required"), ("13.4409", "data.err.outside_region"),
                ("89.0553", "data.err.lon_sign"), ("-10", "data.err.outside_region"), ("1e999", "data.err.number"),
                ("nan", "data.err.number"), ("-89,05,53", "data.err.number")],
        "lat": [("north", "data.err.number"), ("", "data.err.required"), ("45", "data.err.outside_region"),
                ("inf", "data.err.number")],
        "neighbour_iso3": [("HND", "data.err.neighbour_only_land"), ("QQ", "data.err.iso3")],
    },
    "flows": {
        "day": [("31/02/2025", "data.err.date_impossible"), ("2025-13-01", "data.err.date_impossible"),
                ("ayer", "data.err.date"), ("", "data.err.required"), ("01/01/2099", "data.err.future"),
                # 12/31/2025 alone now makes its file month first (issue 29: tests/test_import_whole.py)
                ("01/01/1950", "data.err.too_old"), ("13/13/2025", "data.err.date_impossible")],
        "post_code": [("GTM-NOPE", "data.err.unknown_post"), ("", "data.err.required"), ("!!", "data.err.code_format")],
        "direction": [("inside", "data.err.choice"), ("", "data.err.required")],
        "nationality": [("Venezuela", "data.err.iso3"), ("", "data.err.required"), ("12", "data.err.iso3")],
        "sex": [("X", "data.err.choice"), ("", "data.err.required")],
        "age_band": [("18-25", "data.err.choice"), ("old", "data.err.choice")],
        "count": [("-3", "data.err.negative"), ("2.5", "data.err.integer"), ("many", "data.err.integer"),
                  ("", "data.err.required"), ("1e400", "data.err.integer"), ("--1", "data.err.integer")],
        "unaccompanied_minors": [("-1", "data.err.negative"), ("99", "data.err.minors_over_count"),
                                 ("0.5", "data.err.integer")],
        "prev_country": [("Honduras", "data.err.iso3")],
    },
    "upgrades": {
        "post_code": [("NOPE-1", "data.err.unknown_post"), ("", "data.err.required")],
        "component_code": [("teleporter", "data.err.unknown_component"), ("", "data.err.required")],
        "status": [("finished", "data.err.choice"), ("", "data.err.required")],
        "progress": [("150", "data.err.range"), ("-5", "data.err.negative"), ("half", "data.err.integer")],
        "budget_planned": [("-100", "data.err.negative"), ("lots", "data.err.number")],
        "budget_spent": [("900", "infra.err.spent_over_committed")],
        "target_date": [("2024-01-01", "infra.err.target_before_start"), ("30/02/2025", "data.err.date_impossible")],
        "completion_date": [("2025-06-01", "infra.err.completion_only_operational")],
    },
    "workshops": {
        "code": [("x", "data.err.code_format"), ("", "data.err.required")],
        "title": [("", "data.err.required"), ("=cmd|' /C calc'!A0", "data.err.formula")],
        "end_date": [("2025-05-01", "ws.err.dates_order"), ("31/04/2025", "data.err.date_impossible")],
        "scope": [("global", "data.err.choice")],
        "pair_b": [("NIC", "ws.err.pair"), ("ZZZ", "data.err.unknown_country")],
        "venue_lon": [("13.994", "data.err.outside_region"), ("x", "data.err.number")],
        "participants_migration_F": [("-2", "data.err.negative"), ("3.5", "data.err.integer")],
        "posts": [("NOPE-1", "data.err.unknown_post"), ("a!b", "data.err.code_format")],
    },
    "assistance": {
        "month": [("2025-13", "data.err.date_impossible"), ("someday", "data.err.month"), ("", "data.err.required"),
                  ("2099-01", "data.err.future")],
        "country_iso3": [("ZZZ", "data.err.unknown_country"), ("Honduras", "data.err.iso3")],
        "category": [("tourist", "data.err.choice")],
        "count": [("-7", "data.err.negative"), ("7,5", "data.err.integer")],
    },
}


# Where the report points when a rule is about more than the cell that broke it.
COLUMN_SHOWN = {
    ("posts", "lon", "data.err.outside_region"): "lon, lat",
    ("posts", "lat", "data.err.outside_region"): "lon, lat",
    ("workshops", "venue_lon", "data.err.outside_region"): "venue_lon, venue_lat",
    ("workshops", "pair_b", "ws.err.pair"): "pair_a",
}


def cell_cases() -> Iterator[Case]:
    """One case per bad value, in UTF-8 CSV, in Spanish-Excel CSV (cp1252, ';') and, for some, XLSX."""
    for kind, columns in BAD_CELLS.items():
        header, good = BASES[kind]
        for column, values in columns.items():
            index = header.index(column)
            for number, (value, key) in enumerate(values):
                row = list(good)
                row[index] = value
                # The bad row is the second data row (file row 3): the first one is fine.
                rows = [list(good), row] if kind != "posts" else [list(LAND_ROW), row]
                if kind in ("flows", "assistance", "upgrades", "workshops"):
                    rows[0] = _other_key(kind, good)
                shown = COLUMN_SHOWN.get((kind, column, key), column)
                yield Case(f"{kind}-{column}-{number}-csv", kind, csv_bytes(header, rows), "f.csv", 3, shown, key)
                if "\x00" not in value and value.encode("cp1252", errors="replace").decode("cp1252") == value:
                    semi = [[v.replace(".", ",") if _decimal(v) else v for v in r] for r in rows]
                    yield Case(f"{kind}-{column}-{number}-cp1252", kind,
                               csv_bytes(header, semi, sep=";", encoding="cp1252"), "f.csv", 3, shown, key)
                if number == 0:
                    yield Case(f"{kind}-{column}-{number}-xlsx", kind, xlsx_bytes(header, rows), "f.xlsx", 3, shown,
                               key)


def _decimal(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return "." in value and "e" not in value.lower()


def _other_key(kind: str, good: list[str]) -> list[str]:
    row = list(good)
    if kind == "flows":
        row[3] = "HND"
    elif kind == "assistance":
        row[2] = "other_vulnerable"
    elif kind == "upgrades":
        row[1] = "doc_readers"
    elif kind == "workshops":
        row[0] = "TB-TEST-002"
    return row


def file_cases() -> Iterator[Case]:
    header, good = FLOW_HEADER, FLOW_ROW
    valid = csv_bytes(header, [good])
    yield Case("empty", "flows", b"", "empty.csv")
    yield Case("whitespace", "flows", b"  \r\n\r\n  ", "blank.csv")
    yield Case("bom-only", "flows", b"\xef\xbb\xbf", "bom.csv")
    yield Case("header-only", "flows", csv_bytes(header, []), "h.csv", key="data.err.no_rows")
    yield Case("png", "flows", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "x.csv",
               key="data.err.binary")
    yield Case("pdf", "posts", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x00", "x.pdf")
    yield Case("html", "posts", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "x.csv",
               key="data.err.no_rows")
    yield Case("prose", "posts", b"Estimado equipo,\nadjunto los datos.\nSaludos\n", "x.csv")
    yield Case("unknown-columns", "flows", b"a,b,c\n1,2,3\n", "x.csv", key="data.err.no_known_columns")
    yield Case("missing-count-column", "flows", csv_bytes(header[:-2], [good[:-2]]), "x.csv", column="count",
               key="data.err.column_missing")
    yield Case("column-twice", "flows", csv_bytes([*header, "cantidad"], [[*good, "3"]]), "x.csv", column="cantidad",
               key="data.err.column_twice")
    yield Case("extra-values", "flows", valid + b"\r\n" + b",".join(v.encode() for v in good) + b",surprise",
               "x.csv", row=3, key="data.err.extra_values")
    yield Case("duplicate-rows", "flows", csv_bytes(header, [good, good]), "x.csv", row=3, column="day",
               key="data.err.duplicate")
    yield Case("duplicate-post-codes", "posts", csv_bytes(POST_HEADER, [POST_ROW, POST_ROW]), "x.csv", row=3,
               column="code", key="data.err.duplicate")
    yield Case("too-large", "flows", valid + b"\r\n" + b"\r\n".join([b",".join(v.encode() for v in good)] * 200_000),
               "big.csv", key="data.err.too_large")
    yield Case("nul-byte-in-a-cell", "flows", valid.replace(b"GTM-PDA", b"GTM\x00PDA"), "x.csv", row=2,
               column="post_code", key="data.err.control")
    yield Case("binary-with-nuls", "flows", b"day,count\n" + b"\x00\x01" * 500, "x.csv", key="data.err.binary")
    yield Case("unclosed-quote", "flows", valid + b'\r\n"2025-03-05,GTM-PDA,entry', "x.csv", row=3)
    yield Case("zip-not-xlsx", "flows", _zip({"hello.txt": b"hi"}), "x.xlsx", key="data.err.not_spreadsheet")
    yield Case("zip-bomb", "flows", _zip({"xl/worksheets/sheet1.xml": b"0" * 60_000_000}), "bomb.xlsx",
               key="data.err.xlsx_too_large")
    yield Case("xlsx-empty-sheet", "flows", _empty_xlsx(), "x.xlsx", key="data.err.empty")
    yield Case("xlsx-truncated", "flows", xlsx_bytes(header, [good])[:600], "x.xlsx")
    yield Case("sqlite-not-gpkg", "posts", b"SQLite format 3\x00" + b"\x00" * 200, "x.gpkg", key="data.err.not_gpkg")
    yield Case("json-array", "posts", b"[1, 2, 3]", "x.geojson", key="data.err.not_geojson")
    yield Case("json-broken", "posts", b'{"type": "FeatureCollection", "features": [', "x.geojson",
               key="data.err.not_geojson")
    yield Case("json-deep", "posts", b"[" * 100_000 + b"]" * 100_000, "x.geojson", key="data.err.not_geojson")
    yield Case("geojson-not-fc", "posts", json.dumps({"type": "Point", "coordinates": [0, 0]}).encode(), "x.geojson",
               key="data.err.not_geojson")
    props = dict(zip(POST_HEADER[:7], POST_ROW[:7], strict=True))
    for case_id, geometry, key in (
        ("geojson-polygon", {"type": "Polygon", "coordinates": [[[-89, 13], [-88, 13], [-88, 14], [-89, 13]]]},
         "data.err.geometry_not_point"),
        ("geojson-null-geometry", None, "data.err.geometry_empty"),
        ("geojson-empty-point", {"type": "Point", "coordinates": []}, "data.err.geometry_empty"),
        ("geojson-bad-coords", {"type": "Point", "coordinates": ["a", "b"]}, "data.err.geometry_coordinates"),
        ("geojson-swapped", {"type": "Point", "coordinates": [13.44, -89.05]}, "data.err.swapped"),
        ("geojson-far-away", {"type": "Point", "coordinates": [2.35, 48.85]}, "data.err.outside_region"),
        ("geojson-self-crossing", {"type": "MultiPoint", "coordinates": [[-89, 13], [-89, 13]]},
         "data.err.geometry_not_point"),
    ):
        document = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": geometry,
                                                               "properties": props}]}
        yield Case(case_id, "posts", json.dumps(document).encode(), "x.geojson", row=1, key=key)
    document = {"type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32616"}},
                "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]},
                              "properties": props}]}
    yield Case("geojson-utm-crs", "posts", json.dumps(document).encode(), "x.geojson", key="data.err.crs")
    document = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": {"a": 1}},
                                                           "geometry": None}, "not a feature"]}
    yield Case("geojson-garbage-features", "posts", json.dumps(document).encode(), "x.geojson", row=2,
               key="data.err.not_feature")
    swapped = list(POST_ROW)
    swapped[7], swapped[8] = POST_ROW[8], POST_ROW[7]
    yield Case("post-lat-lon-swapped", "posts", csv_bytes(POST_HEADER, [swapped]), "x.csv", row=2, column="lon, lat",
               key="data.err.swapped")
    # Geography: a land post 30 km inland, and one on the wrong side of its border.
    inland = list(LAND_ROW)
    inland[7] = "-87.45"
    yield Case("post-far-from-border", "posts", csv_bytes(POST_HEADER, [inland]), "x.csv", row=2, column="lon",
               key="data.err.post_rule")
    wrong_side = list(LAND_ROW)
    wrong_side[7], wrong_side[8] = "-87.70", "13.62"  # inside Honduras, a few km from the line
    yield Case("post-wrong-side", "posts", csv_bytes(POST_HEADER, [wrong_side]), "x.csv", row=2, column="lon",
               key="data.err.post_rule")
    third = list(LAND_ROW)
    third[0] = "SLV-AM2"
    yield Case("crossing-third-post", "posts", csv_bytes(POST_HEADER, [third]), "x.csv", column="crossing_code")
    no_neighbour = list(LAND_ROW)
    no_neighbour[5] = ""
    yield Case("land-without-neighbour", "posts", csv_bytes(POST_HEADER, [no_neighbour]), "x.csv", row=2,
               column="neighbour_iso3", key="data.err.land_needs_neighbour")
    same_country = list(LAND_ROW)
    same_country[5] = "SLV"
    yield Case("neighbour-same-country", "posts", csv_bytes(POST_HEADER, [same_country]), "x.csv", row=2,
               column="neighbour_iso3", key="data.err.neighbour_same")
    # Many bad rows: the report is capped but counts them all.
    many = [[*FLOW_ROW[:8], "-1", "0"] for _ in range(MAX_PROBLEMS + 50)]
    for i, row in enumerate(many):
        row[3] = "A" + chr(65 + i // 26 % 26) + chr(65 + i % 26)  # distinct keys, each with a negative count
    yield Case("thousands-of-bad-rows", "flows", csv_bytes(FLOW_HEADER, many), "x.csv")
    # A valid file followed by a single bad row: nothing at all is written.
    rows = [_other_key("flows", FLOW_ROW), FLOW_ROW, [*FLOW_ROW[:8], "-4", "0"]]
    rows[2][3] = "NIC"
    yield Case("good-rows-then-one-bad", "flows", csv_bytes(FLOW_HEADER, rows), "x.csv", row=4, column="count",
               key="data.err.negative")


def _zip(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return raw.getvalue()


def _empty_xlsx() -> bytes:
    raw = io.BytesIO()
    openpyxl.Workbook().save(raw)
    return raw.getvalue()


CASES = [*cell_cases(), *file_cases()]
PG_SUBSET = ["empty", "png", "duplicate-rows", "good-rows-then-one-bad", "post-far-from-border", "geojson-swapped",
             "flows-count-0-csv", "flows-day-0-cp1252", "upgrades-budget_spent-0-csv", "workshops-pair_b-0-csv",
             "assistance-count-1-cp1252", "posts-lon-2-csv", "zip-bomb", "thousands-of-bad-rows"]


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 200, len(CASES)
    assert len({c.id for c in CASES}) == len(CASES)
    assert set(PG_SUBSET) <= {c.id for c in CASES}


def check_rejected(engine: Engine, case: Case, before: str) -> None:
    report = import_data(engine, EDITOR, case.kind, case.data, case.name)
    assert not report.ok, f"{case.id} was accepted"
    assert not report.written and (report.added, report.updated) == (0, 0)
    for problem in report.problems:
        assert problem.message("en") and problem.message("es")
        assert problem.key.split(".")[0] in ("data", "ws", "infra"), problem.key
    located = [(p.row, p.column, p.key) for p in report.problems]
    if case.row is not None or case.column is not None or case.key is not None:
        assert any((case.row is None or r == case.row) and (case.column is None or c == case.column)
                   and (case.key is None or k == case.key) for r, c, k in located), (case.id, located)
    assert snapshot(engine) == before, f"{case.id} changed the database"


@pytest.fixture(autouse=True)
def small_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CA4_IMPORT_MAX_MB", "5")


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    engine = seeded_sqlite(tmp_path_factory.mktemp("hostile"), flows_rows=500)
    yield engine, snapshot(engine)
    engine.dispose()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_rejected_on_sqlite(sqlite_db: tuple[Engine, str], case: Case) -> None:
    engine, before = sqlite_db
    check_rejected(engine, case, before)


@pytest.fixture(scope="module")
def pg_db() -> Iterator[tuple[Engine, str]]:
    with fresh_postgres() as engine:
        seed(engine, flows_rows=500)
        yield engine, snapshot(engine)


@pytest.mark.parametrize("case", [c for c in CASES if c.id in PG_SUBSET], ids=lambda c: c.id)
def test_hostile_input_is_rejected_on_postgresql(pg_db: tuple[Engine, str], case: Case) -> None:
    engine, before = pg_db
    check_rejected(engine, case, before)


def test_the_report_is_capped_but_counts_everything(sqlite_db: tuple[Engine, str]) -> None:
    engine, _ = sqlite_db
    case = next(c for c in CASES if c.id == "thousands-of-bad-rows")
    report = import_data(engine, EDITOR, case.kind, case.data, case.name)
    assert len(report.problems) == MAX_PROBLEMS and report.more_problems >= 50
    assert report.problems_csv("es").decode("utf-8-sig").count("\n") == MAX_PROBLEMS + 2


# ------------------------------------------------------------------------------------------ generated
HYPOTHESIS = settings(max_examples=60, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
JUNK_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
BAD_COUNT = st.one_of(st.integers(max_value=-1).map(str), st.floats(allow_nan=False).filter(
    lambda f: not f.is_integer()).map(repr), JUNK_TEXT.filter(lambda s: not s.strip().lstrip("+").isdigit()))


@HYPOTHESIS
@given(value=BAD_COUNT, sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_generated_bad_counts_are_located(sqlite_db: tuple[Engine, str], value: str, sep: str, encoding: str) -> None:
    engine, before = sqlite_db
    cleaned = value.strip()
    if not cleaned or cleaned in ("0", "-0") or _plain_integer(cleaned):
        return
    row = list(FLOW_ROW)
    row[8] = value
    data = csv_bytes(FLOW_HEADER, [row], sep=sep, encoding=encoding)
    check_rejected(engine, Case("generated-count", "flows", data, "gen.csv", 2, "count"), before)


def _plain_integer(text: str) -> bool:
    """Values that are in fact acceptable counts in some locale (e.g. '1.000' or '12,0')."""
    from geo.io.parsers import parse_number

    for decimal_comma in (True, False):
        number = parse_number(text, decimal_comma, grouping=True)
        if number is not None and number.is_integer() and number >= 0:
            return True
    return False


@HYPOTHESIS
@given(value=JUNK_TEXT, column=st.sampled_from(["day", "direction", "sex", "age_band", "nationality"]))
def test_generated_junk_in_coded_columns_is_located(sqlite_db: tuple[Engine, str], value: str, column: str) -> None:
    engine, before = sqlite_db
    from geo.flows.fields import FLOWS
    from geo.io.parsers import to_date
    from geo.io.schema import _choice_lookup, _fold

    field = FLOWS.field(column)
    text = value.strip()
    if not text:
        return
    if field.type == "choice" and _fold(text) in _choice_lookup(field):
        return
    if field.type == "iso3" and len(text) == 3 and text.isalpha() and text.isascii():
        return
    if field.type == "date" and to_date(text, serials=False) not in (False, None) \
            and str(to_date(text, serials=False)) <= "2026-11-01":
        return
    row = list(FLOW_ROW)
    row[FLOW_HEADER.index(column)] = value
    data = csv_bytes(FLOW_HEADER, [row])
    report = import_data(engine, EDITOR, "flows", data, "gen.csv")
    assert not report.ok
    assert snapshot(engine) == before


@HYPOTHESIS
@given(data=st.binary(min_size=0, max_size=3000), kind=st.sampled_from(["posts", "flows", "workshops"]),
       name=st.sampled_from(["x.csv", "x.xlsx", "x.geojson", "x.gpkg"]))
def test_random_bytes_never_crash_or_write(sqlite_db: tuple[Engine, str], data: bytes, kind: str, name: str) -> None:
    engine, before = sqlite_db
    report = import_data(engine, EDITOR, kind, data, name)
    assert not report.ok  # random bytes never make a valid file of these kinds
    assert snapshot(engine) == before


@HYPOTHESIS
@given(lon=st.floats(-180, 180), lat=st.floats(-90, 90))
def test_generated_coordinates_outside_the_region_are_explained(sqlite_db: tuple[Engine, str], lon: float,
                                                                lat: float) -> None:
    from geo import reference

    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    if minx <= lon <= maxx and miny <= lat <= maxy:
        return
    engine, before = sqlite_db
    row = list(POST_ROW)
    row[7], row[8] = repr(lon), repr(lat)
    report = import_data(engine, EDITOR, "posts", csv_bytes(POST_HEADER, [row]), "gen.csv")
    keys = {p.key for p in report.problems}
    assert keys & {"data.err.outside_region", "data.err.swapped", "data.err.lon_sign"}, keys
    assert snapshot(engine) == before

