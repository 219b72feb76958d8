"""Where each figure comes from, and whether it is late: one row per load of a dataset, and each dataset's
freshness (the Humanitarian Data Exchange's fresh / due / overdue).

Every load (the seed, every import) is recorded with its source file, who loaded it, when and how many rows
(`record_load`, called by geo.io.imports and geo.sample). Each dataset has an expected update interval:
- flows, by country of the post, and assisted returns: monthly counts, due within 15 days of the month's end, so
  their data (the last day they cover) should be at most EXPECTED_DAYS old: 45 days;
- upgrades and workshops: reported each quarter (92 days) from their last load;
- posts: checked yearly (365 days) from their last load.
A dataset is *fresh* within its interval, *due* for GRACE of it more, *overdue* after that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select

from geo import periods, reference
from geo.models import AssistedReturn, DatasetLoad, DatasetState, FlowDayPost, Post

EXPECTED_DAYS = {"flows": 45, "assistance": 45, "upgrades": 92, "workshops": 92, "posts": 365}
GRACE = 0.5  # due for half an interval more, then overdue
DATED_BY_DATA = ("flows", "assistance")  # their age is that of the data they hold, not of their last load
STATES = ("fresh", "due", "overdue", "none")


def record_load(conn: Connection, kind: str, source: str, username: str, rows: int,
                at: dt.datetime | None = None) -> None:
    """One load of `kind`, in the loading transaction (written with the data, or not at all)."""
    conn.execute(insert(DatasetLoad), {"kind": kind, "loaded_at": at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                                       "source": source[:200], "username": username[:80], "rows": int(rows)})


def loads(engine: Engine, kind: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The newest loads first: kind, loaded_at, source, username, rows."""
    query = select(DatasetLoad.kind, DatasetLoad.loaded_at, DatasetLoad.source, DatasetLoad.username,
                   DatasetLoad.rows).order_by(DatasetLoad.loaded_at.desc(), DatasetLoad.id.desc()).limit(limit)
    if kind:
        query = query.where(DatasetLoad.kind == kind)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["kind", "loaded_at", "source", "username", "rows"])


def state_of(age_days: int | None, kind: str) -> str:
    """fresh / due / overdue for data `age_days` old ('none' when there is no data)."""
    if age_days is None:
        return "none"
    expected = EXPECTED_DAYS[kind]
    if age_days <= expected:
        return "fresh"
    return "due" if age_days <= expected * (1 + GRACE) else "overdue"


def _last_loads(conn: Connection) -> dict[str, dict[str, Any]]:
    """Each kind's newest load (from dataset_loads; dataset_state for a database loaded before they were kept)."""
    out: dict[str, dict[str, Any]] = {}
    for kind, at, source in conn.execute(select(DatasetState.kind, DatasetState.updated_at, DatasetState.source)):
        out[kind] = {"loaded_at": at, "source": source, "username": None, "rows": None}
    newest = select(DatasetLoad.kind, func.max(DatasetLoad.id).label("id")).group_by(DatasetLoad.kind).subquery()
    query = select(DatasetLoad.kind, DatasetLoad.loaded_at, DatasetLoad.source, DatasetLoad.username,
                   DatasetLoad.rows).join(newest, newest.c.id == DatasetLoad.id)
    for kind, at, source, username, rows in conn.execute(query):
        out[kind] = {"loaded_at": at, "source": source, "username": username, "rows": rows}
    return out


def freshness(engine: Engine, today: dt.date | None = None) -> pd.DataFrame:
    """One row per dataset (flows once per CA4 country): dataset, kind, country, data_as_of, loaded_at, source,
    username, rows, expected_days, age_days, state."""
    today = today or periods.today()
    with engine.connect() as conn:
        last = _last_loads(conn)
        flow_days = dict(conn.execute(
            select(Post.country_iso3, func.max(FlowDayPost.day)).join(Post, Post.id == FlowDayPost.post_id)
            .group_by(Post.country_iso3)).all())
        last_return = conn.execute(select(func.max(AssistedReturn.month))).scalar()
    rows = []

    def add(dataset: str, kind: str, country: str | None, as_of: dt.date | None) -> None:
        load = last.get(kind, {})
        loaded_at = load.get("loaded_at")
        dated = as_of if kind in DATED_BY_DATA else _local_day(loaded_at)
        age = (today - dated).days if dated is not None else None
        rows.append({"dataset": dataset, "kind": kind, "country": country, "data_as_of": as_of,
                     "loaded_at": loaded_at, "source": load.get("source"), "username": load.get("username"),
                     "rows": load.get("rows"), "expected_days": EXPECTED_DAYS[kind], "age_days": age,
                     "state": state_of(age, kind)})

    for country in reference.CA4:
        day = flow_days.get(country)
        add(f"flows.{country}", "flows", country, _as_date(day))
    returns_end = None
    if last_return is not None:  # a month of returns covers up to its last day
        month = _as_date(last_return)
        returns_end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    add("assistance", "assistance", None, returns_end)
    for kind in ("upgrades", "workshops", "posts"):
        loaded_at = last.get(kind, {}).get("loaded_at")
        add(kind, kind, None, _local_day(loaded_at))
    return pd.DataFrame(rows)


def _local_day(stored: dt.datetime | None) -> dt.date | None:
    """The region's day of a stored (UTC) time: a load at 18:51 in Guatemala on 4 December is stored as
    00:51 on the 5th, and is data as of the 4th."""
    from geo.i18n import local_time

    return local_time(stored).date() if stored is not None else None


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def as_json(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The freshness table for the interface: dataset -> its fields (dates as ISO text)."""
    out = {}
    for row in frame.to_dict("records"):
        out[row.pop("dataset")] = {k: (v.isoformat() if hasattr(v, "isoformat") else
                                       (None if v is None or v != v else v)) for k, v in row.items()}
    return out


def as_of_text(engine: Engine, kind: str, lang: str, countries: tuple[str, ...] = ()) -> str:
    """'Datos al 31/10/2026 (vigente)': the data's as-of date and state for a figure's caption. Flows over
    several countries say the earliest of their dates (the figure is complete only up to it)."""
    from geo.i18n import fmt_date_short, t

    table = freshness(engine)
    rows = table[table["kind"] == kind]
    if kind == "flows" and countries:
        rows = rows[rows["country"].isin(countries)]
    rows = rows[rows["data_as_of"].notna()]
    if rows.empty:
        return t("datasets.as_of.none", lang)
    first = rows.loc[rows["data_as_of"].idxmin()] if len(rows) > 1 else rows.iloc[0]
    worst = max(rows["state"], key=STATES.index)
    return t("datasets.as_of", lang, date=fmt_date_short(first["data_as_of"], lang),
             state=t(f"datasets.state.{worst}", lang))

