"""The seeded sample data obeys the same rules as real data, and says it is sample."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geo.db import make_engine
from geo.flows.draw import generate_flows, iter_flow_frames
from geo.flows.generate import (
    AGE_SHARE,
    CA4,
    EXTRA_REGIONAL,
    NEIGHBOURS,
    PAIRED_YEARLY_CROSSINGS,
    SAMPLE_END,
    SAMPLE_START,
    SEX_SHARE,
    SILENT_MONTHS,
    SILENT_POST,
    SURGE_POST,
    TRANSIT_COLLAPSE,
    TRANSIT_NATIONALITY,
    TRANSIT_ROUTE,
    UAM_PER_YEAR,
    YEARLY_CROSSINGS,
    PostProfile,
    silent_months,
    surge_month,
)
from geo.flows.load import load_flows
from geo.posts.checks import database_problems
from geo.programme.catalogue import EU_PROJECT_CODE
from geo.sample import BUDGET_EUR, _post_profiles, load_reference
from geo.upgrades.workflow import overall_status


@pytest.fixture(scope="module")
def engine(app_db_url: str) -> Engine:
    return make_engine(app_db_url)


def frame(engine: Engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def test_components_follow_the_workflow_rules(engine: Engine) -> None:
    c = frame(engine, "SELECT * FROM post_components")
    assert len(c) > 100
    assert c["is_sample"].all()
    operational = c[c["status"] == "operational"]
    assert operational["completion_date"].notna().all()
    assert (operational["progress"] == 100).all()
    assert c.loc[c["status"] != "operational", "completion_date"].isna().all()
    assert (c["budget_spent"] <= c["budget_committed"]).all()
    assert (c["budget_committed"] <= c["budget_planned"]).all()
    assert (pd.to_datetime(c["target_date"]) >= pd.to_datetime(c["start_date"])).all()


def test_only_ca4_posts_are_upgraded(engine: Engine) -> None:
    countries = frame(engine, "SELECT DISTINCT p.country_iso3 FROM post_components c JOIN posts p ON p.id = c.post_id")
    assert set(countries["country_iso3"]) == {"GTM", "SLV", "HND", "NIC"}


def test_rollup_equals_raw_rows(engine: Engine) -> None:
    raw = frame(engine, "SELECT post_id, month, direction, SUM(count) AS n FROM flow_counts GROUP BY 1, 2, 3")
    rolled = frame(engine, "SELECT post_id, month, direction, SUM(count) AS n FROM flow_monthly GROUP BY 1, 2, 3")
    merged = raw.merge(rolled, on=["post_id", "month", "direction"], how="outer", suffixes=("_raw", "_rolled"))
    assert len(merged) == len(raw) == len(rolled)
    assert (merged["n_raw"] == merged["n_rolled"]).all()


def test_workshops_cover_posts_of_their_pair(engine: Engine) -> None:
    w = frame(engine, """SELECT w.code, w.scope, w.pair_a, w.pair_b, p.country_iso3 FROM workshops w
                          JOIN workshop_posts wp ON wp.workshop_id = w.id JOIN posts p ON p.id = wp.post_id""")
    binational = w[w["scope"] == "binational"]
    assert len(binational) > 0
    assert all(row.country_iso3 in (row.pair_a, row.pair_b) for row in binational.itertuples())


def test_overall_status_rule() -> None:
    assert overall_status([]) == "none"
    assert overall_status(["operational", "operational"]) == "operational"
    assert overall_status(["operational", "installation", "planned"]) == "planned"
    assert overall_status(["operational", "delayed"]) == "delayed"
    assert overall_status(["delayed", "suspended", "operational"]) == "suspended"
    assert overall_status(["procurement", "installation"]) == "procurement"


# ------------------------------------------------------------------ flows: plausible, calibrated, streamed
@pytest.fixture(scope="module")
def profiles(engine: Engine) -> list[PostProfile]:
    with engine.connect() as conn:
        return _post_profiles(conn)


@pytest.fixture(scope="module")
def flows_150k(profiles: list[PostProfile]) -> pd.DataFrame:
    """The default sample size, generated once for the tests below (about 3 s of CPU)."""
    flows = generate_flows(profiles, 150_000, seed=2026)
    codes = {p.post_id: p.code for p in profiles}
    country = {p.post_id: p.country for p in profiles}
    flows["post"] = flows["post_id"].map(codes)
    flows["country"] = flows["post_id"].map(country)
    flows["type"] = flows["post_id"].map({p.post_id: p.type for p in profiles})
    flows["month"] = pd.to_datetime(flows["day"]).dt.to_period("M").dt.start_time.dt.date
    return flows


def assert_declared(got: pd.Series, declared: dict[str, float], points: float) -> None:
    assert set(got.index) == set(declared), f"missing {set(declared) - set(got.index)}"
    for key, share in declared.items():
        assert abs(got[key] - share) * 100 <= points, f"{key}: {got[key]:.3f} declared {share}"


def test_150k_rows_have_the_declared_shares(flows_150k: pd.DataFrame) -> None:
    assert len(flows_150k) == 150_000
    for column, declared in (("sex", SEX_SHARE), ("age_band", AGE_SHARE)):
        got = flows_150k.groupby(column)["count"].sum()
        assert_declared(got / got.sum(), declared, points=2.0)


# 2M rows are generated a month at a time without a database (about 8 s of CPU): the generator's shares.
def test_2m_rows_have_the_declared_shares(profiles: list[PostProfile]) -> None:
    rows = 2_000_000
    sex, age, count = {}, {}, 0
    for f in iter_flow_frames(profiles, rows, seed=2026):
        count += len(f)
        for column, acc in (("sex", sex), ("age_band", age)):
            for key, value in f.groupby(column)["count"].sum().items():
                acc[key] = acc.get(key, 0) + int(value)
    assert count == rows
    for acc, declared in ((sex, SEX_SHARE), (age, AGE_SHARE)):
        total = sum(acc.values())
        assert_declared(pd.Series({k: v / total for k, v in acc.items()}), declared, points=2.0)


def test_seeded_database_has_every_band_and_the_declared_shares(engine: Engine) -> None:
    demo = frame(engine, "SELECT sex, age_band, SUM(count) AS n FROM flow_month_demo GROUP BY 1, 2")
    assert_declared(demo.groupby("sex")["n"].sum() / demo["n"].sum(), SEX_SHARE, points=3.0)
    assert_declared(demo.groupby("age_band")["n"].sum() / demo["n"].sum(), AGE_SHARE, points=3.0)
    assert frame(engine, "SELECT COUNT(*) AS n FROM flow_counts WHERE is_sample")["n"][0] > 0


def test_unaccompanied_minors_are_minors_and_match_the_assisted_returns(engine: Engine) -> None:
    wrong = frame(engine, "SELECT COUNT(*) AS n FROM flow_counts WHERE unaccompanied_minors > 0 "
                          "AND (age_band <> '0-17' OR unaccompanied_minors > count)")
    assert wrong["n"][0] == 0
    uam = frame(engine, "SELECT SUM(unaccompanied_minors) AS n, COUNT(DISTINCT month) AS months FROM flow_counts")
    returned = frame(engine, "SELECT SUM(count) AS n, COUNT(DISTINCT month) AS months FROM assisted_returns "
                             "WHERE category = 'unaccompanied_minor'")
    per_year = uam["n"][0] / uam["months"][0] * 12
    returned_per_year = returned["n"][0] / returned["months"][0] * 12
    assert per_year == pytest.approx(UAM_PER_YEAR, rel=0.25)
    # The programme assists few of them: about 32 a year, some 1 in 70 (geo.sample.RETURNS_PER_MONTH).
    assert returned_per_year == pytest.approx(32, rel=0.35)
    assert 40 <= per_year / returned_per_year <= 120


def test_yearly_volumes_follow_the_calibration(flows_150k: pd.DataFrame) -> None:
    years = flows_150k["day"].nunique() / 365.25
    by_country = flows_150k.groupby("country")["count"].sum() / years
    for iso, yearly in PAIRED_YEARLY_CROSSINGS.items():
        assert by_country[iso] == pytest.approx(yearly, rel=0.05), iso
        # one figure per crossing moves a country's total at most a fifth from its published figure
        assert by_country[iso] == pytest.approx(YEARLY_CROSSINGS[iso], rel=0.21), iso
    # The region's CA4 posts: about 31 M a year, not the uncalibrated 55 M of before.
    assert sum(by_country[iso] for iso in YEARLY_CROSSINGS) == pytest.approx(31.3e6, rel=0.05)


def test_events_for_the_highlights(flows_150k: pd.DataFrame) -> None:
    flows = flows_150k
    monthly = flows.groupby(["post", "month"])["count"].sum()

    surge = surge_month()
    same_month_before = [m for m in monthly[SURGE_POST].index if m.month == surge.month and m < surge]
    assert len(same_month_before) >= 3
    # the norm of the years after the transit route collapsed (the transit crossed here before)
    norm = monthly[SURGE_POST][[m for m in same_month_before if m >= TRANSIT_COLLAPSE]].mean()
    assert 2.5 * norm < monthly[SURGE_POST][surge] < 5 * norm  # 3 to 4 x its seasonal norm (and the trend)
    # Seen on both sides, northbound: Guatemala's entries and Honduras' exits, not the other way round.
    by_direction = flows[flows["month"] == surge].groupby(["post", "direction"])["count"].sum()
    assert by_direction[(SURGE_POST, "entry")] == pytest.approx(by_direction[("HND-AGC", "exit")], rel=0.1)
    assert by_direction[(SURGE_POST, "entry")] > 2.5 * by_direction[(SURGE_POST, "exit")]
    assert by_direction[("HND-AGC", "exit")] > 2.5 * by_direction[("HND-AGC", "entry")]

    silent = silent_months()
    assert len(silent) == SILENT_MONTHS and silent[-1] == dt.date(2026, 10, 1)  # up to the sample's last month
    reported = set(monthly[SILENT_POST].index)
    assert not reported & set(silent)
    assert (silent[0] - dt.timedelta(days=1)).replace(day=1) in reported  # it reported until then

    # December is a peak every year, of about the same size: seasonal, not a surge.
    region = flows.groupby("month")["count"].sum()
    ratios = [region[dt.date(y, 12, 1)] / region[dt.date(y, 11, 1)] for y in (2023, 2024, 2025)]
    assert all(1.3 < r < 1.6 for r in ratios) and max(ratios) - min(ratios) < 0.1


def test_flows_are_streamed_a_month_at_a_time(profiles: list[PostProfile]) -> None:
    frames = list(iter_flow_frames(profiles[:4], 12_000, seed=9))
    months = [pd.to_datetime(f["day"]).dt.to_period("M").unique() for f in frames]
    assert all(len(m) == 1 for m in months) and len(frames) == 46  # January 2023 to October 2026
    assert sum(len(f) for f in frames) == 12_000
    whole = generate_flows(profiles[:4], 12_000, seed=9)
    pd.testing.assert_frame_equal(whole, pd.concat(frames, ignore_index=True))


# ------------------------------------------------------------------ the marginals geo/flows/generate.py declares
REGION = set(CA4 + NEIGHBOURS)
ROUTE_CROSSINGS = {crossing for crossing, _origin, _destination in TRANSIT_ROUTE}


def test_history_covers_three_years_and_more(flows_150k: pd.DataFrame) -> None:
    months = sorted(flows_150k["month"].unique())
    assert months[0] == SAMPLE_START and months[-1] == SAMPLE_END.replace(day=1)
    assert len(months) == 46  # the seasonal rule has its 12 past ratios from January 2025 on


def test_nationals_of_the_region_dominate_land_posts(flows_150k: pd.DataFrame, profiles: list[PostProfile]) -> None:
    land = flows_150k[flows_150k["type"] == "land"]
    for year, part in land.groupby(pd.to_datetime(land["day"]).dt.year):
        share = part.loc[part["nationality"].isin(REGION), "count"].sum() / part["count"].sum()
        assert share > (0.9 if year < TRANSIT_COLLAPSE.year else 0.97), year
    # Guatemala's posts see far more Hondurans than Haitians (the analyst's complaint about the old sample).
    gtm = land[land["country"] == "GTM"].groupby("nationality")["count"].sum()
    assert gtm["HND"] > 10 * gtm["HTI"]
    # Away from the transit route, nationals of the region are about 98 % (the docstring's land shares).
    crossing = {p.code: p.crossing for p in profiles}
    off_route = land[~land["post"].map(crossing).isin(ROUTE_CROSSINGS)]
    share = off_route.loc[off_route["nationality"].isin(REGION), "count"].sum() / off_route["count"].sum()
    assert share == pytest.approx(0.979, abs=0.01)


def test_extra_regional_transit_is_concentrated_on_its_route_and_years(flows_150k: pd.DataFrame,
                                                                       profiles: list[PostProfile]) -> None:
    crossing = {p.code: p.crossing for p in profiles}
    land = flows_150k[(flows_150k["type"] == "land") & flows_150k["nationality"].isin(TRANSIT_NATIONALITY)]
    year = pd.to_datetime(land["day"]).dt.year
    on_route = land["post"].map(crossing).isin(ROUTE_CROSSINGS)
    early = year < TRANSIT_COLLAPSE.year
    assert land.loc[early & on_route, "count"].sum() > 0.8 * land.loc[early, "count"].sum()
    by_year = land[on_route].groupby(year[on_route])["count"].sum()
    assert by_year[2023] > 2 * by_year[2024] > 6 * by_year[2025]  # halving every 9 months, then collapsing
    route = land[on_route & early].groupby("nationality")["count"].sum()
    assert route.idxmax() == "VEN"  # Venezuelans first, as INM Honduras reported
    # Northbound only: into Honduras at Las Manos, out of Guatemala at Tecún Umán, not the reverse.
    at = land[early].groupby(["post", "direction"])["count"].sum()
    assert at[("HND-MAN", "entry")] > 5 * at[("HND-MAN", "exit")]
    assert at[("GTM-TUM", "exit")] > 5 * at[("GTM-TUM", "entry")]


def test_us_nationals_lead_the_foreigners_at_airports(flows_150k: pd.DataFrame) -> None:
    air = flows_150k[flows_150k["type"] == "air"]
    for direction, declared in (("entry", 0.23), ("exit", 0.21)):
        part = air[air["direction"] == direction]
        shares = part.groupby("nationality")["count"].sum() / part["count"].sum()
        foreign = shares.drop(list(CA4))
        assert foreign.idxmax() == "USA"
        assert shares["USA"] == pytest.approx(declared / 0.935, abs=0.03)  # the weight, normalised
        assert shares[list(EXTRA_REGIONAL)].sum() < 0.35
    overall = flows_150k.groupby("nationality")["count"].sum()
    assert overall["USA"] > overall["MEX"] > overall["IND"]  # not India above the USA


def test_entries_and_exits_differ(flows_150k: pd.DataFrame) -> None:
    by = flows_150k.groupby(["post", "month", "direction"])["count"].sum().unstack()
    gap = (by["entry"] - by["exit"]).abs() / (by["entry"] + by["exit"])
    assert (gap < 0.005).mean() < 0.15  # the old sample: entries equal exits within 0.5 % everywhere
    assert gap.median() > 0.02


def test_components_are_dated_without_clamps(engine: Engine) -> None:
    c = frame(engine, "SELECT status, start_date, target_date, completion_date FROM post_components")
    for column in ("start_date", "target_date", "completion_date"):
        c[column] = pd.to_datetime(c[column])
    done = c[c["status"] == "operational"]
    assert done["completion_date"].value_counts().max() <= 3  # no pile-up on one day (the old clamp: 30)
    assert done["completion_date"].max() <= pd.Timestamp(SAMPLE_END)
    assert 0.8 <= (done["completion_date"] <= done["target_date"]).mean() <= 0.95  # most on time
    open_ = c[c["status"] != "operational"]
    overdue = open_["target_date"] < pd.Timestamp(SAMPLE_END)
    assert 0.03 <= overdue.mean() <= 0.2  # a plausible share late, not 91 %
    planned = c[c["status"] == "planned"]
    assert (planned["start_date"] > pd.Timestamp(SAMPLE_END)).all()  # planned: not started, target ahead
    assert (planned["target_date"] > pd.Timestamp(SAMPLE_END)).all()
    october = done["completion_date"].dt.to_period("M") == pd.Period(SAMPLE_END, "M")
    assert 1 <= october.sum() <= 10
    statuses = frame(engine, "SELECT post_id, status FROM post_components").groupby("post_id")["status"]
    operational_posts = statuses.apply(lambda s: overall_status(s) == "operational").sum()
    assert 10 <= operational_posts <= 40  # of 57: not 1


def test_budgets_are_the_programmes_scale_in_euros(engine: Engine) -> None:
    total = frame(engine, "SELECT SUM(budget_planned) AS eur FROM post_components")["eur"][0]
    assert 1_000_000 < total < 5_000_000  # a few million EUR under a project of "over EUR 1 million"
    currency = frame(engine, f"SELECT currency FROM projects WHERE code = '{EU_PROJECT_CODE}'")["currency"][0]
    assert currency == "EUR"


def test_each_component_budget_is_in_its_declared_range(engine: Engine) -> None:
    c = frame(engine, "SELECT component_code, status, budget_planned, budget_committed FROM post_components")
    low = c["component_code"].map({k: v[0] for k, v in BUDGET_EUR.items()})
    high = c["component_code"].map({k: v[1] for k, v in BUDGET_EUR.items()})
    assert ((c["budget_planned"] >= low) & (c["budget_planned"] <= high)).all()
    started = c[c["status"] != "planned"]
    share = started["budget_committed"] / started["budget_planned"]
    assert share.between(0.84, 1.0).all() and (c.loc[c["status"] == "planned", "budget_committed"] == 0).all()


def test_workshops_follow_the_declared_pattern(engine: Engine) -> None:
    p = frame(engine, "SELECT sex, SUM(count) AS n FROM workshop_participants GROUP BY sex").set_index("sex")["n"]
    assert p["F"] / p.sum() == pytest.approx(0.42, abs=0.05)  # 42 % women
    w = frame(engine, "SELECT scope, start_date FROM workshops")
    years = pd.to_datetime(w["start_date"]).dt.year
    assert set(years) == {2024, 2025, 2026}
    assert (w.loc[w["scope"] == "regional"].groupby(years).size() == 1).all()  # one regional meeting a year


def test_seaports_are_mostly_nationals(flows_150k: pd.DataFrame) -> None:
    sea = flows_150k[flows_150k["type"] == "sea"]
    nationals = sea[sea["nationality"] == sea["country"]]["count"].sum() / sea["count"].sum()
    assert nationals == pytest.approx(0.58 / 0.936, abs=0.04)  # the weight, normalised (weights sum to 0.936)


def test_assisted_returns_are_on_the_programmes_scale(engine: Engine) -> None:
    r = frame(engine, "SELECT month, category, count FROM assisted_returns")
    per_year = r.groupby(pd.to_datetime(r["month"]).dt.year)["count"].sum()
    full_years = per_year[per_year.index < SAMPLE_END.year]
    assert ((full_years >= 60) & (full_years <= 200)).all(), per_year  # tens to low hundreds, not 2,469
    assert full_years.mean() == pytest.approx(108, rel=0.3)  # geo.sample.RETURNS_PER_MONTH


# ------------------------------------------------------------------ `check` compares the roll-ups
def test_check_names_a_corrupted_rollup(migrated_engine: Engine) -> None:
    with migrated_engine.begin() as conn:
        load_reference(conn)
        chosen = _post_profiles(conn)[::8]
    load_flows(migrated_engine, generate_flows(chosen, 4_000, seed=4))
    assert [p for p in database_problems(migrated_engine) if p.kind == "rollup"] == []
    with migrated_engine.begin() as conn:
        post_id, code = conn.execute(text(
            "SELECT p.id, p.code FROM posts p WHERE p.id = (SELECT MIN(post_id) FROM flow_month_demo)")).one()
        conn.execute(text("UPDATE flow_month_demo SET count = count + 5 WHERE post_id = :p AND month = "
                          "(SELECT MIN(month) FROM flow_month_demo WHERE post_id = :p)"), {"p": post_id})
        month = conn.execute(text("SELECT MIN(month) FROM flow_month_demo WHERE post_id = :p"),
                             {"p": post_id}).scalar_one()
    problems = [str(p) for p in database_problems(migrated_engine)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"roll-up flow_month_demo: {str(month)[:7]} post {code}:")
    assert "flow_monthly has" in problems[0]


def test_check_command_exits_1_on_a_corrupted_rollup(tmp_path, monkeypatch, capsys) -> None:
    from geo.cli import main
    from geo.db import get_engine

    url = f"sqlite:///{tmp_path / 'check.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    assert main(["init", "--flows-rows", "3000"]) == 0
    db = make_engine(url)
    with db.begin() as conn:  # the raw rows lose crossings the monthly roll-up still counts
        conn.execute(text("UPDATE flow_counts SET count = count + 1 WHERE id = (SELECT MIN(id) FROM flow_counts)"))
        day, code = conn.execute(text("SELECT f.day, p.code FROM flow_counts f JOIN posts p ON p.id = f.post_id "
                                      "WHERE f.id = (SELECT MIN(id) FROM flow_counts)")).one()
    db.dispose()
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert f"PROBLEM roll-up flow_monthly: {str(day)[:7]} post {code}:" in out
    assert "flow_counts has" in out
    get_engine.cache_clear()
