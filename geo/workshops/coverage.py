"""Which posts and border segments the workshops reached, and where the next one should go.

Definitions (shown in the UI too):
- covered: a post is covered in a period when its staff attended a workshop held (dates overlapping) in it;
- reached: a post lies within X km of the venue of a workshop of the period, measured geodesically
  (pyproj.Geod on WGS84), never in degrees;
- coverage by agency: the share of programme posts covered by a workshop that had participants of that
  agency (participants are counted per workshop, not per post);
- border segment: the border line between two countries; a land post belongs to the segment of (its
  country, its neighbour). The share of a segment's line within X km of a venue is measured in METRIC_CRS;
- where next: segments with uncovered posts, ranked by a score that weighs the crossings recorded at
  their uncovered posts and the number of those posts equally (each relative to the largest candidate).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from sqlalchemy import Engine

from geo import reference
from geo.i18n import fmt_date, fmt_number, t
from geo.models import AGENCIES
from geo.workshops import queries as wq

GEOD = Geod(ellps="WGS84")
DEFAULT_REACH_KM = 25.0
MIN_VENUE_POPULATION = 1000  # a suggested venue should be a town able to host a workshop, not a hamlet


def geodesic_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in metres on the WGS84 ellipsoid (vectorised, broadcasting)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    if lon1.size == 0:
        return np.zeros(lon1.shape)
    _, _, dist = GEOD.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(dist, dtype=float).reshape(lon1.shape)


def distance_matrix_m(points: pd.DataFrame, venues: pd.DataFrame) -> np.ndarray:
    """Metres from each point (lon, lat) to each venue (venue_lon, venue_lat): shape (points, venues)."""
    return geodesic_m(points["lon"].to_numpy(float)[:, None], points["lat"].to_numpy(float)[:, None],
                      venues["venue_lon"].to_numpy(float)[None, :], venues["venue_lat"].to_numpy(float)[None, :])


def segment_key(country: str | None, neighbour: str | None) -> str | None:
    """The border segment a land post belongs to, e.g. ('SLV', 'GTM') -> 'GTM-SLV'."""
    if not isinstance(country, str) or not isinstance(neighbour, str):
        return None
    return "-".join(sorted((country, neighbour)))


def post_coverage(posts: pd.DataFrame, attendance: pd.DataFrame, agencies: pd.DataFrame,
                  venues: pd.DataFrame, reach_km: float, flows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per post: covered, workshops attended, covered_<agency>, nearest venue and km, reached, segment.

    posts: id, code, name, country_iso3, type, neighbour_iso3, lon, lat. attendance: workshop_id, post_id.
    agencies: workshop_id, agency (agencies with participants). venues: id, venue_name, venue_lon, venue_lat.
    """
    out = posts.copy().reset_index(drop=True)
    attended = attendance[attendance["post_id"].isin(out["id"])]
    counts = attended.groupby("post_id")["workshop_id"].nunique()
    out["workshops"] = out["id"].map(counts).fillna(0).astype("int64")
    out["covered"] = out["workshops"] > 0
    for agency in AGENCIES:
        with_agency = agencies.loc[agencies["agency"] == agency, "workshop_id"]
        posts_reached = attended.loc[attended["workshop_id"].isin(with_agency), "post_id"]
        out[f"covered_{agency}"] = out["id"].isin(posts_reached)
    placed = venues.dropna(subset=["venue_lon", "venue_lat"]).reset_index(drop=True)
    if len(placed) and len(out):
        matrix = distance_matrix_m(out, placed)
        nearest = matrix.argmin(axis=1)
        out["nearest_m"] = matrix[np.arange(len(out)), nearest]
        out["nearest_venue"] = placed["venue_name"].to_numpy()[nearest]
    else:
        out["nearest_m"] = np.inf
        out["nearest_venue"] = None
    out["reached"] = out["nearest_m"] <= float(reach_km) * 1000.0
    out["segment"] = [segment_key(c, n) if t_ == "land" else None
                      for c, n, t_ in zip(out["country_iso3"], out["neighbour_iso3"], out["type"], strict=True)]
    if flows is not None:
        out["flow"] = out["id"].map(flows.set_index("post_id")["flow"]).fillna(0).astype("int64")
    return out


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100.0 * part / whole.where(whole > 0)).round(1)


def coverage_by_country(post_cov: pd.DataFrame) -> pd.DataFrame:
    """country_iso3, posts, covered, covered_pct, reached, reached_pct."""
    grouped = post_cov.groupby("country_iso3").agg(
        posts=("id", "size"), covered=("covered", "sum"), reached=("reached", "sum")
    ).reset_index()
    grouped["covered_pct"] = _share(grouped["covered"], grouped["posts"])
    grouped["reached_pct"] = _share(grouped["reached"], grouped["posts"])
    return grouped[["country_iso3", "posts", "covered", "covered_pct", "reached", "reached_pct"]]


def coverage_by_agency(post_cov: pd.DataFrame, participants: pd.DataFrame | None = None) -> pd.DataFrame:
    """agency, posts (all programme posts), covered (by a workshop with that agency), covered_pct, participants."""
    total = len(post_cov)
    rows = [{"agency": a, "posts": total, "covered": int(post_cov[f"covered_{a}"].sum())} for a in AGENCIES]
    frame = pd.DataFrame(rows)
    frame["covered_pct"] = _share(frame["covered"], frame["posts"])
    if participants is not None:
        sums = participants.groupby("agency")["count"].sum()
        frame["participants"] = frame["agency"].map(sums).fillna(0).astype("int64")
    return frame


@lru_cache(maxsize=1)
def _metric_borders() -> gpd.GeoDataFrame:
    return reference.borders().to_crs(reference.METRIC_CRS)


def reach_area_metric(venues: pd.DataFrame, reach_km: float) -> shapely.Geometry:
    """Union of the venues' reach discs, in METRIC_CRS."""
    placed = venues.dropna(subset=["venue_lon", "venue_lat"])
    if placed.empty or reach_km <= 0:
        return shapely.Polygon()
    points = gpd.GeoSeries(gpd.points_from_xy(placed["venue_lon"], placed["venue_lat"]), crs="EPSG:4326")
    return shapely.union_all(points.to_crs(reference.METRIC_CRS).buffer(float(reach_km) * 1000.0, 64).values)


def venue_groups(workshops: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct venue point of `workshops`: venue_lon, venue_lat, venue_name (of its first
    workshop by code), workshops (how many) and codes ('A, B'). A plain loop: a handful of rows, and
    pandas' grouped aggregation with Python functions cost more than the rest of the map."""
    groups: dict[tuple[float, float], dict] = {}
    placed = workshops.dropna(subset=["venue_lon", "venue_lat"]).sort_values("code")
    for lon, lat, name, code in placed[["venue_lon", "venue_lat", "venue_name", "code"]].itertuples(index=False):
        group = groups.setdefault((lon, lat), {"venue_lon": lon, "venue_lat": lat, "venue_name": name, "codes": []})
        group["codes"].append(code)
    rows = [{**g, "workshops": len(g["codes"]), "codes": ", ".join(g["codes"])}
            for _, g in sorted(groups.items())]
    return pd.DataFrame(rows, columns=["venue_lon", "venue_lat", "venue_name", "workshops", "codes"])


def coverage_by_segment(post_cov: pd.DataFrame, venues: pd.DataFrame, reach_km: float,
                        countries: tuple[str, ...] = reference.CA4) -> pd.DataFrame:
    """Per border segment with a side in `countries`: its land posts covered / reached, and its line reached.

    pair, iso_a, iso_b, posts, covered, covered_pct, reached, reached_pct, uncovered (codes), line_km,
    line_reached_km, line_reached_pct.
    """
    lines = _metric_borders()
    lines = lines[lines["iso_a"].isin(countries) | lines["iso_b"].isin(countries)]
    area = reach_area_metric(venues, reach_km)
    land = post_cov[post_cov["segment"].notna()]
    rows = []
    for line in lines.itertuples():
        members = land[land["segment"] == line.pair]
        uncovered = members.loc[~members["covered"], "code"].sort_values().tolist()
        length = float(line.geometry.length)
        inside = float(line.geometry.intersection(area).length) if not area.is_empty else 0.0
        rows.append({
            "pair": line.pair, "iso_a": line.iso_a, "iso_b": line.iso_b, "posts": len(members),
            "covered": int(members["covered"].sum()), "reached": int(members["reached"].sum()),
            "uncovered": uncovered, "line_km": round(length / 1000.0, 1),
            "line_reached_km": round(inside / 1000.0, 1),
        })
    frame = pd.DataFrame(rows, columns=["pair", "iso_a", "iso_b", "posts", "covered", "reached", "uncovered",
                                        "line_km", "line_reached_km"])
    frame["covered_pct"] = _share(frame["covered"], frame["posts"])
    frame["reached_pct"] = _share(frame["reached"], frame["posts"])
    frame["line_reached_pct"] = _share(frame["line_reached_km"], frame["line_km"])
    return frame.sort_values("pair").reset_index(drop=True)


def suggest_venue(points: pd.DataFrame, places: pd.DataFrame,
                  min_population: int = MIN_VENUE_POPULATION) -> tuple[pd.Series, float, float] | None:
    """The gazetteer town nearest the points: least mean geodesic distance to them.

    Towns below `min_population` are skipped unless no other town is left. Returns (place, mean metres,
    farthest metres), or None when there is no point or no place.
    """
    if points.empty or places.empty:
        return None
    towns = places[places["population"] >= min_population]
    if towns.empty:
        towns = places
    dist = geodesic_m(towns["lon"].to_numpy(float)[:, None], towns["lat"].to_numpy(float)[:, None],
                      points["lon"].to_numpy(float)[None, :], points["lat"].to_numpy(float)[None, :])
    mean = dist.mean(axis=1)
    best = int(np.lexsort((towns["geonameid"].to_numpy(), mean))[0])  # ties: the lower geonameid
    return towns.iloc[best], float(mean[best]), float(dist[best].max())


def where_next(segments: pd.DataFrame, post_cov: pd.DataFrame, places: pd.DataFrame,
               last_workshop: pd.DataFrame | None = None, flow_weight: float = 0.5,
               min_population: int = MIN_VENUE_POPULATION) -> pd.DataFrame:
    """Border segments with uncovered posts, best candidate first, each with a suggested venue.

    score = flow_weight × flow / largest flow + (1 − flow_weight) × uncovered posts / largest count, where
    flow counts the crossings at the segment's uncovered posts (post_cov needs a `flow` column).
    """
    columns = ["rank", "pair", "iso_a", "iso_b", "uncovered_posts", "posts", "uncovered_codes", "uncovered_names",
               "flow", "score", "last_workshop", "venue_name", "venue_geonameid", "venue_country_iso3",
               "venue_lon", "venue_lat", "venue_mean_km", "venue_max_km"]
    rows = []
    for seg in segments.itertuples():
        if not seg.uncovered:
            continue
        members = post_cov[post_cov["code"].isin(seg.uncovered)]
        pair_places = places[places["country_iso3"].isin((seg.iso_a, seg.iso_b))]
        venue = suggest_venue(members, pair_places, min_population)
        row = {
            "pair": seg.pair, "iso_a": seg.iso_a, "iso_b": seg.iso_b, "uncovered_posts": len(members),
            "posts": seg.posts, "uncovered_codes": ", ".join(members["code"]),
            "uncovered_names": ", ".join(members["name"]), "flow": int(members["flow"].sum()),
        }
        if venue is not None:
            place, mean_m, max_m = venue
            row.update(venue_name=str(place["name"]), venue_geonameid=int(place["geonameid"]),
                       venue_country_iso3=str(place["country_iso3"]), venue_lon=float(place["lon"]),
                       venue_lat=float(place["lat"]), venue_mean_km=round(mean_m / 1000.0, 1),
                       venue_max_km=round(max_m / 1000.0, 1))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[c for c in columns if c not in ("rank", "score", "last_workshop")])
    if frame.empty:
        return pd.DataFrame(columns=columns)
    top_flow = max(int(frame["flow"].max()), 1)
    top_count = max(int(frame["uncovered_posts"].max()), 1)
    frame["score"] = (flow_weight * frame["flow"] / top_flow
                      + (1.0 - flow_weight) * frame["uncovered_posts"] / top_count).round(3)
    frame = frame.sort_values(["score", "flow", "uncovered_posts", "pair"],
                              ascending=[False, False, False, True]).reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    last = {} if last_workshop is None else dict(zip(last_workshop["pair"], last_workshop["last_end"], strict=True))
    frame["last_workshop"] = frame["pair"].map(lambda p: last.get(p))
    frame["last_workshop"] = frame["last_workshop"].where(frame["last_workshop"].notna(), None)
    return frame[columns]


def next_reason(row: pd.Series | dict, lang: str) -> str:
    """Why a segment is proposed, in words: its uncovered posts, their crossings, the venue's distances."""
    get = row.get
    last = get("last_workshop")
    last_text = (t("ws.next.last", lang, date=fmt_date(last, lang)) if isinstance(last, dt.date)
                 else t("ws.next.never", lang))
    text = t("ws.next.reason", lang, n=int(get("uncovered_posts")), posts=get("uncovered_names"),
             flow=fmt_number(get("flow"), lang), last=last_text)
    if get("venue_name"):
        text += " " + t("ws.next.venue_reason", lang, venue=get("venue_name"),
                        mean=fmt_number(get("venue_mean_km"), lang, 1), max=fmt_number(get("venue_max_km"), lang, 1))
    return text


@dataclass
class CoverageReport:
    start: dt.date
    end: dt.date
    reach_km: float
    workshops: pd.DataFrame
    posts: pd.DataFrame  # post_coverage() with flow
    by_country: pd.DataFrame
    by_agency: pd.DataFrame
    by_segment: pd.DataFrame
    pairs: pd.DataFrame
    where_next: pd.DataFrame
    participants: pd.DataFrame  # year, quarter, agency, sex, count


def coverage_report(engine: Engine, start: dt.date, end: dt.date, reach_km: float = DEFAULT_REACH_KM,
                    types: tuple[str, ...] = (), flow_weight: float = 0.5) -> CoverageReport:
    """Everything the workshops page shows for a period and reach distance."""
    workshops = wq.workshops_frame(engine, start, end)
    posts = wq.programme_posts(engine, reference.CA4, types)
    flows = wq.flow_by_post(engine, start, end)
    participants = wq.participants_over_time(engine, start, end)
    cov = post_coverage(posts, wq.attendance(engine, start, end), wq.agencies_present(engine, start, end),
                        workshops, reach_km, flows)
    segments = coverage_by_segment(cov, workshops, reach_km)
    pairs = wq.pair_matrix(engine, start, end)
    ranking = where_next(segments, cov, reference.gazetteer(), pairs[["pair", "last_end"]], flow_weight)
    return CoverageReport(start, end, float(reach_km), workshops, cov, coverage_by_country(cov),
                          coverage_by_agency(cov, participants), segments, pairs, ranking, participants)
