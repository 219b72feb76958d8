"""Exports: every kind in every format; round trip into an empty database gives identical files, on SQLite and
PostGIS; HXL rows; GeoPackage readable as EPSG:4326 points; spreadsheet-formula text stays text."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pyogrio
import pytest
from sqlalchemy import Engine, update

from geo.access.auth import SYSTEM
from geo.db import make_engine
from geo.io.exports import FORMATS, export_bytes
from geo.io.imports import import_data
from geo.kinds import KINDS
from geo.models import Post
from tests.conftest import fresh_postgres
from tests.data_helpers import reference_only, seed

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def empty_like(engine: Engine, tmp_path: Path, name: str) -> Iterator[Engine]:
    """A new, empty database on the same backend as `engine`."""
    if engine.dialect.name == "postgresql":
        with fresh_postgres() as other:
            yield reference_only(other)
        return
    other = make_engine(f"sqlite:///{tmp_path / name}")
    try:
        yield reference_only(other)
    finally:
        other.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def round_trip_source(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The sample with 800 flow rows, seeded once per backend: every format's round trip only reads it."""
    if request.param == "sqlite":
        engine = seed(make_engine(f"sqlite:///{tmp_path_factory.mktemp('round_trip') / 'source.sqlite'}"),
                      flows_rows=800)
        yield engine
        engine.dispose()
        return
    with fresh_postgres() as engine:
        yield seed(engine, flows_rows=800)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_gives_identical_files(round_trip_source: Engine, tmp_path: Path, fmt: str) -> None:
    source = round_trip_source
    with empty_like(source, tmp_path, f"rt_{fmt}.sqlite") as target:
        for kind in KINDS:  # posts first: the other kinds refer to them
            report = import_data(target, SYSTEM, kind, export_bytes(source, kind, fmt, exact=True), f"{kind}.{fmt}")
            assert report.ok, (kind, [p.line() for p in report.problems[:5]])
            assert report.added == report.rows > 0
        for kind in KINDS:
            for other_format in FORMATS:
                assert (export_bytes(source, kind, other_format, exact=True)
                        == export_bytes(target, kind, other_format, exact=True)), (kind, other_format)


def test_exports_are_deterministic_and_csv_has_an_hxl_option(tmp_path: Path) -> None:
    engine = seed(make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}"), flows_rows=200)
    plain = export_bytes(engine, "posts", "csv")
    tagged = export_bytes(engine, "posts", "csv", hxl=True)
    assert plain.startswith(b"\xef\xbb\xbfcode,name,country_iso3,type")
    lines = tagged.decode("utf-8-sig").splitlines()
    assert lines[1].split(",")[:3] == ["#loc+code", "#loc+name", "#country+code"]
    assert "#geo+lon" in lines[1] and "#geo+lat" in lines[1]
    for fmt in FORMATS:
        assert export_bytes(engine, "workshops", fmt) == export_bytes(engine, "workshops", fmt)


def test_geopackage_is_points_in_wgs84(tmp_path: Path) -> None:
    engine = seed(make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}"), flows_rows=200)
    path = tmp_path / "posts.gpkg"
    path.write_bytes(export_bytes(engine, "posts", "gpkg"))
    info = pyogrio.read_info(path, layer="posts")
    assert info["crs"] == "EPSG:4326"
    assert info["geometry_type"] == "Point"
    assert info["features"] == 66
    frame = pyogrio.read_dataframe(path)
    amatillo = frame[frame["code"] == "SLV-AMA"].geometry.iloc[0]
    assert (amatillo.x, amatillo.y) == pytest.approx((-87.76952, 13.59918))
    returns = tmp_path / "assistance.gpkg"
    returns.write_bytes(export_bytes(engine, "assistance", "gpkg", exact=True))
    assert pyogrio.read_info(returns)["geometry_type"] is None  # a plain table


def test_formula_like_text_stays_text_in_xlsx(tmp_path: Path) -> None:
    engine = seed(make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}"), flows_rows=0)
    with engine.begin() as conn:  # e.g. typed by an editor in a form
        conn.execute(update(Post).where(Post.code == "GTM-PDA").values(name="=HYPERLINK(\"http://x\",\"y\")"))
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(engine, "posts", "xlsx")))
    cell = next(row[1] for row in book.active.iter_rows() if row[0].value == "GTM-PDA")
    # A string cell (never a formula), with the apostrophe that keeps it text when the sheet is edited and
    # that an import drops again (geo.io.exports.spreadsheet_safe).
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(\"http://x\",\"y\")"


def test_cli_export(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    seed(make_engine(url), flows_rows=100)
    out = tmp_path / "flows.gpkg"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run([sys.executable, "-m", "geo", "export", "flows", "--format", "gpkg", "-o", str(out)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert pyogrio.read_info(out)["features"] == 100
    result = subprocess.run([sys.executable, "-m", "geo", "export", "flows", "--format", "pdf", "-o", str(out)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
