"""Border posts: the committed dataset, queries for the map, and a post's profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from geo import periods
from geo.config import settings
from geo.flows import queries as flows
from geo.models import (
    ComponentType,
    Country,
    FlowMonthly,
    Post,
    PostComponent,
    Workshop,
    WorkshopPost,
)
from geo.upgrades.workflow import operational_share, overall_status

POST_COLUMNS = ("code", "name", "country_iso3", "type", "crossing_code", "neighbour_iso3", "road", "lon",
                "lat", "placement")


def posts_csv_path() -> Path:
    return settings().data_dir / "posts.csv"


def read_posts_csv(path: Path | None = None) -> pd.DataFrame:
    """The committed posts dataset (real names and coordinates; see data/POSTS_PROVENANCE.md)."""
    frame = pd.read_csv(path or posts_csv_path(), dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in POST_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path or posts_csv_path()}: missing columns {', '.join(missing)}")
    frame = frame.loc[:, list(POST_COLUMNS)].copy()
    frame["lon"] = frame["lon"].astype(float)
    frame["lat"] = frame["lat"].astype(float)
    for column in ("crossing_code", "neighbour_iso3", "road", "placement"):
        frame[column] = frame[column].replace("", None)
    return frame


@dataclass(frozen=True)
class PostFilters:
    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


def recent_post_flows(engine: Engine, months: int = 3) -> pd.DataFrame:
    """post_id, recent_flow: persons through each post over the last `months` months holding flow data."""
    recent = flows.recent_period(engine, months)
    if recent is None:
        return pd.DataFrame({"post_id": pd.Series(dtype=int), "recent_flow": pd.Series(dtype="int64")})
    window = flows.FlowFilters(start=recent.first, end=recent.last)
    frame = flows.aggregate(engine, window, ("post_id",))
    return frame[["post_id", "count"]].rename(columns={"count": "recent_flow"})


def posts_frame(engine: Engine, filters: PostFilters = PostFilters(), recent_months: int = 3) -> pd.DataFrame:
    """Posts with their overall status, their operational and total components (the share the programme reports,
    geo.upgrades.workflow.share_class) and recent flow volume (last `recent_months` months of data)."""
    with engine.connect() as conn:
        posts = pd.read_sql(
            select(
                Post.id, Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code,
                Post.neighbour_iso3, Post.road, Post.lon, Post.lat, Post.is_sample,
            ).order_by(Post.code),
            conn,
        )
        statuses = pd.read_sql(select(PostComponent.post_id, PostComponent.status), conn)
    flows = recent_post_flows(engine, recent_months)
    overall = statuses.groupby("post_id")["status"].agg(overall_status)
    posts["status"] = posts["id"].map(overall).fillna("none")
    shares = operational_share(zip(statuses["post_id"], statuses["status"], strict=True))
    posts["operational"] = [shares.get(i, (0, 0))[0] for i in posts["id"]]
    posts["components"] = [shares.get(i, (0, 0))[1] for i in posts["id"]]
    posts = posts.merge(flows, left_on="id", right_on="post_id", how="left").drop(columns="post_id")
    posts["recent_flow"] = posts["recent_flow"].fillna(0).astype("int64")
    if filters.countries:
        posts = posts[posts["country_iso3"].isin(filters.countries)]
    if filters.types:
        posts = posts[posts["type"].isin(filters.types)]
    if filters.statuses:
        posts = posts[posts["status"].isin(filters.statuses)]
    return posts.reset_index(drop=True)


@dataclass(frozen=True)
class CrossingsChange:
    """Persons through a post over the last 12 months of flow data and the 12 before them."""

    last: int
    previous: int | None  # None when the data do not reach back a full 12 months before
    first_month: dt.date | None  # the last 12 months: first_month .. last_month
    last_month: dt.date | None

    @property
    def change_pct(self) -> float | None:
        if self.previous is None or self.previous == 0:
            return None
        return 100.0 * (self.last - self.previous) / self.previous


def crossings_change(monthly: pd.DataFrame, last_month: dt.date | None, first_data_month: dt.date | None,
                     months: int = 12) -> CrossingsChange:
    """The last `months` months' persons (all directions) against the `months` before them.

    `monthly` has month and count (any number of rows a month). The previous window counts only when the
    data reach back to its first month, so a post is never "up 100 %" against a year with no data at all.
    """
    if last_month is None:
        return CrossingsChange(0, None, None, None)
    first = periods.add_months(last_month, 1 - months)
    before = periods.add_months(first, -months)
    month = pd.to_datetime(monthly["month"]).dt.date if len(monthly) else pd.Series(dtype=object)
    counts = monthly["count"].astype("int64") if len(monthly) else pd.Series(dtype="int64")
    last = int(counts[(month >= first) & (month <= last_month)].sum())
    complete = first_data_month is not None and first_data_month <= before
    previous = int(counts[(month >= before) & (month < first)].sum()) if complete else None
    return CrossingsChange(last, previous, first, last_month)


@dataclass
class PostProfile:
    identity: dict
    components: pd.DataFrame
    workshops: pd.DataFrame
    monthly_flows: pd.DataFrame  # the last `months` months, by month and direction
    crossings: CrossingsChange = CrossingsChange(0, None, None, None)


def post_profile(engine: Engine, code: str, months: int = 12) -> PostProfile | None:
    """Everything the map's post profile shows for one post, or None if the code is unknown."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Post.id, Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code,
                   Post.neighbour_iso3, Post.road, Post.lon, Post.lat, Post.placement,
                   Country.name_es.label("country_es"), Country.name_en.label("country_en"))
            .join(Country, Country.iso3 == Post.country_iso3)
            .where(Post.code == code)
        ).mappings().first()
        if row is None:
            return None
        identity = dict(row)
        post_id = identity["id"]
        components = pd.read_sql(
            select(
                PostComponent.component_code, ComponentType.name_es, ComponentType.name_en,
                PostComponent.status, PostComponent.progress, PostComponent.target_date,
                PostComponent.completion_date,
            )
            .join(ComponentType, ComponentType.code == PostComponent.component_code)
            .where(PostComponent.post_id == post_id)
            .order_by(ComponentType.sort_order),
            conn,
        )
        workshops = pd.read_sql(
            select(Workshop.code, Workshop.title, Workshop.start_date, Workshop.venue_name)
            .join(WorkshopPost, WorkshopPost.workshop_id == Workshop.id)
            .where(WorkshopPost.post_id == post_id)
            .order_by(Workshop.start_date.desc()),
            conn,
        )
        span = conn.execute(select(func.min(FlowMonthly.month), func.max(FlowMonthly.month))).first()
        first_data, last = (_as_date(span[0]), _as_date(span[1])) if span else (None, None)
        monthly = pd.DataFrame(columns=["month", "direction", "count"])
        if last is not None:
            # Two windows: the chart's last `months` and the same length before, for the change.
            first = periods.add_months(last, 1 - 2 * months)
            monthly = pd.read_sql(
                select(FlowMonthly.month, FlowMonthly.direction, func.sum(FlowMonthly.count).label("count"))
                .where(FlowMonthly.post_id == post_id, FlowMonthly.month >= first)
                .group_by(FlowMonthly.month, FlowMonthly.direction)
                .order_by(FlowMonthly.month),
                conn,
            )
            monthly["month"] = pd.to_datetime(monthly["month"]).dt.date
    change = crossings_change(monthly, last, first_data, months)
    recent = monthly[monthly["month"] >= change.first_month] if change.first_month else monthly
    return PostProfile(identity, components, workshops, recent.reset_index(drop=True), change)


def _as_date(value: object) -> dt.date | None:
    """A month read back from either backend (SQLite may hand back text) as a date."""
    if value is None:
        return None
    return pd.Timestamp(value).date()
