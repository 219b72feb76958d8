"""The stock figures' trends (posts monitored, components operational, budget executed) come from the audit log
(geo.history: the register as it stood when the period began), and say in words when the log does not reach
back that far. Known answers: edits made at chosen times on a copy of the seeded sample."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, func, select, update

from geo import history
from geo.access.auth import Actor
from geo.db import session_scope
from geo.i18n import fmt_date, fmt_signed, local_time
from geo.models import AuditEntry, DatasetLoad
from geo.overview import figures as ov
from geo.periods import Period
from geo.posts.records import save_post
from geo.sample import seed_sample
from geo.upgrades import records as up
from tests.data_helpers import seeded_on

pytestmark = pytest.mark.filterwarnings("ignore:Did not recognize type 'geography'")
ADMIN = Actor("ana", "admin")
PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 1))  # began 01/01/2026: the edits fall on both sides


def test_a_record_as_it_stood_undoes_the_changes_after_the_moment() -> None:
    current = pd.DataFrame({"key": ["a", "b", "c"], "status": ["operational", "delayed", "planned"],
                            "spent": [300.0, 50.0, 0.0]})
    changes = pd.DataFrame([  # after the moment, oldest first
        ("update", "a", "status", "installation"), ("update", "a", "status", "delayed"),  # a: installation first
        ("update", "a", "spent", "120"), ("update", "b", "spent", "20.5"), ("create", "c", "status", None),
        ("update", "a", "colour", "red"),  # a field the frame does not hold is ignored
    ], columns=["action", "key", "field", "old_value"])
    then = history.as_it_stood(current, changes)
    assert then.to_dict("records") == [{"key": "a", "status": "installation", "spent": 120.0},
                                       {"key": "b", "status": "delayed", "spent": 20.5}]
    assert history.as_it_stood(current, changes.iloc[:0]).equals(current)  # nothing since: as it is


def _air_post(engine: Engine) -> dict:
    posts = pd.read_sql_table("posts", engine.connect())
    air = posts[(posts["type"] == "air") & (posts["country_iso3"] == "GTM")].iloc[0]
    return {"name": "Aeródromo de prueba", "country_iso3": "GTM", "type": "air", "lon": float(air["lon"]),
            "lat": float(air["lat"])}


@pytest.fixture
def edited(seeded_backend: str, tmp_path: Path):
    """The seeded sample as if loaded on 01/01/2025, then edited on 01/10/2025 (before the period) and in
    February and March 2026 (after it began): the answers are known."""
    with seeded_on(seeded_backend, tmp_path, 0) as engine:
        with engine.begin() as conn:  # the seed's loads moved back: the log reaches back to 01/01/2025
            conn.execute(update(DatasetLoad).values(loaded_at=dt.datetime(2025, 1, 1)))
            # and the sample's own dated story taken out: the log holds the test's edits only
            conn.execute(delete(AuditEntry).where(AuditEntry.username == "system", AuditEntry.action == "update"))
        comps = up.components_frame(engine)
        spender = comps[(comps["status"] == "installation") & (comps["budget_spent"] >= 1000)].iloc[0]
        finisher = comps[(comps["status"] == "installation") & (comps["post_code"] != spender["post_code"])
                         & (comps["start_date"] < dt.date(2026, 2, 1))].iloc[0]
        taken = set(zip(comps["post_code"], comps["component_code"], strict=True))
        new_post, new_type = next((p, c) for p in comps["post_code"] for c in comps["component_code"].unique()
                                  if (p, c) not in taken)
        with session_scope(engine) as session:
            up.save_component(session, ADMIN, spender["post_code"], spender["component_code"],
                              {"budget_spent": spender["budget_spent"] - 400}, at=dt.datetime(2025, 10, 1))
            up.save_component(session, ADMIN, finisher["post_code"], finisher["component_code"],
                              {"status": "operational", "progress": 100, "completion_date": dt.date(2026, 2, 1),
                               "budget_spent": finisher["budget_committed"]}, at=dt.datetime(2026, 2, 1, 15))
            up.save_component(session, ADMIN, new_post, new_type, {"budget_planned": 5000.0},
                              mode="create", at=dt.datetime(2026, 3, 1, 15))
            save_post(session, ADMIN, "GTM-TEST", _air_post(engine), mode="create", at=dt.datetime(2026, 3, 2, 15))
        yield engine, finisher


def test_stock_trends_are_the_figures_as_they_stood_when_the_period_began(edited) -> None:
    engine, finisher = edited
    fig = ov.overview_figures(engine, PERIOD)
    # Independent: today's raw tables, less what was done after 01/01/2026 (the October edit stays).
    comps = pd.read_sql_table("post_components", engine.connect())
    gained = float(finisher["budget_committed"]) - float(finisher["budget_spent"])
    assert fig.upgrades_before == {
        "components": len(comps) - 1, "operational": int((comps["status"] == "operational").sum()) - 1,
        "planned": pytest.approx(float(comps["budget_planned"].sum()) - 5000),
        "spent": pytest.approx(float(comps["budget_spent"].sum()) - gained)}
    assert fig.posts == fig.posts_before + 1
    cards = {k.key: k for k in ov.kpi_cards(fig, "es")}
    before = fig.upgrades_before
    assert cards["operational"].delta == fmt_signed(
        100 * fig.operational / fig.components - 100 * before["operational"] / before["components"], "es", 1, "points")
    assert cards["budget"].delta == fmt_signed(
        100 * fig.budget_spent / fig.budget_planned - 100 * before["spent"] / before["planned"], "es", 1, "points")
    assert cards["posts"].delta == fmt_signed(100 / fig.posts_before, "es", 1, "percent")
    assert cards["operational"].delta_arrow == "auto" and cards["operational"].delta_color == "normal"
    # A period that began after the March edits: nothing changed since, no change to show.
    later = ov.overview_figures(engine, Period(dt.date(2026, 4, 1), dt.date(2026, 6, 1)))
    assert later.posts_before == later.posts and later.upgrades_before["operational"] == later.operational
    unchanged = {k.key: k for k in ov.kpi_cards(later, "en")}["operational"]
    assert (unchanged.delta, unchanged.delta_arrow, unchanged.delta_color) == ("0.0 pp", "off", "off")  # no rise


def test_without_a_history_the_card_says_so(seeded_backend: str, tmp_path: Path) -> None:
    """The posts' register was loaded now (the seed writes it without a story): the log holds nothing of it
    from before, so no trend is invented for 2026's start."""
    with seeded_on(seeded_backend, tmp_path, 0) as engine:
        fig = ov.overview_figures(engine, PERIOD)
        seeded = history.known_from(engine, "posts", "post")
    assert fig.posts_before is None and seeded > dt.datetime(2026, 1, 1, 6)
    for lang, short, words in (("es", "sin historial", "sin historial antes del "),
                               ("en", "no history", "no history before ")):
        cards = {k.key: k for k in ov.kpi_cards(fig, lang)}
        assert cards["posts"].trend_note == words + fmt_date(local_time(seeded).date(), lang)
        assert cards["posts"].delta == short  # two words on the card
        assert cards["posts"].delta_arrow == "off" and cards["posts"].delta_color == "off"
        table = ov.kpi_table(list(cards.values()), lang)  # the details table says from when
        assert table.iloc[0, 2] == cards["posts"].trend_note
        assert cards["workshops"].delta_arrow == "auto"  # the dated figures keep their own trends


def test_the_sample_tells_its_components_story(seeded_backend: str, tmp_path: Path) -> None:
    """The sample's components carry their dated story in the log (geo.sample.sample_story), so the stock
    figures of a freshly seeded sample have trends: operational when the period began = those completed
    before it, by the components' own completion dates (independent of the log). A second seed replaces the
    story, never doubles it."""
    with seeded_on(seeded_backend, tmp_path, 0) as engine:
        fig = ov.overview_figures(engine, PERIOD)
        comps = pd.read_sql_table("post_components", engine.connect())
        with engine.connect() as conn:
            story = conn.execute(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.username == "system", AuditEntry.action == "update")).scalar()
        seed_sample(engine, flows_rows=0)
        with engine.connect() as conn:
            again = conn.execute(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.username == "system", AuditEntry.action == "update")).scalar()
    done = pd.to_datetime(comps["completion_date"])
    assert fig.upgrades_before["components"] == len(comps)  # none was created in the period
    assert fig.upgrades_before["operational"] == int(((comps["status"] == "operational")
                                                      & (done < pd.Timestamp(2026, 1, 1))).sum())
    assert fig.operational > fig.upgrades_before["operational"]  # components finished in the period
    assert 0 < fig.upgrades_before["spent"] < fig.budget_spent
    assert story == again > len(comps[comps["status"] != "planned"])
    cards = {k.key: k for k in ov.kpi_cards(fig, "es")}
    for key in ("operational", "budget"):
        assert cards[key].delta.endswith(" p. p.") and cards[key].delta_arrow == "auto"
