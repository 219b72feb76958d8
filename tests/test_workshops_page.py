"""The workshops page under AppTest (figures, reach control, editor form, stale edits) and in Chromium."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest

import ui
from geo import reference
from geo.access.auth import Actor
from geo.db import make_engine
from geo.i18n import t
from geo.models import AuditEntry
from geo.workshops import records as ws
from tests.browser import SCREENSHOTS, wait_for_canvas_drawn, wait_idle
from tests.support import copy_sqlite

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "screens" / "workshops.py")


def page(tab: str | None = None, **query: str) -> AppTest:
    """The page with the tab ws.tab.<tab> open (the page runs only the open tab; default: the first)."""
    at = AppTest.from_file(PAGE, default_timeout=90)
    query = {"from": "2024-01", "to": "2026-12", **query}  # every sample workshop (the page opens on 12 months)
    for key, value in query.items():
        at.query_params[key] = value
    if tab is not None:
        open_tab(at, tab)
    return at


def open_tab(at: AppTest, tab: str) -> AppTest:
    at.session_state["ws_tab"] = t(f"ws.tab.{tab}", at.query_params.get("lang", "en") or "en")
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def raw_counts(url: str, start: str, end: str) -> tuple[int, int, int]:
    """Workshops overlapping [start, end], CA4 posts whose staff attended one, and all CA4 posts."""
    engine = make_engine(url)
    with engine.connect() as conn:
        params = {"start": start, "end": end}
        workshops = conn.execute(text(
            "SELECT count(*) FROM workshops WHERE start_date <= :end AND end_date >= :start"), params).scalar_one()
        attended = conn.execute(text(
            "SELECT count(DISTINCT wp.post_id) FROM workshop_posts wp JOIN workshops w ON w.id = wp.workshop_id "
            "JOIN posts p ON p.id = wp.post_id WHERE w.start_date <= :end AND w.end_date >= :start "
            "AND p.country_iso3 IN ('GTM', 'SLV', 'HND', 'NIC')"), params).scalar_one()
        posts = conn.execute(text(
            "SELECT count(*) FROM posts WHERE country_iso3 IN ('GTM', 'SLV', 'HND', 'NIC')")).scalar_one()
    engine.dispose()
    return workshops, attended, posts


@pytest.fixture
def own_db(app_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the seeded app database, for tests that write."""
    url = copy_sqlite(app_db_url, tmp_path / "workshops.sqlite")
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def as_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, "current_actor", lambda: Actor("ana", "editor"), raising=False)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_page_shows_coverage_in_both_languages(app_env: str, lang: str) -> None:
    at = page(lang=lang).run()
    assert not at.exception, [e.value for e in at.exception]
    titles = {"es": "Talleres y cobertura de la frontera", "en": "Workshops and border coverage"}
    assert [t.value for t in at.title] == [titles[lang]]
    assert any(("muestra" if lang == "es" else "Sample data") in w.value for w in at.warning)
    # The figures agree with the raw tables (counted here in plain SQL).
    n_workshops, n_attended, n_posts = raw_counts(app_env, "2000-01-01", "2100-01-01")
    assert metric(at, "Talleres" if lang == "es" else "Workshops") == str(n_workshops)
    assert metric(at, "Puestos cubiertos" if lang == "es" else "Posts covered") == f"{n_attended} / {n_posts}"
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ids = {layer["id"] for layer in deck["layers"]}
    assert {"ws-segments", "ws-reach", "ws-venues", "ws-posts", "ws-suggested"} <= ids
    assert deck.get("mapProvider") is None  # offline: no basemap provider (the online toggle sets "carto")
    # The viewer is told that editing needs an editor's sign-in; there is no save button.
    open_tab(at, "edit").run()
    assert any(("editores" if lang == "es" else "editors") in i.value for i in at.info)
    assert not [b for b in at.button if b.key in ("add_save", "edit_save")]


def test_segment_table_and_where_next(app_env: str) -> None:
    at = page(lang="en").run()
    segments = next(df.value for df in at.dataframe if "Line reached %" in df.value.columns)
    by_segment = segments.set_index("Segment")
    assert by_segment.loc["Guatemala – El Salvador", "Covered %"] == 100.0
    assert by_segment.loc["Guatemala – Mexico", "Covered"] == 0
    assert not at.table  # the ranking is in its own tab, which has not run
    ranking = open_tab(at, "next").run().table[0].value
    assert ranking.iloc[0]["Segment"] == "Guatemala – Mexico"  # six uncovered posts and the most crossings
    assert "uncovered post(s)" in ranking.iloc[0]["Reason"] and "is the town nearest them" in ranking.iloc[0]["Reason"]


def test_reach_distance_changes_the_posts_reached(app_env: str) -> None:
    at = page(lang="en").run()
    at.slider(key="ws_reach").set_value(5).run()
    near = int(metric(at, "Posts within").split(" / ")[0])
    at.slider(key="ws_reach").set_value(150).run()
    far = int(metric(at, "Posts within").split(" / ")[0])
    assert not at.exception
    assert near < far
    assert "Posts within 150 km" in [m.label for m in at.metric][3]


def test_period_filter(app_env: str) -> None:
    import datetime as dt

    at = page(lang="en").run()
    at.date_input(key="ws_period").set_value((dt.date(2025, 1, 1), dt.date(2025, 12, 31))).run()
    assert not at.exception
    n_workshops, n_attended, n_posts = raw_counts(app_env, "2025-01-01", "2025-12-31")
    assert 0 < n_workshops < raw_counts(app_env, "2000-01-01", "2100-01-01")[0]
    assert metric(at, "Workshops") == str(n_workshops)
    assert metric(at, "Posts covered") == f"{n_attended} / {n_posts}"


def test_editor_adds_a_workshop_through_the_form(own_db: str, as_editor: None) -> None:
    at = page(tab="edit", lang="en").run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="add_code").input("tb-2026-777")
    at.text_input(key="add_title").input("Binational workshop at Cristóbal")
    at.text_input(key="add_place_query").input("san cristobal")
    at.run()
    towns = at.selectbox(key="add_place_gid")
    assert towns.options[0].startswith("San Cristóbal (")  # accents and case ignored, exact name first
    assert any(o.startswith("San Cristóbal Verapaz (GTM") for o in towns.options)
    verapaz = int(reference.find_places("San Cristóbal Verapaz", "GTM").iloc[0]["geonameid"])
    towns.select(verapaz)
    at.selectbox(key="add_pair").select(("GTM", "SLV"))
    # Each participants field carries its own visible label, agency and sex: a phone stacks the grid's columns.
    police_women = at.text_input(key="add_n_police.F")
    assert police_women.label == "Police · Women" and police_women.proto.label_visibility.value == 0  # VISIBLE
    police_women.input("1,207")  # as the region writes it
    at.multiselect(key="add_posts").set_value(["GTM-SCR", "SLV-SCR"])
    at.button(key="add_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["Workshop TB-2026-777 added."]
    engine = make_engine(own_db)
    record = ws.workshop_record(engine, "TB-2026-777")
    assert record["venue_name"] == "San Cristóbal Verapaz" and record["venue_country_iso3"] == "GTM"
    assert (record["pair_a"], record["pair_b"]) == ("GTM", "SLV")
    assert record["participants"]["police.F"] == 1207
    assert record["posts"] == ["GTM-SCR", "SLV-SCR"]
    with engine.connect() as conn:
        users = set(conn.execute(select(AuditEntry.username).where(AuditEntry.entity_key == "TB-2026-777")).scalars())
    assert users == {"ana"}
    engine.dispose()


def test_form_shows_problems_instead_of_saving(own_db: str, as_editor: None) -> None:
    at = page(tab="edit", lang="es").run()
    at.text_input(key="add_code").input("TB-1")  # too short is fine (3+), but no title and no venue
    at.text_input(key="add_n_police.F").input("1.200")  # Spain's thousands mark: never read as 1.2 or 1200
    at.button(key="add_save").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "No se guardó: revise los datos." in errors
    assert any(e.startswith("Título: valor obligatorio vacío") for e in errors)  # the import's words too
    assert any(e.startswith("Sede:") for e in errors)
    assert any(e.startswith("Participantes") and "1.200" in e for e in errors), errors
    engine = make_engine(own_db)
    assert ws.workshop_record(engine, "TB-1") is None
    engine.dispose()


def test_stale_correction_in_the_form_shows_what_changed(own_db: str, as_editor: None) -> None:
    at = page(tab="edit", lang="en").run()
    at.selectbox(key="edit_code").select("TB-2024-001").run()
    assert at.text_input(key="edit_title").value.startswith("Taller binacional GTM–SLV")
    # Meanwhile, another editor saves a correction of the same workshop.
    engine = make_engine(own_db)
    seen = ws.workshop_record(engine, "TB-2024-001")
    ws.correct_workshop(engine, Actor("luis", "editor"), "TB-2024-001", seen, {"title": "Luis's title"})
    at.text_input(key="edit_organisers").input("OIM El Salvador")
    at.button(key="edit_save").click().run()
    assert not at.exception
    assert any("luis changed this workshop" in e.value for e in at.error)
    changes = at.dataframe[-1].value
    assert changes.iloc[0].tolist() == ["Title", seen["title"], "Luis's title"]
    assert ws.workshop_record(engine, "TB-2024-001")["organisers"] == seen["organisers"]  # refused: not written
    # Reload, then the correction goes through on the new version.
    at.button(key="edit_reload").click().run()
    assert at.text_input(key="edit_title").value == "Luis's title"
    at.text_input(key="edit_organisers").input("OIM El Salvador")
    at.button(key="edit_save").click().run()
    assert [s.value for s in at.success] == ["Workshop TB-2024-001 corrected (version 3)."]
    assert ws.workshop_record(engine, "TB-2024-001")["organisers"] == "OIM El Salvador"
    engine.dispose()


# ------------------------------------------------------------------ the real browser

@pytest.mark.browser
def test_workshops_page_in_the_browser(browser, app_url: str) -> None:
    from PIL import Image

    from geo.maps import region_view
    from tests.browser import lonlat_to_pixel

    url = app_url
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    outside: list[str] = []
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    # Straight to the page: every request runs app.py (tests/test_first_request_browser.py).
    page.goto(f"{url}/workshops?lang=en&from=2024-01&to=2026-12")
    page.get_by_role("heading", name="Workshops and border coverage").wait_for(timeout=30_000)
    wait_idle(page)
    wait_for_canvas_drawn(page)
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    SCREENSHOTS.mkdir(exist_ok=True)
    png_path = SCREENSHOTS / "workshops_map.png"
    box = canvas.bounding_box()
    # The page fits the CA4 to the width its map's column reports (views.map_fit, rounded to 10 px), after a
    # first run at a phone's: the loop below waits for the venue to be drawn where the fitted view puts it.
    view = region_view((round(box["width"] / 10) * 10, box["height"]))
    x, y = lonlat_to_pixel(-89.18718, 13.68935, view, box["width"], box["height"])

    def venue_pixel() -> tuple[int, int, int]:
        canvas.screenshot(path=str(png_path))
        image = Image.open(png_path).convert("RGB")
        scale = image.width / box["width"]
        return image.getpixel((int(x * scale), int(y * scale)))

    deadline = time.monotonic() + 30  # the venue layer draws after the region: wait for it, not a fixed time
    while sum(venue_pixel()) >= 200 and time.monotonic() < deadline:
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    page.screenshot(path=str(SCREENSHOTS / "workshops_page.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside == [], f"the app made outside requests: {outside[:5]}"
    for heading in ("Uncovered posts", "Coverage"):
        assert page.get_by_role("heading", name=heading).count() >= 1
    # The venue at San Salvador (regional workshops) is drawn as a dark dot where it should be.
    r, g, b = venue_pixel()
    assert r + g + b < 200, (r, g, b)  # VENUE navy, not the land fill
    # The other tabs run when opened.
    for tab, heading in (("Participants and pairs", "Binational pairs"), ("Where next", "Where next")):
        page.get_by_role("tab", name=tab).click()
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, tab
    context.close()
