"""One write path per record kind: the edit forms and the imports obey the same rules, merge partial input
with the stored row, and every page shows a write at its next run (one cache rule, no clearing by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from geo.access.auth import Actor
from geo.i18n import t
from geo.io.imports import import_data
from geo.models import AuditEntry
from geo.upgrades import records as up
from geo.workshops import queries as wq
from geo.workshops import records as ws
from tests.data_helpers import seeded_sqlite, snapshot

REPO = Path(__file__).resolve().parent.parent
EDITOR = Actor("ana", "editor")
ADMIN = Actor("root", "admin")
TIMEOUT = 60


@pytest.fixture
def seeded(tmp_path: Path) -> Engine:
    return seeded_sqlite(tmp_path, flows_rows=300)


def component(engine: Engine, status: str) -> tuple[str, str]:
    frame = up.components_frame(engine)
    row = frame[frame["status"] == status].iloc[0]
    return str(row["post_code"]), str(row["component_code"])


def csv(text: str) -> bytes:
    return text.strip().encode("utf-8") + b"\n"


def test_a_partial_upgrades_file_changes_only_what_it_names(seeded: Engine) -> None:
    post, comp = component(seeded, "installation")
    before = up.component_record(seeded, post, comp)
    assert before is not None and before["start_date"] is not None and before["budget_committed"] > 0
    spent = float(before["budget_committed"])  # spent up to what is committed: allowed without a flag
    data = csv(f"post_code,component_code,status,budget_spent\n{post},{comp},installation,{spent}")
    report = import_data(seeded, EDITOR, "upgrades", data, "partial.csv")
    assert report.ok, [p.line("en") for p in report.problems]
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    after = up.component_record(seeded, post, comp)
    assert after["budget_spent"] == pytest.approx(spent)
    assert after["version"] == before["version"] + 1
    untouched = set(up.EDIT_FIELDS) - {"budget_spent"}
    assert {f: after[f] for f in untouched} == {f: before[f] for f in untouched}
    with seeded.connect() as conn:
        logged = conn.execute(select(AuditEntry.field).where(
            AuditEntry.entity == up.ENTITY, AuditEntry.entity_key == f"{post}/{comp}",
            AuditEntry.action == "update", AuditEntry.username != "system")).scalars().all()  # not the sample's story
    assert logged == ["budget_spent"]


def test_an_editors_import_obeys_the_workflow_rule_of_the_form(seeded: Engine) -> None:
    post, comp = component(seeded, "operational")
    seen = up.component_record(seeded, post, comp)
    reopened = {"status": "planned", "progress": 0, "completion_date": None}
    with pytest.raises(up.ValidationFailed) as refused:
        up.update_component(seeded, EDITOR, post, comp, seen, {**seen, **reopened})
    form_key = refused.value.problems["status"]
    assert form_key == "infra.err.operational_final"

    data = csv(f"post_code,component_code,status,progress,completion_date\n{post},{comp},planned,0,")
    before = snapshot(seeded)
    report = import_data(seeded, EDITOR, "upgrades", data, "reopen.csv")
    assert not report.ok and not report.written
    assert [(p.row, p.column, p.key) for p in report.problems] == [(2, "status", form_key)]
    assert t(form_key, "es") in report.problems[0].line("es")  # the form's own words, in the user's language
    assert snapshot(seeded) == before  # nothing written

    dry = import_data(seeded, EDITOR, "upgrades", data, "reopen.csv", dry_run=True)
    assert [p.key for p in dry.problems] == [form_key]  # a dry run finds what the real import would

    admin = import_data(seeded, ADMIN, "upgrades", data, "reopen.csv")  # an admin's correction is allowed
    assert admin.ok and admin.updated == 1
    assert up.component_record(seeded, post, comp)["status"] == "planned"


def test_a_partial_workshop_file_keeps_participants_and_posts(seeded: Engine) -> None:
    code = wq.workshops_held(seeded)["code"].iloc[0]
    before = ws.workshop_record(seeded, code)
    report = import_data(seeded, EDITOR, "workshops", csv(f"code,title\n{code},Título corregido"), "w.csv")
    assert report.ok, [p.line("en") for p in report.problems]
    after = ws.workshop_record(seeded, code)
    assert after["title"] == "Título corregido"
    assert after["participants"] == before["participants"] and after["posts"] == before["posts"]
    assert after["version"] == before["version"] + 1


def test_a_workshop_import_is_checked_by_the_forms_rules(seeded: Engine) -> None:
    code = wq.workshops_held(seeded)["code"].iloc[0]
    # end before start: the form's ws.err.dates_order, at the file's row
    report = import_data(seeded, EDITOR, "workshops",
                         csv(f"code,start_date,end_date\n{code},2026-05-10,2026-05-01"), "w.csv")
    assert [p.key for p in report.problems] == ["ws.err.dates_order"]
    assert report.problems[0].row == 2


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def page(name: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "screens" / name), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_every_page_shows_a_write_at_its_next_run(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", str(seeded.url))
    label = t("infra.kpi.operational", "en")
    operational = metric(page("infrastructure.py"), label)  # cached now
    post, comp = component(seeded, "installation")
    seen = up.component_record(seeded, post, comp)
    up.update_component(seeded, EDITOR, post, comp, seen,
                        {**seen, "status": "operational", "progress": 100,
                         "completion_date": dt.date.today() - dt.timedelta(days=1)})
    done, total = (int(x) for x in operational.split(" / "))
    assert metric(page("infrastructure.py"), label) == f"{done + 1} / {total}"  # a form's save

    overview_label, workshops_label = t("ov.kpi.workshops", "en"), t("ws.kpi.workshops", "en")
    held_overview = int(metric(page("overview.py"), overview_label))
    held_page = int(metric(page("workshops.py"), workshops_label))
    last = wq.workshops_held(seeded).sort_values("start_date").iloc[-1]
    day = pd.Timestamp(last["start_date"]).date()
    row = ws.workshop_record(seeded, last["code"])
    data = csv("code,title,start_date,end_date,venue_name,venue_lon,venue_lat,scope,pair_a,pair_b\n"
               f"TB-TEST-001,Taller de prueba,{day},{day},{row['venue_name']},{row['venue_lon']},{row['venue_lat']},"
               f"{row['scope']},{row['pair_a'] or ''},{row['pair_b'] or ''}")
    report = import_data(seeded, EDITOR, "workshops", data, "new.csv")
    assert report.ok and report.added == 1, [p.line("en") for p in report.problems]
    assert int(metric(page("overview.py"), overview_label)) == held_overview + 1  # an import
    assert int(metric(page("workshops.py"), workshops_label)) == held_page + 1
