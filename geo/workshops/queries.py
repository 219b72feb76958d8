"""Training workshops, read: the period's workshops, participants, attendance, agencies, crossings per post,
posts near a point, binational pairs (aggregated in SQL). geo.workshops.records holds the editor's write path."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pyproj import Geod
from sqlalchemy import Engine, Integer, and_, case, cast, extract, func, select, text

from geo import reference
from geo.models import (
    FlowMonthRoute,
    Post,
    Workshop,
    WorkshopParticipants,
    WorkshopPost,
)

GEOD = Geod(ellps="WGS84")


def _overlaps(start: dt.date, end: dt.date):
    """A workshop belongs to a period when its dates overlap it."""
    return and_(Workshop.start_date <= end, Workshop.end_date >= start)




def workshop_dates(engine: Engine) -> tuple[dt.date, dt.date] | None:
    """First start and last end date over all workshops (None when there are none)."""
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(Workshop.start_date), func.max(Workshop.end_date))).one()
    return None if first is None else (first, last)


def workshops_held(engine: Engine) -> pd.DataFrame:
    """Every workshop on record (workshops_frame over the whole programme period)."""
    dates = workshop_dates(engine)
    return workshops_frame(engine, *dates) if dates else workshops_frame(engine, dt.date.min, dt.date.min)


def workshops_frame(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per workshop in the period with participant totals (women, men, not recorded) and posts."""
    people = (
        select(
            WorkshopParticipants.workshop_id,
            func.sum(WorkshopParticipants.count).label("participants"),
            func.sum(case((WorkshopParticipants.sex == "F", WorkshopParticipants.count), else_=0)).label("women"),
        )
        .group_by(WorkshopParticipants.workshop_id)
        .subquery()
    )
    posts = (
        select(WorkshopPost.workshop_id, func.count().label("posts"))
        .group_by(WorkshopPost.workshop_id)
        .subquery()
    )
    query = (
        select(
            Workshop.id, Workshop.code, Workshop.title, Workshop.topic, Workshop.start_date, Workshop.end_date,
            Workshop.venue_name, Workshop.venue_country_iso3, Workshop.venue_lon, Workshop.venue_lat,
            Workshop.scope, Workshop.pair_a, Workshop.pair_b, Workshop.organisers, Workshop.is_sample,
            Workshop.version, Workshop.updated_by,
            func.coalesce(people.c.participants, 0).label("participants"),
            func.coalesce(people.c.women, 0).label("women"),
            func.coalesce(posts.c.posts, 0).label("posts"),
        )
        .outerjoin(people, people.c.workshop_id == Workshop.id)
        .outerjoin(posts, posts.c.workshop_id == Workshop.id)
        .where(_overlaps(start, end))
        .order_by(Workshop.start_date, Workshop.code)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    for column in ("participants", "women", "posts"):
        frame[column] = frame[column].astype("int64")
    frame["pair"] = np.where(frame["pair_a"].notna(), frame["pair_a"].fillna("") + "-" + frame["pair_b"].fillna(""),
                             None)
    return frame


def participants_over_time(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Participants per quarter (of the workshop's start), agency and sex: year, quarter, agency, sex, count."""
    year = cast(extract("year", Workshop.start_date), Integer).label("year")
    quarter = ((cast(extract("month", Workshop.start_date), Integer) + 2) // 3).label("quarter")
    query = (
        select(year, quarter, WorkshopParticipants.agency, WorkshopParticipants.sex,
               func.sum(WorkshopParticipants.count).label("count"))
        .join(Workshop, Workshop.id == WorkshopParticipants.workshop_id)
        .where(_overlaps(start, end))
        .group_by(year, quarter, WorkshopParticipants.agency, WorkshopParticipants.sex)
        .order_by(year, quarter)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame = frame.astype({"year": "int64", "quarter": "int64", "count": "int64"})
    return frame


def attendance(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """(workshop_id, post_id) for the workshops of the period: whose staff attended what."""
    query = (
        select(WorkshopPost.workshop_id, WorkshopPost.post_id)
        .join(Workshop, Workshop.id == WorkshopPost.workshop_id)
        .where(_overlaps(start, end))
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def agencies_present(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """(workshop_id, agency, participants) for agencies with at least one participant, per workshop."""
    total = func.sum(WorkshopParticipants.count)
    query = (
        select(WorkshopParticipants.workshop_id, WorkshopParticipants.agency, total.label("participants"))
        .join(Workshop, Workshop.id == WorkshopParticipants.workshop_id)
        .where(_overlaps(start, end))
        .group_by(WorkshopParticipants.workshop_id, WorkshopParticipants.agency)
        .having(total > 0)
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def flow_by_post(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """(post_id, flow): crossings recorded at each post in the months the period touches (from the narrowest
    roll-up that has month and post: ~15x fewer rows than flow_monthly at 20M flow rows)."""
    first = start.replace(day=1)
    query = (
        select(FlowMonthRoute.post_id, func.sum(FlowMonthRoute.count).label("flow"))
        .where(FlowMonthRoute.month >= first, FlowMonthRoute.month <= end)
        .group_by(FlowMonthRoute.post_id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.astype({"flow": "int64"})


def programme_posts(engine: Engine, countries: tuple[str, ...] = reference.CA4,
                    types: tuple[str, ...] = ()) -> pd.DataFrame:
    """The posts the programme trains: those of `countries`, optionally of some types only."""
    query = select(Post.id, Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code,
                   Post.neighbour_iso3, Post.lon, Post.lat).where(Post.country_iso3.in_(countries))
    if types:
        query = query.where(Post.type.in_(types))
    with engine.connect() as conn:
        return pd.read_sql(query.order_by(Post.code), conn)


def posts_within_km(engine: Engine, lon: float, lat: float, km: float) -> pd.DataFrame:
    """Posts within `km` kilometres of the point: code, name, country_iso3, distance_m, nearest first.

    On PostgreSQL the GiST-indexed geography column answers it (ST_DWithin, metres on the spheroid);
    elsewhere a bounding box narrows the rows in SQL and pyproj.Geod measures the rest. Both agree.
    """
    metres = float(km) * 1000.0
    if engine.dialect.name == "postgresql":
        sql = text(
            "SELECT code, name, country_iso3, ST_Distance(geog, point.g) AS distance_m "
            "FROM posts, (SELECT CAST(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geography) AS g) AS point "
            "WHERE ST_DWithin(geog, point.g, :metres) ORDER BY distance_m, code"
        )
        with engine.connect() as conn:
            frame = pd.read_sql(sql, conn, params={"lon": float(lon), "lat": float(lat), "metres": metres})
        return frame.astype({"distance_m": "float64"}).reset_index(drop=True)
    return _posts_within_portable(engine, lon, lat, metres)


def _posts_within_portable(engine: Engine, lon: float, lat: float, metres: float) -> pd.DataFrame:
    # Bounding box a little larger than the circle (one degree of latitude is ≥ 110.5 km).
    dlat = metres / 110_000.0 + 0.01
    dlon = metres / (110_000.0 * max(np.cos(np.radians(min(abs(lat) + dlat, 89.0))), 1e-6)) + 0.01
    query = (
        select(Post.code, Post.name, Post.country_iso3, Post.lon, Post.lat)
        .where(Post.lon.between(lon - dlon, lon + dlon), Post.lat.between(lat - dlat, lat + dlat))
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    _, _, dist = GEOD.inv(np.full(len(frame), float(lon)), np.full(len(frame), float(lat)),
                          frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
    frame["distance_m"] = np.asarray(dist, dtype=float)
    frame = frame[frame["distance_m"] <= metres].sort_values(["distance_m", "code"])
    return frame[["code", "name", "country_iso3", "distance_m"]].reset_index(drop=True)


def pair_matrix(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Binational pairs (every border with a CA4 side) × workshops held and participants in the period."""
    people = (
        select(WorkshopParticipants.workshop_id, func.sum(WorkshopParticipants.count).label("n"))
        .group_by(WorkshopParticipants.workshop_id)
        .subquery()
    )
    query = (
        select(Workshop.pair_a, Workshop.pair_b, func.count(Workshop.id).label("workshops"),
               func.coalesce(func.sum(people.c.n), 0).label("participants"),
               func.max(Workshop.end_date).label("last_end"))
        .outerjoin(people, people.c.workshop_id == Workshop.id)
        .where(_overlaps(start, end), Workshop.scope == "binational")
        .group_by(Workshop.pair_a, Workshop.pair_b)
    )
    with engine.connect() as conn:
        held = pd.read_sql(query, conn)
    borders = reference.borders()
    pairs = borders[borders["iso_a"].isin(reference.CA4) | borders["iso_b"].isin(reference.CA4)]
    frame = pairs[["pair", "iso_a", "iso_b"]].merge(
        held, left_on=["iso_a", "iso_b"], right_on=["pair_a", "pair_b"], how="left"
    ).drop(columns=["pair_a", "pair_b"])
    frame["workshops"] = frame["workshops"].fillna(0).astype("int64")
    frame["participants"] = frame["participants"].fillna(0).astype("int64")
    return frame.sort_values("pair").reset_index(drop=True)


def neighbour_pairs() -> list[tuple[str, str]]:
    """The binational pairs a workshop may serve: neighbouring countries with at least one CA4 side."""
    borders = reference.borders()
    rows = borders[borders["iso_a"].isin(reference.CA4) | borders["iso_b"].isin(reference.CA4)]
    return sorted(zip(rows["iso_a"], rows["iso_b"], strict=True))
