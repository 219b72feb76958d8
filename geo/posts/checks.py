"""Integrity checks over the database: what `python -m geo check` reports."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from geo import reference
from geo.flows.load import RollupDifference, rollup_differences
from geo.models import Post, PostComponent

MAX_BORDER_KM = 5.0
ON_LINE_M = 100.0  # a point this close to the border line counts as on it, whichever side
COAST_M = 1_000.0  # a seaport may sit on the shore, just outside the generalised coastline


@dataclass(frozen=True)
class Problem:
    subject: str  # e.g. "post GTM-TUM"
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


def land_post_problem(code: str, country: str, neighbour: str | None, lon: float | None,
                      lat: float | None) -> str | None:
    """Why a land post breaks the border rule, or None. The one place for the rule."""
    if lon is None or lat is None or pd.isna(lon) or pd.isna(lat):
        return "has no coordinates"
    if neighbour is None:
        return "land post without a neighbour country"
    if reference.border_between(country, neighbour) is None:
        return f"{country} and {neighbour} share no border in Natural Earth"
    distance = reference.distance_to_border_m(lon, lat, country, neighbour)
    if distance > MAX_BORDER_KM * 1000:
        return (f"lies {distance / 1000:.1f} km from the {country}-{neighbour} border line "
                f"(limit {MAX_BORDER_KM:g} km)")
    inside = reference.country_of_point(lon, lat)
    if inside != country and distance > ON_LINE_M:
        where = inside or "no country of the region"
        return f"lies on the wrong side of the border (inside {where}, {distance:.0f} m from the line)"
    return None


def point_post_problem(country: str, lon: float | None, lat: float | None, post_type: str) -> str | None:
    """Why an air or sea post is misplaced, or None."""
    if lon is None or lat is None or pd.isna(lon) or pd.isna(lat):
        return "has no coordinates"
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    if not (minx <= lon <= maxx and miny <= lat <= maxy):
        return f"coordinates ({lon}, {lat}) are outside the region"
    if reference.country_of_point(lon, lat) == country:
        return None
    if post_type == "sea" and reference.distance_to_country_m(lon, lat, country) <= COAST_M:
        return None
    return f"is not inside {country}"


def post_problems(posts: pd.DataFrame) -> list[Problem]:
    """Border, side and crossing checks for a frame of posts (columns as in data/posts.csv)."""
    problems = []
    for row in posts.itertuples():
        subject = f"post {row.code}"
        if row.type == "land":
            message = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, row.lon, row.lat)
        else:
            message = point_post_problem(row.country_iso3, row.lon, row.lat, row.type)
        if message:
            problems.append(Problem(subject, message))
    land = posts[posts["type"] == "land"]
    for crossing, sides in land.groupby("crossing_code"):
        countries = set(sides["country_iso3"])
        expected = set(sides["country_iso3"]) | set(sides["neighbour_iso3"].dropna())
        if len(sides) != 2 or countries != expected:
            problems.append(Problem(f"crossing {crossing}",
                                    f"needs one post on each side, has {', '.join(sorted(sides['code']))}"))
    return problems


def database_problems(engine: Engine) -> list[Problem]:
    """Everything `python -m geo check` reports."""
    with engine.connect() as conn:
        posts = pd.read_sql(select(Post.code, Post.country_iso3, Post.type, Post.crossing_code,
                                   Post.neighbour_iso3, Post.lon, Post.lat), conn)
        components = pd.read_sql(select(Post.code, PostComponent.component_code, PostComponent.status,
                                        PostComponent.budget_planned, PostComponent.budget_committed,
                                        PostComponent.budget_spent, PostComponent.budget_flag)
                                 .join(Post, Post.id == PostComponent.post_id), conn)
        rollups = rollup_differences(conn)
        post_codes = dict(conn.execute(select(Post.id, Post.code)).all())
    problems = post_problems(posts)
    for row in components.itertuples():
        if row.budget_flag:
            continue
        if not (float(row.budget_spent) <= float(row.budget_committed) <= float(row.budget_planned)):
            problems.append(Problem(f"component {row.code}/{row.component_code}",
                                    "budget is not spent ≤ committed ≤ planned and carries no flag"))
    problems += rollup_problems(rollups, post_codes)
    return problems


MAX_ROLLUP_PROBLEMS = 5  # per roll-up: a broken load differs everywhere, five examples say enough


def rollup_problems(differences: list[RollupDifference], post_codes: dict[int, str]) -> list[Problem]:
    """One problem per month and post where a flow roll-up disagrees with its source, naming both, and
    a count of the rest beyond MAX_ROLLUP_PROBLEMS per roll-up."""
    problems: list[Problem] = []
    by_table: dict[str, list[RollupDifference]] = {}
    for difference in differences:
        by_table.setdefault(difference.table, []).append(difference)
    for table, found in by_table.items():
        for d in found[:MAX_ROLLUP_PROBLEMS]:
            post = post_codes.get(d.post_id, f"id {d.post_id}")
            problems.append(Problem(
                f"roll-up {table}",
                f"{d.month:%Y-%m} post {post}: {d.count:,} crossings and {d.minors:,} minors, but "
                f"{d.reference} has {d.reference_count:,} and {d.reference_minors:,}",
            ))
        if len(found) > MAX_ROLLUP_PROBLEMS:
            problems.append(Problem(f"roll-up {table}",
                                    f"and {len(found) - MAX_ROLLUP_PROBLEMS:,} more months and posts differ"))
    return problems
