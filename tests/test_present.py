"""Presentation mode's rules and projector figures (no browser: see test_present_browser.py)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from geo import maps, placement
from geo.overview import slides as pr


def test_slide_order_and_navigation() -> None:
    assert pr.SLIDES == ("highlights", "kpis", "map", "flows", "infrastructure", "coverage", "method")
    assert [pr.slide_index(v) for v in (None, "", "1", "3", "7", "8", "0", "x")] == [0, 0, 0, 2, 6, 0, 0, 0]
    assert pr.step(0, 1) == 1 and pr.step(6, 1) == 0 and pr.step(0, -1) == 6
    assert [pr.auto_seconds(v) for v in ("15", "30", "60", "7", None, "abc")] == [15, 30, 60, 0, 0, 0]


def test_css_hides_the_chrome_and_holds_no_data() -> None:
    for selector in ('[data-testid="stSidebar"]', 'header[data-testid="stHeader"]', '[data-testid="stToolbar"]'):
        assert selector in pr.CSS
    assert "{" in pr.CSS and "<script" not in pr.CSS
    # The controls are no slide's content: hidden until the pointer or the keyboard's focus is on them.
    rules = dict(re.findall(r"([^{}]+)\{([^{}]*)\}", pr.CSS))
    hidden = [body for selector, body in rules.items() if selector.strip() == ".st-key-present_controls"]
    assert hidden and "opacity: 0" in hidden[0] and "position: fixed" in hidden[0]
    shown = [body for selector, body in rules.items() if ":hover" in selector and ":focus-visible" in selector]
    assert shown and "opacity: 1" in shown[0]


def _item(kind: str, subject: str = "", figures: dict | None = None, comparison: dict | None = None):
    from geo.overview.highlights import Highlight

    return Highlight(kind, "flows", subject, figures or {}, comparison or {}, "/flows")


LONG = "San Óscar Arnulfo Romero"  # among the longest post names
# One highlight of every kind the finder writes, with the figures each carries (geo.overview.highlights).
EVERY_KIND = [
    _item("flow_surge.post", "GTM-AGC", {"name": "Agua Caliente", "count": 32460, "ratio": 3.93}),
    _item("flow_drop.post", "SLV-SOA", {"name": LONG, "count": 1234567, "ratio": 0.41}),
    _item("flow_surge.country", "HND", {"count": 557628, "ratio": 1.8}),
    _item("flow_drop.nationality", "SLV", {"count": 557628, "ratio": 0.64}),
    _item("flow_surge.direction", "entry", {"count": 1360987, "ratio": 1.6}),
    _item("flow_total", "", {"count": 2703949}, {"previous": 2520000}),
    _item("silent_posts", "", {"posts": [{"name": "Mapulaca (Mocalempa)", "code": "HND-MAP"},
                                         {"name": LONG, "code": "SLV-SOA"}, {"name": "El Poy", "code": "SLV-POY"}]}),
    _item("mirror_gap", "GTM-SLV-02", {"exit_name": "Las Chinamas", "entry_name": "Valle Nuevo", "ratio": 1.4}),
    _item("minors", "GTM,SLV", {"count": "<5"}),
    _item("returns", "GTM", {"total": 95}),
    _item("upgrade_operational", "", {"n": 5, "components": [
        {"post_name": "Santo Tomás de Castilla", "post": "GTM-STC", "component": "bio"},
        {"post_name": "Valle Nuevo", "post": "GTM-VNU", "component": "int"},
        {"post_name": LONG, "post": "SLV-SOA", "component": "doc"}]}),
    _item("upgrade_overdue", "", {"n": 1, "components": [{"post_name": "El Amatillo", "post": "HND-AMA"}]}),
    _item("upgrade_suspended", "", {"n": 2, "components": [{"post_name": "Guasaule", "post": "NIC-GUA"}] * 2}),
    _item("workshops", "", {"n": 3, "participants": 86}),
    _item("where_next", "GTM-HND", {"pair": "GTM-HND", "uncovered": 4}),
]
CODE = re.compile(r"\b[A-Z]{3}-[A-Z0-9]{2,}\b")  # a post or crossing code: GTM-AGC, GTM-SLV-02


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_slide_line_is_one_short_message_naming_posts_not_codes(lang: str) -> None:
    """Slide 1 read six long sentences at 23 px with post codes: each highlight is now one short line (a name,
    one figure, how it compares), the post by its name and country, no link, no month, no method."""
    from geo.overview import highlight_text as words

    for item in EVERY_KIND:
        line = words.short_line(item, lang)
        assert len(line) <= 90, line  # a line of type large enough for the back of a room
        assert not CODE.search(line), line
        assert ";" not in line and ". " not in line and not line.endswith("."), line  # one message
        assert "http" not in line and "](" not in line and "2026" not in line, line
    surge = words.short_line(EVERY_KIND[0], lang)
    assert surge.startswith("Agua Caliente (Guatemala): 32,460 ")  # the name with its country, 1,234 style
    assert ("3.9 veces" if lang == "es" else "3.9 times") in surge
    silent = words.short_line(EVERY_KIND[6], lang)
    assert "Mapulaca (Mocalempa) · Honduras" in silent and ("y 2 más" if lang == "es" else "and 2 more") in silent
    assert words.short_line(EVERY_KIND[5], lang).endswith(("(+7.3 % frente al mes anterior)",
                                                           "(+7.3 % on the month before)"))
    assert words.short_line(EVERY_KIND[8], lang).endswith(": <5")  # a published small count, as published
    upgrades = words.short_line(EVERY_KIND[12], lang)
    assert upgrades.count("Guasaule") == 1  # a post named once, however many of its components


def test_the_slides_charts_use_the_app_font() -> None:
    from geo.charts import FONT_FAMILY

    monthly = pd.DataFrame({"month": [dt.date(2026, 9, 1)] * 2, "direction": ["entry", "exit"], "count": [5, 6]})
    components = pd.DataFrame({"country_iso3": ["GTM"], "status": ["operational"]})
    coverage = pd.DataFrame({"country_iso3": ["GTM"], "posts": [10], "covered": [5], "covered_pct": [50.0]})
    for fig in (pr.flows_figure(monthly, "es"), pr.infrastructure_figure(components, "es"),
                pr.coverage_figure(coverage, "es")):
        assert fig.layout.font.family == FONT_FAMILY and FONT_FAMILY.startswith("'Source Sans'")
        assert fig.layout.font.size >= 24


def test_projector_figures_are_large_and_translated() -> None:
    months = [dt.date(2026, m, 1) for m in (9, 10)]
    monthly = pd.DataFrame({"month": months * 2, "direction": ["entry"] * 2 + ["exit"] * 2,
                            "count": [1200, 1300, 1100, 1250]})
    es, en = pr.flows_figure(monthly, "es"), pr.flows_figure(monthly, "en")
    assert es.layout.font.size >= 24
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
        "map", "map", "map", "coverage", "coverage", "coverage", "map"]
    assert all(pr.stage_map(pr.SLIDES.index(slide)) == slide for slide in pr.MAP_SLIDES)


def test_slides_open_on_the_filters_in_the_link(app_env: str) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    at.query_params.update({"present": "1", "lang": "en", "from": "2026-01", "to": "2026-06", "country": "GTM",
                            "slide": "4"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    from geo.db import make_engine
    from geo.overview import figures as ov
    from geo.overview import highlights as hl
    from geo.periods import Period

    engine = make_engine(app_env)
    fig = ov.overview_figures(engine, Period(dt.date(2026, 1, 1), dt.date(2026, 6, 1)), ("GTM",))
    month = hl.month_for_period(engine, dt.date(2026, 6, 1), hl.Scope(("GTM",)))
    title = pr.slide_titles(fig, hl.find_highlights(engine, month, hl.Scope(("GTM",))), "en")["flows"]
    assert [t.value for t in at.title] == [title] and title.endswith(" in January–June 2026")
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


@pytest.mark.parametrize("lang", ["es", "en"])
def test_each_title_states_its_message_with_the_cards_figure(app_env: str, lang: str) -> None:
    """One truth: a title's figure is the overview card's own text (kpi_cards), the highlights slide's the month's
    total among the highlights; a change in words (rose / fell) with its size, never a slide's name."""
    from geo.db import make_engine
    from geo.i18n import fmt_percent
    from geo.overview import figures as ov
    from geo.overview import highlights as hl

    engine = make_engine(app_env)
    period = ov.default_period(engine)
    fig = ov.overview_figures(engine, period)
    result = hl.find_highlights(engine, hl.month_for_period(engine, period.last))
    titles = pr.slide_titles(fig, result, lang)
    cards = {card.key: card for card in ov.kpi_cards(fig, lang)}
    assert list(titles) == list(pr.SLIDES)
    assert cards["trained"].value in titles["kpis"] and cards["workshops"].value in titles["kpis"]
    assert titles["map"].startswith(cards["posts"].value + " ")
    assert f" {cards['operational'].value} " in f" {titles['infrastructure']} "
    assert ("al " if lang == "es" else "reached ") + cards["covered"].value + " " in titles["coverage"]
    # The flows slide: the flows card's change, in words.
    change = ov.relative_change(fig.flows["total"], fig.flows_previous["total"])
    verb = {True: {"es": "subieron", "en": "rose"}, False: {"es": "bajaron", "en": "fell"}}[change > 0][lang]
    assert titles["flows"] == (("Los cruces " if lang == "es" else "Crossings ") + f"{verb} "
                               + fmt_percent(abs(round(change, 1)), lang, 1)
                               + (" en " if lang == "es" else " in ") + period.words(lang))
    assert cards["flows"].delta.lstrip("+-") in titles["flows"]  # the card's change, its size the same
    # The highlights slide: the month's total against the month before, as the highlight counts it.
    total = next(h for h in result.items if h.kind == "flow_total")
    month_change = ov.relative_change(total.figures["count"], total.comparison["previous"])
    assert fmt_percent(abs(round(month_change, 1)), lang, 1) in titles["highlights"]
    assert titles["highlights"].endswith(hl_month(result, lang))
    assert titles["method"] == ("Fuentes y método" if lang == "es" else "Sources and method")


def hl_month(result, lang: str) -> str:
    from geo.overview import highlight_text as words

    return words.fmt_month(result.month, lang)


def test_a_crossings_title_says_which_way_and_how_much() -> None:
    assert pr.crossings_title(1055, 1000, "noviembre de 2026", "es", "1,055") == \
        "Los cruces subieron 5.5 % en noviembre de 2026"
    assert pr.crossings_title(980, 1000, "November 2026", "en", "980") == "Crossings fell 2.0 % in November 2026"
    assert pr.crossings_title(1000, 1000, "November 2026", "en", "1,000") == "Crossings held steady in November 2026"
    assert pr.crossings_title(1000, 0, "noviembre de 2026", "es", "1,000") == "1,000 cruces en noviembre de 2026"
