"""Schema: migrations reach head on both backends, and the constraints reject bad rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, inspect, text
from sqlalchemy.exc import IntegrityError

from geo.db import current_revision, head_revision, migrate
from geo.models import Country, FlowCount, Post, PostComponent, User, Workshop, WorkshopParticipants

TABLES = {
    "countries", "posts", "component_types", "post_components", "workshops", "workshop_participants",
    "workshop_posts", "flow_counts", "flow_monthly", "assisted_returns", "projects", "project_countries",
    "project_components", "audit_log", "users", "dataset_state",
}


def test_migrates_empty_database_to_head(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    migrate(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    migrate(empty_engine)  # idempotent
    assert current_revision(empty_engine) == head_revision()


def test_postgis_geography_column_is_generated(pg_engine: Engine) -> None:
    migrate(pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(insert(Country), [{"iso3": "GTM", "name_es": "Guatemala", "name_en": "Guatemala",
                                         "is_ca4": True}])
        conn.execute(insert(Post), {"code": "GTM-GUA", "name": "La Aurora", "country_iso3": "GTM",
                                    "type": "air", "lon": -90.527, "lat": 14.583})
        # Guatemala City's airport is about 9 km from the town of Mixco (-90.6064, 14.6308).
        meters = conn.execute(text(
            "SELECT ST_Distance(geog, ST_SetSRID(ST_MakePoint(-90.6064, 14.6308), 4326)::geography) "
            "FROM posts WHERE code = 'GTM-GUA'"
        )).scalar_one()
    assert 9_000 < meters < 10_500


def _base(conn) -> int:
    conn.execute(insert(Country), [
        {"iso3": "GTM", "name_es": "Guatemala", "name_en": "Guatemala", "is_ca4": True},
        {"iso3": "SLV", "name_es": "El Salvador", "name_en": "El Salvador", "is_ca4": True},
    ])
    return conn.execute(insert(Post).returning(Post.id), {
        "code": "GTM-PDA", "name": "Pedro de Alvarado", "country_iso3": "GTM", "type": "land",
        "crossing_code": "GTM-SLV-01", "neighbour_iso3": "SLV", "lon": -90.1, "lat": 13.8,
    }).scalar_one()


BAD_ROWS = {
    "iso3 lower case": (Country, {"iso3": "gtm", "name_es": "x", "name_en": "x", "is_ca4": False}),
    "post type": (Post, {"code": "X-1", "name": "x", "country_iso3": "GTM", "type": "rail", "lon": -90, "lat": 14}),
    "latitude range": (Post, {"code": "X-2", "name": "x", "country_iso3": "GTM", "type": "air", "lon": -90,
                              "lat": 140}),
    "land post without neighbour": (Post, {"code": "X-3", "name": "x", "country_iso3": "GTM", "type": "land",
                                           "crossing_code": "C", "lon": -90, "lat": 14}),
    "unknown country": (Post, {"code": "X-4", "name": "x", "country_iso3": "ZZZ", "type": "air", "lon": -90,
                               "lat": 14}),
    "duplicate post code": (Post, {"code": "GTM-PDA", "name": "x", "country_iso3": "GTM", "type": "air",
                                   "lon": -90, "lat": 14}),
    "negative flow count": (FlowCount, {"day": dt.date(2025, 1, 1), "month": dt.date(2025, 1, 1), "post_id": None,
                                        "direction": "entry", "nationality": "GTM", "sex": "F", "age_band": "18-29",
                                        "prev_country": "", "next_country": "", "count": -1}),
    "flow direction": (FlowCount, {"day": dt.date(2025, 1, 1), "month": dt.date(2025, 1, 1), "post_id": None,
                                   "direction": "both", "nationality": "GTM", "sex": "F", "age_band": "18-29",
                                   "prev_country": "", "next_country": "", "count": 1}),
    "progress over 100": (PostComponent, {"post_id": None, "component_code": None, "status": "installation",
                                          "progress": 140}),
    "operational without completion date": (PostComponent, {"post_id": None, "component_code": None,
                                                            "status": "operational", "progress": 100}),
    "workshop ends before start": (Workshop, {"code": "W1", "title": "x", "start_date": dt.date(2025, 5, 2),
                                              "end_date": dt.date(2025, 5, 1), "scope": "national"}),
    "binational workshop without pair": (Workshop, {"code": "W2", "title": "x", "start_date": dt.date(2025, 5, 2),
                                                    "end_date": dt.date(2025, 5, 3), "scope": "binational"}),
    "participants agency": (WorkshopParticipants, {"workshop_id": None, "agency": "army", "sex": "F", "count": 1}),
    "user role": (User, {"username": "u", "password_hash": "h", "role": "root"}),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_constraints_reject_bad_rows(migrated_engine: Engine, case: str) -> None:
    from geo.models import ComponentType
    from geo.programme.catalogue import COMPONENT_TYPES

    model, values = BAD_ROWS[case]
    with migrated_engine.begin() as conn:
        post_id = _base(conn)
        code, en, es, cat, order = COMPONENT_TYPES[0]
        conn.execute(insert(ComponentType), {"code": code, "name_en": en, "name_es": es, "category": cat,
                                             "sort_order": order})
        workshop_id = conn.execute(insert(Workshop).returning(Workshop.id), {
            "code": "W0", "title": "ok", "start_date": dt.date(2025, 1, 1), "end_date": dt.date(2025, 1, 2),
            "scope": "national"}).scalar_one()
    values = dict(values)
    values.update({k: post_id for k, v in values.items() if k == "post_id" and v is None})
    values.update({k: code for k, v in values.items() if k == "component_code" and v is None})
    values.update({k: workshop_id for k, v in values.items() if k == "workshop_id" and v is None})
    with pytest.raises(IntegrityError), migrated_engine.begin() as conn:
        conn.execute(insert(model), values)
