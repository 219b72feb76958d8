"""The rules that compare posts with each other: a land crossing has one post on each side, and the two
face each other (within MAX_PARTNER_KM). Judged on the posts as they would be stored: the incoming posts
(a file's rows, or the one post a form saves) over the stored ones."""

from __future__ import annotations

from typing import Any

import pandas as pd

from geo.posts.checks import post_problems

# The two posts of a land crossing face each other across the line: the farthest pair in data/posts.csv is
# 7 km apart (GTM-MEX-06). Farther than this, one of them has been moved along the border.
MAX_PARTNER_KM = 15.0
# Posts of two different crossings are 18.9 km apart at the least in data/posts.csv (GTM-SLV-01 and -02):
# a post nearer than this to another crossing's post stands on that crossing's site (a whole crossing moved
# onto another one passes every rule of one post and of one crossing).
MIN_OTHER_CROSSING_KM = 5.0
COLUMNS = ["code", "country_iso3", "type", "crossing_code", "neighbour_iso3", "lon", "lat"]

# (code of the incoming post the problem is reported at, or None; field; i18n key; params)
CrossingProblem = tuple[str | None, str, str, dict[str, Any]]


def crossing_problems(incoming: pd.DataFrame, stored: pd.DataFrame) -> list[CrossingProblem]:
    """Every crossing rule the incoming posts break, merged over the stored posts (same code: incoming wins)."""
    incoming = incoming[COLUMNS]
    merged = pd.concat([stored[~stored["code"].isin(incoming["code"])][COLUMNS], incoming])
    touched = set(incoming["crossing_code"].dropna())
    land = merged[(merged["type"] == "land") & merged["crossing_code"].isin(touched)]
    if land.empty:
        return []
    problems: list[CrossingProblem] = []
    # post_problems checks every post too; these passed validate_post, so keep only the crossing verdicts.
    for problem in [p for p in post_problems(land) if p.kind == "crossing"]:
        codes = incoming.loc[incoming["crossing_code"] == problem.subject, "code"]
        problems.append((codes.iloc[0] if len(codes) else None, "crossing_code", "data.err.crossing",
                         {"crossing": problem.subject, "detail": problem.rule}))
    problems += _partner_distances(land, set(incoming["code"]))
    problems += _on_another_crossing(incoming, merged)
    for (crossing, country), group in land.groupby(["crossing_code", "country_iso3"]):
        if len(group) > 1:
            codes = incoming.loc[(incoming["crossing_code"] == crossing) & (incoming["country_iso3"] == country),
                                 "code"]
            if len(codes):
                problems.append((codes.iloc[0], "crossing_code", "data.err.crossing_side_taken",
                                 {"crossing": crossing, "country": country}))
    return problems


def _partner_distances(land: pd.DataFrame, incoming: set[str]) -> list[CrossingProblem]:
    """Each incoming land post within MAX_PARTNER_KM of the post across its crossing (stored or incoming)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    problems: list[CrossingProblem] = []
    for crossing, sides in land.groupby("crossing_code"):
        if len(sides) != 2:
            continue  # the crossing rule reports it
        a, b = sides.iloc[0], sides.iloc[1]
        km = geod.inv(float(a["lon"]), float(a["lat"]), float(b["lon"]), float(b["lat"]))[2] / 1000
        if km <= MAX_PARTNER_KM:
            continue
        moved, partner = (a, b) if a["code"] in incoming else (b, a)
        problems.append((moved["code"], "lon", "data.err.crossing_partner_far",
                         {"km": f"{km:.1f}", "partner": partner["code"], "crossing": crossing,
                          "limit": f"{MAX_PARTNER_KM:g}"}))
    return problems


def _on_another_crossing(incoming: pd.DataFrame, merged: pd.DataFrame) -> list[CrossingProblem]:
    """Each incoming land post at least MIN_OTHER_CROSSING_KM from every land post of another crossing."""
    from pyproj import Geod

    land = merged[(merged["type"] == "land") & merged["crossing_code"].notna()
                  & merged["lon"].notna() & merged["lat"].notna()]
    mine = incoming[(incoming["type"] == "land") & incoming["crossing_code"].notna()
                    & incoming["lon"].notna() & incoming["lat"].notna()]
    if mine.empty or len(land) < 2:
        return []
    geod = Geod(ellps="WGS84")
    lons, lats = land["lon"].astype(float).to_numpy(), land["lat"].astype(float).to_numpy()
    problems: list[CrossingProblem] = []
    for post in mine.itertuples(index=False):
        others = (land["crossing_code"] != post.crossing_code).to_numpy()
        if not others.any():
            continue
        n = int(others.sum())
        _, _, metres = geod.inv([float(post.lon)] * n, [float(post.lat)] * n, lons[others], lats[others])
        nearest = int(metres.argmin())
        km = float(metres[nearest]) / 1000
        if km < MIN_OTHER_CROSSING_KM:
            other = land[others].iloc[nearest]
            problems.append((post.code, "lon", "data.err.crossing_other_site", {
                "km": f"{km:.1f}", "other": other["code"], "other_crossing": other["crossing_code"],
                "crossing": post.crossing_code, "limit": f"{MIN_OTHER_CROSSING_KM:g}"}))
    return problems
