"""Bulk loading of flow counts and the roll-ups that keep pages off the raw rows.

SQLite gets executemany on chunks inside one transaction; PostgreSQL gets COPY. After every load the
months it touched are recomputed in flow_monthly and in the narrower roll-ups (see NARROW_ROLLUPS), in
the same transaction, so raw rows and roll-ups never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, and_, case, delete, func, insert, or_, select, true

from geo.models import Base

FLOW_COLUMNS = (
    "day", "month", "post_id", "direction", "nationality", "sex", "age_band",
    "prev_country", "next_country", "count", "unaccompanied_minors", "is_sample",
)
CHUNK = 200_000


def with_month(frame: pd.DataFrame) -> pd.DataFrame:
    days = pd.to_datetime(frame["day"])
    out = frame.copy()
    out["day"] = days.dt.date
    out["month"] = days.dt.to_period("M").dt.start_time.dt.date
    return out


def _rows(frame: pd.DataFrame, start: int, stop: int, iso_dates: bool = False) -> list[tuple]:
    """Rows as tuples in FLOW_COLUMNS order; with `iso_dates` the day and month as 'YYYY-MM-DD' text,
    converted in numpy rather than one isoformat() call per value (SQLite stores dates as text)."""
    part = frame.iloc[start:stop]

    def values(column: str) -> list:
        if iso_dates and column in ("day", "month"):
            # A few hundred distinct days in any chunk: format each once, then spread them (in C).
            codes, uniques = pd.factorize(part[column])
            text = pd.to_datetime(pd.Series(uniques)).to_numpy().astype("datetime64[D]").astype(str)
            return text.astype(object)[codes].tolist()
        return part[column].tolist()

    return list(zip(*(values(c) for c in FLOW_COLUMNS), strict=True))


def _insert_sqlite(conn: Connection, frame: pd.DataFrame, progress: Callable[[int], None] | None) -> None:
    placeholders = ", ".join("?" for _ in FLOW_COLUMNS)
    sql = f"INSERT INTO flow_counts ({', '.join(FLOW_COLUMNS)}) VALUES ({placeholders})"
    raw = conn.connection.driver_connection
    cursor = raw.cursor()
    for start in range(0, len(frame), CHUNK):
        cursor.executemany(sql, _rows(frame, start, start + CHUNK, iso_dates=True))
        if progress:
            progress(min(start + CHUNK, len(frame)))
    cursor.close()


def _insert_postgresql(conn: Connection, frame: pd.DataFrame, progress: Callable[[int], None] | None) -> None:
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY flow_counts ({', '.join(FLOW_COLUMNS)}) FROM STDIN") as copy:
        for start in range(0, len(frame), CHUNK):
            for row in _rows(frame, start, start + CHUNK):
                copy.write_row(row)
            if progress:
                progress(min(start + CHUNK, len(frame)))


def insert_flows(
    conn: Connection, frame: pd.DataFrame, *, progress: Callable[[int], None] | None = None
) -> set[dt.date]:
    """Append raw rows (no upsert) and return the months touched. Caller owns the transaction."""
    if frame.empty:
        return set()
    frame = with_month(frame)
    if "is_sample" not in frame:
        frame["is_sample"] = False
    frame["prev_country"] = frame["prev_country"].fillna("")
    frame["next_country"] = frame["next_country"].fillna("")
    if conn.dialect.name == "postgresql":
        _insert_postgresql(conn, frame, progress)
    else:
        _insert_sqlite(conn, frame, progress)
    return set(frame["month"].unique())


def _month_ranges(months: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Contiguous runs of months as [first day, first day after) ranges, for the day-keyed roll-ups."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for month in months:
        after = (pd.Timestamp(month) + pd.offsets.MonthBegin(1)).date()
        if ranges and ranges[-1][1] == month:
            ranges[-1] = (ranges[-1][0], after)
        else:
            ranges.append((month, after))
    return ranges


def _in_months(column, months: list[dt.date] | None):
    """Predicate: `column` (a month or a day) falls in one of `months` (None: always true)."""
    if months is None:
        return true()
    if column.name == "month":
        return column.in_(months)
    return or_(*(and_(column >= first, column < after) for first, after in _month_ranges(months)))


def _rollup(conn: Connection, target, source, keys: tuple[str, ...], months: list[dt.date] | None) -> None:
    """Replace `target`'s rows for `months` by SUM(count), SUM(minors) of `source` grouped by `keys`."""
    time_key = keys[0]
    conn.execute(delete(target).where(_in_months(target.c[time_key], months)))
    group = [source.c[k] for k in keys]
    conn.execute(
        insert(target).from_select(
            [*keys, "count", "unaccompanied_minors"],
            select(*group, func.sum(source.c["count"]),
                   func.sum(func.coalesce(source.c["unaccompanied_minors"], 0)))
            .where(_in_months(source.c["month" if "month" in source.c else time_key], months))
            .group_by(*group),
        )
    )


# Every roll-up below flow_monthly: (table, its key, the table it is computed from). Each is computed
# from the smallest table already refreshed that holds its key, all from the same raw rows.
NARROW_ROLLUPS = (
    ("flow_month_route", ("month", "post_id", "direction", "nationality", "prev_country", "next_country"),
     "flow_monthly"),
    ("flow_month_demo", ("month", "post_id", "direction", "sex", "age_band"), "flow_monthly"),
    ("flow_day_nat", ("day", "post_id", "direction", "nationality"), "flow_counts"),
    ("flow_day_post", ("day", "post_id", "direction"), "flow_day_nat"),
)


def refresh_monthly(conn: Connection, months: Iterable[dt.date] | None = None) -> None:
    """Recompute flow_monthly and the narrower roll-ups for `months` (all months when None) from the
    raw rows. Caller owns the transaction, so the raw rows and every roll-up change together."""
    if months is not None:
        months = sorted(months)
        if not months:
            return
    tables = Base.metadata.tables
    raw, monthly = tables["flow_counts"], tables["flow_monthly"]
    conn.execute(delete(monthly).where(_in_months(monthly.c.month, months)))
    keys = ("month", "post_id", "direction", "nationality", "sex", "age_band", "prev_country", "next_country")
    group = [raw.c[k] for k in keys]
    conn.execute(
        insert(monthly).from_select(
            [*keys, "count", "unaccompanied_minors", "rows", "sample_rows", "is_sample"],
            select(
                *group, func.sum(raw.c["count"]), func.sum(func.coalesce(raw.c.unaccompanied_minors, 0)),
                func.count(), func.sum(case((raw.c.is_sample, 1), else_=0)),
                func.max(case((raw.c.is_sample, 1), else_=0)) == 1,
            )
            .where(_in_months(raw.c.month, months))
            .group_by(*group),
        )
    )
    for target, keys, source in NARROW_ROLLUPS:
        _rollup(conn, tables[target], tables[source], keys, months)


def load_flows(engine: Engine, frame: pd.DataFrame, *, progress: Callable[[int], None] | None = None) -> int:
    """Insert rows and refresh the roll-up in one transaction. Returns the number of rows loaded."""
    with engine.begin() as conn:
        months = insert_flows(conn, frame, progress=progress)
        refresh_monthly(conn, months)
    return len(frame)


def rollup_mismatches(conn: Connection) -> list[str]:
    """Roll-ups whose persons or minors totals differ from flow_monthly's (empty when consistent).
    Cheap: it sums the roll-ups, never the raw rows (flow_monthly against raw is checked on its own)."""
    tables = Base.metadata.tables

    def totals(name: str) -> tuple[int, int]:
        table = tables[name]
        row = conn.execute(select(func.coalesce(func.sum(table.c["count"]), 0),
                                  func.coalesce(func.sum(table.c.unaccompanied_minors), 0))).one()
        return int(row[0]), int(row[1])

    reference = totals("flow_monthly")
    return [name for name, _keys, _source in NARROW_ROLLUPS if totals(name) != reference]


@dataclass(frozen=True)
class RollupDifference:
    """A month and post where a roll-up's totals differ from the table it is computed from."""

    table: str  # the roll-up that differs
    reference: str  # what it should agree with: flow_monthly, or the raw rows (flow_counts)
    month: dt.date
    post_id: int
    count: int
    reference_count: int
    minors: int
    reference_minors: int


def _totals_by_month_post(conn: Connection, name: str) -> pd.DataFrame:
    """Crossings and minors of a table by month and post (day-keyed tables summed to their month)."""
    table = Base.metadata.tables[name]
    time_key = "month" if "month" in table.c else "day"
    rows = conn.execute(
        select(table.c[time_key], table.c.post_id, func.sum(table.c["count"]),
               func.sum(func.coalesce(table.c.unaccompanied_minors, 0)))
        .group_by(table.c[time_key], table.c.post_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["time", "post_id", "count", "minors"])
    if frame.empty:
        return pd.DataFrame(columns=["month", "post_id", "count", "minors"])
    frame["month"] = pd.to_datetime(frame["time"]).dt.to_period("M").dt.start_time.dt.date
    frame[["count", "minors"]] = frame[["count", "minors"]].fillna(0).astype("int64")
    return frame.groupby(["month", "post_id"], as_index=False)[["count", "minors"]].sum()


def rollup_differences(conn: Connection) -> list[RollupDifference]:
    """Every month and post where flow_monthly differs from the raw rows, or a narrower roll-up from
    flow_monthly (crossings or minors), oldest first. Empty when everything agrees. Reads the raw rows
    once (grouped in the database), so it costs about one scan of flow_counts."""
    keys = ["month", "post_id"]
    reference = _totals_by_month_post(conn, "flow_monthly")
    pairs = [("flow_monthly", "flow_counts", reference, _totals_by_month_post(conn, "flow_counts"))]
    pairs += [(name, "flow_monthly", _totals_by_month_post(conn, name), reference)
              for name, _keys, _source in NARROW_ROLLUPS]
    differences = []
    for name, against, rolled, wanted in pairs:
        merged = rolled.merge(wanted, on=keys, how="outer", suffixes=("", "_ref"))
        merged = merged.fillna(0)
        bad = merged[(merged["count"] != merged["count_ref"]) | (merged["minors"] != merged["minors_ref"])]
        for row in bad.sort_values(keys).itertuples():
            differences.append(RollupDifference(
                name, against, row.month, int(row.post_id), int(row.count), int(row.count_ref),
                int(row.minors), int(row.minors_ref)))
    return differences
