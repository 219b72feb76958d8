"""Per-country editing (issue 25): an editor scoped to Guatemala changes Guatemalan records and no others, by
form, by import and by the command line (one rule: geo.access.auth.may_change, applied in the one write path
of each kind); the audit log names the scope."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from geo.access.auth import SYSTEM, Actor, may_change, parse_countries
from geo.access.editing import ValidationFailed
from geo.access.users import UserError, actor_of, create_user
from geo.db import session_scope
from geo.io.exports import export_bytes
from geo.io.imports import import_data
from geo.models import AuditEntry, Workshop
from geo.posts.records import save_post
from geo.programme.return_records import save_return_count
from geo.upgrades.records import save_component
from geo.workshops.records import save_workshop
from tests.data_helpers import seeded_sqlite, snapshot

REPO = Path(__file__).resolve().parent.parent
GTM = Actor("ana", "editor", ("GTM",))
HND = Actor("hector", "editor", ("HND",))
OUT = "edit.err.out_of_scope"


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    return seeded_sqlite(tmp_path)


def _refused(call) -> str:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert OUT in caught.value.problems.values(), caught.value.problems
    return next(k for k, v in caught.value.problems.items() if v == OUT)


def test_the_rule() -> None:
    assert may_change(GTM, {"GTM"}) and not may_change(GTM, {"SLV"}) and may_change(GTM, {"GTM", "SLV"})
    assert not may_change(GTM, set())  # the catalogue: regional people only
    assert may_change(Actor("coordinator", "editor"), {"SLV"}) and may_change(Actor("boss", "admin", ("GTM",)), {"NIC"})
    assert parse_countries(" slv, GTM ,") == ("GTM", "SLV") and parse_countries(None) == ()


def test_forms_change_own_country_records_only(db: Engine) -> None:
    binational = pd.read_sql(select(Workshop.code, Workshop.pair_a, Workshop.pair_b)
                             .where(Workshop.pair_a.is_not(None)), db.connect())
    gtm_slv = binational[(binational[["pair_a", "pair_b"]].isin(["GTM", "SLV"])).all(axis=1)]["code"].iloc[0]
    with session_scope(db) as session:
        save_post(session, GTM, "GTM-TUM", {"road": "CA-2 Occidente"})
        _refused(lambda: save_post(session, GTM, "SLV-ANG", {"road": "CA-12"}))
        _refused(lambda: save_post(session, GTM, "GTM-TUM", {"country_iso3": "MEX"}))  # moved out of its scope
        save_component(session, GTM, "GTM-TUM", "biometrics", {"notes": "revisado"})
        assert _refused(lambda: save_component(session, GTM, "SLV-ANG", "biometrics", {"notes": "x"})) == "post_code"
        save_workshop(session, GTM, gtm_slv, {"topic": "Trata de personas"})  # binational: either country's
        _refused(lambda: save_workshop(session, HND, gtm_slv, {"topic": "x"}))
        month = dt.date(2025, 1, 1)
        save_return_count(session, GTM, month, "GTM", "other_vulnerable", {"count": 12})
        _refused(lambda: save_return_count(session, GTM, month, "SLV", "other_vulnerable", {"count": 12}))
    with db.connect() as conn:
        scopes = set(conn.execute(select(AuditEntry.scope).where(AuditEntry.username == "ana")).scalars())
    assert scopes == {"GTM"}  # the audit log names the scope


def _rows(db: Engine, kind: str, country: str) -> bytes:
    """One kind's exact export reduced to records of one country (for workshops: the country of its pair, or of
    its venue when it has no pair), as a staff member would edit and load it."""
    frame = pd.read_csv(io.BytesIO(export_bytes(db, kind, "csv", exact=True)), dtype=str, keep_default_na=False)
    if kind in ("upgrades", "flows"):
        part = frame[frame["post_code"].str.startswith(country + "-")]
    elif kind == "workshops":
        paired = frame["pair_a"] != ""
        part = frame[(paired & ((frame["pair_a"] == country) | (frame["pair_b"] == country)))
                     | (~paired & (frame["venue_country_iso3"] == country))]
    else:
        part = frame[frame["country_iso3"] == country]
    assert len(part), (kind, country)
    return part.head(3).to_csv(index=False).encode()


@pytest.mark.parametrize("kind", ["posts", "upgrades", "workshops", "flows", "assistance"])
def test_imports_refuse_another_countrys_row_and_write_nothing(db: Engine, kind: str) -> None:
    before = snapshot(db)
    report = import_data(db, GTM, kind, _rows(db, kind, "NIC"), f"{kind}.csv")  # NIC: no GTM pair
    assert not report.ok and {p.key for p in report.problems} == {OUT}
    assert all(p.row is not None for p in report.problems)  # said at its row
    assert snapshot(db) == before
    assert import_data(db, GTM, kind, _rows(db, kind, "GTM"), f"{kind}.csv").ok


def test_command_line_users_and_imports_apply_the_scope(db: Engine, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": str(db.url)}

    def geo(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "geo", *args], cwd=REPO, env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)

    added = geo("users", "add", "gtm1", "--role", "editor", "--country", "GTM", stdin="a long password 123\n")
    assert added.returncode == 0, added.stderr
    assert actor_of(db, "gtm1") == Actor("gtm1", "editor", ("GTM",))
    mexican = geo("users", "add", "x1", "--role", "editor", "--country", "MEX", stdin="a long password 123\n")
    assert mexican.returncode == 1
    slv, gtm = tmp_path / "slv.csv", tmp_path / "gtm.csv"
    slv.write_bytes(_rows(db, "posts", "SLV"))
    gtm.write_bytes(_rows(db, "posts", "GTM"))
    refused = geo("import", "posts", str(slv), "--user", "gtm1")
    assert refused.returncode == 1 and "SLV" in refused.stdout
    assert geo("import", "posts", str(gtm), "--user", "gtm1").returncode == 0
    assert geo("import", "posts", str(slv)).returncode == 0  # without --user: an admin, as before
    assert geo("import", "posts", str(slv), "--user", "nobody").returncode == 2
    create_user(db, SYSTEM, "regional1", "editor", "a long password 123")
    assert actor_of(db, "regional1").regional
    with pytest.raises(UserError):
        actor_of(db, "nobody")
