"""Bulk loading of flow counts and the monthly roll-up that keeps pages off the raw rows.

SQLite gets executemany on chunks inside one transaction; PostgreSQL gets COPY. After every load the
months it touched are recomputed in flow_monthly, in the same transaction, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pandas as pd
from sqlalchemy import Connection, Engine, text

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


def _rows(frame: pd.DataFrame, start: int, stop: int) -> list[tuple]:
    part = frame.iloc[start:stop]
    return list(zip(*(part[c].tolist() for c in FLOW_COLUMNS), strict=True))


def _insert_sqlite(conn: Connection, frame: pd.DataFrame, progress: Callable[[int], None] | None) -> None:
    placeholders = ", ".join("?" for _ in FLOW_COLUMNS)
    sql = f"INSERT INTO flow_counts ({', '.join(FLOW_COLUMNS)}) VALUES ({placeholders})"
    raw = conn.connection.driver_connection
    cursor = raw.cursor()
    for start in range(0, len(frame), CHUNK):
        rows = [
            (d.isoformat(), m.isoformat(), *rest)
            for d, m, *rest in _rows(frame, start, start + CHUNK)
        ]
        cursor.executemany(sql, rows)
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


def refresh_monthly(conn: Connection, months: Iterable[dt.date] | None = None) -> None:
    """Recompute flow_monthly for `months` (all months when None) from the raw rows."""
    where, params = "", {}
    if months is not None:
        months = sorted(months)
        if not months:
            return
        names = [f"m{i}" for i in range(len(months))]
        where = f"WHERE month IN ({', '.join(':' + n for n in names)})"
        params = dict(zip(names, months, strict=True))
    conn.execute(text(f"DELETE FROM flow_monthly {where}"), params)
    conn.execute(
        text(
            "INSERT INTO flow_monthly (month, post_id, direction, nationality, sex, age_band, prev_country,"
            " next_country, count, unaccompanied_minors, rows, is_sample) "
            "SELECT month, post_id, direction, nationality, sex, age_band, prev_country, next_country,"
            " SUM(count), SUM(COALESCE(unaccompanied_minors, 0)), COUNT(*),"
            " MAX(CASE WHEN is_sample THEN 1 ELSE 0 END) = 1 "
            f"FROM flow_counts {where} "
            "GROUP BY month, post_id, direction, nationality, sex, age_band, prev_country, next_country"
        ),
        params,
    )


def load_flows(engine: Engine, frame: pd.DataFrame, *, progress: Callable[[int], None] | None = None) -> int:
    """Insert rows and refresh the roll-up in one transaction. Returns the number of rows loaded."""
    with engine.begin() as conn:
        months = insert_flows(conn, frame, progress=progress)
        refresh_monthly(conn, months)
    return len(frame)
