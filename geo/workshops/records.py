"""Training workshops: queries (aggregated in SQL) and the editor's add / correct path.

A workshop has a venue (a gazetteer town or a point), serves a binational pair or is national/regional,
counts its participants by agency and sex, and lists the posts whose staff attended. Every write (the
add and correct forms, every import) goes through save_workshop: merge, validate, version, audit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pyproj import Geod
from sqlalchemy import Connection, Engine, Integer, and_, case, cast, delete, extract, func, insert, select, text
from sqlalchemy.orm import Session

from geo import reference
from geo.access.audit import as_text
from geo.access.auth import Actor, require
from geo.access.editing import NotFound, Saved, StaleEdit, ValidationFailed, save_record
from geo.db import session_scope
from geo.models import (
    AGENCIES,
    SEXES,
    WORKSHOP_SCOPES,
    FlowMonthRoute,
    Post,
    Workshop,
    WorkshopParticipants,
    WorkshopPost,
)

GEOD = Geod(ellps="WGS84")
ENTITY = "workshop"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,23}$")
# The fields an editor sets on the workshop row itself (children: participants, posts).
EDIT_FIELDS = ("title", "topic", "start_date", "end_date", "venue_name", "venue_geonameid", "venue_country_iso3",
               "venue_lon", "venue_lat", "scope", "pair_a", "pair_b", "organisers")
PARTICIPANT_KEYS = tuple(f"{a}.{s}" for a in AGENCIES for s in SEXES)  # "migration.F", ...


def _overlaps(start: dt.date, end: dt.date):
    """A workshop belongs to a period when its dates overlap it."""
    return and_(Workshop.start_date <= end, Workshop.end_date >= start)


# ---------------------------------------------------------------- reads


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


# ---------------------------------------------------------------- one workshop, for the editor


def workshop_record(engine: Engine, code: str) -> dict[str, Any] | None:
    """Everything the correction form shows: the row's fields, version, participants and posts."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Workshop.id, Workshop.code, Workshop.version, *(getattr(Workshop, f) for f in EDIT_FIELDS))
            .where(Workshop.code == code)
        ).mappings().first()
        if row is None:
            return None
        record = dict(row)
        parts = conn.execute(
            select(WorkshopParticipants.agency, WorkshopParticipants.sex, WorkshopParticipants.count)
            .where(WorkshopParticipants.workshop_id == record["id"])
        ).all()
        posts = conn.execute(
            select(Post.code).join(WorkshopPost, WorkshopPost.post_id == Post.id)
            .where(WorkshopPost.workshop_id == record["id"]).order_by(Post.code)
        ).scalars().all()
    record["participants"] = {key: 0 for key in PARTICIPANT_KEYS} | {f"{a}.{s}": int(n) for a, s, n in parts}
    record["posts"] = list(posts)
    return record


def venue_from_place(geonameid: int) -> dict[str, Any]:
    """Venue fields from a gazetteer town (name, id, country, coordinates)."""
    places = reference.gazetteer()
    match = places[places["geonameid"] == int(geonameid)]
    if match.empty:
        raise ValidationFailed({"venue": "ws.err.venue_unknown"})
    place = match.iloc[0]
    return {"venue_name": str(place["name"]), "venue_geonameid": int(place["geonameid"]),
            "venue_country_iso3": str(place["country_iso3"]), "venue_lon": float(place["lon"]),
            "venue_lat": float(place["lat"])}


def venue_from_point(lon: float, lat: float, name: str | None = None) -> dict[str, Any]:
    """Venue fields from a point: its country comes from the map, not from the editor."""
    return {"venue_name": (name or "").strip() or None, "venue_geonameid": None,
            "venue_country_iso3": reference.country_of_point(float(lon), float(lat)),
            "venue_lon": float(lon), "venue_lat": float(lat)}


def normalise(record: Mapping[str, Any]) -> dict[str, Any]:
    """Tidy an editor's input: trimmed text, the pair in alphabetical order, no pair unless binational."""
    out = dict(record)
    for key in ("code", "title", "topic", "organisers", "venue_name"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip() or None
    if out.get("code"):
        out["code"] = out["code"].upper()
    if out.get("scope") == "binational" and out.get("pair_a") and out.get("pair_b"):
        out["pair_a"], out["pair_b"] = sorted((out["pair_a"], out["pair_b"]))
    elif "scope" in out:
        out["pair_a"] = out["pair_b"] = None
    return out


def validate_workshop(record: Mapping[str, Any]) -> dict[str, str]:
    """{field: problem} for every rule the workshop breaks (empty when valid). Problems are i18n keys."""
    problems: dict[str, str] = {}
    if "code" in record and not CODE_PATTERN.match(str(record.get("code") or "")):
        problems["code"] = "ws.err.code"
    if not record.get("title"):
        problems["title"] = "ws.err.title"
    start, end = record.get("start_date"), record.get("end_date")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        problems["dates"] = "ws.err.dates_missing"
    elif end < start:
        problems["dates"] = "ws.err.dates_order"
    scope = record.get("scope")
    if scope not in WORKSHOP_SCOPES:
        problems["scope"] = "ws.err.scope"
    elif scope == "binational":
        pair = (record.get("pair_a"), record.get("pair_b"))
        if pair not in neighbour_pairs():
            problems["pair"] = "ws.err.pair"
    lon, lat = record.get("venue_lon"), record.get("venue_lat")
    if lon is None or lat is None:
        problems["venue"] = "ws.err.venue_missing"
    else:
        minx, miny, maxx, maxy = reference.REGION_BOUNDS
        if not (minx <= float(lon) <= maxx and miny <= float(lat) <= maxy):
            problems["venue"] = "ws.err.venue_outside"
        elif not record.get("venue_name"):
            problems["venue"] = "ws.err.venue_name"
    participants = record.get("participants")
    if participants is not None:
        bad = [k for k, v in participants.items() if k not in PARTICIPANT_KEYS or not _count_ok(v)]
        if bad:
            problems["participants"] = "ws.err.participants"
    return problems


def _count_ok(value: object) -> bool:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return number >= 0 and number.is_integer()


def _post_ids(target: Connection | Session, codes: list[str]) -> dict[str, int]:
    found = dict(target.execute(select(Post.code, Post.id).where(Post.code.in_(codes))).all())
    missing = sorted(set(codes) - set(found))
    if missing:
        raise ValidationFailed({"posts": "ws.err.posts"})
    return found


def _participant_rows(workshop_id: int, participants: Mapping[str, object]) -> list[dict]:
    rows = []
    for key, value in participants.items():
        agency, sex = key.split(".")
        if int(float(value)) > 0:  # type: ignore[arg-type]
            rows.append({"workshop_id": workshop_id, "agency": agency, "sex": sex, "count": int(float(value))})
    return rows


def participants_text(participants: Mapping[str, object]) -> str:
    """Participants as one line for the audit log ("migration.F=3, police.M=5"): THE wording, for forms and
    imports."""
    return ", ".join(f"{k}={int(float(v))}" for k, v in sorted(participants.items()) if int(float(v)) > 0)


def save_workshop(target: Connection | Session, actor: Actor, code: str, given: Mapping[str, Any], *,
                  mode: str = "upsert", seen: Mapping[str, Any] | None = None,
                  at: dt.datetime | None = None) -> Saved:
    """THE write path of a workshop, its participants and its posts: the forms and every import call it.

    `given` may be partial: fields it does not name keep their stored values, and participants ("agency.sex":
    count) and posts (codes) are replaced only when given. The merged workshop must pass validate_workshop.
    """
    require(actor, "editor", "edit workshops")
    given = normalise({k: v for k, v in given.items() if k != "code"})
    participants = given.get("participants")
    post_codes = sorted(set(given["posts"])) if given.get("posts") is not None else None
    fields = {f: given[f] for f in (*EDIT_FIELDS, "project_id", "is_sample") if f in given}

    def stored_children(workshop_id: int) -> tuple[dict[str, int], list[str]]:
        return _current_participants(target, workshop_id), _current_posts(target, workshop_id)

    def rules(stored: Mapping[str, object] | None, merged: dict[str, object]) -> dict[str, str]:
        current = stored_children(int(stored["id"]))[0] if stored is not None else {}  # type: ignore[arg-type]
        return validate_workshop({**normalise(merged), "code": code,
                                  "participants": participants if participants is not None else current})

    def children(conn: Connection | Session, workshop_id: int, stored: Mapping[str, object] | None
                 ) -> dict[str, tuple[object, object]]:
        old_parts, old_posts = stored_children(workshop_id) if stored is not None else ({}, [])
        changes: dict[str, tuple[object, object]] = {}
        if participants is not None and participants_text(old_parts) != participants_text(participants):
            conn.execute(delete(WorkshopParticipants).where(WorkshopParticipants.workshop_id == workshop_id))
            rows = _participant_rows(workshop_id, participants)
            if rows:
                conn.execute(insert(WorkshopParticipants), rows)
            changes["participants"] = (participants_text(old_parts) or None, participants_text(participants))
        if post_codes is not None and old_posts != post_codes:
            ids = _post_ids(conn, post_codes)
            conn.execute(delete(WorkshopPost).where(WorkshopPost.workshop_id == workshop_id))
            if post_codes:
                conn.execute(insert(WorkshopPost),
                             [{"workshop_id": workshop_id, "post_id": ids[c]} for c in post_codes])
            changes["posts"] = (", ".join(old_posts) or None, ", ".join(post_codes))
        return changes

    return save_record(target, actor, Workshop, {"code": code}, fields, entity=ENTITY, key=code, mode=mode,
                       defaults={"is_sample": False}, seen=seen, validate=rules, children=children, at=at,
                       exists=("code", "ws.err.code_taken"))


def create_workshop(engine: Engine, actor: Actor, record: Mapping[str, Any]) -> int:
    """Add a workshop with its participants and posts in one transaction, audited. Returns its id."""
    require(actor, "editor", "add workshops")
    record = normalise(record)
    problems = validate_workshop(record)  # the code's format is checked before anything is read
    if problems:
        raise ValidationFailed(problems)
    given = {**record, "participants": dict(record.get("participants") or {}), "posts": record.get("posts") or []}
    with session_scope(engine) as session:
        saved = save_workshop(session, actor, record["code"], given, mode="create")
    return int(saved.id or 0)


def correct_workshop(engine: Engine, actor: Actor, code: str, seen: Mapping[str, Any],
                     new: Mapping[str, Any]) -> int:
    """Save an editor's correction of `code`. `seen` is workshop_record() as read when the form opened.

    Refused with StaleEdit (listing what changed meanwhile, participants and posts included) when
    someone saved the workshop after it was read. Returns the new version.
    """
    require(actor, "editor", "correct workshops")
    seen_row = {f: seen.get(f) for f in EDIT_FIELDS} | {"version": seen.get("version")}
    try:
        with session_scope(engine) as session:
            saved = save_workshop(session, actor, code, new, mode="update", seen=seen_row)
    except StaleEdit as stale:
        stale.meanwhile.update(_children_meanwhile(engine, code, seen))
        raise
    return int(saved.version or 0)


def _current_participants(session: Connection | Session, workshop_id: int) -> dict[str, int]:
    rows = session.execute(
        select(WorkshopParticipants.agency, WorkshopParticipants.sex, WorkshopParticipants.count)
        .where(WorkshopParticipants.workshop_id == workshop_id)
    ).all()
    return {key: 0 for key in PARTICIPANT_KEYS} | {f"{a}.{s}": int(n) for a, s, n in rows}


def _current_posts(session: Connection | Session, workshop_id: int) -> list[str]:
    return list(session.execute(
        select(Post.code).join(WorkshopPost, WorkshopPost.post_id == Post.id)
        .where(WorkshopPost.workshop_id == workshop_id).order_by(Post.code)
    ).scalars().all())


def _children_meanwhile(engine: Engine, code: str, seen: Mapping[str, Any]) -> dict[str, tuple[object, object]]:
    """Participants and posts someone else changed since `seen` was read (for the stale-edit message)."""
    current = workshop_record(engine, code)
    if current is None:
        return {}
    out: dict[str, tuple[object, object]] = {}
    if "participants" in seen:
        before, now_ = participants_text(seen["participants"]), participants_text(current["participants"])
        if before != now_:
            out["participants"] = (before, now_)
    if "posts" in seen:
        before, now_ = ", ".join(sorted(seen["posts"])), ", ".join(current["posts"])
        if as_text(before) != as_text(now_):
            out["posts"] = (before, now_)
    return out


__all__ = [
    "EDIT_FIELDS",
    "PARTICIPANT_KEYS",
    "NotFound",
    "StaleEdit",
    "ValidationFailed",
    "agencies_present",
    "attendance",
    "correct_workshop",
    "create_workshop",
    "flow_by_post",
    "neighbour_pairs",
    "pair_matrix",
    "participants_over_time",
    "participants_text",
    "posts_within_km",
    "programme_posts",
    "save_workshop",
    "validate_workshop",
    "venue_from_place",
    "venue_from_point",
    "workshop_dates",
    "workshop_record",
    "workshops_frame",
]
