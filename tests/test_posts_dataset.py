"""The committed border-posts dataset: real crossings, on their real borders, both sides present."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import reference
from geo.posts.checks import MAX_BORDER_KM, land_post_problem, post_problems
from geo.posts.queries import read_posts_csv


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return read_posts_csv()


def test_enough_posts_of_every_type(posts: pd.DataFrame) -> None:
    assert len(posts) >= 30
    assert set(posts["type"]) == {"land", "air", "sea"}
    assert set(reference.CA4) <= set(posts["country_iso3"])


def test_codes_unique_and_well_formed(posts: pd.DataFrame) -> None:
    assert posts["code"].is_unique
    assert posts["code"].str.fullmatch(r"[A-Z]{3}-[A-Z]{3}").all()
    assert (posts["code"].str[:3] == posts["country_iso3"]).all()


def test_required_pairs_have_crossings(posts: pd.DataFrame) -> None:
    land = posts[posts["type"] == "land"]
    pairs = {tuple(sorted(p)) for p in zip(land["country_iso3"], land["neighbour_iso3"], strict=True)}
    for pair in [("GTM", "SLV"), ("GTM", "HND"), ("HND", "SLV"), ("HND", "NIC"), ("GTM", "MEX"),
                 ("BLZ", "GTM"), ("CRI", "NIC")]:
        assert pair in pairs, f"no crossing on the {pair} border"


def test_every_crossing_has_both_sides(posts: pd.DataFrame) -> None:
    land = posts[posts["type"] == "land"]
    for crossing, sides in land.groupby("crossing_code"):
        assert len(sides) == 2, crossing
        a, b = sides.itertuples()
        assert (a.country_iso3, a.neighbour_iso3) == (b.neighbour_iso3, b.country_iso3), crossing
        assert crossing.startswith("-".join(sorted([a.country_iso3, b.country_iso3]))), crossing


def test_air_and_sea_posts_have_no_neighbour(posts: pd.DataFrame) -> None:
    other = posts[posts["type"] != "land"]
    assert other["neighbour_iso3"].isna().all()
    assert other["crossing_code"].isna().all()


def test_coordinates_inside_region(posts: pd.DataFrame) -> None:
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    assert posts["lon"].between(minx, maxx).all()
    assert posts["lat"].between(miny, maxy).all()


def test_every_land_post_on_its_border_and_side(posts: pd.DataFrame) -> None:
    """The 5 km rule: near the Natural Earth line with its neighbour, on its own side or on the line."""
    failures = {}
    for row in posts[posts["type"] == "land"].itertuples():
        problem = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, row.lon, row.lat)
        if problem:
            failures[row.code] = problem
    assert not failures, failures


def test_no_problem_reported_for_dataset(posts: pd.DataFrame) -> None:
    assert [str(p) for p in post_problems(posts)] == []


def test_rule_catches_a_moved_post(posts: pd.DataFrame) -> None:
    """The check is not vacuous: a post moved 20 km inland, or across the border, is reported."""
    row = posts[posts["code"] == "GTM-TUM"].iloc[0] if (posts["code"] == "GTM-TUM").any() else \
        posts[posts["type"] == "land"].iloc[0]
    far = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, row.lon + 0.25, row.lat)
    assert far is not None and far.key == "rule.far_from_border" and "km from" in far.text("en")
    assert "km de la línea fronteriza Guatemala–México" in far.text("es")  # names, in the reader's language
    assert MAX_BORDER_KM == 5.0
    # San Salvador is inside El Salvador, far from Guatemala: a GTM post placed there breaks both rules.
    assert land_post_problem("X", "GTM", "SLV", -89.19, 13.69) is not None
    # A Guatemalan post put where its Salvadoran counterpart stands (250 m inside El Salvador): wrong side.
    other_side = posts[posts["code"] == "SLV-HAC"].iloc[0]
    wrong = land_post_problem("X", "GTM", "SLV", other_side.lon, other_side.lat)
    assert wrong is not None and wrong.key == "rule.wrong_side" and "El Salvador" in wrong.text("en")
