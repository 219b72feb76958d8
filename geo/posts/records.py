"""A border post's row rules and its one write path: save_post, which forms and imports both call.

The rules of one post (validate_post) run on the row merged with what is stored, whoever saves it. The
rules that compare posts with each other (one post a side at each crossing, the partner across it near)
need the whole file and the stored posts: they are in geo.posts.kind, after these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from geo.access.auth import Actor
from geo.access.editing import Saved, save_record
from geo.kinds.rules import Problem, coordinate_problem
from geo.models import Post
from geo.posts.checks import land_post_problem, point_post_problem
from geo.posts.crossings import COLUMNS as CROSSING_COLUMNS
from geo.posts.crossings import crossing_problems
from geo.posts.fields import POSTS

ENTITY = "post"
REQUIRED = ("name", "country_iso3", "type", "lon", "lat")


def validate_post(row: Mapping[str, Any]) -> dict[str, Problem]:
    """{field: (i18n key, params)} for every rule the post breaks (empty: valid). `row` is the whole post,
    as merged with the stored one. A coordinate problem is given at "lon" (it concerns lon and lat)."""
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
    return {"lon": ("data.err.post_rule", {"detail": rule})} if rule else {}


def save_post(target: Connection | Session, actor: Actor, code: str, given: Mapping[str, Any], *,
              mode: str = "upsert", at: dt.datetime | None = None, crossings: bool = True) -> Saved:
    """Add or update the post `code` with the fields `given` names (the others keep their stored values);
    the merged post must pass validate_post and the crossing rules against the stored posts (`crossings`
    False: the caller has judged them already, over a whole file of posts)."""

    def rules(_stored: Mapping[str, object] | None, merged: dict[str, object]) -> dict[str, Problem]:
        problems = validate_post(merged)
        if problems or not crossings or not merged.get("crossing_code"):  # (a crossing it names is touched)
            return problems
        query = select(*(getattr(Post, c) for c in CROSSING_COLUMNS))
        stored = pd.DataFrame(target.execute(query).all(), columns=CROSSING_COLUMNS)
        incoming = pd.DataFrame([{c: merged.get(c) for c in CROSSING_COLUMNS}])
        return {name: (key, params) for _code, name, key, params in crossing_problems(incoming, stored)}

    return save_record(target, actor, Post, {"code": code}, given, entity=ENTITY, key=code, mode=mode,
                       defaults={"is_sample": False}, validate=rules, at=at)
