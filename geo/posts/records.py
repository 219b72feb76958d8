"""A border post's row rules and its one write path: save_post, which forms and imports both call.

The rules of one post (validate_post) run on the row merged with what is stored, whoever saves it. The
rules that compare posts with each other (one post a side at each crossing, the partner across it near)
need the whole file and the stored posts: they are in geo.posts.kind, after these.

A post keeps its place: a saved position more than MAX_MOVE_KM from the stored one is refused unless the
save says it is a correction (a file's `moved` column true / sí; `moved=True` given to save_post), and an
accepted correction is written to the audit log as such (action "correction").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from geo.access.audit import record_event
from geo.access.auth import Actor
from geo.access.editing import Saved, save_record
from geo.kinds.rules import CountryName, Problem, coordinate_problem
from geo.models import Post
from geo.posts.checks import land_post_problem, point_post_problem
from geo.posts.crossings import COLUMNS as CROSSING_COLUMNS
from geo.posts.crossings import crossing_problems
from geo.posts.fields import POSTS

ENTITY = "post"
REQUIRED = ("name", "country_iso3", "type", "lon", "lat")
# A stored post moved farther than this is a different place, not a more precise one: the placements in
# data/POSTS_PROVENANCE.md are known to ~1-2 km, so a correction of the point stays within a few km.
MAX_MOVE_KM = 5.0
# A crossing code names its border: GTM-HND-03 is the third crossing between Guatemala and Honduras.
_CROSSING_BORDER = re.compile(r"([A-Z]{3})-([A-Z]{3})-\d+")


def moved_km(stored: Mapping[str, Any] | None, row: Mapping[str, Any]) -> float | None:
    """How far `row`'s point is from the stored post's (km, geodesic), or None without both points."""
    if stored is None:
        return None
    points = [stored.get("lon"), stored.get("lat"), row.get("lon"), row.get("lat")]
    if any(v is None or v != v for v in points):
        return None
    from pyproj import Geod

    lon0, lat0, lon1, lat1 = (float(v) for v in points)  # type: ignore[arg-type]
    return Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / 1000


def move_problem(stored: Mapping[str, Any] | None, row: Mapping[str, Any], correction: bool) -> Problem | None:
    """THE rule of a post's place over time: farther than MAX_MOVE_KM from where it is stored is refused
    unless the save declares a correction."""
    km = moved_km(stored, row)
    if km is None or km <= MAX_MOVE_KM or correction:
        return None
    return "data.err.post_moved", {"km": f"{km:.1f}", "limit": f"{MAX_MOVE_KM:g}",
                                   "lon": f"{float(stored['lon']):.5f}", "lat": f"{float(stored['lat']):.5f}"}


def validate_post(row: Mapping[str, Any], stored: Mapping[str, Any] | None = None) -> dict[str, Problem]:
    """{field: (i18n key, params)} for every rule the post breaks (empty: valid). `row` is the whole post,
    as merged with the stored one (its "moved" says whether the save is a declared correction of the
    place); `stored` the post as stored (None: a new post). A coordinate problem is given at "lon"."""
    problems: dict[str, Problem] = {}
    for name in REQUIRED:
        if row.get(name) is None or row.get(name) == "":
            problems[name] = ("data.err.required", {})
    post_type, neighbour, country = row.get("type"), row.get("neighbour_iso3"), row.get("country_iso3")
    if post_type == "land":
        if not neighbour:
            problems["neighbour_iso3"] = ("data.err.land_needs_neighbour", {})
        if not row.get("crossing_code"):
            problems["crossing_code"] = ("data.err.land_needs_crossing", {})
        border = _CROSSING_BORDER.fullmatch(str(row.get("crossing_code") or ""))
        if border and neighbour and country and {border[1], border[2]} != {country, neighbour}:
            problems["crossing_code"] = ("data.err.crossing_border", {
                "crossing": row.get("crossing_code"), "a": CountryName(border[1]), "b": CountryName(border[2]),
                "country": CountryName(country), "neighbour": CountryName(neighbour)})
    elif neighbour:
        problems["neighbour_iso3"] = ("data.err.neighbour_only_land", {})
    if neighbour and neighbour == country:
        problems["neighbour_iso3"] = ("data.err.neighbour_same", {})
    if post_type not in (None, *POSTS.field("type").choices):
        problems["type"] = ("data.err.choice", {"value": str(post_type),
                                                "allowed": ", ".join(POSTS.field("type").choices)})
    if problems:  # the place is judged only for a post whose kind and countries are right
        return problems
    lon, lat = float(row["lon"]), float(row["lat"])
    problem = coordinate_problem(lon, lat)
    if problem:
        return {"lon": problem}
    # The border rule lives in geo.posts.checks: one place for it (a Rule, worded when shown).
    if post_type == "land":
        rule = land_post_problem(str(row.get("code")), country, neighbour, lon, lat)
    else:
        rule = point_post_problem(country, lon, lat, post_type)
    if rule:
        return {"lon": ("data.err.post_rule", {"detail": rule})}
    moved = move_problem(stored, row, bool(row.get("moved")))
    return {"lon": moved} if moved else {}


def save_post(target: Connection | Session, actor: Actor, code: str, given: Mapping[str, Any], *,
              mode: str = "upsert", at: dt.datetime | None = None, crossings: bool = True) -> Saved:
    """Add or update the post `code` with the fields `given` names (the others keep their stored values);
    the merged post must pass validate_post and the crossing rules against the stored posts (`crossings`
    False: the caller has judged them already, over a whole file of posts). `given["moved"]` true declares
    a correction of the post's place: a move beyond MAX_MOVE_KM is then accepted and audited as one."""
    correction = bool(given.get("moved"))
    given = {k: v for k, v in given.items() if k != "moved"}
    seen: dict[str, float | None] = {}

    def rules(stored: Mapping[str, object] | None, merged: dict[str, object]) -> dict[str, Problem]:
        problems = validate_post({**merged, "moved": correction}, stored)
        seen["km"] = moved_km(stored, merged)
        if problems or not crossings or not merged.get("crossing_code"):  # (a crossing it names is touched)
            return problems
        query = select(*(getattr(Post, c) for c in CROSSING_COLUMNS))
        stored = pd.DataFrame(target.execute(query).all(), columns=CROSSING_COLUMNS)
        incoming = pd.DataFrame([{c: merged.get(c) for c in CROSSING_COLUMNS}])
        return {name: (key, params) for _code, name, key, params in crossing_problems(incoming, stored)}

    saved = save_record(target, actor, Post, {"code": code}, given, entity=ENTITY, key=code, mode=mode,
                        defaults={"is_sample": False}, validate=rules, at=at)
    km = seen.get("km")
    if correction and saved.outcome == "updated" and km is not None and km > MAX_MOVE_KM:
        # the audit keeps why a post was allowed to move this far (its field changes are logged beside it)
        record_event(target, actor, "correction", ENTITY, code,
                     f"position corrected: moved {km:.1f} km (declared a correction; limit {MAX_MOVE_KM:g} km)")
    return saved
