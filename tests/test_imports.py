"""Imports of real-world files: encodings, separators, locales, HXL, XLSX/GeoJSON/GeoPackage, idempotency,
flows roll-up consistency, the audit entry, dry runs and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from sqlalchemy import Engine, func, select, text

from geo.access.auth import ANONYMOUS, SYSTEM, Actor, PermissionDenied
from geo.io.exports import export_bytes
from geo.io.imports import import_data
from geo.io.parsers import parse_number, to_date
from geo.models import AuditEntry, DatasetState, FlowCount, FlowMonthly, Post
from geo.posts.checks import database_problems
from tests.data_helpers import seed, seeded_sqlite, snapshot

REPO = Path(__file__).resolve().parent.parent
EDITOR = Actor("ana", "editor")


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = seeded_sqlite(tmp_path)
    yield engine
    engine.dispose()


def a_flow_row(engine: Engine) -> dict:
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT f.day, p.code, f.direction, f.nationality, f.sex, f.age_band, f.prev_country, f.next_country, "
            "f.count FROM flow_counts f JOIN posts p ON p.id = f.post_id ORDER BY f.id LIMIT 1")).one()
    return dict(row._mapping)


def totals(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        raw = conn.execute(select(func.sum(FlowCount.count))).scalar_one()
        rolled = conn.execute(select(func.sum(FlowMonthly.count))).scalar_one()
    return int(raw), int(rolled)


# ------------------------------------------------------------------------------------------ parsing units
@pytest.mark.parametrize(("value", "expected"), [
    ("03/04/2025", dt.date(2025, 4, 3)),  # day first
    ("3/4/25", dt.date(2025, 4, 3)),
    ("2025-04-03", dt.date(2025, 4, 3)),
    ("03.04.2025", dt.date(2025, 4, 3)),
    ("3 de abril de 2025", dt.date(2025, 4, 3)),
    ("2025-04-03 00:00:00", dt.date(2025, 4, 3)),
    (dt.datetime(2025, 4, 3, 0, 0), dt.date(2025, 4, 3)),
])
def test_dates_are_read_day_first(value: object, expected: dt.date) -> None:
    assert to_date(value, serials=False) == expected


def test_impossible_and_non_dates_are_told_apart() -> None:
    assert to_date("31/02/2025", serials=False) is None  # a date, but not a real day
    assert to_date("04/13/2025", serials=False) is None  # US order: month 13
    assert to_date("mañana", serials=False) is False
    assert to_date(45000, serials=True) == dt.date(2023, 3, 15)  # an Excel day number


@pytest.mark.parametrize(("text_value", "decimal_comma", "grouping", "expected"), [
    ("12,5", True, True, 12.5),
    ("12.500", True, True, 12500.0),
    ("12.500,75", True, True, 12500.75),
    ("1,234", False, True, 1234.0),
    ("-89,123", True, False, -89.123),
    ("-89.123", True, False, -89.123),  # a coordinate is never thousands-grouped
    ("1 234", False, True, 1234.0),
    ("−3", False, True, -3.0),  # a typographic minus
    ("abc", False, True, None),
    ("inf", False, True, None),
    ("nan", False, True, None),
])
def test_numbers_in_both_locales(text_value: str, decimal_comma: bool, grouping: bool, expected: float | None) -> None:
    assert parse_number(text_value, decimal_comma, grouping) == expected


# ------------------------------------------------------------------------------------------ formats
def test_spanish_excel_csv_windows_1252_semicolons_decimal_comma(db: Engine) -> None:
    content = (
        "Código;Nombre;País;Tipo;Longitud;Latitud\r\n"
        "GTM-NEW;Aeropuerto de Petén (Mundo Maya);GTM;Aéreo;-89,866;16,914\r\n"
    ).encode("cp1252")
    report = import_data(db, EDITOR, "posts", content, "puestos.csv")
    assert report.ok, [p.line() for p in report.problems]
    assert (report.added, report.updated) == (1, 0)
    with db.connect() as conn:
        post = conn.execute(select(Post.name, Post.type, Post.lon, Post.lat).where(Post.code == "GTM-NEW")).one()
    assert post == ("Aeropuerto de Petén (Mundo Maya)", "air", -89.866, 16.914)


def test_utf8_bom_tab_separated_and_utf16_files(db: Engine) -> None:
    row = a_flow_row(db)
    lines = ["fecha\tpuesto\tdirección\tnacionalidad\tsexo\tedad\tcantidad",
             f"{row['day'].strftime('%d/%m/%Y') if hasattr(row['day'], 'strftime') else row['day']}\t{row['code']}"
             "\tEntrada\tVEN\tMujeres\t18-29\t7"]
    for encoding in ("utf-8-sig", "utf-16"):
        report = import_data(db, EDITOR, "flows", "\r\n".join(lines).encode(encoding), "dtm.txt", dry_run=True)
        assert report.ok, [p.line() for p in report.problems]
        assert report.added + report.updated + report.unchanged == 1


def test_hxl_hashtag_row_is_recognised(db: Engine) -> None:
    data = export_bytes(db, "assistance", "csv", hxl=True, exact=True)
    header, hashtags, *_ = data.decode("utf-8-sig").splitlines()
    assert hashtags.startswith("#date+month,#country+code")
    # Headers nobody recognises, hashtags everyone does: the HXL row maps the columns.
    renamed = data.decode("utf-8-sig").replace(header, ",".join(f"col{i}" for i in range(len(header.split(",")))))
    report = import_data(db, EDITOR, "assistance", renamed.encode(), "hxl.csv", dry_run=True)
    assert report.ok, [p.line() for p in report.problems[:3]]
    assert report.unchanged == report.rows > 0


def test_xlsx_with_date_cells_and_spanish_headers(db: Engine) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mes", "País", "Categoría", "Cantidad"])
    sheet.append([dt.datetime(2026, 9, 1), "HND", "Menor no acompañado", 12])
    sheet.append(["10/2026", "GTM", "trafficking_victim", 3.0])
    raw = io.BytesIO()
    book.save(raw)
    report = import_data(db, EDITOR, "assistance", raw.getvalue(), "retornos.xlsx")
    assert report.ok, [p.line() for p in report.problems]
    assert report.format == "xlsx"
    assert report.rows == 2


def test_geojson_points_fill_coordinates_and_polygons_are_refused(db: Engine) -> None:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-89.866, 16.914]},
               "properties": {"code": "GTM-GJ1", "name": "Petén", "country_iso3": "GTM", "type": "air"}}
    document = {"type": "FeatureCollection", "features": [feature]}
    report = import_data(db, EDITOR, "posts", json.dumps(document).encode(), "p.geojson", dry_run=True)
    assert report.ok and report.added == 1, [p.line() for p in report.problems]
    feature["geometry"] = {"type": "Polygon", "coordinates": [[[-89, 16], [-88, 16], [-88, 17], [-89, 16]]]}
    report = import_data(db, EDITOR, "posts", json.dumps(document).encode(), "p.geojson", dry_run=True)
    assert [(p.row, p.column, p.key) for p in report.problems] == [(1, "geometry", "data.err.geometry_not_point")]


def test_geopackage_in_a_metric_crs_is_reprojected(db: Engine, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"code": ["GTM-GP1"], "name": ["Petén"], "country_iso3": ["GTM"], "type": ["air"]},
                             geometry=[shapely.Point(-89.866, 16.914)], crs="EPSG:4326").to_crs("EPSG:32616")
    path = tmp_path / "posts.gpkg"
    frame.to_file(path, layer="posts", driver="GPKG")
    report = import_data(db, EDITOR, "posts", path.read_bytes(), path.name)
    assert report.ok, [p.line() for p in report.problems]
    with db.connect() as conn:
        lon, lat = conn.execute(select(Post.lon, Post.lat).where(Post.code == "GTM-GP1")).one()
    assert lon == pytest.approx(-89.866, abs=1e-6) and lat == pytest.approx(16.914, abs=1e-6)


# ------------------------------------------------------------------------------------------ behaviour
def test_same_file_twice_changes_nothing(db: Engine) -> None:
    data = export_bytes(db, "flows", "csv", exact=True)
    before = snapshot(db)
    first = import_data(db, EDITOR, "flows", data, "flows.csv")
    assert first.ok and first.added == 0 and first.updated == 0 and first.unchanged == first.rows
    for kind in ("posts", "upgrades", "workshops", "assistance"):
        report = import_data(db, EDITOR, kind, export_bytes(db, kind, "xlsx", exact=True), f"{kind}.xlsx")
        assert report.ok and report.unchanged == report.rows and not (report.added or report.updated), kind
    # Only the log grew (one entry per import); every record is as it was.
    after = snapshot(db)
    assert before != after
    for kind in ("posts", "upgrades", "workshops", "flows", "assistance"):
        assert export_bytes(db, kind, "csv", exact=True) == export_bytes(db, kind, "csv", exact=True)


def test_flows_new_updated_unchanged_keep_the_rollup_consistent(db: Engine) -> None:
    row = a_flow_row(db)
    day = row["day"] if isinstance(row["day"], str) else row["day"].isoformat()
    header = "day,post_code,direction,nationality,sex,age_band,prev_country,next_country,count\n"
    same = f"{day},{row['code']},{row['direction']},{row['nationality']},{row['sex']},{row['age_band']}," \
           f"{row['prev_country']},{row['next_country']},{row['count']}\n"
    changed = same.rsplit(",", 1)[0] + f",{row['count'] + 5}\n"
    new = f"{day},{row['code']},entry,ZZZ,U,unknown,,,4\n"
    raw_before, _ = totals(db)
    report = import_data(db, EDITOR, "flows", (header + same + new).encode(), "a.csv")
    assert (report.added, report.updated, report.unchanged) == (1, 0, 1)
    report = import_data(db, EDITOR, "flows", (header + changed).encode(), "b.csv")
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    raw, rolled = totals(db)
    assert raw == rolled == raw_before + 4 + 5
    assert not [p for p in database_problems(db) if p.kind == "rollup"]


def test_one_audit_entry_per_import_and_dataset_state(db: Engine) -> None:
    report = import_data(db, EDITOR, "assistance", export_bytes(db, "assistance", "csv", exact=True), "nightly.csv")
    assert report.ok
    with db.connect() as conn:
        entries = conn.execute(select(AuditEntry).where(AuditEntry.action == "import")).mappings().all()
        state = conn.execute(select(DatasetState).where(DatasetState.kind == "assistance")).mappings().one()
    assert len(entries) == 1
    assert entries[0]["username"] == "ana" and entries[0]["entity"] == "assistance"
    assert f"unchanged={report.rows}" in entries[0]["details"] and "added=0" in entries[0]["details"]
    assert state["source"] == "nightly.csv" and state["seed"] is None


def test_updates_are_audited_field_by_field(db: Engine) -> None:
    data = export_bytes(db, "posts", "csv").decode("utf-8-sig").replace("Pedro de Alvarado", "Ciudad Pedro de Alvarado")
    report = import_data(db, EDITOR, "posts", data.encode(), "posts.csv")
    assert (report.updated, report.added) == (1, 0)
    with db.connect() as conn:
        change = conn.execute(select(AuditEntry.old_value, AuditEntry.new_value)
                              .where(AuditEntry.entity == "post", AuditEntry.field == "name")).one()
    assert change == ("Pedro de Alvarado", "Ciudad Pedro de Alvarado")


def test_dry_run_reports_counts_and_writes_nothing(db: Engine) -> None:
    before = snapshot(db)
    data = b"code,name,country_iso3,type,lon,lat\nGTM-DRY,Test,GTM,air,-90.527,14.583\n"
    report = import_data(db, EDITOR, "posts", data, "dry.csv", dry_run=True)
    assert report.ok and report.added == 1 and not report.written
    assert snapshot(db) == before


def test_a_viewer_cannot_import(db: Engine) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        import_data(db, ANONYMOUS, "posts", export_bytes(db, "posts", "csv"), "posts.csv")
    assert snapshot(db) == before


def test_size_limit_is_configurable(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CA4_IMPORT_MAX_MB", "0.001")
    report = import_data(db, EDITOR, "flows", export_bytes(db, "flows", "csv", exact=True), "big.csv")
    assert [p.key for p in report.problems] == ["data.err.too_large"]


def test_imports_on_both_backends(migrated_engine: Engine) -> None:
    engine = seed(migrated_engine, flows_rows=300)
    for kind in ("posts", "upgrades", "workshops", "flows", "assistance"):
        report = import_data(engine, SYSTEM, kind, export_bytes(engine, kind, "csv", exact=True), f"{kind}.csv")
        assert report.ok and report.unchanged == report.rows, (kind, [p.line() for p in report.problems[:3]])
    row = a_flow_row(engine)
    data = ("day,post_code,direction,nationality,sex,age_band,count\n"
            f"{row['day']},{row['code']},exit,XXA,F,60+,9\n").encode()
    report = import_data(engine, SYSTEM, "flows", data, "one.csv")
    assert report.added == 1
    raw, rolled = totals(engine)
    assert raw == rolled


# ------------------------------------------------------------------------------------------ command line
def run_cli(*args: str, env_url: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "DATABASE_URL": env_url}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


def test_cli_import_exit_codes(db: Engine, tmp_path: Path) -> None:
    url = str(db.url)
    good = tmp_path / "posts.csv"
    good.write_bytes(export_bytes(db, "posts", "csv"))
    result = run_cli("import", "posts", str(good), env_url=url)
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 updated, 66 unchanged" in result.stdout

    bad = tmp_path / "flows.csv"
    bad.write_text("day,post_code,direction,nationality,sex,age_band,count\n31/02/2025,GTM-PDA,entry,SLV,F,18-29,-3\n")
    result = run_cli("import", "flows", str(bad), env_url=url)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "flows.csv, row 2, column “day”" in result.stdout
    assert "flows.csv, row 2, column “count”: “-3” is negative" in result.stdout

    garbage = tmp_path / "photo.csv"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run_cli("import", "posts", str(garbage), env_url=url)
    assert result.returncode == 1 and "Traceback" not in result.stderr

    assert run_cli("import", "planets", str(good), env_url=url).returncode == 2
    assert run_cli("import", "posts", str(tmp_path / "missing.csv"), env_url=url).returncode == 2
    assert run_cli("import", "posts", env_url=url).returncode == 2

    result = run_cli("import", "posts", str(good), "--dry-run", "--lang", "es", env_url=url)
    assert result.returncode == 0 and "Prueba sin guardar" in result.stdout


def test_the_import_summary_writes_counts_as_the_region_does() -> None:
    from geo.io.report import ImportReport

    report = ImportReport("flows", "flujos.csv", rows=1_000_000, added=998_500, updated=1_500, unchanged=0)
    assert report.summary("es") == "flujos.csv: 1,000,000 filas; 998,500 agregadas, 1,500 actualizadas, 0 sin cambios."
    assert report.summary("en") == "flujos.csv: 1,000,000 rows; 998,500 added, 1,500 updated, 0 unchanged."
