"""Training workshops: the editor's add / correct path (reads are in geo.workshops.queries).

A workshop has a venue (a gazetteer town or a point), serves a binational pair or is national/regional,
counts its participants by agency and sex, and lists the posts whose staff attended. Every write (the
add and correct forms, every import) goes through save_workshop: merge, validate, version, audit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.orm import Session

from geo import reference
from geo.access.audit import as_text
from geo.access.auth import Actor, require
from geo.access.editing import NotFound, Saved, StaleEdit, ValidationFailed, save_record
from geo.db import session_scope
from geo.io.parsers import parse_typed
from geo.kinds.rules import CountryName, point_problem
from geo.models import (
    AGENCIES,
    SEXES,
    WORKSHOP_SCOPES,
    Post,
    Workshop,
    WorkshopParticipants,
    WorkshopPost,
)
from geo.workshops.fields import WORKSHOPS
from geo.workshops.queries import neighbour_pairs

ENTITY = "workshop"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,23}$")
# The fields an editor sets on the workshop row itself (children: participants, posts).
EDIT_FIELDS = ("title", "topic", "start_date", "end_date", "venue_name", "venue_geonameid", "venue_country_iso3",
               "venue_lon", "venue_lat", "scope", "pair_a", "pair_b", "organisers")
VENUE_BORDER_KM = 5.0  # a venue's stated country may be the one across a border this near its point
PARTICIPANT_KEYS = tuple(f"{a}.{s}" for a in AGENCIES for s in SEXES)  # "migration.F", ...


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


def _participant_field(key: str):
    return WORKSHOPS.field(f"participants_{key.replace('.', '_')}")


def normalise(record: Mapping[str, Any]) -> dict[str, Any]:
    """Tidy an editor's input: trimmed text, the pair in alphabetical order, no pair unless binational; counts
    typed as text (1,200) read by the import's rule, blank as 0 (a text that is no count is kept for the
    validator)."""
    out = dict(record)
    if isinstance(out.get("participants"), Mapping):
        parts = dict(out["participants"])
        for key, value in parts.items():
            if isinstance(value, str) and key in PARTICIPANT_KEYS:
                number, problem = parse_typed(value, _participant_field(key))
                if problem is None:
                    parts[key] = 0 if number is None else int(number)
        out["participants"] = parts
    for key in ("code", "title", "topic", "organisers", "venue_name"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip() or None
    if out.get("code"):
        out["code"] = out["code"].upper()
    if out.get("venue_lon") is not None and out.get("venue_lat") is not None and not out.get("venue_country_iso3") \
            and "venue_country_iso3" in out:
        # A venue given as a point takes its country from the map (as venue_from_point does for the form).
        out["venue_country_iso3"] = reference.country_of_point(float(out["venue_lon"]), float(out["venue_lat"]))
    if out.get("scope") == "binational":
        if out.get("pair_a") and out.get("pair_b"):
            out["pair_a"], out["pair_b"] = sorted((out["pair_a"], out["pair_b"]))
    elif "scope" in out:  # (binational without a pair given: a partial input keeps the stored pair)
        out["pair_a"] = out["pair_b"] = None
    return out


def validate_workshop(record: Mapping[str, Any]) -> dict[str, Any]:
    """{field: problem} for every rule the workshop breaks (empty when valid). A problem is an i18n key, or
    (key, params) for the rules an import words with the values (venue, participants' range)."""
    problems: dict[str, str] = {}
    # A value missing, a code or a choice that is not one: the keys the import's cell parser gives.
    if "code" in record and not CODE_PATTERN.match(str(record.get("code") or "")):
        problems["code"] = ("data.err.code_format", {"value": str(record.get("code") or "")})
    if not record.get("title"):
        problems["title"] = "data.err.required"
    start, end = record.get("start_date"), record.get("end_date")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        problems["dates"] = "data.err.required"
    elif end < start:
        problems["dates"] = "ws.err.dates_order"
    scope = record.get("scope")
    if scope is None:
        problems["scope"] = "data.err.required"
    elif scope not in WORKSHOP_SCOPES:
        problems["scope"] = ("data.err.choice", {"value": str(scope), "allowed": ", ".join(WORKSHOP_SCOPES)})
    elif scope == "binational":
        pair = (record.get("pair_a"), record.get("pair_b"))
        if pair not in neighbour_pairs():
            problems["pair"] = "ws.err.pair"
    lon, lat = record.get("venue_lon"), record.get("venue_lat")
    if lon is None or lat is None:
        problems["venue"] = "ws.err.venue_missing"
    else:
        # In the region (else: swapped? sign lost?) and on land in one of its countries, not at sea.
        where = point_problem(lon, lat)
        if where:
            problems["venue"] = where
        elif not record.get("venue_name"):
            problems["venue"] = "ws.err.venue_name"
        else:
            wrong = venue_country_problem(record.get("venue_country_iso3"), float(lon), float(lat))
            if wrong:
                problems["venue_country_iso3"] = wrong
    participants = record.get("participants")
    if participants is not None:
        typed = next((parse_typed(v, _participant_field(k))[1] for k, v in participants.items()
                      if isinstance(v, str) and k in PARTICIPANT_KEYS), None)  # text the form could not read
        if typed:
            problems["participants"] = typed
            return problems
        bad = [k for k, v in participants.items() if k not in PARTICIPANT_KEYS or not _count_ok(v)]
        # The cap per agency and sex is the field's range (geo.workshops.fields): the import's key too.
        ranges = [WORKSHOPS.field(f"participants_{k.replace('.', '_')}").value_problem(v)
                  for k, v in participants.items() if k in PARTICIPANT_KEYS]
        out_of_range = next((r for r in ranges if r), None)
        if out_of_range:
            problems["participants"] = out_of_range
        elif bad:
            problems["participants"] = "ws.err.participants"
    return problems


def venue_country_problem(country: object, lon: float, lat: float) -> tuple[str, dict[str, Any]] | None:
    """THE rule of a venue's country: the country its point lies in, or, within VENUE_BORDER_KM of a border,
    the country across it (the gazetteer's towns near a border sit up to 3.4 km on the other side of Natural
    Earth's generalised line). A blank country is filled from the point (normalise)."""
    if not country:
        return None
    inside = reference.country_of_point(lon, lat)
    if inside == country or reference.distance_to_country_m(lon, lat, str(country)) <= VENUE_BORDER_KM * 1000:
        return None
    return "ws.err.venue_country", {"country": CountryName(str(country)), "inside": CountryName(inside),
                                    "limit": f"{VENUE_BORDER_KM:g}"}


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
        # the import's key for a code that names no post (its file check finds it first)
        raise ValidationFailed({"posts": ("data.err.unknown_post", {"value": ", ".join(missing[:5])})})
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
    "correct_workshop",
    "create_workshop",
    "neighbour_pairs",
    "participants_text",
    "save_workshop",
    "validate_workshop",
    "venue_from_place",
    "venue_from_point",
    "workshop_record",
]
