"""Presentation mode's rules and projector figures (no browser: see test_present_browser.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geo import maps, placement
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
    layers = pr.projector_labels(maps.base_layers("es"), "es")
    sizes = {layer.id: getattr(layer, "get_size", None) for layer in layers}
    # A layer of its own: the cached "country-labels" layer is sent as first serialised, whatever its size.
    assert "country-labels" not in sizes and sizes["projector-country-labels"] >= 20
    assert maps.base_layers("es")[3].get_size == placement.COUNTRY_LABEL_STYLE.size_px < 20  # desk maps keep theirs


def test_the_stage_holds_the_map_the_show_reaches_next() -> None:
    assert [pr.stage_map(i) for i in range(len(pr.SLIDES))] == [
        "map", "map", "map", "coverage", "coverage", "coverage"]
    assert all(pr.stage_map(pr.SLIDES.index(slide)) == slide for slide in pr.MAP_SLIDES)


def test_slides_open_on_the_filters_in_the_link(app_env: str) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    at.query_params.update({"present": "1", "lang": "en", "from": "2026-01", "to": "2026-06", "country": "GTM",
                            "slide": "4"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Flows through the posts"]
    expected = "Figures for the posts of Guatemala, January 2026 – June 2026 (6 months)."
    assert any(c.value == expected for c in at.caption)


def test_overview_links_to_the_slides_with_its_filters(app_env: str) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "screens/overview.py"), default_timeout=90)
    at.query_params.update({"lang": "es", "country": "HND,NIC", "from": "2026-02", "to": "2026-05"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    links = [b.proto.url for b in at.get("link_button")]
    assert links == ["./?present=1&lang=es&from=2026-02&to=2026-05&country=HND,NIC"]


def _overlapping(boxes: pd.DataFrame) -> list[tuple[int, int]]:
    b = boxes[["x0", "y0", "x1", "y1"]].to_numpy(dtype=float)
    return [(i, j) for i in range(len(b)) for j in range(i + 1, len(b))
            if b[i, 0] < b[j, 2] and b[j, 0] < b[i, 2] and b[i, 1] < b[j, 3] and b[j, 1] < b[i, 3]]


def _labels(deck, layer_id: str) -> pd.DataFrame:
    layer = next(layer for layer in deck.layers if layer.id == layer_id)
    return pd.DataFrame(layer.data), layer


def test_slide_maps_name_posts_large_and_never_one_on_another(app_env: str) -> None:
    """At 1920×1080, from the back of a room: post names at 19 px, no two boxes overlapping each other or a
    country name (slide 5's 'EGGuasaule' was two names printed on one spot)."""
    from geo.db import make_engine
    from geo.overview import figures as ov
    from geo.workshops import coverage

    engine = make_engine(app_env)
    period = ov.default_period(engine)
    figures = ov.overview_figures(engine, period, ())
    report = coverage.coverage_report(engine, period.start, period.end)
    decks = [(pr.map_slide_deck(figures.map_posts, "es"), "post-labels", pr.MAP_SLIDE_CANVAS),
             (pr.coverage_slide_deck(report, "es"), "ws-uncovered-labels", pr.COVERAGE_SLIDE_CANVAS)]
    for deck, layer_id, canvas in decks:
        labels, layer = _labels(deck, layer_id)
        assert len(labels) >= 5 and layer.get_size >= 18
        zoom = deck.initial_view_state.zoom
        assert zoom == pr.projector_view(canvas)["zoom"]
        boxes = placement.label_boxes(labels, zoom, pr.PROJECTOR_POST_LABELS)
        assert _overlapping(boxes) == [], labels
        countries = placement.label_boxes(maps.country_label_points("es"), zoom, pr.PROJECTOR_COUNTRY_LABELS)
        both = pd.concat([boxes, countries], ignore_index=True)
        assert _overlapping(both) == []
    uncovered, _ = _labels(decks[1][0], "ws-uncovered-labels")
    assert len(uncovered["label"]) == len(set(uncovered["label"]))
