"""The data-quality panel's figures equal counts made directly on the raw tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from geo.flows.load import load_flows
from geo.models import FlowCount
from geo.quality import record_counts
from tests.data_helpers import seeded_sqlite


def _raw_flow_counts(engine: Engine) -> dict[bool, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(FlowCount.is_sample, func.count()).group_by(FlowCount.is_sample)).all())


def test_flow_record_counts_come_from_the_rollup_and_equal_the_raw_rows(tmp_path: Path) -> None:
    engine = seeded_sqlite(tmp_path)
    with engine.connect() as conn:
        first = conn.execute(select(FlowCount.__table__).where(FlowCount.is_sample).limit(1)).mappings().one()
    # Real rows in the very group of a sample row (same month and dimensions, other days): a mixed group.
    day = pd.Timestamp(first["day"])
    real = pd.DataFrame([{
        "day": day.replace(day=d).date(), "post_id": first["post_id"], "direction": first["direction"],
        "nationality": first["nationality"], "sex": first["sex"], "age_band": first["age_band"],
        "prev_country": first["prev_country"] or None, "next_country": first["next_country"] or None,
        "count": 3, "unaccompanied_minors": 0, "is_sample": False,
    } for d in (27, 28) if d != day.day])
    load_flows(engine, real)
    raw = _raw_flow_counts(engine)
    assert raw[False] == len(real) and raw[True] > 0
    counts = record_counts(engine).set_index("kind")
    assert counts.loc["flows", "real"] == raw[False]
    assert counts.loc["flows", "sample"] == raw[True]
