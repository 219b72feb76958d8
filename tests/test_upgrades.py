"""Infrastructure upgrades: workflow rules, overdue items, budget sums, information exchange, and edits
(optimistic locking with two editors, audit of every field, roles) on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text, update

from geo.access.auth import Actor, PermissionDenied
from geo.i18n import has
from geo.models import AuditEntry, ComponentType, Post, PostComponent
from geo.posts.queries import posts_frame
from geo.programme.catalogue import NATIONAL_LINK, REGIONAL_LINK
from geo.upgrades import exchange
from geo.upgrades import records as up
from geo.upgrades.workflow import overall_status
from tests.data_helpers import seeded_on

ANA = Actor("ana", "editor")
BEN = Actor("ben", "editor")
ADMIN = Actor("root", "admin")
VIEWER = Actor("vera", "viewer")
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def seeded(seeded_backend: str, tmp_path: Path) -> Iterator[Engine]:
    """The sample without flows on each backend, the test's own."""
    with seeded_on(seeded_backend, tmp_path, flows_rows=0) as engine:
        yield engine


def valid_record(**changes: object) -> dict:
    base = {
        "status": "installation", "progress": 50, "budget_planned": 10_000.0, "budget_committed": 8_000.0,
        "budget_spent": 4_000.0, "budget_flag": None, "start_date": dt.date(2025, 1, 1),
        "target_date": dt.date(2026, 6, 30), "completion_date": None, "agency": "DGM", "notes": None,
        "project_id": None,
    }
    return {**base, **changes}


def audit_rows(engine: Engine, key: str) -> pd.DataFrame:
    """A component's log rows written since the seed (the sample's dated story, by "system", left out)."""
    with engine.connect() as conn:
        return pd.read_sql(select(AuditEntry).where(AuditEntry.entity == up.ENTITY, AuditEntry.entity_key == key,
                                                    AuditEntry.username != "system")
                           .order_by(AuditEntry.id), conn)


def set_status(engine: Engine, post_code: str, component: str, status: str, **values: object) -> None:
    """Put a component in a state directly (test set-up, bypassing the editor path)."""
    with engine.begin() as conn:
        post_id = conn.execute(select(Post.id).where(Post.code == post_code)).scalar_one()
        extra = {"completion_date": dt.date(2026, 1, 15), "progress": 100} if status == "operational" else \
            {"completion_date": None}
        extra["start_date"] = dt.date(2024, 1, 1)
        conn.execute(update(PostComponent).where(PostComponent.post_id == post_id,
                                                 PostComponent.component_code == component)
                     .values(status=status, **{**extra, **values}))


# ------------------------------------------------------------------------------ workflow rules
def test_a_valid_record_has_no_problem() -> None:
    assert up.validate_component(valid_record(), today=TODAY) == {}


@pytest.mark.parametrize(("changes", "field", "problem"), [
    ({"status": "finished"}, "status", "data.err.choice"),
    ({"status": None}, "status", "data.err.required"),
    # Out of the field's range: the keys an import's cell parser gives (one rule, one verdict)
    ({"progress": 101}, "progress", "data.err.range"),
    ({"progress": -1}, "progress", "data.err.negative"),
    ({"progress": 12.5}, "progress", "data.err.integer"),
    ({"progress": None}, "progress", "infra.err.progress_range"),
    ({"status": "planned", "progress": 10, "budget_committed": 0, "budget_spent": 0}, "progress",
     "infra.err.progress_planned"),
    ({"status": "operational", "progress": 90, "completion_date": dt.date(2026, 7, 1)}, "progress",
     "infra.err.progress_operational"),
    ({"status": "operational", "progress": 100}, "completion_date", "infra.err.completion_required"),
    ({"completion_date": dt.date(2026, 1, 1)}, "completion_date", "infra.err.completion_only_operational"),
    ({"status": "operational", "progress": 100, "completion_date": dt.date(2024, 12, 1)}, "completion_date",
     "infra.err.completion_before_start"),
    ({"status": "operational", "progress": 100, "completion_date": dt.date(2026, 12, 1)}, "completion_date",
     "infra.err.completion_future"),
    ({"target_date": dt.date(2024, 6, 1)}, "target_date", "infra.err.target_before_start"),
    ({"start_date": None}, "start_date", "infra.err.start_required"),
    ({"start_date": "yesterday"}, "start_date", "infra.err.date_invalid"),
    ({"budget_planned": -5}, "budget_planned", "data.err.negative"),
    ({"budget_planned": 10_000_000_001}, "budget_planned", "data.err.range"),
    ({"budget_spent": "lots"}, "budget_spent", "data.err.number"),  # read by the import's one rule (parse_typed)
    ({"budget_committed": 12_000.0}, "budget_committed", "infra.err.committed_over_planned"),
    ({"budget_spent": 9_000.0}, "budget_spent", "infra.err.spent_over_committed"),
])
def test_each_rule_names_the_field_and_a_translated_message(changes: dict, field: str, problem: str) -> None:
    problems = up.validate_component(valid_record(**changes), today=TODAY)
    got = problems.get(field)
    assert (got[0] if isinstance(got, tuple) else got) == problem, problems
    assert has(problem)


def test_an_overspend_is_accepted_with_a_written_explanation() -> None:
    record = valid_record(budget_committed=12_000.0, budget_spent=12_500.0)
    assert set(up.validate_component(record, today=TODAY)) == {"budget_committed", "budget_spent"}
    assert up.validate_component({**record, "budget_flag": "Customs duties added in 2026"}, today=TODAY) == {}
    assert up.validate_component({**record, "budget_flag": "   "}, today=TODAY) != {}  # blank is no explanation


def test_every_problem_key_in_the_rules_is_translated() -> None:
    source = Path(up.__file__).read_text(encoding="utf-8")
    keys = set(re.findall(r'"(infra\.err\.[a-z_]+)"', source))
    assert len(keys) >= 15
    assert [k for k in keys if not has(k)] == []


@pytest.mark.parametrize(("before", "after", "allowed"), [
    ("planned", "procurement", True),
    ("planned", "operational", True),  # a late report may skip stages
    ("installation", "delayed", True),
    ("delayed", "installation", True),
    ("suspended", "planned", True),
    ("installation", "procurement", False),  # backwards on the workflow
    ("procurement", "planned", False),
    ("operational", "installation", False),  # finished: only an admin corrects it
    ("operational", "suspended", False),
])
def test_status_transitions_follow_the_workflow(before: str, after: str, allowed: bool) -> None:
    record = valid_record(status=after, progress={"planned": 0, "operational": 100}.get(after, 50),
                          completion_date=dt.date(2026, 7, 1) if after == "operational" else None)
    problems = up.validate_component(record, previous_status=before, today=TODAY)
    assert ("status" not in problems) is allowed, problems
    # An admin's correction may make any change; the other rules still hold.
    assert "status" not in up.validate_component(record, previous_status=before, any_transition=True, today=TODAY)


def test_sample_components_obey_every_rule(seeded: Engine) -> None:
    frame = up.components_frame(seeded)
    assert len(frame) > 200
    broken = {(r["post_code"], r["component_code"]): up.validate_component(r)
              for r in frame.to_dict("records") if up.validate_component(r)}
    assert broken == {}
    assert frame["is_sample"].all()
    # Only CA4 posts are on the programme; the others show the status "none".
    assert set(frame["country_iso3"]) == {"GTM", "SLV", "HND", "NIC"}
    posts = posts_frame(seeded)
    assert (posts.loc[~posts["country_iso3"].isin(["GTM", "SLV", "HND", "NIC"]), "status"] == "none").all()


def test_post_status_on_the_map_is_the_shared_overall_rule(seeded: Engine) -> None:
    frame = up.components_frame(seeded)
    expected = frame.groupby("post_code")["status"].agg(overall_status)
    posts = posts_frame(seeded).set_index("code")
    assert (posts.loc[expected.index, "status"] == expected).all()


# ------------------------------------------------------------------------------ overdue
def test_overdue_means_target_passed_and_not_operational(seeded: Engine) -> None:
    as_of = dt.date(2026, 3, 1)
    set_status(seeded, "SLV-AMA", "workstations", "installation", progress=60, target_date=dt.date(2026, 2, 1))
    set_status(seeded, "SLV-AMA", "doc_readers", "operational", target_date=dt.date(2025, 6, 1),
               start_date=dt.date(2025, 1, 1), completion_date=dt.date(2025, 12, 1))
    set_status(seeded, "SLV-AMA", "biometrics", "delayed", progress=30, target_date=dt.date(2026, 3, 1))
    set_status(seeded, "SLV-AMA", "power_backup", "suspended", progress=10, target_date=dt.date(2025, 9, 1))
    frame = up.components_frame(seeded, ("SLV",), as_of).set_index(["post_code", "component_code"])
    assert frame.loc[("SLV-AMA", "workstations"), "overdue"]
    assert frame.loc[("SLV-AMA", "workstations"), "days_overdue"] == 28
    assert not frame.loc[("SLV-AMA", "doc_readers"), "overdue"]  # operational, even if late
    assert not frame.loc[("SLV-AMA", "biometrics"), "overdue"]  # target is today: not passed yet
    assert frame.loc[("SLV-AMA", "power_backup"), "overdue"]  # suspended and past target
    # The SQL rule agrees with a plain reading of every row, and the summary counts the same rows.
    every = up.components_frame(seeded, as_of=as_of)
    plain = [(r.target_date is not None and r.target_date < as_of and r.status != "operational")
             for r in every.itertuples()]
    assert every["overdue"].tolist() == plain
    assert up.programme_summary(seeded, as_of=as_of)["overdue"] == sum(plain)
    listed = up.overdue_frame(seeded, as_of)
    assert len(listed) == sum(plain)
    assert listed["days_overdue"].is_monotonic_decreasing


# ------------------------------------------------------------------------------ budget
@pytest.mark.parametrize("by", up.BUDGET_DIMENSIONS)
def test_budget_sums_equal_the_rows(seeded: Engine, by: str) -> None:
    rows = up.components_frame(seeded)
    column = {"country": "country_iso3", "component": "component_code", "project": "project_code"}[by]
    rows[column] = rows[column].fillna("")
    expected = rows.groupby(column)[["budget_planned", "budget_committed", "budget_spent"]].sum()
    budget = up.budget_execution(seeded, by).set_index("key")
    assert sorted(budget.index) == sorted(expected.index)
    for measure in ("planned", "committed", "spent"):
        assert budget[measure].round(2).to_dict() == expected[f"budget_{measure}"].round(2).to_dict()
        assert budget[measure].sum() == pytest.approx(rows[f"budget_{measure}"].sum())
    assert budget["components"].sum() == len(rows)
    share = budget["spent"] / budget["planned"]
    assert (budget["spent_rate"] - share).abs().max() < 1e-9
    summary = up.programme_summary(seeded)
    assert summary["planned"] == pytest.approx(rows["budget_planned"].sum())
    with seeded.connect() as conn:
        assert float(conn.execute(select(func.sum(PostComponent.budget_spent))).scalar()) == \
            pytest.approx(budget["spent"].sum())


def test_budget_by_country_respects_the_country_filter(seeded: Engine) -> None:
    budget = up.budget_execution(seeded, "component", ("NIC",))
    rows = up.components_frame(seeded, ("NIC",))
    assert budget["planned"].sum() == pytest.approx(rows["budget_planned"].sum())
    # The component filter applies to the budget and the headline figures alike.
    links = (NATIONAL_LINK, REGIONAL_LINK)
    rows = up.components_frame(seeded, components=links)
    assert set(rows["component_code"]) == set(links)
    assert up.budget_execution(seeded, "country", components=links)["spent"].sum() == \
        pytest.approx(rows["budget_spent"].sum())
    assert up.programme_summary(seeded, components=links)["components"] == len(rows)
    with pytest.raises(ValueError):
        up.budget_execution(seeded, "donor")


# ------------------------------------------------------------------------------ information exchange
def test_national_connection_and_crossing_interconnection(seeded: Engine) -> None:
    set_status(seeded, "SLV-AMA", NATIONAL_LINK, "operational")
    set_status(seeded, "HND-AMA", NATIONAL_LINK, "installation", progress=40)
    # One crossing with both sides interconnected, and the same crossing's neighbour with one side only.
    set_status(seeded, "SLV-AMA", REGIONAL_LINK, "operational")
    set_status(seeded, "HND-AMA", REGIONAL_LINK, "operational")
    posts, crossings = exchange.info_exchange(seeded)
    posts = posts.set_index("code")
    assert posts.loc["SLV-AMA", "national"]
    assert not posts.loc["HND-AMA", "national"]
    crossing = crossings.set_index("crossing_code").loc["HND-SLV-01"]
    assert crossing["sides"] == 2 and crossing["regional_sides"] == 2 and crossing["interconnected"]
    set_status(seeded, "HND-AMA", REGIONAL_LINK, "delayed", progress=50)
    _, crossings = exchange.info_exchange(seeded)
    crossing = crossings.set_index("crossing_code").loc["HND-SLV-01"]
    assert crossing["regional_sides"] == 1 and not crossing["interconnected"]
    # A crossing with a non-programme side (no components there) can never be interconnected.
    outside = crossings[~crossings["country_a"].isin(["GTM", "SLV", "HND", "NIC"])
                        | ~crossings["country_b"].isin(["GTM", "SLV", "HND", "NIC"])]
    assert len(outside) > 0 and not outside["interconnected"].any()
    # Points of both sides are there for drawing, about 500 m apart or less than a few km.
    assert crossing[["lon_a", "lat_a", "lon_b", "lat_b"]].notna().all()


def test_the_network_lines_join_posts_to_their_national_hub(seeded: Engine) -> None:
    from geo.upgrades import maps as infra_maps

    set_status(seeded, "SLV-AMA", NATIONAL_LINK, "operational")
    set_status(seeded, "SLV-AMA", REGIONAL_LINK, "operational")
    set_status(seeded, "HND-AMA", REGIONAL_LINK, "operational")
    posts, crossings = exchange.info_exchange(seeded)
    hubs = exchange.national_hubs()
    assert hubs["name"].tolist() == ["Guatemala City", "Tegucigalpa", "Managua", "San Salvador"]
    segments = infra_maps.national_segments(posts, hubs)
    assert len(segments) == int(posts["national"].sum())
    san_salvador = hubs.set_index("country_iso3").loc["SLV", ["lon", "lat"]].tolist()
    amatillo = posts.set_index("code").loc["SLV-AMA", ["lon", "lat"]].tolist()
    assert [amatillo, san_salvador] in [[s, t] for s, t in zip(segments["source"], segments["target"], strict=True)]
    paths = infra_maps.crossing_paths(crossings, hubs).set_index("crossing_code")
    path = paths.loc["HND-SLV-01", "path"]
    assert len(path) == 3 and {tuple(path[0]), tuple(path[2])} == {
        tuple(hubs.set_index("country_iso3").loc[c, ["lon", "lat"]]) for c in ("HND", "SLV")}


# ------------------------------------------------------------------------------ edits
def test_an_edit_writes_one_audit_row_per_changed_field(seeded: Engine) -> None:
    seen = up.component_record(seeded, "SLV-AMA", "biometrics")
    new = dict(seen)
    new.update(status="delayed" if seen["status"] != "operational" else "operational",
               notes="Waiting for customs clearance", agency="DGME El Salvador",
               budget_planned=seen["budget_planned"] + 1000, target_date=dt.date(2027, 3, 31))
    if seen["status"] == "operational":
        new.pop("status")
    version = up.update_component(seeded, ANA, "SLV-AMA", "biometrics", seen, new, today=TODAY)
    assert version == seen["version"] + 1
    rows = audit_rows(seeded, "SLV-AMA/biometrics")
    changed = {f for f in new if up.normalise_component(new)[f] != seen[f]}
    assert set(rows["field"]) == changed
    assert (rows["username"] == "ana").all() and (rows["action"] == "update").all()
    by_field = rows.set_index("field")
    assert pd.isna(by_field.loc["notes", "old_value"])
    assert by_field.loc["notes", "new_value"] == "Waiting for customs clearance"
    assert by_field.loc["target_date", "new_value"] == "2027-03-31"
    assert float(by_field.loc["budget_planned", "new_value"]) == seen["budget_planned"] + 1000
    after = up.component_record(seeded, "SLV-AMA", "biometrics")
    assert after["updated_by"] == "ana" and after["notes"] == "Waiting for customs clearance"
    # Saving the same values again changes nothing and writes nothing.
    assert up.update_component(seeded, ANA, "SLV-AMA", "biometrics", after, after, today=TODAY) == version
    assert len(audit_rows(seeded, "SLV-AMA/biometrics")) == len(rows)


def test_unchanged_budgets_are_not_logged_as_changes(seeded: Engine) -> None:
    """Numeric columns come back as Decimal (1000.00); a form sends floats (1000.0): not a change."""
    seen = up.component_record(seeded, "GTM-TUM", "workstations")
    new = {**seen, "notes": "checked"}
    up.update_component(seeded, ANA, "GTM-TUM", "workstations", seen, new, today=TODAY)
    assert audit_rows(seeded, "GTM-TUM/workstations")["field"].tolist() == ["notes"]


def test_a_stale_edit_is_refused_and_shows_what_changed(seeded: Engine) -> None:
    ana_seen = up.component_record(seeded, "GTM-TUM", "power_backup")
    ben_seen = up.component_record(seeded, "GTM-TUM", "power_backup")
    up.update_component(seeded, ANA, "GTM-TUM", "power_backup", ana_seen,
                        {**ana_seen, "notes": "Generator delivered", "agency": "IGM"}, today=TODAY)
    with pytest.raises(up.StaleEdit) as refused:
        up.update_component(seeded, BEN, "GTM-TUM", "power_backup", ben_seen,
                            {**ben_seen, "notes": "Generator missing"}, today=TODAY)
    assert refused.value.by == "ana"
    assert refused.value.meanwhile["notes"] == (ben_seen["notes"], "Generator delivered")
    assert refused.value.meanwhile["agency"][1] == "IGM"
    assert "ana" in str(refused.value)
    current = up.component_record(seeded, "GTM-TUM", "power_backup")
    assert current["notes"] == "Generator delivered" and current["version"] == ana_seen["version"] + 1
    assert set(audit_rows(seeded, "GTM-TUM/power_backup")["username"]) == {"ana"}


def test_two_editors_saving_at_once_one_wins_the_other_is_told(seeded: Engine) -> None:
    seen = up.component_record(seeded, "HND-AMA", "doc_readers")
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def save(actor: Actor) -> None:
        barrier.wait()
        try:
            outcome[actor.username] = up.update_component(
                seeded, actor, "HND-AMA", "doc_readers", seen, {**seen, "notes": f"by {actor.username}"}, today=TODAY)
        except Exception as error:  # recorded and asserted below
            outcome[actor.username] = error

    threads = [threading.Thread(target=save, args=(a,)) for a in (ANA, BEN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winners = [name for name, result in outcome.items() if isinstance(result, int)]
    losers = [result for result in outcome.values() if isinstance(result, up.StaleEdit)]
    assert len(winners) == 1 and len(losers) == 1, outcome
    assert losers[0].by == winners[0]
    assert losers[0].meanwhile.get("notes", (None, None))[1] == f"by {winners[0]}"
    final = up.component_record(seeded, "HND-AMA", "doc_readers")
    assert final["notes"] == f"by {winners[0]}" and final["version"] == seen["version"] + 1
    assert audit_rows(seeded, "HND-AMA/doc_readers")["username"].tolist() == [winners[0]]


def test_a_save_breaking_a_rule_writes_nothing(seeded: Engine) -> None:
    seen = up.component_record(seeded, "NIC-GUA", "workstations")
    with pytest.raises(up.ValidationFailed) as refused:
        up.update_component(seeded, ANA, "NIC-GUA", "workstations", seen,
                            {**seen, "progress": 150, "notes": "typo"}, today=TODAY)
    assert refused.value.problems["progress"] == "data.err.range"
    assert refused.value.params["progress"]["max"] == "100"
    assert up.component_record(seeded, "NIC-GUA", "workstations")["version"] == seen["version"]
    assert audit_rows(seeded, "NIC-GUA/workstations").empty


def test_reopening_an_operational_component_needs_an_admin(seeded: Engine) -> None:
    set_status(seeded, "SLV-ANG", "workstations", "operational", start_date=dt.date(2025, 1, 1),
               target_date=dt.date(2025, 12, 31))
    seen = up.component_record(seeded, "SLV-ANG", "workstations")
    reopened = {**seen, "status": "installation", "progress": 80, "completion_date": None}
    with pytest.raises(up.ValidationFailed) as refused:
        up.update_component(seeded, ANA, "SLV-ANG", "workstations", seen, reopened, today=TODAY)
    assert refused.value.problems == {"status": "infra.err.operational_final"}
    version = up.update_component(seeded, ADMIN, "SLV-ANG", "workstations", seen, reopened, today=TODAY)
    assert version == seen["version"] + 1


def test_viewers_cannot_write_and_only_admins_extend_the_catalogue(seeded: Engine) -> None:
    seen = up.component_record(seeded, "SLV-AMA", "workstations")
    with pytest.raises(PermissionDenied):
        up.update_component(seeded, VIEWER, "SLV-AMA", "workstations", seen, {**seen, "notes": "x"})
    with pytest.raises(PermissionDenied):
        up.update_component(seeded, None, "SLV-AMA", "workstations", seen, {**seen, "notes": "x"})  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        up.add_component_type(seeded, ANA, "cctv", "CCTV", "Videovigilancia", "equipment")
    with pytest.raises(PermissionDenied):
        up.add_component(seeded, VIEWER, "SLV-AMA", "workstations", {})
    assert up.component_record(seeded, "SLV-AMA", "workstations")["version"] == seen["version"]


def test_an_admin_adds_a_component_type_and_an_editor_puts_a_post_on_it(seeded: Engine) -> None:
    up.add_component_type(seeded, ADMIN, " CCTV ", "Video surveillance", "Videovigilancia", "equipment")
    with seeded.connect() as conn:
        order = conn.execute(select(ComponentType.sort_order).where(ComponentType.code == "cctv")).scalar_one()
        assert order > 70
        logged = conn.execute(select(AuditEntry.field, AuditEntry.new_value, AuditEntry.username)
                              .where(AuditEntry.entity == "component_type")).all()
    assert ("name_es", "Videovigilancia", "root") in logged
    with pytest.raises(up.ValidationFailed) as again:
        up.add_component_type(seeded, ADMIN, "cctv", "x", "y", "equipment")
    assert again.value.problems == {"code": "infra.err.type_exists"}
    with pytest.raises(up.ValidationFailed) as bad:
        up.add_component_type(seeded, ADMIN, "9 bad code", "", "y", "toys")
    assert set(bad.value.problems) == {"code", "name_en", "category"}

    up.add_component(seeded, ANA, "SLV-AMA", "cctv", {"budget_planned": 5000, "target_date": dt.date(2027, 6, 1),
                                                       "agency": "DGME"}, today=TODAY)
    frame = up.components_frame(seeded, ("SLV",)).set_index(["post_code", "component_code"])
    assert frame.loc[("SLV-AMA", "cctv"), "status"] == "planned"
    assert not frame.loc[("SLV-AMA", "cctv"), "is_sample"]
    assert set(audit_rows(seeded, "SLV-AMA/cctv")["action"]) == {"create"}
    with pytest.raises(up.ValidationFailed):
        up.add_component(seeded, ANA, "SLV-AMA", "cctv", {}, today=TODAY)  # already there
    with pytest.raises(up.NotFound):
        up.add_component(seeded, ANA, "XXX-NOPE", "cctv", {}, today=TODAY)


def test_changes_since_lists_the_edits_for_the_briefing(seeded: Engine) -> None:
    seen = up.component_record(seeded, "GTM-TUM", "biometrics")
    up.update_component(seeded, ANA, "GTM-TUM", "biometrics", seen, {**seen, "notes": "site visit done"})
    changes = up.changes_since(seeded, dt.date.today() - dt.timedelta(days=1))
    row = changes[(changes["post_code"] == "GTM-TUM") & (changes["field"] == "notes")]
    assert len(row) == 1
    assert row.iloc[0]["component_code"] == "biometrics" and row.iloc[0]["username"] == "ana"
    assert row.iloc[0]["new_value"] == "site visit done"
    assert set(changes["entity"]) <= {up.ENTITY, up.TYPE_ENTITY}  # the seed event is not an upgrade change
    assert up.changes_since(seeded, dt.date.today() + dt.timedelta(days=1)).empty


def test_an_unknown_component_is_not_found(seeded: Engine) -> None:
    assert up.component_record(seeded, "SLV-AMA", "nothing") is None
    seen = up.component_record(seeded, "SLV-AMA", "workstations")
    with pytest.raises(up.NotFound):
        up.update_component(seeded, ANA, "SLV-AMA", "nothing", seen, seen)
    with seeded.connect() as conn:  # non-CA4 posts have no components at all
        count = conn.execute(text(
            "SELECT count(*) FROM post_components c JOIN posts p ON p.id = c.post_id "
            "WHERE p.country_iso3 NOT IN ('GTM', 'SLV', 'HND', 'NIC')")).scalar()
    assert count == 0
