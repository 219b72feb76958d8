"""Overview KPIs equal independent computations on the raw sample tables (pandas, not the app's queries),
on SQLite and PostgreSQL/PostGIS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine

from geo import reference
from geo.db import make_engine, migrate
from geo.i18n import fmt_compact, fmt_signed, t
from geo.overview import figures as ov
from geo.periods import Period
from geo.sample import seed_all
from tests.conftest import fresh_postgres

FLOW_ROWS = 12_000
pytestmark = pytest.mark.filterwarnings("ignore:Did not recognize type 'geography'")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database with the real records and the seeded sample, on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('ov') / 'ov.sqlite'}")
        migrate(engine)
        seed_all(engine, seed=11, flows_rows=FLOW_ROWS)
        yield engine
        engine.dispose()
        return
    from tests.support import postgres_url

    postgres_url()
    with fresh_postgres() as engine:
        migrate(engine)
        seed_all(engine, seed=11, flows_rows=FLOW_ROWS)
        yield engine


def raw(engine: Engine, table: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_table(table, conn)


def _as_date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.date


def independent(engine: Engine, period: Period, countries: tuple[str, ...]) -> dict:
    """Every KPI recomputed from the raw tables with pandas (flows from flow_counts, not the roll-up)."""
    posts = raw(engine, "posts")
    mine = posts[posts["country_iso3"].isin(countries)]
    comps = raw(engine, "post_components").merge(posts[["id", "country_iso3"]], left_on="post_id", right_on="id")
    comps = comps[comps["country_iso3"].isin(countries)]
    ws = raw(engine, "workshops")
    ws["start_date"], ws["end_date"] = _as_date(ws["start_date"]), _as_date(ws["end_date"])
    held = ws[(ws["start_date"] <= period.end) & (ws["end_date"] >= period.start)]
    chosen = set(countries)
    if chosen != set(reference.CA4):
        held = held[(held["scope"] == "regional") | held["pair_a"].isin(chosen) | held["pair_b"].isin(chosen)
                    | ((held["scope"] == "national") & held["venue_country_iso3"].isin(chosen))]
    people = raw(engine, "workshop_participants")
    people = people[people["workshop_id"].isin(held["id"])]
    attended = raw(engine, "workshop_posts")
    attended = attended[attended["workshop_id"].isin(held["id"])]
    flows = raw(engine, "flow_counts").merge(posts[["id", "country_iso3"]], left_on="post_id", right_on="id")
    flows["day"] = _as_date(flows["day"])
    flows = flows[flows["country_iso3"].isin(countries)]

    def crossings(p: Period) -> int:
        return int(flows.loc[(flows["day"] >= p.start) & (flows["day"] <= p.end), "count"].sum())

    completed = _as_date(comps.loc[comps["status"] == "operational", "completion_date"])
    returns = raw(engine, "assisted_returns")
    returns["month"] = _as_date(returns["month"])
    returns = returns[(returns["month"] >= period.start) & (returns["month"] <= period.end)
                      & returns["country_iso3"].isin(countries)]
    return {
        "posts": len(mine),
        "components": len(comps),
        "operational": int((comps["status"] == "operational").sum()),
        "completed_since": {period.start: int((completed >= period.start).sum())},
        "planned": float(comps["budget_planned"].astype(float).sum()),
        "spent": float(comps["budget_spent"].astype(float).sum()),
        "workshops": len(held),
        "trained": int(people["count"].sum()),
        "women": int(people.loc[people["sex"] == "F", "count"].sum()),
        "by_agency": people.groupby("agency")["count"].sum().to_dict(),
        "programme_posts": len(mine),
        "covered": int(mine["id"].isin(attended["post_id"]).sum()),
        "flows": crossings(period),
        "flows_previous": crossings(period.previous()),
        "returns": returns.groupby("category")["count"].sum().to_dict(),
    }


@pytest.mark.parametrize("countries", [reference.CA4, ("GTM",), ("HND", "NIC")], ids=["CA4", "GTM", "HND+NIC"])
def test_kpis_equal_independent_computations(seeded: Engine, countries: tuple[str, ...]) -> None:
    period = ov.default_period(seeded)
    fig = ov.overview_figures(seeded, period, countries)
    want = independent(seeded, period, countries)
    assert fig.posts == want["posts"]
    assert fig.components == want["components"]
    assert fig.operational == want["operational"]
    assert fig.budget_planned == pytest.approx(want["planned"])
    assert fig.budget_spent == pytest.approx(want["spent"])
    assert fig.operational_pct == pytest.approx(100 * want["operational"] / want["components"])
    assert fig.workshops == want["workshops"]
    assert fig.trained == want["trained"]
    by_agency = fig.participants.groupby("agency")["count"].sum()
    assert {a: int(n) for a, n in by_agency.items() if n} == {a: int(n) for a, n in want["by_agency"].items() if n}
    assert int(fig.participants.loc[fig.participants["sex"] == "F", "count"].sum()) == want["women"]
    assert fig.programme_posts == want["programme_posts"]
    assert fig.posts_covered == want["covered"]
    assert fig.flows["total"] == want["flows"]
    assert fig.flows_previous["total"] == want["flows_previous"]
    if want["flows_previous"]:
        assert fig.flows_change_pct == pytest.approx(100 * (want["flows"] - want["flows_previous"])
                                                     / want["flows_previous"])
    assert fig.returns.groupby("category")["count"].sum().to_dict() == want["returns"]
    assert want["flows"] > 0 and want["workshops"] > 0  # the sample exercises every figure
    # The trends: the same figures over the previous period of the same length, counted independently.
    before = independent(seeded, period.previous(), countries)
    assert fig.workshops_previous == before["workshops"]
    assert fig.trained_previous == before["trained"]
    assert fig.posts_covered_previous == before["covered"]
    assert fig.returns_previous.groupby("category")["count"].sum().to_dict() == before["returns"]
    # The stock figures when the period began: the posts' register was loaded today, so the log does not reach
    # back; the sample's components carry their dated story, so operational then = completed before the period
    # (tests/test_trend_history.py: the figures from the log with known edits).
    assert fig.posts_before is None
    assert fig.upgrades_before["components"] == want["components"]
    assert fig.upgrades_before["operational"] == want["operational"] - want["completed_since"][period.start]


def test_period_arithmetic() -> None:
    period = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 1))
    assert period.months == 12
    assert period.start == dt.date(2025, 11, 1)
    assert period.end == dt.date(2026, 10, 31)
    assert period.previous() == Period(dt.date(2024, 11, 1), dt.date(2025, 10, 1))
    assert Period(dt.date(2024, 2, 1), dt.date(2024, 2, 1)).end == dt.date(2024, 2, 29)
    assert period.label("es") == "noviembre 2025 – octubre 2026 (12 meses)"
    assert period.label("en") == "November 2025 – October 2026 (12 months)"


def test_default_period_is_the_last_twelve_months_with_data(seeded: Engine) -> None:
    flows = raw(seeded, "flow_monthly")
    last = max(_as_date(flows["month"]))
    period = ov.default_period(seeded)
    assert period.last == last
    assert period.months == 12


def test_kpi_cards_carry_period_source_trend_and_language(seeded: Engine) -> None:
    period = ov.default_period(seeded)
    fig = ov.overview_figures(seeded, period)
    es = {k.key: k for k in ov.kpi_cards(fig, "es")}
    en = {k.key: k for k in ov.kpi_cards(fig, "en")}
    assert list(es) == ["posts", "operational", "budget", "workshops", "trained", "covered", "flows", "returns"]
    assert es["flows"].value == fmt_compact(fig.flows["total"], "es")  # the region writes 33.18 M, 1,234
    assert en["flows"].value == fmt_compact(fig.flows["total"], "en")
    assert es["workshops"].period == period.label("es") and en["workshops"].period == period.label("en")
    assert "(12 meses)" in es["workshops"].period and "(12 months)" in en["workshops"].period
    assert es["operational"].period.startswith("situación al ")
    # The sample notice is said once on the page, not on each card.
    assert not any("semilla" in k.source or "muestra" in k.source for k in es.values())
    assert "ubicaciones reales" in es["posts"].source and "data/" not in es["posts"].source  # no file paths
    assert "Mujeres" in es["trained"].detail and "Women" in en["trained"].detail
    # Every figure with a history has a trend against the previous period of the same length, through the
    # one number formatter (a count's in %, a share's in percentage points); the posts' register, loaded today,
    # has no history before the period, and says so; the sample's components carry their dated story.
    seeded = ov.no_history(fig.history_from["posts"], "es")
    assert es["posts"].delta == "sin historial" and es["posts"].delta_arrow == "off"
    assert es["posts"].trend_note == seeded and seeded.startswith("sin historial antes del ")
    before = fig.upgrades_before
    assert es["budget"].delta == fmt_signed(100 * fig.budget_spent / fig.budget_planned
                                            - 100 * before["spent"] / before["planned"], "es", 1, "points")
    assert es["operational"].delta == fmt_signed(100 * fig.operational / fig.components
                                                 - 100 * before["operational"] / before["components"], "es", 1,
                                                 "points")
    flows_change = 100 * (fig.flows["total"] - fig.flows_previous["total"]) / fig.flows_previous["total"]
    assert es["flows"].delta == fmt_signed(flows_change, "es", 1, "percent")
    assert es["workshops"].delta == fmt_signed(100 * (fig.workshops - fig.workshops_previous)
                                               / fig.workshops_previous, "es", 1, "percent")
    covered_pp = 100 * (fig.posts_covered - fig.posts_covered_previous) / fig.programme_posts
    assert es["covered"].delta == fmt_signed(covered_pp, "es", 1, "points")
    assert es["covered"].delta.endswith(" p. p.") and en["covered"].delta.endswith(" pp")
    assert es["covered"].delta_color == "normal" and es["flows"].delta_color == "off"
    table = ov.kpi_table(list(es.values()), "es")
    assert list(table["Tendencia"]) == [k.trend_note or k.delta or "—" for k in es.values()]
    assert list(table["Fuente"]) == [k.source for k in es.values()]


def test_a_trend_reads_in_the_region_style() -> None:
    """fmt_signed: the sign Streamlit reads (a leading '-' is a fall), the region's 1,234.5, no '-0.0'."""
    assert fmt_signed(1234.56, "es", 1) == "+1,234.6" and fmt_signed(-3.24, "en", 1, "percent") == "-3.2 %"
    assert fmt_signed(2.5, "es", 1, "points") == "+2.5 p. p." and fmt_signed(2.5, "en", 1, "points") == "+2.5 pp"
    assert fmt_signed(-0.04, "es", 1, "percent") == "0.0 %" and fmt_signed(None, "es") == "—"
    assert ov.count_delta(110, 100, "es") == "+10.0 %" and ov.count_delta(90, 100, "en") == "-10.0 %"
    assert ov.count_delta(5, 0, "es") is None and ov.count_delta(None, 4, "es") is None  # nothing to compare
    assert ov.share_delta(35.0, 17.5, "es") == "+17.5 p. p." and ov.share_delta(35.0, None, "es") is None


def test_returns_kpi_never_shows_a_small_count(seeded: Engine) -> None:
    """With one country and one month, small counts occur: the KPI shows the published figure (geo.disclosure:
    '<5' or 5, whichever way the cell was rounded), never the number."""
    from geo import disclosure
    from geo.programme import returns as rt

    returns = raw(seeded, "assisted_returns")
    returns["month"] = _as_date(returns["month"])
    small = returns[(returns["count"].between(1, 4)) & (returns["category"] == "trafficking_victim")].iloc[0]
    period = Period(small["month"], small["month"])
    fig = ov.overview_figures(seeded, period, (small["country_iso3"],))
    card = {k.key: k for k in ov.kpi_cards(fig, "en")}["returns"]
    cell = rt.returns_frame(seeded, period.start, period.end, (small["country_iso3"],))
    published = int(cell.loc[cell["category"] == "trafficking_victim", "published"].sum())
    assert f"Victims of trafficking {disclosure.text(published, 'en')}" in card.detail
    assert published in (0, 5) and f"Victims of trafficking {int(small['count'])}" not in card.detail


def _element_types(node, out: list[str]) -> list[str]:
    """The page's elements in the order a reader meets them (depth first through columns and containers)."""
    for child in getattr(node, "children", {}).values():
        out.append(child.type)
        _element_types(child, out)
    return out


@pytest.mark.parametrize("lang", ["es", "en"])
def test_overview_page_shows_the_kpis_notice_and_date(app_env: str, lang: str) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "screens/overview.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    engine = make_engine(app_env)
    fig = ov.overview_figures(engine, ov.default_period(engine))
    cards = ov.kpi_cards(fig, lang)
    engine.dispose()
    assert [(m.label, m.value, m.delta) for m in at.metric] == [(c.label, c.value, c.delta or "") for c in cards]
    assert all(m.delta for m in at.metric)  # a trend on every figure, or words saying it has no history
    # The sample notice once on the page.
    assert [w.value for w in at.warning if ("muestra" if lang == "es" else "Sample data") in w.value] != []
    assert len([w for w in at.warning if "(semilla" in w.value or "(seed" in w.value]) == 1
    assert any(c.value.startswith("**" + ("Datos al " if lang == "es" else "Data as of ")) for c in at.caption)
    assert len(at.get("download_button")) == 2  # the brief as PDF and PNG
    # The first screen's order: title, notice, the eight figures, the map; the highlights and each figure's
    # detail and source below them (they pushed the figures to ~1,060 px and the map to ~1,900 px).
    order = _element_types(at.main, [])
    first_of = {kind: order.index(kind) for kind in ("title", "warning", "metric", "deck_gl_json_chart", "table")}
    assert first_of["title"] < first_of["warning"] < first_of["metric"] < first_of["deck_gl_json_chart"]
    last_metric = len(order) - 1 - order[::-1].index("metric")
    assert last_metric < first_of["deck_gl_json_chart"] < first_of["table"]
    highlights = t("hl.title", lang, month="")[:8]
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0].startswith(highlights) and subheaders[1] == t("ov.details", lang), subheaders
    assert order.index("subheader") > first_of["deck_gl_json_chart"]
    # The map colours posts by THE programme's status (the share of a post's operational components, as the
    # infrastructure map and the brief do), counted here from the components' rows; and says so.
    import json

    from geo.upgrades.records import components_frame
    from geo.upgrades.workflow import SHARE_COLOURS, share_class

    engine = make_engine(app_env)
    counted = components_frame(engine).groupby("post_code")["status"].agg(
        done=lambda s: int((s == "operational").sum()), total="size")
    engine.dispose()
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    marks = [row for layer in deck["layers"] if isinstance(layer.get("data"), list)
             for row in layer["data"] if "colour" in row and "code" in row]
    assert len(marks) == len(fig.map_posts)
    for row in marks:
        done, total = (counted.loc[row["code"]] if row["code"] in counted.index else (0, 0))
        assert row["colour"][:3] == list(SHARE_COLOURS[share_class(int(done), int(total))]), row["code"]
    assert any(c.value.startswith(t("ov.map.caption_share", lang, operational="", total="")[:14]) for c in at.caption)
