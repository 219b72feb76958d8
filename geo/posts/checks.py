"""Integrity checks over the database: what `python -m geo check` reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from geo import reference
from geo.flows.load import RollupDifference, rollup_differences
from geo.models import Post, PostComponent

MAX_BORDER_KM = 5.0
ON_LINE_M = 100.0  # a point this close to the border line counts as on it, whichever side
COAST_M = 1_000.0  # a seaport may sit on the shore, just outside the generalised coastline


_COUNTRY_PARAMS = ("country", "neighbour", "inside")


@dataclass(frozen=True)
class Rule:
    """A broken rule as data: an i18n key ("rule.*") and its parameters, worded only when shown."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        from geo.i18n import fmt_number, t

        values = {}
        for name, value in self.params.items():
            if name in _COUNTRY_PARAMS:
                value = reference.country_name(value, lang) if value else t("rule.no_country", lang)
            elif isinstance(value, float):
                value = fmt_number(value, lang, 1 if abs(value) < 100 else 0)
            elif isinstance(value, int):
                value = fmt_number(value, lang)
            values[name] = value
        return t(self.key, lang, **values)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Problem:
    """What `python -m geo check` reports: the kind and code of what is wrong, and the rule it breaks."""

    kind: str  # post, crossing, component, rollup, mirror
    subject: str  # its code (GTM-TUM, TUM, GTM-TUM/biometrics, flow_month_route, a crossing with its names)
    rule: Rule  # or anything with .text(lang) (geo.flows.mirror.GapText)

    def line(self, lang: str = "en") -> str:
        from geo.i18n import t

        return f"{t(f'check.subject.{self.kind}', lang, subject=self.subject)}: {self.rule.text(lang)}"

    @property
    def message(self) -> str:
        return self.rule.text("en")

    def __str__(self) -> str:
        return self.line("en")


def land_post_problem(code: str, country: str, neighbour: str | None, lon: float | None,
                      lat: float | None) -> Rule | None:
    """Why a land post breaks the border rule, or None. The one place for the rule."""
    if lon is None or lat is None or pd.isna(lon) or pd.isna(lat):
        return Rule("rule.no_coordinates")
    if neighbour is None:
        return Rule("rule.no_neighbour")
    if reference.border_between(country, neighbour) is None:
        return Rule("rule.no_border", {"country": country, "neighbour": neighbour})
    distance = reference.distance_to_border_m(lon, lat, country, neighbour)
    if distance > MAX_BORDER_KM * 1000:
        return Rule("rule.far_from_border", {"km": round(distance / 1000, 1), "country": country,
                                             "neighbour": neighbour, "limit": int(MAX_BORDER_KM)})
    inside = reference.country_of_point(lon, lat)
    if inside != country and distance > ON_LINE_M:
        return Rule("rule.wrong_side", {"inside": inside, "metres": round(distance)})
    return None


def point_post_problem(country: str, lon: float | None, lat: float | None, post_type: str) -> Rule | None:
    """Why an air or sea post is misplaced, or None."""
    if lon is None or lat is None or pd.isna(lon) or pd.isna(lat):
        return Rule("rule.no_coordinates")
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    if not (minx <= lon <= maxx and miny <= lat <= maxy):
        return Rule("rule.outside_region", {"lon": str(lon), "lat": str(lat)})
    if reference.country_of_point(lon, lat) == country:
        return None
    if post_type == "sea" and reference.distance_to_country_m(lon, lat, country) <= COAST_M:
        return None
    return Rule("rule.not_inside", {"country": country})


def post_problems(posts: pd.DataFrame) -> list[Problem]:
    """Border, side and crossing checks for a frame of posts (columns as in data/posts.csv)."""
    problems = []
    for row in posts.itertuples():
        if row.type == "land":
            rule = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, row.lon, row.lat)
        else:
            rule = point_post_problem(row.country_iso3, row.lon, row.lat, row.type)
        if rule:
            problems.append(Problem("post", row.code, rule))
    land = posts[posts["type"] == "land"]
    for crossing, sides in land.groupby("crossing_code"):
        countries = set(sides["country_iso3"])
        expected = set(sides["country_iso3"]) | set(sides["neighbour_iso3"].dropna())
        if len(sides) != 2 or countries != expected:
            problems.append(Problem("crossing", str(crossing),
                                    Rule("rule.crossing_sides", {"codes": ", ".join(sorted(sides["code"]))})))
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
            problems.append(Problem("component", f"{row.code}/{row.component_code}", Rule("rule.budget_order")))
    problems += rollup_problems(rollups, post_codes)
    from geo.flows import mirror  # the two sides of each crossing (THE mirror rule)

    problems += mirror.problems(engine)
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
            problems.append(Problem("rollup", table, Rule("rule.rollup_differs", {
                "month": f"{d.month:%Y-%m}", "post": post, "count": int(d.count), "minors": int(d.minors),
                "reference": d.reference, "reference_count": int(d.reference_count),
                "reference_minors": int(d.reference_minors)})))
        if len(found) > MAX_ROLLUP_PROBLEMS:
            problems.append(Problem("rollup", table, Rule("rule.rollup_more", {"n": len(found) - MAX_ROLLUP_PROBLEMS})))
    return problems
