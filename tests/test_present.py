"""Presentation mode's rules and projector figures (no browser: see test_present_browser.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geo import maps
from geo.overview import slides as pr


def test_slide_order_and_navigation() -> None:
    assert pr.SLIDES == ("highlights", "kpis", "map", "flows", "infrastructure", "coverage")
    assert [pr.slide_index(v) for v in (None, "", "1", "3", "6", "7", "0", "x")] == [0, 0, 0, 2, 5, 0, 0, 0]
    assert pr.step(0, 1) == 1 and pr.step(5, 1) == 0 and pr.step(0, -1) == 5
    assert [pr.auto_seconds(v) for v in ("15", "30", "60", "7", None, "abc")] == [15, 30, 60, 0, 0, 0]


def test_css_hides_the_chrome_and_holds_no_data() -> None:
    for selector in ('[data-testid="stSidebar"]', 'header[data-testid="stHeader"]', '[data-testid="stToolbar"]'):
        assert selector in pr.CSS
    assert "{" in pr.CSS and "<script" not in pr.CSS


def test_projector_figures_are_large_and_translated() -> None:
    months = [dt.date(2026, m, 1) for m in (9, 10)]
    monthly = pd.DataFrame({"month": months * 2, "direction": ["entry"] * 2 + ["exit"] * 2,
                            "count": [1200, 1300, 1100, 1250]})
    es, en = pr.flows_figure(monthly, "es"), pr.flows_figure(monthly, "en")
    assert es.layout.font.size >= 20
    assert es.layout.title.text == "Cruces por mes: entradas y salidas"
    assert en.layout.title.text == "Crossings per month: entries and exits"
    assert list(es.data[0].x) == ["sep 2026", "oct 2026"] and es.data[0].name == "Entrada"
    assert es.layout.separators == ".," and en.layout.separators == ".,"
    assert es.layout.yaxis.title.text == "Cruces" and es.layout.xaxis.title.text == "Mes"
    components = pd.DataFrame({"country_iso3": ["GTM", "GTM", "NIC"], "status": ["operational", "planned", "delayed"]})
    infra = pr.infrastructure_figure(components, "es")
    assert [t.name for t in infra.data][:2] == ["Planificado", "Adquisición"]
    assert list(infra.data[0].y) == ["Guatemala", "Nicaragua"]
    coverage = pd.DataFrame({"country_iso3": ["SLV", "GTM"], "posts": [10, 20], "covered": [5, 4],
                             "covered_pct": [50.0, 20.0]})
    cov = pr.coverage_figure(coverage, "en")
    assert list(cov.data[0].x) == ["Guatemala", "El Salvador"] and list(cov.data[0].text) == ["4 / 20", "5 / 10"]


def test_projector_labels_enlarge_only_text_layers() -> None:
    layers = pr.projector_labels(maps.base_layers("es"))
    sizes = {layer.id: getattr(layer, "get_size", None) for layer in layers}
    assert sizes["country-labels"] == pr.LABEL_SIZES["country-labels"]
    assert maps.base_layers("es")[3].get_size == 13  # the desk maps keep their size


def test_slides_open_on_the_filters_in_the_link(app_env: str) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    at.query_params.update({"present": "1", "lang": "en", "from": "2026-01", "to": "2026-06", "country": "GTM",
                            "slide": "4"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Flows through the posts"]
    assert any(c.value == "Period: January 2026 to June 2026. Countries: Guatemala." for c in at.caption)


def test_overview_links_to_the_slides_with_its_filters(app_env: str) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages/overview.py"), default_timeout=90)
    at.query_params.update({"lang": "es", "country": "HND,NIC", "from": "2026-02", "to": "2026-05"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    links = [b.proto.url for b in at.get("link_button")]
    assert links == ["./?present=1&lang=es&from=2026-02&to=2026-05&country=HND,NIC"]
