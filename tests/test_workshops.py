"""Workshop queries and the editor's write path, on SQLite and on PostgreSQL/PostGIS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod
from sqlalchemy import Engine, func, insert, select

from geo import reference
from geo.access.auth import ANONYMOUS, Actor, PermissionDenied
from geo.models import AuditEntry, Country, FlowMonthly, Post, Workshop, WorkshopParticipants, WorkshopPost
from geo.workshops import queries as wq
from geo.workshops import records as ws
from geo.workshops.coverage import coverage_report
from tests.data_helpers import seeded_on

GEOD = Geod(ellps="WGS84")
EDITOR = Actor("ana", "editor")
OTHER_EDITOR = Actor("luis", "editor")
ALL_TIME = (dt.date(2000, 1, 1), dt.date(2100, 1, 1))
ORIGIN = (-89.5, 14.1)


@pytest.fixture
def seeded(seeded_backend: str, tmp_path: Path) -> Iterator[Engine]:
    """The sample with 3,000 flow rows on each backend, the test's own."""
    with seeded_on(seeded_backend, tmp_path, flows_rows=3000) as engine:
        yield engine


def _point(km: float, azimuth: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(ORIGIN[0], ORIGIN[1], azimuth, km * 1000)
    return float(lon), float(lat)


@pytest.fixture
def hand_made_posts(migrated_engine: Engine) -> Engine:
    """Posts at known geodesic distances from ORIGIN: 5, 19.9, 20.1 and 80 km, plus one without coordinates."""
    with migrated_engine.begin() as conn:
        conn.execute(insert(Country), [{"iso3": c, "name_es": c, "name_en": c, "is_ca4": True} for c in ("GTM", "SLV")])
        rows = []
        for code, km, azimuth in (("P05", 5, 10), ("P199", 19.9, 100), ("P201", 20.1, 200), ("P80", 80, 300)):
            lon, lat = _point(km, azimuth)
            rows.append({"code": code, "name": code, "country_iso3": "GTM", "type": "air", "lon": lon, "lat": lat})
        rows.append({"code": "PNULL", "name": "no place", "country_iso3": "SLV", "type": "air", "lon": None,
                     "lat": None})
        conn.execute(insert(Post), rows)
    return migrated_engine


def test_posts_within_km_on_hand_made_posts(hand_made_posts: Engine) -> None:
    found = wq.posts_within_km(hand_made_posts, *ORIGIN, 20)
    assert found["code"].tolist() == ["P05", "P199"]
    assert found["distance_m"].round(0).tolist() == [5000, 19900]
    for row in found.itertuples():
        assert row.distance_m == pytest.approx({"P05": 5000, "P199": 19900}[row.code], abs=0.01)
    assert wq.posts_within_km(hand_made_posts, *ORIGIN, 100)["code"].tolist() == ["P05", "P199", "P201", "P80"]
    assert wq.posts_within_km(hand_made_posts, *ORIGIN, 1).empty


@pytest.mark.parametrize("empty_engine", ["postgresql"], indirect=True)  # the PostGIS path: PostgreSQL only
def test_postgis_and_portable_paths_agree(hand_made_posts: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    assert hand_made_posts.dialect.name == "postgresql"
    portable = wq._posts_within_portable(hand_made_posts, *ORIGIN, 50_000)

    def refuse(*_args: object) -> None:
        raise AssertionError("the PostGIS path must answer on PostgreSQL")

    monkeypatch.setattr(wq, "_posts_within_portable", refuse)
    postgis = wq.posts_within_km(hand_made_posts, *ORIGIN, 50)
    assert postgis["code"].tolist() == portable["code"].tolist() == ["P05", "P199", "P201"]
    assert (postgis["distance_m"] - portable["distance_m"]).abs().max() < 0.01  # ST_Distance vs Geod: < 1 cm


def test_posts_within_km_matches_geod_on_the_real_posts(seeded: Engine) -> None:
    posts = wq.programme_posts(seeded, countries=tuple(reference.countries()["iso3"]))
    for lon, lat, km in ((-89.55, 14.2, 40), (-87.2, 14.08, 120), (-86.6, 13.4, 30)):
        _, _, d = GEOD.inv([lon] * len(posts), [lat] * len(posts), posts["lon"], posts["lat"])
        expected = sorted(posts.loc[pd.Series(d, index=posts.index) <= km * 1000, "code"])
        found = wq.posts_within_km(seeded, lon, lat, km)
        assert sorted(found["code"]) == expected and len(expected) > 0
        portable = wq._posts_within_portable(seeded, lon, lat, km * 1000)
        assert sorted(portable["code"]) == expected


def test_workshop_queries_aggregate_like_the_raw_rows(seeded: Engine) -> None:
    with seeded.connect() as conn:
        n_workshops = conn.execute(select(func.count()).select_from(Workshop)).scalar_one()
        n_people = conn.execute(select(func.sum(WorkshopParticipants.count))).scalar_one()
        n_women = conn.execute(
            select(func.sum(WorkshopParticipants.count)).where(WorkshopParticipants.sex == "F")).scalar_one()
        attended = set(conn.execute(
            select(WorkshopPost.post_id).join(Post, Post.id == WorkshopPost.post_id)
            .where(Post.country_iso3.in_(reference.CA4))).scalars())
        binational = conn.execute(select(func.count()).where(Workshop.scope == "binational")).scalar_one()
    frame = wq.workshops_frame(seeded, *ALL_TIME)
    assert len(frame) == n_workshops > 10
    assert frame["participants"].sum() == n_people
    assert frame["women"].sum() == n_women
    over_time = wq.participants_over_time(seeded, *ALL_TIME)
    assert over_time["count"].sum() == n_people
    assert set(over_time["quarter"]) <= {1, 2, 3, 4}
    pairs = wq.pair_matrix(seeded, *ALL_TIME)
    assert pairs["workshops"].sum() == binational
    assert set(pairs["pair"]) == {"BLZ-GTM", "CRI-NIC", "GTM-HND", "GTM-MEX", "GTM-SLV", "HND-NIC", "HND-SLV"}
    assert pairs.set_index("pair").loc["GTM-MEX", "workshops"] == 0
    report = coverage_report(seeded, *ALL_TIME, reach_km=25)
    assert set(report.posts.loc[report.posts["covered"], "id"]) == attended
    assert report.by_country["posts"].sum() == len(report.posts)


def test_the_workshops_map_names_uncovered_posts_busiest_first_none_on_another(app_env: str) -> None:
    """The page's map named every uncovered land post where it stood: around El Salvador the names printed on
    top of each other. Now they are placed (geo.placement): none overlaps another name or a country's name."""
    from geo import maps, placement
    from geo.db import make_engine
    from geo.workshops.maps import UNCOVERED_LABELS, uncovered_labels, workshop_layers

    engine = make_engine(app_env)
    report = coverage_report(engine, *ALL_TIME, reach_km=25)
    engine.dispose()
    land = report.posts[~report.posts["covered"] & (report.posts["type"] == "land")]
    labels = uncovered_labels(report, "es")
    assert 5 <= len(labels) < len(land)  # some names fit; the rest are left to the tooltip and the table
    assert set(labels["label"]) <= set(land["name"])
    assert labels["label"].iloc[0] == land.sort_values("flow", ascending=False)["name"].iloc[0]  # busiest first
    zoom = maps.INITIAL_VIEW["zoom"]
    boxes = pd.concat([placement.label_boxes(labels, zoom, UNCOVERED_LABELS),
                       placement.label_boxes(maps.country_label_points("es"), zoom, placement.COUNTRY_LABEL_STYLE)],
                      ignore_index=True)
    assert [(i, j) for i, j in placement.overlapping_pairs(boxes) if i < len(labels)] == []
    layer = next(layer for layer in workshop_layers(report, "es") if layer.id == "ws-uncovered-labels")
    assert pd.DataFrame(layer.data).equals(labels)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_coverage_table_names_segments_by_their_countries(app_env: str, lang: str) -> None:
    """A person reads 'Guatemala – El Salvador', never 'GTM-SLV' (three tables showed the code)."""
    import re

    from geo.db import make_engine
    from geo.i18n import t
    from geo.workshops import tables

    engine = make_engine(app_env)
    report = coverage_report(engine, *ALL_TIME, reach_km=25)
    engine.dispose()
    column = t("ws.col.segment", lang)
    for make in (tables.uncovered_table, tables.by_segment_table, tables.pairs_table, tables.where_next_table,
                 tables.workshops_table):
        values = set(make(report, lang)[column])
        assert values, make.__name__
        assert not [v for v in values if re.search(r"\b[A-Z]{3}-[A-Z]{3}\b", str(v))], make.__name__
        assert all(" – " in v or v == tables.MISSING for v in values), (make.__name__, values)
    assert "Guatemala – El Salvador" in set(tables.pairs_table(report, lang)[column])


def test_flow_by_post_sums_the_months_of_the_period(seeded: Engine) -> None:
    start, end = dt.date(2025, 3, 15), dt.date(2025, 6, 10)  # months March to June
    with seeded.connect() as conn:
        expected = conn.execute(select(func.sum(FlowMonthly.count)).where(
            FlowMonthly.month >= dt.date(2025, 3, 1), FlowMonthly.month <= dt.date(2025, 6, 1))).scalar_one()
    flows = wq.flow_by_post(seeded, start, end)
    assert flows["flow"].sum() == expected > 0


def _record(**changes: object) -> dict:
    record = {
        "code": "TB-2026-500", "title": "Taller binacional de prueba", "topic": "Pruebas",
        "start_date": dt.date(2025, 12, 30), "end_date": dt.date(2026, 1, 2), "scope": "binational",
        "pair_a": "SLV", "pair_b": "GTM", "organisers": "OIM",
        **ws.venue_from_place(int(reference.find_places("Ahuachapán", "SLV").iloc[0]["geonameid"])),
        "participants": {"migration.F": 4, "migration.M": 6, "customs.U": 2}, "posts": ["SLV-HAC", "GTM-PDA"],
    }
    return {**record, **changes}


def test_create_requires_an_editor(seeded: Engine) -> None:
    for actor in (None, ANONYMOUS, Actor("v", "viewer")):
        with pytest.raises(PermissionDenied):
            ws.create_workshop(seeded, actor, _record())
    assert ws.workshop_record(seeded, "TB-2026-500") is None


def test_create_writes_workshop_children_and_audit(seeded: Engine) -> None:
    workshop_id = ws.create_workshop(seeded, EDITOR, _record())
    record = ws.workshop_record(seeded, "TB-2026-500")
    assert record["id"] == workshop_id and record["version"] == 1
    assert (record["pair_a"], record["pair_b"]) == ("GTM", "SLV")  # stored in alphabetical order
    assert record["venue_name"] == "Ahuachapán" and record["venue_country_iso3"] == "SLV"
    assert record["participants"]["migration.M"] == 6 and record["participants"]["police.F"] == 0
    assert record["posts"] == ["GTM-PDA", "SLV-HAC"]
    with seeded.connect() as conn:
        audit = pd.read_sql(select(AuditEntry).where(AuditEntry.entity == "workshop"), conn)
    assert set(audit["action"]) == {"create"} and set(audit["username"]) == {"ana"}
    logged = dict(zip(audit["field"], audit["new_value"], strict=True))
    assert logged["title"] == "Taller binacional de prueba"
    assert logged["participants"] == "customs.U=2, migration.F=4, migration.M=6"
    assert logged["posts"] == "GTM-PDA, SLV-HAC"
    # It overlaps January 2026, so it counts in that month although it started in December.
    january = wq.workshops_frame(seeded, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert "TB-2026-500" in january["code"].tolist()
    assert wq.workshops_frame(seeded, dt.date(2026, 1, 3), dt.date(2026, 1, 31))["code"].eq("TB-2026-500").sum() == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"pair_a": "GTM", "pair_b": "NIC"}, "pair"),  # no common border
    ({"end_date": dt.date(2025, 12, 1)}, "dates"),
    ({"title": "  "}, "title"),
    ({"code": "bad code!"}, "code"),
    ({"venue_lon": -40.0}, "venue"),
    ({"participants": {"migration.F": -1}}, "participants"),
    ({"participants": {"pilots.F": 3}}, "participants"),
    ({"posts": ["NOPE-1"]}, "posts"),
])
def test_create_refuses_invalid_workshops(seeded: Engine, changes: dict, field: str) -> None:
    with pytest.raises(ws.ValidationFailed) as error:
        ws.create_workshop(seeded, EDITOR, _record(**changes))
    assert field in error.value.problems
    assert ws.workshop_record(seeded, str(_record(**changes)["code"]).strip().upper()) is None


def test_create_refuses_a_taken_code(seeded: Engine) -> None:
    with pytest.raises(ws.ValidationFailed) as error:
        ws.create_workshop(seeded, EDITOR, _record(code="TB-2024-001"))
    assert error.value.problems == {"code": "ws.err.code_taken"}


def test_national_and_regional_workshops_need_no_pair(seeded: Engine) -> None:
    venue = ws.venue_from_point(-88.0, 14.1, "Sala de conferencias")
    assert venue["venue_country_iso3"] == "HND" and venue["venue_geonameid"] is None
    ws.create_workshop(seeded, EDITOR, _record(code="TN-1", scope="national", **venue))
    record = ws.workshop_record(seeded, "TN-1")
    assert record["pair_a"] is None and record["pair_b"] is None  # a pair is dropped unless binational


def test_correction_is_versioned_and_audited(seeded: Engine) -> None:
    seen = ws.workshop_record(seeded, "TB-2024-001")
    version = ws.correct_workshop(seeded, EDITOR, "TB-2024-001", seen, {"title": "Título corregido"})
    assert version == seen["version"] + 1
    after = ws.workshop_record(seeded, "TB-2024-001")
    assert after["title"] == "Título corregido" and after["participants"] == seen["participants"]
    with seeded.connect() as conn:
        rows = conn.execute(select(AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value, AuditEntry.username)
                            .where(AuditEntry.entity == "workshop", AuditEntry.action == "update")).all()
    assert rows == [("title", seen["title"], "Título corregido", "ana")]
    # Saving the same values again changes nothing and writes nothing.
    assert ws.correct_workshop(seeded, EDITOR, "TB-2024-001", after, {"title": "Título corregido"}) == version


def test_children_only_correction_raises_the_version(seeded: Engine) -> None:
    seen = ws.workshop_record(seeded, "TB-2024-001")
    parts = {**seen["participants"], "police.F": seen["participants"]["police.F"] + 3}
    version = ws.correct_workshop(seeded, EDITOR, "TB-2024-001", seen,
                                  {"participants": parts, "posts": [*seen["posts"], "GTM-VNU"]})
    assert version == seen["version"] + 1
    after = ws.workshop_record(seeded, "TB-2024-001")
    assert after["participants"]["police.F"] == parts["police.F"]
    assert "GTM-VNU" in after["posts"]
    with seeded.connect() as conn:
        fields = set(conn.execute(select(AuditEntry.field).where(  # the correction's, not the sample's story
            AuditEntry.action == "update", AuditEntry.username == EDITOR.username)).scalars())
    assert fields == {"participants", "posts"}


def test_stale_correction_is_refused_with_what_changed(seeded: Engine) -> None:
    seen_by_ana = ws.workshop_record(seeded, "TB-2024-001")
    seen_by_luis = ws.workshop_record(seeded, "TB-2024-001")
    new_parts = {**seen_by_ana["participants"], "customs.F": 9}
    ws.correct_workshop(seeded, EDITOR, "TB-2024-001", seen_by_ana, {"title": "Versión de Ana",
                                                                      "participants": new_parts})
    with pytest.raises(ws.StaleEdit) as error:
        ws.correct_workshop(seeded, OTHER_EDITOR, "TB-2024-001", seen_by_luis, {"organisers": "Luis"})
    stale = error.value
    assert stale.by == "ana"
    assert stale.meanwhile["title"] == (seen_by_luis["title"], "Versión de Ana")
    assert "customs.F=9" in stale.meanwhile["participants"][1]
    current = ws.workshop_record(seeded, "TB-2024-001")
    assert current["organisers"] == seen_by_luis["organisers"]  # Luis's change was not written
    assert current["title"] == "Versión de Ana"


def test_correction_requires_an_editor_and_valid_values(seeded: Engine) -> None:
    seen = ws.workshop_record(seeded, "TB-2024-001")
    with pytest.raises(PermissionDenied):
        ws.correct_workshop(seeded, ANONYMOUS, "TB-2024-001", seen, {"title": "x"})
    with pytest.raises(ws.ValidationFailed) as error:
        ws.correct_workshop(seeded, EDITOR, "TB-2024-001", seen, {"end_date": dt.date(2000, 1, 1)})
    assert "dates" in error.value.problems
    with pytest.raises(ws.NotFound):
        ws.correct_workshop(seeded, EDITOR, "NOPE", seen, {"title": "x"})
    assert ws.workshop_record(seeded, "TB-2024-001")["version"] == seen["version"]


def test_gazetteer_venue_fields() -> None:
    place = reference.find_places("san cristobal verapaz").iloc[0]
    venue = ws.venue_from_place(int(place["geonameid"]))
    assert venue["venue_name"] == "San Cristóbal Verapaz"
    assert venue["venue_country_iso3"] == "GTM"
    assert (venue["venue_lon"], venue["venue_lat"]) == (float(place["lon"]), float(place["lat"]))
    with pytest.raises(ws.ValidationFailed):
        ws.venue_from_place(-1)
