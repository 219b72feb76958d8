"""Coverage, reach and the where-next ranking on hand-made cases with known answers.

Distances are checked against pyproj.Geod; the hand-made posts are placed with Geod.fwd at chosen
distances from a venue, so the expected answers follow from the construction, not from the code.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer

from geo import reference
from geo.workshops.coverage import (
    coverage_by_agency,
    coverage_by_country,
    coverage_by_segment,
    geodesic_m,
    next_reason,
    post_coverage,
    reach_area_metric,
    segment_key,
    suggest_venue,
    where_next,
)

GEOD = Geod(ellps="WGS84")
VENUE = (-89.0, 14.0)  # inland, between Guatemala, El Salvador and Honduras


def at_distance(km: float, azimuth: float, origin: tuple[float, float] = VENUE) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(origin[0], origin[1], azimuth, km * 1000.0)
    return float(lon), float(lat)


def make_posts(rows: list[tuple]) -> pd.DataFrame:
    """rows: (id, code, country, type, neighbour, km from VENUE, azimuth)."""
    records = []
    for pid, code, country, kind, neighbour, km, azimuth in rows:
        lon, lat = at_distance(km, azimuth)
        records.append({"id": pid, "code": code, "name": f"Post {code}", "country_iso3": country, "type": kind,
                        "neighbour_iso3": neighbour, "lon": lon, "lat": lat})
    return pd.DataFrame(records)


def venues(*points: tuple[str, float, float]) -> pd.DataFrame:
    return pd.DataFrame([{"id": i + 1, "code": f"W{i + 1}", "venue_name": name, "venue_lon": lon, "venue_lat": lat}
                         for i, (name, lon, lat) in enumerate(points)],
                        columns=["id", "code", "venue_name", "venue_lon", "venue_lat"])


NO_AGENCIES = pd.DataFrame({"workshop_id": pd.Series(dtype=int), "agency": pd.Series(dtype=str)})
NO_ATTENDANCE = pd.DataFrame({"workshop_id": pd.Series(dtype=int), "post_id": pd.Series(dtype=int)})


def test_geodesic_distance_known_values() -> None:
    # One degree of latitude at the equator on WGS84 is 110,574.39 m (textbook value).
    assert geodesic_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(110_574.39, abs=0.01)
    # One degree of longitude at 14° N is about 108 km, not 111 km: degrees are not distances.
    d = float(geodesic_m(-89.0, 14.0, -88.0, 14.0))
    _, _, expected = GEOD.inv(-89.0, 14.0, -88.0, 14.0)
    assert d == pytest.approx(expected, abs=1e-6)
    assert 107_900 < d < 108_100
    # Vectorised with broadcasting: a 2 × 3 matrix.
    m = geodesic_m(np.array([[0.0], [1.0]]), np.zeros((2, 1)), np.array([[0.0, 1.0, 2.0]]), np.zeros((1, 3)))
    assert m.shape == (2, 3)
    assert m[0, 0] == 0 and m[1, 1] == 0 and m[0, 2] == pytest.approx(2 * m[0, 1], rel=1e-9)


def test_reach_counts_posts_within_the_distance_measured_in_metres() -> None:
    posts = make_posts([
        (1, "A", "GTM", "land", "SLV", 10.0, 0),
        (2, "B", "GTM", "land", "SLV", 24.9, 90),
        (3, "C", "SLV", "land", "GTM", 25.1, 180),
        (4, "D", "HND", "air", None, 60.0, 270),
    ])
    cov = post_coverage(posts, NO_ATTENDANCE, NO_AGENCIES, venues(("V", *VENUE)), reach_km=25)
    assert cov["reached"].tolist() == [True, True, False, False]
    for row in cov.itertuples():
        _, _, expected = GEOD.inv(VENUE[0], VENUE[1], row.lon, row.lat)
        assert row.nearest_m == pytest.approx(expected, abs=1e-6)
    assert cov["nearest_m"].round(0).tolist() == [10_000, 24_900, 25_100, 60_000]
    assert set(cov["nearest_venue"]) == {"V"}
    # The nearest of two venues counts.
    far = at_distance(100, 45)
    cov2 = post_coverage(posts, NO_ATTENDANCE, NO_AGENCIES, venues(("Far", *far), ("V", *VENUE)), reach_km=25)
    assert cov2["nearest_venue"].tolist() == ["V"] * 4
    # No venue at all: nothing is reached.
    empty = post_coverage(posts, NO_ATTENDANCE, NO_AGENCIES, venues(), reach_km=25)
    assert not empty["reached"].any()


def test_coverage_by_attendance_country_agency_and_segment() -> None:
    posts = make_posts([
        (1, "G1", "GTM", "land", "SLV", 5, 0),
        (2, "G2", "GTM", "land", "SLV", 5, 90),
        (3, "S1", "SLV", "land", "GTM", 5, 180),
        (4, "S2", "SLV", "air", None, 5, 270),
        (5, "H1", "HND", "land", "SLV", 5, 45),
    ])
    attendance = pd.DataFrame({"workshop_id": [1, 1, 2], "post_id": [1, 3, 5]})
    agencies = pd.DataFrame({"workshop_id": [1, 1, 2], "agency": ["migration", "police", "migration"]})
    cov = post_coverage(posts, attendance, agencies, venues(("V", *VENUE), ("W", *VENUE)), reach_km=25)
    assert cov["covered"].tolist() == [True, False, True, False, True]
    assert cov["workshops"].tolist() == [1, 0, 1, 0, 1]
    assert [v if isinstance(v, str) else None for v in cov["segment"]] == [
        "GTM-SLV", "GTM-SLV", "GTM-SLV", None, "HND-SLV"]

    by_country = coverage_by_country(cov).set_index("country_iso3")
    assert by_country.loc["GTM", ["posts", "covered"]].tolist() == [2, 1]
    assert by_country.loc["GTM", "covered_pct"] == 50.0
    assert by_country.loc["SLV", "covered_pct"] == 50.0
    assert by_country.loc["HND", "covered_pct"] == 100.0

    by_agency = coverage_by_agency(cov).set_index("agency")
    assert by_agency.loc["migration", "covered"] == 3  # workshops 1 and 2 had migration staff
    assert by_agency.loc["police", "covered"] == 2  # only workshop 1 had police
    assert by_agency.loc["customs", "covered"] == 0
    assert by_agency.loc["police", "covered_pct"] == 40.0

    segments = coverage_by_segment(cov, venues(("V", *VENUE)), reach_km=25).set_index("pair")
    assert segments.loc["GTM-SLV", ["posts", "covered"]].tolist() == [3, 2]
    assert segments.loc["GTM-SLV", "uncovered"] == ["G2"]
    assert segments.loc["GTM-SLV", "covered_pct"] == pytest.approx(66.7)
    assert segments.loc["HND-SLV", "covered_pct"] == 100.0
    assert segments.loc["HND-NIC", "posts"] == 0 and pd.isna(segments.loc["HND-NIC", "covered_pct"])
    assert "BLZ-MEX" not in segments.index  # no CA4 side
    assert set(segments.index) == {"BLZ-GTM", "CRI-NIC", "GTM-HND", "GTM-MEX", "GTM-SLV", "HND-NIC", "HND-SLV"}


def test_segment_key_is_order_insensitive() -> None:
    assert segment_key("SLV", "GTM") == segment_key("GTM", "SLV") == "GTM-SLV"
    assert segment_key("GTM", None) is None


def test_line_reach_grows_with_the_distance() -> None:
    posts = make_posts([(1, "G1", "GTM", "land", "SLV", 5, 0)])
    cov = post_coverage(posts, NO_ATTENDANCE, NO_AGENCIES, venues(), reach_km=25)
    # A venue on the GTM–SLV border (the Paz river bridge at La Hachadura).
    bridge = venues(("Bridge", -90.09, 13.86))
    shares = [coverage_by_segment(cov, bridge, km).set_index("pair").loc["GTM-SLV", "line_reached_pct"]
              for km in (0, 10, 50, 400)]
    assert shares[0] == 0.0
    assert 0 < shares[1] < shares[2] < shares[3]
    assert shares[3] == 100.0
    # Within 10 km of a point, at most a few tens of km of a river border can lie: never the whole 157 km.
    seg = coverage_by_segment(cov, bridge, 10).set_index("pair").loc["GTM-SLV"]
    assert 10 <= seg["line_reached_km"] < 60
    assert seg["line_km"] == pytest.approx(reference.borders().set_index("pair").loc["GTM-SLV", "length_km"], abs=1)
    # A venue far from the border reaches none of it.
    far = coverage_by_segment(cov, venues(("Far", -86.0, 12.5)), 10).set_index("pair")
    assert far.loc["GTM-SLV", "line_reached_km"] == 0.0


def test_drawn_reach_discs_are_the_counted_reach() -> None:
    """The map draws one circle of reach_km ground metres per distinct venue; the area coverage counts with
    (buffers in UTM 16N) agrees with it within 1 % of the radius in every direction."""
    from geo.workshops.maps import reach_layers

    frame = venues(("V", *VENUE), ("V again", *VENUE), ("North", -90.5, 16.5))
    (layer,) = reach_layers(frame, 30, "es")
    drawn = pd.DataFrame(layer.data)
    assert len(drawn) == 2  # one disc per distinct venue point
    assert layer.get_radius == 30_000 and layer.radius_units == "meters"
    area = reach_area_metric(frame, 30)
    to_metric = Transformer.from_crs("EPSG:4326", reference.METRIC_CRS, always_xy=True)
    for lon, lat in zip(drawn["lon"], drawn["lat"], strict=True):
        for bearing in range(0, 360, 30):
            for share, inside in ((0.99, True), (1.01, False)):
                x, y, _ = GEOD.fwd(lon, lat, bearing, 30_000 * share)
                assert shapely.Point(*to_metric.transform(x, y)).within(area) == inside, (lon, lat, bearing, share)


def test_suggested_venue_is_the_town_nearest_the_points() -> None:
    points = pd.DataFrame({"lon": [-89.0, -89.2], "lat": [14.0, 14.0]})
    mid = (-89.1, 14.0)
    places = pd.DataFrame([
        {"geonameid": 1, "name": "Middle", "country_iso3": "GTM", "lon": mid[0], "lat": mid[1], "population": 5000},
        {"geonameid": 2, "name": "East", "country_iso3": "GTM", "lon": -88.9, "lat": 14.0, "population": 90000},
        {"geonameid": 3, "name": "Hamlet", "country_iso3": "GTM", "lon": -89.1, "lat": 14.001, "population": 40},
    ])
    place, mean_m, max_m = suggest_venue(points, places)
    assert place["name"] == "Middle"  # Hamlet is as close but too small to host a workshop
    _, _, d = GEOD.inv([mid[0]] * 2, [mid[1]] * 2, points["lon"], points["lat"])
    assert mean_m == pytest.approx(np.mean(d), abs=1e-6)
    assert max_m == pytest.approx(np.max(d), abs=1e-6)
    # Only hamlets left: the nearest hamlet is still proposed.
    place, _, _ = suggest_venue(points, places[places["name"] == "Hamlet"])
    assert place["name"] == "Hamlet"
    assert suggest_venue(points.iloc[0:0], places) is None


def small_example() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three segments: AAA-BBB (2 uncovered posts, 100 crossings), CCC-DDD (1 uncovered, 300), EEE-FFF (none)."""
    post_cov = pd.DataFrame([
        {"code": "A1", "name": "Alpha 1", "lon": -89.0, "lat": 14.0, "flow": 60, "covered": False},
        {"code": "A2", "name": "Alpha 2", "lon": -89.2, "lat": 14.0, "flow": 40, "covered": False},
        {"code": "A3", "name": "Alpha 3", "lon": -89.4, "lat": 14.0, "flow": 999, "covered": True},
        {"code": "C1", "name": "Gamma 1", "lon": -86.0, "lat": 12.0, "flow": 300, "covered": False},
        {"code": "E1", "name": "Eps 1", "lon": -87.0, "lat": 15.0, "flow": 5000, "covered": True},
    ])
    segments = pd.DataFrame([
        {"pair": "AAA-BBB", "iso_a": "AAA", "iso_b": "BBB", "posts": 3, "uncovered": ["A1", "A2"]},
        {"pair": "CCC-DDD", "iso_a": "CCC", "iso_b": "DDD", "posts": 1, "uncovered": ["C1"]},
        {"pair": "EEE-FFF", "iso_a": "EEE", "iso_b": "FFF", "posts": 1, "uncovered": []},
    ])
    places = pd.DataFrame([
        {"geonameid": 10, "name": "Between", "country_iso3": "BBB", "lon": -89.1, "lat": 14.0, "population": 2000},
        {"geonameid": 11, "name": "Elsewhere", "country_iso3": "ZZZ", "lon": -89.1, "lat": 14.0, "population": 9e5},
        {"geonameid": 12, "name": "Gammaville", "country_iso3": "CCC", "lon": -86.1, "lat": 12.0,
         "population": 3000},
        {"geonameid": 13, "name": "Farville", "country_iso3": "DDD", "lon": -85.0, "lat": 11.0, "population": 8000},
    ])
    return segments, post_cov, places


def test_where_next_ranking_on_a_small_fixed_example() -> None:
    segments, post_cov, places = small_example()
    last = pd.DataFrame({"pair": ["AAA-BBB"], "last_end": [dt.date(2025, 3, 1)]})
    ranking = where_next(segments, post_cov, places, last)
    # CCC-DDD: 0.5 × 300/300 + 0.5 × 1/2 = 0.75; AAA-BBB: 0.5 × 100/300 + 0.5 × 2/2 = 0.667. EEE-FFF: none left.
    assert ranking["pair"].tolist() == ["CCC-DDD", "AAA-BBB"]
    assert ranking["rank"].tolist() == [1, 2]
    assert ranking["score"].tolist() == [0.75, pytest.approx(0.667)]
    assert ranking["flow"].tolist() == [300, 100]  # only the uncovered posts' crossings count
    assert ranking["uncovered_posts"].tolist() == [1, 2]
    assert ranking["venue_name"].tolist() == ["Gammaville", "Between"]  # never a town of another country
    assert ranking.loc[1, "last_workshop"] == dt.date(2025, 3, 1)
    assert ranking.loc[0, "last_workshop"] is None
    # Weighing flow only changes nothing here; weighing post counts only puts AAA-BBB first.
    by_count = where_next(segments, post_cov, places, flow_weight=0.0)
    assert by_count["pair"].tolist() == ["AAA-BBB", "CCC-DDD"]


def test_where_next_reason_names_posts_flow_and_venue() -> None:
    segments, post_cov, places = small_example()
    ranking = where_next(segments, post_cov, places)
    text = next_reason(ranking.iloc[1].to_dict(), "en")
    assert text.startswith("2 uncovered post(s) (Alpha 1, Alpha 2) with 100 crossings")
    assert "no binational workshop of the pair" in text
    assert "Between is the town nearest them" in text
    es = next_reason(ranking.iloc[0].to_dict(), "es")
    assert "1 puesto(s) sin cubrir (Gamma 1) con 300 cruces" in es


def test_where_next_with_nothing_uncovered_is_empty() -> None:
    segments, post_cov, places = small_example()
    segments["uncovered"] = [[], [], []]
    ranking = where_next(segments, post_cov, places)
    assert ranking.empty
    assert "rank" in ranking.columns


@pytest.mark.parametrize("query", ["San Cristobal", "san cristóbal", "SAN CRISTOBAL", "  san   cristobal "])
def test_gazetteer_lookup_ignores_accents_and_case(query: str) -> None:
    found = reference.find_places(query)
    assert found.iloc[0]["name"] == "San Cristóbal"  # the exact match ranks first
    assert all(reference.fold("San Cristóbal") in reference.fold(n) for n in found["name"])
    in_guatemala = reference.find_places(query, "GTM")
    assert len(in_guatemala) and set(in_guatemala["country_iso3"]) == {"GTM"}
    assert "San Cristóbal Verapaz" in in_guatemala["name"].tolist()

