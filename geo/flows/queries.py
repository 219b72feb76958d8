"""Flow queries for the flows page: SQL GROUP BY on the roll-ups, returning small DataFrames.

Every query names the dimensions it groups and filters by; `pick_rollup` answers it from the narrowest
roll-up that holds them (see geo.models and geo.flows.load.NARROW_ROLLUPS), so no page ever reads the raw
rows and most queries read a few thousand rows whatever the size of flow_counts. Periods are whole
months, [start, end] inclusive, each given as the first day of its month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Date, Engine, and_, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from geo import disclosure, periods
from geo.models import (
    FlowDayNat,
    FlowDayPost,
    FlowMonthDemo,
    FlowMonthly,
    FlowMonthRoute,
    Post,
)

GRAINS = ("day", "week", "month")
BREAKDOWNS = ("nationality", "sex", "age_band", "direction", "post")
ANIMATION_MODES = ("cumulative", "window")

# Narrowest first: the first whose columns hold a query's dimensions answers it.
ROLLUPS = (FlowMonthRoute, FlowMonthDemo, FlowDayPost, FlowDayNat, FlowMonthly)


@dataclass(frozen=True)
class FlowFilters:
    start: dt.date  # first month of the period (day 1)
    end: dt.date  # last month of the period (day 1), inclusive
    countries: tuple[str, ...] = ()  # country of the post
    types: tuple[str, ...] = ()  # post type
    directions: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()

    def with_period(self, start: dt.date, end: dt.date) -> FlowFilters:
        return replace(self, start=start, end=end)


# ------------------------------------------------------------------------------------------ periods
def animation_period(months: list[dt.date], frame: int, mode: str, window: int) -> tuple[dt.date, dt.date]:
    """Period shown by frame `frame` of the month-by-month animation over `months`: from the first
    month (cumulative) or the last `window` months (moving window) up to month number `frame`."""
    frame = min(max(frame, 0), len(months) - 1)
    first = 0 if mode == "cumulative" else max(0, frame - max(window, 1) + 1)
    return months[first], months[frame]


# ------------------------------------------------------------------------------------------ SQL
class WeekStart(FunctionElement):
    """Monday of the week of a date, portable between SQLite and PostgreSQL."""

    type = Date()
    inherit_cache = True


@compiles(WeekStart, "sqlite")
def _week_start_sqlite(element, compiler, **kw) -> str:
    # Back 6 days, then forward to the next Monday (or the same day if it is one).
    return f"date({compiler.process(element.clauses, **kw)}, '-6 days', 'weekday 1')"


@compiles(WeekStart)
def _week_start_default(element, compiler, **kw) -> str:
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


def _columns(model) -> set[str]:
    return set(model.__table__.c.keys())


def pick_rollup(dimensions: set[str]):
    """The narrowest roll-up holding every dimension (ValueError when none does)."""
    for model in ROLLUPS:
        if dimensions <= _columns(model):
            return model
    raise ValueError(f"no roll-up holds {sorted(dimensions)}")


def filter_dimensions(filters: FlowFilters) -> set[str]:
    dims = set()
    if filters.countries or filters.types:
        dims.add("post_id")
    if filters.directions:
        dims.add("direction")
    if filters.nationalities:
        dims.add("nationality")
    return dims


# Derived dimensions: name -> (roll-up columns needed, needs the posts table).
_DERIVED = {
    "week": ({"day"}, False),
    "post_code": ({"post_id"}, True),
    "post_name": ({"post_id"}, True),
    "post_country": ({"post_id"}, True),
    "post_lon": ({"post_id"}, True),
    "post_lat": ({"post_id"}, True),
}


def _sums(table) -> list:
    # SUM of a BIGINT is NUMERIC on PostgreSQL: cast back so Python gets integers, not Decimals.
    return [cast(func.sum(table.c[name]), BigInteger).label(name) for name in ("count", "unaccompanied_minors")]


def aggregate(engine: Engine, filters: FlowFilters, by: tuple[str, ...], time: str = "month") -> pd.DataFrame:
    """SUM(count) and SUM(unaccompanied_minors) over the filtered period, grouped by `by`.

    `time` is the time column the period applies to: "month", or "day" for daily and weekly series.
    `by` takes roll-up columns and the derived names week, post_code, post_name, post_country,
    post_lon, post_lat. Returns one row per group, sorted by the groups.
    """
    needed = {time} | filter_dimensions(filters)
    join_posts = False
    for name in by:
        columns, posts = _DERIVED.get(name, ({name}, False))
        needed |= columns
        join_posts |= posts
    model = pick_rollup(needed)
    table = model.__table__
    time_col = table.c[time]
    first, last = (filters.start, filters.end) if time == "month" else (filters.start, periods.last_day(filters.end))
    conditions = [time_col >= first, time_col <= last]
    if filters.countries or filters.types:
        posts = select(Post.id)
        if filters.countries:
            posts = posts.where(Post.country_iso3.in_(filters.countries))
        if filters.types:
            posts = posts.where(Post.type.in_(filters.types))
        conditions.append(table.c.post_id.in_(posts))
    if filters.directions:
        conditions.append(table.c.direction.in_(filters.directions))
    if filters.nationalities:
        conditions.append(table.c.nationality.in_(filters.nationalities))
    # Weeks are summed from daily sums, so the date arithmetic runs once per day, not once per row.
    inner_by = tuple("day" if name == "week" else name for name in by)
    derived = {"post_code": Post.code, "post_name": Post.name, "post_country": Post.country_iso3,
               "post_lon": Post.lon, "post_lat": Post.lat}
    group = [(derived[name] if name in derived else table.c[name]).label(name) for name in inner_by]
    query = select(*group, *_sums(table)).select_from(table)
    if join_posts:
        query = query.join(Post, Post.id == table.c.post_id)
    query = query.where(and_(*conditions))
    if "week" in by:
        inner = query.group_by(*group).subquery()
        group = [(WeekStart(inner.c.day) if name == "week" else inner.c[name]).label(name) for name in by]
        query = select(*group, *_sums(inner))
    if group:
        query = query.group_by(*group).order_by(*group)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=[*by, "count", "unaccompanied_minors"])
    for column in ("count", "unaccompanied_minors"):
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame.reset_index(drop=True)


# ------------------------------------------------------------------------------------------ queries
def recent_period(engine: Engine, months: int = 3) -> periods.Period | None:
    """THE recent window of the maps (mark sizes, arcs): the last `months` months holding flow data."""
    span = month_range(engine)
    if span is None:
        return None
    return periods.Period(periods.add_months(span[1], 1 - months), span[1])


def month_range(engine: Engine) -> tuple[dt.date, dt.date] | None:
    """First and last month holding flow data (None when there is none)."""
    # Two subqueries: SQLite answers a lone MIN or MAX from the key, but scans the table for both at once.
    month = FlowMonthRoute.month
    with engine.connect() as conn:
        first, last = conn.execute(select(select(func.min(month)).scalar_subquery(),
                                          select(func.max(month)).scalar_subquery())).one()
    return (first, last) if first is not None else None


def nationalities(engine: Engine) -> list[str]:
    """Nationalities present in the data, most frequent first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(FlowMonthRoute.nationality).group_by(FlowMonthRoute.nationality)
            .order_by(func.sum(FlowMonthRoute.count).desc(), FlowMonthRoute.nationality)
        ).all()
    return [r[0] for r in rows]



def totals(engine: Engine, filters: FlowFilters) -> dict[str, int]:
    """total, entry, exit and net (entries - exits) over the period."""
    return totals_of(aggregate(engine, filters, ("direction",)))


def totals_of(frame: pd.DataFrame) -> dict[str, int]:
    """The same figures from any aggregate with direction and count columns. Unaccompanied minors are not
    among them: they are published only through `minors` (geo.disclosure)."""
    by_direction = frame.groupby("direction")["count"].sum()
    entry, exit_ = int(by_direction.get("entry", 0)), int(by_direction.get("exit", 0))
    return {"total": entry + exit_, "entry": entry, "exit": exit_, "net": entry - exit_}


# Unaccompanied minors: base cells of month x post (geo.disclosure). A view that cuts finer (a direction or a
# nationality) has no published figure.
MINORS_KIND = "minors"
MINORS_CELLS = ("month", "post_code")


def minors_publishable(filters: FlowFilters) -> bool:
    """Whether the public may see minors for these filters: only sums of whole month x post cells."""
    return not filters.directions and not filters.nationalities


def minors_cells(engine: Engine, filters: FlowFilters) -> pd.DataFrame:
    """The month x post base cells of the filtered posts and period: month, post_code, unaccompanied_minors
    (exact) and published (geo.disclosure). Direction and nationality filters are not applied here."""
    whole = replace(filters, directions=(), nationalities=())
    cells = aggregate(engine, whole, MINORS_CELLS)[[*MINORS_CELLS, "unaccompanied_minors"]]
    cells["published"] = disclosure.publish_cells(cells, MINORS_KIND, MINORS_CELLS, "unaccompanied_minors",
                                                  disclosure.cell_key(engine))
    return cells


def minors_by_month(engine: Engine, filters: FlowFilters, exact: bool = False) -> dict[dt.date, int]:
    """Unaccompanied minors per month with data (published unless `exact`; exact ones honour every filter)."""
    if exact:
        frame = aggregate(engine, filters, ("month",))
        return {m: int(v) for m, v in zip(frame["month"], frame["unaccompanied_minors"], strict=True)}
    if not minors_publishable(filters):
        return {}
    cells = minors_cells(engine, filters)
    return {m: int(v) for m, v in cells.groupby("month")["published"].sum().items()}


def minors(engine: Engine, filters: FlowFilters, exact: bool = False) -> int | None:
    """Unaccompanied minors over the period: None when there is no flow record (or, for the public, when the
    filters cut finer than a post and a month); otherwise the sum of the published month x post cells."""
    by_month = minors_by_month(engine, filters, exact)
    return sum(by_month.values()) if by_month else None


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change in percent; None when there is nothing to compare with."""
    return None if not previous or current is None else (current - previous) / abs(previous) * 100.0


def kpi_table(now: dict[str, int | None], before: dict[str, int | None]) -> pd.DataFrame:
    """Key figures with the previous period's and the change in percent (none for the net balance,
    whose sign can flip)."""
    return pd.DataFrame(
        [{"key": k, "value": now[k], "previous": before.get(k),
          "change_pct": change(now[k], before.get(k)) if k != "net" else None} for k in now]
    )


def kpis(engine: Engine, filters: FlowFilters) -> pd.DataFrame:
    """Key figures of the period against the previous period of the same length."""
    before = filters.with_period(*periods.previous_period(filters.start, filters.end))
    return kpi_table(totals(engine, filters), totals(engine, before))


def series(engine: Engine, filters: FlowFilters, grain: str) -> pd.DataFrame:
    """Persons per period (day, week starting Monday, or month) and direction: columns period,
    direction, count, days and full_days. Weeks cut by the period's edges count only the days inside it
    (`days` of `full_days`: the chart marks them, so a short first week does not read as a fall)."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    time = "month" if grain == "month" else "day"
    frame = aggregate(engine, filters, (grain, "direction"), time=time)
    frame = frame.rename(columns={grain: "period"})[["period", "direction", "count"]]
    spans = [periods.bucket_days(p, grain, filters.start, filters.end) for p in frame["period"]]
    frame["days"] = [inside for inside, _ in spans]
    frame["full_days"] = [whole for _, whole in spans]
    return frame


POST_KEYS = ("post_code", "post_name", "post_country", "post_lon", "post_lat")


@dataclass
class PeriodSummary:
    """What the page's breakdowns, Sankey and map need for one period, from three queries; the
    breakdowns are derived once here, so a cached summary holds them too."""

    routes: pd.DataFrame  # POST_KEYS, direction, prev_country, next_country, count, unaccompanied_minors
    nationality: pd.DataFrame  # nationality, count, unaccompanied_minors
    demography: pd.DataFrame  # sex, age_band, count, unaccompanied_minors
    by: dict[str, pd.DataFrame] = field(default_factory=dict)  # breakdown() of each dimension

    def __post_init__(self) -> None:
        self.by = {dimension: _breakdown(self, dimension) for dimension in BREAKDOWNS}


def summary(engine: Engine, filters: FlowFilters) -> PeriodSummary:
    return PeriodSummary(
        routes=aggregate(engine, filters, (*POST_KEYS, "direction", "prev_country", "next_country")),
        nationality=aggregate(engine, filters, ("nationality",)),
        demography=aggregate(engine, filters, ("sex", "age_band")),
    )


def _largest_first(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Largest count first, ties by key (numpy: pandas' sort costs milliseconds even on ten rows)."""
    order = np.lexsort((frame[key].to_numpy(dtype=object).astype(str), -frame["count"].to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def _sum_by(frame: pd.DataFrame, key: str, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """count and unaccompanied_minors summed by `key` (with `extra` columns that depend on it): numpy
    on a few hundred rows, several times faster than a pandas groupby on these small frames."""
    codes, uniques = pd.factorize(frame[key])
    first = np.unique(codes, return_index=True)[1]
    out = pd.DataFrame({key: np.asarray(uniques, dtype=object)})
    for column in extra:
        out[column] = frame[column].to_numpy()[first]
    for column in ("count", "unaccompanied_minors"):
        out[column] = np.bincount(codes, weights=frame[column].to_numpy(), minlength=len(uniques)).astype("int64")
    return out


def _breakdown(data: PeriodSummary, dimension: str) -> pd.DataFrame:
    if dimension == "nationality":
        return _largest_first(data.nationality, "nationality")
    source = data.demography if dimension in ("sex", "age_band") else data.routes
    if dimension == "post":
        return _largest_first(_sum_by(source, "post_code", POST_KEYS[1:]), "post_code")
    return _largest_first(_sum_by(source, dimension), dimension)


def breakdown(data: PeriodSummary, dimension: str) -> pd.DataFrame:
    """Persons by one dimension, largest first: nationality, sex, age_band, direction, or post (then
    with the POST_KEYS columns). Columns: the dimension's, count, unaccompanied_minors."""
    if dimension not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {dimension!r}")
    return data.by[dimension]


def top_with_other(frame: pd.DataFrame, key: str, n: int, other: str = "OTHER") -> pd.DataFrame:
    """The `n` largest rows of a breakdown, the rest summed into one `other` row (if any)."""
    ordered = _largest_first(frame, key)
    head, tail = ordered.head(n), ordered.iloc[n:]
    if tail.empty:
        return head[[key, "count"]].reset_index(drop=True)
    rest = pd.DataFrame({key: [other], "count": [int(tail["count"].sum())]})
    return pd.concat([head[[key, "count"]], rest], ignore_index=True)


def shared_scales(data: list[PeriodSummary], top_n: int, other: str = "OTHER") -> dict[str, int]:
    """The longest bar of each breakdown chart over several periods, so compared charts share a scale."""
    scales: dict[str, int] = {}
    for dimension in BREAKDOWNS:
        tops = [
            top_with_other(breakdown(d, dimension), "nationality", top_n, other) if dimension == "nationality"
            else breakdown(d, dimension) for d in data
        ]
        scales[dimension] = max((int(f["count"].max()) for f in tops if len(f)), default=0)
    return scales


def country_routes(data: PeriodSummary) -> pd.DataFrame:
    """Country-to-country movements: entries go from the previous country to the post's country,
    exits from the post's country to the next one. Columns source, target, direction, count; '' is an
    unrecorded country."""
    frame = data.routes
    entry = frame["direction"] == "entry"
    out = pd.DataFrame({
        "source": frame["prev_country"].where(entry, frame["post_country"]),
        "target": frame["post_country"].where(entry, frame["next_country"]),
        "direction": frame["direction"],
        "count": frame["count"],
    })
    out = out.groupby(["source", "target", "direction"], as_index=False)["count"].sum()
    return out.sort_values(["count", "source", "target"], ascending=[False, True, True]).reset_index(drop=True)


def post_routes(data: PeriodSummary) -> pd.DataFrame:
    """Per post and direction, where from (entries) or where to (exits): POST_KEYS, direction,
    other_country ('' if unrecorded), count."""
    frame = data.routes.assign(
        other_country=data.routes["prev_country"].where(data.routes["direction"] == "entry",
                                                        data.routes["next_country"]))
    keys = [*POST_KEYS, "direction", "other_country"]
    return frame.groupby(keys, as_index=False)["count"].sum()


def recent_routes(engine: Engine, countries: tuple[str, ...] = (), types: tuple[str, ...] = (),
                  months: int = 3) -> pd.DataFrame:
    """post_routes over the last `months` months holding data (the window of the map's mark sizes)."""
    recent = recent_period(engine, months)
    if recent is None:
        return pd.DataFrame(columns=[*POST_KEYS, "direction", "other_country", "count"])
    filters = FlowFilters(start=recent.first, end=recent.last, countries=countries, types=types)
    return post_routes(summary(engine, filters))


EXPORT_COLUMNS = ("month", "post_code", "post_name", "post_country", "direction", "nationality",
                  "prev_country", "next_country", "count", "unaccompanied_minors")


def export_frame(engine: Engine, filters: FlowFilters, exact: bool = False) -> pd.DataFrame:
    """The filtered aggregate for download: month x post x direction x nationality x route. Unaccompanied
    minors only for staff (`exact`): these groups are finer than the month x post cells the public may see."""
    frame = aggregate(engine, filters, ("month", "post_code", "post_name", "post_country", "direction",
                                        "nationality", "prev_country", "next_country"))
    return frame[[c for c in EXPORT_COLUMNS if exact or c != "unaccompanied_minors"]]


def export_csv(engine: Engine, filters: FlowFilters, exact: bool = False) -> bytes:
    return export_frame(engine, filters, exact).to_csv(index=False).encode("utf-8")


# ------------------------------------------------------------------------------------------ comparisons
def default_comparison(start: dt.date, end: dt.date, months: list[dt.date]) -> tuple[dt.date, dt.date]:
    """The same months a year earlier when the data reaches back that far, else the previous period
    (clamped to the data)."""
    year_earlier = (periods.add_months(start, -12), periods.add_months(end, -12))
    for first, last in (year_earlier, periods.previous_period(start, end)):
        if first >= months[0]:
            return first, last
    return months[0], min(periods.add_months(months[0], len(periods.months_between(start, end)) - 1), months[-1])
