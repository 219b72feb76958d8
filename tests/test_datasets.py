"""Where each figure comes from (issue 25): every load is recorded (file, who, when, rows), each dataset rated
fresh / due / overdue against its expected interval, on the data page and in the interface."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from geo import datasets
from geo.access.auth import Actor
from geo.io.exports import export_bytes
from geo.io.imports import import_data
from geo.reference import CA4
from tests.data_helpers import seeded_sqlite

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    return seeded_sqlite(tmp_path)


def test_the_seed_is_a_recorded_load_and_every_dataset_is_rated(db: Engine) -> None:
    table = datasets.freshness(db, today=dt.date(2026, 11, 20))
    assert list(table["dataset"]) == [f"flows.{c}" for c in CA4] + ["assistance", "upgrades", "workshops", "posts"]
    assert set(datasets.loads(db)["kind"]) == {"posts", "upgrades", "workshops", "flows", "assistance"}
    flows = table[table["kind"] == "flows"]
    assert all(d.year == 2026 and d.month == 10 for d in flows["data_as_of"])  # the sample's last month
    assert [a == (dt.date(2026, 11, 20) - d).days for a, d in zip(flows["age_days"], flows["data_as_of"],
                                                                   strict=True)] == [True] * 4
    assert (flows["state"] == "fresh").all()


@pytest.mark.parametrize(("age", "state"), [(0, "fresh"), (45, "fresh"), (46, "due"), (67, "due"), (68, "overdue"),
                                             (None, "none")])
def test_flows_turn_due_then_overdue(age: int | None, state: str) -> None:
    # Fresh for 45 days after the last day the data covers, due for half an interval more, then overdue.
    assert datasets.state_of(age, "flows") == state


def test_a_dataset_left_alone_becomes_overdue(db: Engine) -> None:
    late = datasets.freshness(db, today=dt.date(2028, 1, 1))
    assert set(late.loc[late["kind"] != "posts", "state"]) == {"overdue"}
    assert late.set_index("dataset").loc["posts", "state"] == "due"  # checked yearly: 1.1 years after its load


def test_an_import_is_recorded_with_its_file_user_and_rows(db: Engine) -> None:
    frame = pd.read_csv(io.BytesIO(export_bytes(db, "posts", "csv")), dtype=str, keep_default_na=False)
    data = frame[frame["country_iso3"] == "GTM"].head(4).to_csv(index=False).encode()
    assert import_data(db, Actor("ana", "editor"), "posts", data, "puestos_gtm.csv").ok
    newest = datasets.loads(db, "posts").iloc[0]
    assert (newest["source"], newest["username"], newest["rows"]) == ("puestos_gtm.csv", "ana", 4)
    row = datasets.freshness(db).set_index("dataset").loc["posts"]
    assert row["source"] == "puestos_gtm.csv" and row["state"] == "fresh"
    # A refused file is not a load.
    bad = data.replace(b"GTM-", b"ZZZ-", 1)
    assert not import_data(db, Actor("ana", "editor"), "posts", bad, "malo.csv").ok
    assert datasets.loads(db, "posts").iloc[0]["source"] == "puestos_gtm.csv"


def test_the_data_page_shows_every_datasets_freshness(app_env: str) -> None:
    at = AppTest.from_file(str(REPO / "screens/data.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "Dataset" in d.value.columns)
    assert len(table) == 8 and "Flows: Guatemala" in set(table["Dataset"])
    assert set(table["State"]) <= {"fresh", "due", "overdue", "no data"}
    assert any("Fresh: within the expected interval" in c.value for c in at.caption)


def test_a_load_is_dated_by_the_regions_day(db: Engine) -> None:
    """A load at 18:51 in Guatemala on 4 December is stored as 00:51 UTC on the 5th: its data is as of the 4th
    (it read 05/12/2026 beside a 'last load' of 04/12/2026 18:51)."""
    from sqlalchemy import update

    from geo.models import DatasetLoad

    with db.begin() as conn:
        conn.execute(update(DatasetLoad).where(DatasetLoad.kind == "workshops")
                     .values(loaded_at=dt.datetime(2026, 12, 5, 0, 51)))
    row = datasets.freshness(db, today=dt.date(2026, 12, 4)).set_index("dataset").loc["workshops"]
    assert row["data_as_of"] == dt.date(2026, 12, 4) and row["age_days"] == 0
