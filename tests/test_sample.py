"""The seeded sample data obeys the same rules as real data, and says it is sample."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geo.db import make_engine
from geo.flows.generate import (
    AGE_SHARE,
    SEX_SHARE,
    SILENT_MONTHS,
    SILENT_POST,
    SURGE_POST,
    UAM_PER_YEAR,
    YEARLY_CROSSINGS,
    PostProfile,
    generate_flows,
    iter_flow_frames,
    silent_months,
    surge_month,
)
from geo.flows.load import load_flows
from geo.posts.checks import database_problems
from geo.sample import _post_profiles, load_reference
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
    # Same order of magnitude: about three recorded at the posts for each assisted return.
    assert 1.5 <= per_year / returned_per_year <= 6


def test_yearly_volumes_follow_the_calibration(flows_150k: pd.DataFrame) -> None:
    years = flows_150k["day"].nunique() / 365.25
    by_country = flows_150k.groupby("country")["count"].sum() / years
    for iso, yearly in YEARLY_CROSSINGS.items():
        assert by_country[iso] == pytest.approx(yearly, rel=0.05), iso
    # The region's CA4 posts: about 31 M a year, not the uncalibrated 55 M of before.
    assert sum(by_country[iso] for iso in YEARLY_CROSSINGS) == pytest.approx(31.3e6, rel=0.05)


def test_events_for_the_highlights(flows_150k: pd.DataFrame) -> None:
    flows = flows_150k
    monthly = flows.groupby(["post", "month"])["count"].sum()

    surge = surge_month()
    same_month_before = [m for m in monthly[SURGE_POST].index if m.month == surge.month and m < surge]
    norm = monthly[SURGE_POST][same_month_before].mean()
    assert len(same_month_before) >= 2
    assert 2.5 * norm < monthly[SURGE_POST][surge] < 5 * norm  # ~3.5x its seasonal norm (and the trend)

    silent = silent_months()
    assert len(silent) == SILENT_MONTHS and silent[-1] == dt.date(2026, 10, 1)  # up to the sample's last month
    reported = set(monthly[SILENT_POST].index)
    assert not reported & set(silent)
    assert (silent[0] - dt.timedelta(days=1)).replace(day=1) in reported  # it reported until then

    # December is a peak every year, of about the same size: seasonal, not a surge.
    region = flows.groupby("month")["count"].sum()
    ratios = [region[dt.date(y, 12, 1)] / region[dt.date(y, 11, 1)] for y in (2024, 2025)]
    assert all(1.3 < r < 1.6 for r in ratios) and abs(ratios[0] - ratios[1]) < 0.1


def test_flows_are_streamed_a_month_at_a_time(profiles: list[PostProfile]) -> None:
    frames = list(iter_flow_frames(profiles[:4], 12_000, seed=9))
    months = [pd.to_datetime(f["day"]).dt.to_period("M").unique() for f in frames]
    assert all(len(m) == 1 for m in months) and len(frames) == 34
    assert sum(len(f) for f in frames) == 12_000
    whole = generate_flows(profiles[:4], 12_000, seed=9)
    pd.testing.assert_frame_equal(whole, pd.concat(frames, ignore_index=True))


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
