"""Streamed exports (geo.io.streaming): the same files as geo.io.exports builds, in bounded memory, and the
app's route that sends them as they are written (the data page links to it for flows).

Memory is measured, not assumed: Python's allocations (tracemalloc) while streaming all of the session
database's 20,000 flow rows stay about where they are after a quarter of them (a chunk's worth), far below
what building the whole file takes. At 2,000,000 rows the process's peak is in the README (issue 23)."""

from __future__ import annotations

import io
import tracemalloc
import urllib.error
import urllib.request

import geopandas as gpd
import openpyxl
import pytest

from geo.access import sessions
from geo.access.auth import SYSTEM
from geo.access.users import create_user
from geo.db import make_engine
from geo.io import streaming
from geo.io.exports import export_bytes, export_spec

CHUNK = 1_000


@pytest.fixture(scope="module")
def engine(app_db_url: str):
    engine = make_engine(app_db_url)
    yield engine
    engine.dispose()


def streamed(engine, kind: str, fmt: str, **options) -> bytes:
    return b"".join(streaming.stream_export(engine, kind, fmt, chunk_rows=CHUNK, **options))


@pytest.mark.parametrize(("kind", "fmt", "options"), [
    ("flows", "csv", {"hxl": True}), ("flows", "geojson", {"exact": True}), ("posts", "csv", {}),
    ("workshops", "geojson", {}),
], ids=["flows-csv-hxl", "flows-geojson-exact", "posts-csv", "workshops-geojson"])
def test_a_streamed_text_file_is_the_export_byte_for_byte(engine, kind: str, fmt: str, options: dict) -> None:
    expected = export_bytes(engine, kind, fmt, **options)
    assert streamed(engine, kind, fmt, **options) == expected
    assert expected.count(b"\n") > 20  # rows, not an empty file (flows: 20 chunks)


def test_a_public_flows_file_leaves_out_the_staff_only_column_and_an_exact_one_keeps_it(engine) -> None:
    public = streamed(engine, "flows", "csv").decode("utf-8-sig").splitlines()[0].split(",")
    exact = streamed(engine, "flows", "csv", exact=True).decode("utf-8-sig").splitlines()[0].split(",")
    assert "unaccompanied_minors" not in public and "unaccompanied_minors" in exact
    with pytest.raises(PermissionError):
        streamed(engine, "assistance", "csv")  # a staff-only kind asked as public


def test_an_xlsx_continues_on_more_sheets_past_the_row_limit(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "XLSX_MAX_ROWS", 21)  # Excel's 1,048,576, scaled down to the posts
    book = openpyxl.load_workbook(io.BytesIO(streamed(engine, "posts", "xlsx")), read_only=True)
    whole = openpyxl.load_workbook(io.BytesIO(export_bytes(engine, "posts", "xlsx")), read_only=True)
    expected = [list(r) for r in whole.worksheets[0].iter_rows(values_only=True)]
    sheets = [[list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    assert book.sheetnames[:2] == ["posts", "posts_2"] and len(sheets) == -(-(len(expected) - 1) // 20)
    assert all(sheet[0] == expected[0] for sheet in sheets)  # each sheet has the header
    assert [row for sheet in sheets for row in sheet[1:]] == expected[1:]  # every row once, in order


def test_a_geopackage_written_in_chunks_holds_every_row(engine, tmp_path) -> None:
    spec = export_spec("posts", exact=False)
    rows, points = next(streaming.row_chunks(engine, "posts"))
    thirds = [(rows[i::3], points[i::3]) for i in range(3)]  # three appends
    path = tmp_path / "posts.gpkg"
    streaming._write_gpkg(iter(thirds), spec, True, path)
    written = gpd.read_file(path, layer="posts").sort_values("code").reset_index(drop=True)
    expected = gpd.read_file(io.BytesIO(export_bytes(engine, "posts", "gpkg")), layer="posts")
    expected = expected.sort_values("code").reset_index(drop=True)
    assert len(written) == len(expected) == len(rows)
    assert written.drop(columns="geometry").equals(expected.drop(columns="geometry"))
    assert written.geometry.geom_equals(expected.geometry).all() and written.crs.to_epsg() == 4326


def test_memory_stays_at_a_chunk_while_the_rows_grow(engine) -> None:
    def peak(limit_chunks: int | None) -> tuple[int, int]:
        tracemalloc.start()
        size = 0
        for number, block in enumerate(streaming.stream_export(engine, "flows", "csv", chunk_rows=CHUNK)):
            size += len(block)
            if limit_chunks is not None and number >= limit_chunks:
                break
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top, size

    quarter_peak, quarter_size = peak(5)
    whole_peak, whole_size = peak(None)
    assert whole_size > 3 * quarter_size  # four times the rows and more ...
    assert whole_peak < 1.5 * quarter_peak  # ... the same memory: one chunk's
    # Measured here: 2.8 MB at a quarter and at the whole file (1 MB of CSV); building the whole file with
    # export_bytes peaked at 27.7 MB, which grows with the rows.


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=120) as response:
            return response.status, response.read(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}


@pytest.mark.browser  # the session's app server (tests/conftest.py app_url) serves the route
def test_the_app_streams_the_whole_file_public_or_exact_by_the_sign_in_cookie(app_url: str, engine) -> None:
    status, body, headers = _get(f"{app_url}/api/v1/export/flows.csv?hxl=1")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"] == 'attachment; filename="ca4_flows.csv"'
    assert body == export_bytes(engine, "flows", "csv", hxl=True)  # public: no minors' column

    name = "streamstaff"
    if not _user_exists(engine, name):
        create_user(engine, SYSTEM, name, "editor", "correct horse battery staple")
    token = sessions.issue(engine, name)
    status, body, _ = _get(f"{app_url}/api/v1/export/flows.geojson", {"Cookie": f"ca4_session={token}"})
    assert status == 200 and body == export_bytes(engine, "flows", "geojson", exact=True)

    assert _get(f"{app_url}/api/v1/export/assistance.csv")[0] == 403  # staff only
    assert _get(f"{app_url}/api/v1/export/assistance.csv", {"Cookie": f"ca4_session={token}x"})[0] == 403
    assert _get(f"{app_url}/api/v1/export/flows.pdf")[0] == 404


def _user_exists(engine, name: str) -> bool:
    from sqlalchemy import select

    from geo.models import User

    with engine.connect() as conn:
        return conn.execute(select(User.id).where(User.username == name)).first() is not None


def test_the_data_page_links_flows_to_the_streamed_file_and_builds_nothing(app_env: str) -> None:
    from streamlit.testing.v1 import AppTest

    from geo.i18n import t
    from tests.browser import REPO

    at = AppTest.from_file(str(REPO / "screens" / "data.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.selectbox(key="export_kind").set_value("flows").run()
    assert not at.exception
    links = at.get("link_button")
    assert [link.proto.url for link in links] == ["/api/v1/export/flows.csv"]
    assert t("data.export.streamed", "en", name="ca4_flows.csv") in [link.proto.label for link in links]
    assert t("data.prepare", "en") not in [b.label for b in at.button]  # no file built in the session
    assert "export_file" not in at.session_state
