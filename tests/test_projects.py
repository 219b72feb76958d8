"""Projects portfolio: the two real records exactly as the sources give them, their links, the wide-frame
choropleth, and the page in both languages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from geo import reference
from geo.db import make_engine
from geo.models import PostComponent, Project, Workshop
from geo.programme import projects as pj
from geo.programme.catalogue import EU_PROJECT_CODE, PROJECTS, REPORTED_RETURNS

REPO = Path(__file__).resolve().parent.parent


def test_q36_805_matches_the_project_page() -> None:
    q36 = {p.code: p for p in PROJECTS}["Q36-805"]
    assert q36.title_en == "Strengthening of the Migration Components of the Central American Integration Process"
    assert (q36.start.year, q36.end.year) == (2005, 2011)
    assert q36.status == "completed" and q36.project_type == "TCMMCB" and q36.scope == "regional"
    assert (q36.budget, q36.currency, q36.budget_is_floor) == (81_500.0, "USD", False)
    assert sorted(q36.countries) == sorted(["BLZ", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "NIC", "PAN"])
    names = [en for en, _ in q36.components]
    assert names[0] == "Central American passport" and names[1] == "Central American visa"
    assert names[2] == "Border integration" and names[3].startswith("Common technological platform")


def test_eu_project_matches_the_news_item() -> None:
    eu = {p.code: p for p in PROJECTS}[EU_PROJECT_CODE]
    assert eu.title_en == ("Support to Regional Integration through Strengthening Migration Management in "
                           "Central America")
    assert eu.donor == "European Union" and eu.currency == "EUR"
    assert eu.budget == 1_000_000 and eu.budget_is_floor  # "over one million Euros"
    assert sorted(eu.countries) == sorted(reference.CA4)
    text = " ".join(en.lower() for en, _ in eu.components)
    for words in ("data-collection infrastructure", "information exchange", "training", "binational workshops",
                  "humanitarian assistance", "free movement"):
        assert words in text
    assert len(eu.components) == 6
    assert REPORTED_RETURNS == 50


@pytest.fixture(scope="module")
def engine(app_db_url: str):
    engine = make_engine(app_db_url)
    yield engine
    engine.dispose()


def test_portfolio_links_upgrades_and_workshops(engine) -> None:
    frame = pj.portfolio(engine).set_index("code")
    assert list(frame.index) == ["Q36-805", EU_PROJECT_CODE]  # dated first, then undated
    with engine.connect() as conn:
        ids = dict(conn.execute(select(Project.code, Project.id)).all())
        comps = pd.read_sql(select(PostComponent.project_id), conn)
        ws = pd.read_sql(select(Workshop.project_id), conn)
    for code in frame.index:
        assert frame.at[code, "upgrades"] == int((comps["project_id"] == ids[code]).sum())
        assert frame.at[code, "workshops"] == int((ws["project_id"] == ids[code]).sum())
    assert frame.at[EU_PROJECT_CODE, "upgrades"] > 0 and frame.at[EU_PROJECT_CODE, "workshops"] > 0
    assert frame.at["Q36-805", "components"] == 4 and frame.at[EU_PROJECT_CODE, "components"] == 6
    assert len(frame.at["Q36-805", "countries"]) == 9


def test_budget_and_period_texts() -> None:
    assert pj.budget_text(81_500, "USD", False, "es") == "USD 81,500"
    assert pj.budget_text(81_500, "USD", False, "en") == "USD 81,500"
    assert pj.budget_text(1_000_000, "EUR", True, "es") == "más de EUR 1,000,000"
    assert pj.budget_text(1_000_000, "EUR", True, "en") == "over EUR 1,000,000"
    assert pj.period_text(dt.date(2005, 1, 1), dt.date(2011, 12, 31), "es") == "2005–2011"
    assert pj.period_text(None, None, "en") == "no dates in the source"


def test_wide_frame_covers_mexico_panama_and_the_dominican_republic(engine) -> None:
    wide = pj.benefit_frame(pj.portfolio(engine))
    assert {"MEX", "PAN", "DOM", "BLZ", "CRI"} <= set(wide["iso3"])
    minx, miny, maxx, maxy = wide.total_bounds
    assert minx <= -117 and maxx >= -68.3 and miny <= 7.2 and maxy >= 32.5  # Baja California to Punta Cana
    count = wide.set_index("iso3")["projects"]
    assert count["GTM"] == count["SLV"] == count["HND"] == count["NIC"] == 2
    assert count["MEX"] == count["PAN"] == count["DOM"] == count["BLZ"] == count["CRI"] == 1
    assert count["USA"] == 0 and count["COL"] == 0
    only_eu = pj.benefit_frame(pj.portfolio(engine), (EU_PROJECT_CODE,)).set_index("iso3")["projects"]
    assert only_eu["DOM"] == 0 and only_eu["GTM"] == 1


def test_choropleth_is_offline_and_its_tooltip_holds_only_placeholders(engine) -> None:
    deck = pj.choropleth_deck(pj.benefit_frame(pj.portfolio(engine)), "es")
    spec = deck.to_json()
    assert deck.map_provider is None  # no basemap: nothing fetched
    html = deck._tooltip["html"] if hasattr(deck, "_tooltip") else deck.deck_widget.tooltip["html"]
    assert html == "<b>{name}</b><br/>Proyectos: {projects_label}"
    assert "República Dominicana" in json.dumps(json.loads(spec), ensure_ascii=False)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_projects_page_in_both_languages(app_env: str, lang: str) -> None:
    at = AppTest.from_file(str(REPO / "screens/projects.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # A wrapping table, one column per project and one row per field: long titles are not cut.
    portfolio = at.table[0].value.T
    budget = "Presupuesto" if lang == "es" else "Budget"
    assert list(portfolio.index) == ["Q36-805", EU_PROJECT_CODE]
    assert list(portfolio[budget]) == (["USD 81,500", "más de EUR 1,000,000"] if lang == "es"
                                       else ["USD 81,500", "over EUR 1,000,000"])
    assert any(("muestra" if lang == "es" else "Sample data") in w.value for w in at.warning)
    assert any(("Datos al" if lang == "es" else "Data as of") in m.value for m in at.markdown)
    assert any("50" in i.value for i in at.info)  # the published real figure
    donor = "Donante" if lang == "es" else "Donor"
    assert list(portfolio[donor]) == (["no indicado en la fuente", "Unión Europea"] if lang == "es"
                                      else ["not stated in the source", "European Union"])
    labels = [d.label for d in at.get("download_button")]
    assert len(labels) == 3
