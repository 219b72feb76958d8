"""The seeded sample data obeys the same rules as real data, and says it is sample."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geo.db import make_engine
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
