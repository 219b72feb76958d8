"""The information-exchange network (issue: interconnect national and peripheral systems): which posts' national
and regional links are operational, which land crossings are interconnected on both sides, and where each CA4
national system is drawn. Read by the infrastructure page's exchange map and table (geo.upgrades.maps, tables)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, case, func, select
from sqlalchemy.orm import aliased

from geo import reference
from geo.models import Post, PostComponent
from geo.programme.catalogue import NATIONAL_LINK, REGIONAL_LINK
from geo.upgrades.records import _country_filter


def info_exchange(engine: Engine, countries: tuple[str, ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The information-exchange network.

    Returns (posts, crossings). posts: every post with `national` (its national_link component is
    operational), `regional` (its regional_link is operational) and `has_components`.
    crossings: one row per land crossing with `sides`, `regional_sides` (sides whose regional_link is
    operational), `interconnected` (every side, at least two, operational), and the two sides' points.
    """
    national = aliased(PostComponent)
    regional = aliased(PostComponent)
    has_components = select(PostComponent.id).where(PostComponent.post_id == Post.id).exists()
    query = _country_filter(
        select(
            Post.id, Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code, Post.lon, Post.lat,
            case((national.status == "operational", True), else_=False).label("national"),
            case((regional.status == "operational", True), else_=False).label("regional"),
            case((has_components, True), else_=False).label("has_components"),
            national.status.label("national_status"), regional.status.label("regional_status"),
        )
        .outerjoin(national, and_(national.post_id == Post.id, national.component_code == NATIONAL_LINK))
        .outerjoin(regional, and_(regional.post_id == Post.id, regional.component_code == REGIONAL_LINK))
        .order_by(Post.code),
        countries,
    )
    side_ok = case((regional.status == "operational", 1), else_=0)
    crossings_query = (
        select(
            Post.crossing_code,
            func.count(Post.id).label("sides"),
            func.sum(side_ok).label("regional_sides"),
            func.min(Post.code).label("side_a"), func.max(Post.code).label("side_b"),
            func.min(Post.name).label("name"),
            func.avg(Post.lon).label("lon"), func.avg(Post.lat).label("lat"),
        )
        .outerjoin(regional, and_(regional.post_id == Post.id, regional.component_code == REGIONAL_LINK))
        .where(Post.crossing_code.is_not(None))
        .group_by(Post.crossing_code)
        .order_by(Post.crossing_code)
    )
    if countries:  # a crossing is shown when one of its sides is in the chosen countries
        crossings_query = crossings_query.having(
            func.sum(case((Post.country_iso3.in_(countries), 1), else_=0)) > 0)
    with engine.connect() as conn:
        posts = pd.read_sql(query, conn)
        crossings = pd.read_sql(crossings_query, conn)
    for column in ("national", "regional", "has_components"):
        posts[column] = posts[column].astype(bool)
    crossings["regional_sides"] = crossings["regional_sides"].fillna(0).astype(int)
    crossings["interconnected"] = (crossings["sides"] >= 2) & (crossings["regional_sides"] == crossings["sides"])
    points = posts.set_index("code")[["lon", "lat", "country_iso3"]] if len(posts) else None
    if points is None or countries:  # sides in other countries still need their points
        with engine.connect() as conn:
            points = pd.read_sql(select(Post.code, Post.lon, Post.lat, Post.country_iso3), conn).set_index("code")
    for side in ("a", "b"):
        found = points.reindex(crossings[f"side_{side}"])
        crossings[f"lon_{side}"] = found["lon"].to_numpy()
        crossings[f"lat_{side}"] = found["lat"].to_numpy()
        crossings[f"country_{side}"] = found["country_iso3"].to_numpy()
    return posts, crossings


def national_hubs() -> pd.DataFrame:
    """Where each CA4 national migration system is drawn: the capital (most populous place, GeoNames)."""
    places = reference.gazetteer()
    places = places[places["country_iso3"].isin(reference.CA4)]
    hubs = places.sort_values(["population", "geonameid"], ascending=[False, True]).drop_duplicates("country_iso3")
    return hubs[["country_iso3", "name", "lon", "lat"]].sort_values("country_iso3").reset_index(drop=True)
