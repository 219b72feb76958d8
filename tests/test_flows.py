"""Flow aggregation: every query equals pandas on the same raw rows (SQLite and PostGIS), the roll-ups
stay consistent through incremental loads, the generator is deterministic, the period rules hold."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geo import periods
from geo.db import make_engine, migrate
from geo.flows import queries as flows
from geo.flows.draw import generate_flows
from geo.flows.generate import PostProfile
from geo.flows.load import NARROW_ROLLUPS, load_flows, rollup_mismatches
from geo.models import FlowDayNat, FlowDayPost, FlowMonthDemo, FlowMonthly, FlowMonthRoute
from geo.sample import _post_profiles, load_reference
from tests.conftest import fresh_postgres

START, END = dt.date(2025, 11, 1), dt.date(2026, 10, 1)


def _sample_frame(profiles: list[PostProfile], rows: int, seed: int, end: dt.date) -> pd.DataFrame:
    frame = generate_flows(profiles, rows, seed, end=end)
    # Real imports leave the minors count empty at times and do not always know the other country.
    rng = np.random.default_rng(seed)
    frame["unaccompanied_minors"] = frame["unaccompanied_minors"].astype(object)
    frame.loc[rng.random(len(frame)) < 0.1, "unaccompanied_minors"] = None
    frame.loc[rng.random(len(frame)) < 0.1, ["prev_country", "next_country"]] = ""
    return frame.drop_duplicates(
        ["day", "post_id", "direction", "nationality", "sex", "age_band", "prev_country", "next_country"])


def _fill(engine: Engine) -> Engine:
    """Reference records and two loads of sample flows (the second overlaps the first's months)."""
    with engine.begin() as conn:
        load_reference(conn)
        profiles = _post_profiles(conn)
    chosen = profiles[::6]  # a dozen posts of every kind: the test stays small
    load_flows(engine, _sample_frame(chosen[:7], 2500, 11, dt.date(2026, 5, 31)))
    later = _sample_frame(chosen[7:], 2500, 12, dt.date(2026, 10, 31))
    load_flows(engine, later)
    return engine


@pytest.fixture
def flow_engine(migrated_engine: Engine) -> Engine:
    """A filled database of the test's own, for the test that loads more into it."""
    return _fill(migrated_engine)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def read_only_flows(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, pd.DataFrame]]:
    """One filled database per backend for the tests that only read (built once, not once per test and
    filter), with its raw rows read once."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('flows') / 'flows.sqlite'}")
        migrate(engine)
        yield _fill(engine), raw_frame(engine)
        engine.dispose()
        return
    with fresh_postgres() as engine:
        migrate(engine)
        yield _fill(engine), raw_frame(engine)


def raw_frame(engine: Engine) -> pd.DataFrame:
    """The raw rows with their post's attributes, read whole: only the test computes in pandas."""
    with engine.connect() as conn:
        raw = pd.read_sql(text(
            "SELECT f.*, p.code AS post_code, p.name AS post_name, p.country_iso3 AS post_country, "
            "p.type AS post_type, p.lon AS post_lon, p.lat AS post_lat "
            "FROM flow_counts f JOIN posts p ON p.id = f.post_id"), conn)
    raw["day"] = pd.to_datetime(raw["day"]).dt.date
    raw["month"] = pd.to_datetime(raw["month"]).dt.date
    raw["unaccompanied_minors"] = raw["unaccompanied_minors"].fillna(0).astype("int64")
    return raw


def select_rows(raw: pd.DataFrame, f: flows.FlowFilters) -> pd.DataFrame:
    keep = (raw["month"] >= f.start) & (raw["month"] <= f.end)
    for column, values in (("post_country", f.countries), ("post_type", f.types), ("direction", f.directions),
                           ("nationality", f.nationalities)):
        if values:
            keep &= raw[column].isin(values)
    return raw[keep]


def expected(raw: pd.DataFrame, f: flows.FlowFilters, by: list[str]) -> pd.DataFrame:
    rows = select_rows(raw, f)
    out = rows.groupby(by, as_index=False)[["count", "unaccompanied_minors"]].sum()
    return out.sort_values(by).reset_index(drop=True)


FILTERS = {
    "all": flows.FlowFilters(START, END),
    "guatemala land entries": flows.FlowFilters(START, END, countries=("GTM",), types=("land",), directions=("entry",)),
    "two nationalities": flows.FlowFilters(dt.date(2026, 3, 1), END, nationalities=("VEN", "HND")),
    "air and sea, exits": flows.FlowFilters(dt.date(2025, 1, 1), dt.date(2025, 6, 1), types=("air", "sea"),
                                            directions=("exit",)),
    "nothing matches": flows.FlowFilters(START, END, countries=("PAN",), nationalities=("IND",)),
}


@pytest.fixture(params=list(FILTERS), ids=list(FILTERS))
def case(request: pytest.FixtureRequest,
         read_only_flows: tuple[Engine, pd.DataFrame]) -> tuple[Engine, pd.DataFrame, flows.FlowFilters]:
    engine, raw = read_only_flows
    return engine, raw, FILTERS[request.param]


def _same(actual: pd.DataFrame, wanted: pd.DataFrame, keys: list[str]) -> None:
    actual = actual.sort_values(keys).reset_index(drop=True)
    wanted = wanted.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(actual[wanted.columns], wanted, check_dtype=False)


def test_totals_and_kpis_equal_pandas(case) -> None:
    engine, raw, f = case
    rows = select_rows(raw, f)
    entry, exit_ = int(rows.loc[rows["direction"] == "entry", "count"].sum()), int(
        rows.loc[rows["direction"] == "exit", "count"].sum())
    assert flows.totals(engine, f) == {"total": entry + exit_, "entry": entry, "exit": exit_, "net": entry - exit_}
    # Minors: exact for staff (every filter applies), published month x post cells for the public.
    assert flows.minors(engine, f, exact=True) == (int(rows["unaccompanied_minors"].sum()) if len(rows) else None)
    published = flows.minors(engine, f)
    if f.directions or f.nationalities or not len(rows):
        assert published is None
    else:
        assert published % 5 == 0 and abs(published - int(rows["unaccompanied_minors"].sum())) <= 4 * len(
            rows.groupby(["month", "post_code"]))
    before = select_rows(raw, f.with_period(*periods.previous_period(f.start, f.end)))
    kpis = flows.kpis(engine, f).set_index("key")
    assert kpis.loc["total", "previous"] == int(before["count"].sum())
    if before["count"].sum():
        assert kpis.loc["total", "change_pct"] == pytest.approx(
            (rows["count"].sum() - before["count"].sum()) / before["count"].sum() * 100)


@pytest.mark.parametrize("grain", flows.GRAINS)
def test_series_equal_pandas(case, grain: str) -> None:
    engine, raw, f = case
    rows = select_rows(raw, f).copy()
    if grain == "day":
        rows["period"] = rows["day"]
    elif grain == "week":  # Monday of the week
        rows["period"] = [d - dt.timedelta(days=d.weekday()) for d in rows["day"]]
    else:
        rows["period"] = rows["month"]
    wanted = rows.groupby(["period", "direction"], as_index=False)["count"].sum()
    actual = flows.series(engine, f, grain)
    actual["period"] = pd.to_datetime(actual["period"]).dt.date
    _same(actual, wanted, ["period", "direction"])


def test_summary_breakdowns_equal_pandas(case) -> None:
    engine, raw, f = case
    data = flows.summary(engine, f)
    for dimension in ("nationality", "sex", "age_band", "direction"):
        _same(flows.breakdown(data, dimension), expected(raw, f, [dimension]), [dimension])
    posts = expected(raw, f, ["post_code", "post_name", "post_country", "post_lon", "post_lat"])
    _same(flows.breakdown(data, "post"), posts, ["post_code"])
    result = flows.breakdown(data, "post")["count"].tolist()
    assert result == sorted(result, reverse=True)  # busiest first


def test_routes_equal_pandas(case) -> None:
    engine, raw, f = case
    rows = select_rows(raw, f)
    entry = rows["direction"] == "entry"
    moves = pd.DataFrame({"source": rows["prev_country"].where(entry, rows["post_country"]),
                          "target": rows["post_country"].where(entry, rows["next_country"]),
                          "direction": rows["direction"], "count": rows["count"]})
    wanted = moves.groupby(["source", "target", "direction"], as_index=False)["count"].sum()
    data = flows.summary(engine, f)
    _same(flows.country_routes(data), wanted, ["source", "target", "direction"])
    other = rows["prev_country"].where(entry, rows["next_country"])
    per_post = rows.assign(other_country=other).groupby(
        ["post_code", "direction", "other_country"], as_index=False)["count"].sum()
    _same(flows.post_routes(data)[["post_code", "direction", "other_country", "count"]], per_post,
          ["post_code", "direction", "other_country"])


def test_export_equals_pandas(case) -> None:
    engine, raw, f = case
    keys = ["month", "post_code", "post_name", "post_country", "direction", "nationality", "prev_country",
            "next_country"]
    export = flows.export_frame(engine, f, exact=True)
    assert list(export.columns) == list(flows.EXPORT_COLUMNS)
    assert "unaccompanied_minors" not in flows.export_frame(engine, f).columns  # the public's download
    _same(export, expected(raw, f, keys), keys)
    csv = pd.read_csv(io.BytesIO(flows.export_csv(engine, f)), keep_default_na=False)
    assert len(csv) == len(export) and int(csv["count"].sum()) == int(export["count"].sum())


def test_rollups_equal_raw_after_incremental_loads(flow_engine: Engine) -> None:
    raw = raw_frame(flow_engine)
    # A third load into months the others already filled, including rows for existing posts.
    with flow_engine.connect() as conn:
        profiles = _post_profiles(conn)
    extra = generate_flows(profiles[1::9], 900, 13, end=dt.date(2026, 4, 30))
    extra = extra.merge(raw[["day", "post_id", "direction", "nationality", "sex", "age_band", "prev_country",
                             "next_country"]], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")  # the natural key stays unique
    load_flows(flow_engine, extra)
    raw = raw_frame(flow_engine)
    for table, keys, _source in (("flow_monthly", ("month", "post_id", "direction", "nationality", "sex",
                                                   "age_band", "prev_country", "next_country"), None),
                                 *NARROW_ROLLUPS):
        with flow_engine.connect() as conn:
            stored = pd.read_sql(text(f"SELECT * FROM {table}"), conn)
        stored[keys[0]] = pd.to_datetime(stored[keys[0]]).dt.date
        wanted = raw.groupby(list(keys), as_index=False)[["count", "unaccompanied_minors"]].sum()
        _same(stored[[*keys, "count", "unaccompanied_minors"]], wanted, list(keys))
    with flow_engine.begin() as conn:
        assert rollup_mismatches(conn) == []
        conn.execute(text("UPDATE flow_day_post SET count = count + 1 WHERE post_id = "
                          "(SELECT MIN(post_id) FROM flow_day_post)"))
        assert rollup_mismatches(conn) == ["flow_day_post"]


def test_rollup_choice() -> None:
    assert flows.pick_rollup({"month", "direction"}) is FlowMonthRoute
    assert flows.pick_rollup({"month", "sex", "age_band"}) is FlowMonthDemo
    assert flows.pick_rollup({"day", "direction", "post_id"}) is FlowDayPost
    assert flows.pick_rollup({"day", "nationality"}) is FlowDayNat
    assert flows.pick_rollup({"month", "nationality", "sex"}) is FlowMonthly
    with pytest.raises(ValueError):
        flows.pick_rollup({"day", "sex"})


def test_generator_is_deterministic() -> None:
    profiles = [PostProfile(1, "GTM", "SLV", "land", "CA-2"), PostProfile(2, "HND", None, "air", None),
                PostProfile(3, "NIC", "CRI", "land", "CA-1")]
    first = generate_flows(profiles, 5000, seed=7)
    pd.testing.assert_frame_equal(first, generate_flows(profiles, 5000, seed=7))
    assert len(first) == 5000
    assert not first.equals(generate_flows(profiles, 5000, seed=8))
    # Structure: CA4 nationals dominate at a crossing inside the CA4 (free movement).
    internal = first[first["post_id"] == 1]
    ca4 = internal["nationality"].isin(["GTM", "SLV", "HND", "NIC"])
    assert internal.loc[ca4, "count"].sum() > 0.6 * internal["count"].sum()


def test_periods() -> None:
    assert periods.add_months(dt.date(2025, 11, 1), 3) == dt.date(2026, 2, 1)
    assert periods.add_months(dt.date(2025, 1, 1), -1) == dt.date(2024, 12, 1)
    assert periods.last_day(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert periods.previous_period(dt.date(2025, 11, 1), dt.date(2026, 10, 1)) == (
        dt.date(2024, 11, 1), dt.date(2025, 10, 1))
    months = periods.months_between(dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    assert len(months) == 12 and periods.months_between(months[3], months[1]) == []
    assert flows.animation_period(months, 4, "cumulative", 3) == (months[0], months[4])
    assert flows.animation_period(months, 4, "window", 3) == (months[2], months[4])
    assert flows.animation_period(months, 1, "window", 3) == (months[0], months[1])
    assert flows.animation_period(months, 99, "window", 1) == (months[11], months[11])
    assert flows.default_comparison(months[6], months[8], months) == (months[3], months[5])
    everything = periods.months_between(dt.date(2024, 1, 1), dt.date(2026, 10, 1))
    assert flows.default_comparison(dt.date(2025, 11, 1), dt.date(2026, 10, 1), everything) == (
        dt.date(2024, 11, 1), dt.date(2025, 10, 1))


def test_top_with_other_keeps_the_total() -> None:
    frame = pd.DataFrame({"nationality": list("ABCDE"), "count": [5, 50, 10, 1, 10]})
    top = flows.top_with_other(frame, "nationality", 2)
    assert top["nationality"].tolist() == ["B", "C", "OTHER"]
    assert top["count"].tolist() == [50, 10, 16]
    assert flows.top_with_other(frame, "nationality", 9)["count"].sum() == 76


def test_shared_scales_cover_both_periods(read_only_flows: tuple[Engine, pd.DataFrame]) -> None:
    flow_engine = read_only_flows[0]
    a = flows.summary(flow_engine, flows.FlowFilters(dt.date(2025, 1, 1), dt.date(2025, 3, 1)))
    b = flows.summary(flow_engine, flows.FlowFilters(START, END))
    scales = flows.shared_scales([a, b], 3)
    for dimension in ("sex", "age_band", "direction", "post"):
        assert scales[dimension] == max(flows.breakdown(d, dimension)["count"].max() for d in (a, b))
    tops = [flows.top_with_other(flows.breakdown(d, "nationality"), "nationality", 3) for d in (a, b)]
    assert scales["nationality"] == max(t["count"].max() for t in tops)


def test_no_data(migrated_engine: Engine) -> None:
    assert flows.month_range(migrated_engine) is None
    assert flows.nationalities(migrated_engine) == []
    empty = flows.summary(migrated_engine, flows.FlowFilters(START, END))
    assert empty.routes.empty and flows.totals_of(empty.routes)["total"] == 0
