"""The one-page brief: produced offline on the server (no network, no browser) as a valid PDF and PNG, in
the chosen language, with the small-count rule applied."""

from __future__ import annotations

import io
import re
import socket

import pandas as pd
import pytest
from PIL import Image

from geo import disclosure
from geo.db import make_engine
from geo.overview import brief
from geo.overview import figures as ov
from geo.programme import projects as pj
from geo.programme import returns as rt
from geo.sample import sample_seed
from tests.browser import SCREENSHOTS


@pytest.fixture(scope="module")
def engine(app_db_url: str):
    engine = make_engine(app_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_overview_brief_is_a_one_page_pdf_and_a_png_made_offline(engine, lang: str, offline: None) -> None:
    figures = ov.overview_figures(engine, ov.default_period(engine))
    spec = brief.overview_brief(figures, lang, sample_seed(engine))
    pdf = brief.render(spec, "pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf_pages(pdf) == 1
    png = brief.render(spec, "png")
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (int(brief.PAGE_SIZE[0] * brief.PNG_DPI), int(brief.PAGE_SIZE[1] * brief.PNG_DPI))  # A4
    # Not a blank page: the map and text put many colours on it, including the CA4 fill and the sea.
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"brief_overview_{lang}.png").write_bytes(png)  # to look at
    assert len(colours) > 50
    assert (0xD6, 0xE9, 0xF5) in colours  # the sea drawn from data/reference


def test_brief_texts_are_in_the_chosen_language(engine) -> None:
    figures = ov.overview_figures(engine, ov.default_period(engine))
    seed = sample_seed(engine)
    es, en = brief.overview_brief(figures, "es", seed), brief.overview_brief(figures, "en", seed)
    assert es.title == "Monitor de Fronteras CA4" and en.title == "CA4 Border Monitor"
    assert es.as_of.startswith("Datos al ") and en.as_of.startswith("Data as of ")
    assert re.search(r"\b\d{2}/\d{2}/\d{4}$", es.as_of)  # THE date style, day first (geo.i18n.fmt_date)
    assert es.filters.startswith("Cifras de los puestos del programa") and en.filters.startswith("Figures for the")
    assert [k[0] for k in es.kpis][:2] == ["Puestos monitoreados", "Componentes operativos"]
    assert [k[0] for k in en.kpis][:2] == ["Posts monitored", "Components operational"]
    assert es.notice and "semilla" in es.notice and en.notice and "seed" in en.notice
    assert "Natural Earth" in es.source and "Natural Earth" in en.source
    assert {e.label for e in es.legend} >= {"Todos", "Sin componentes"}
    assert {e.label for e in es.shape_legend} == {"Terrestre", "Aéreo", "Marítimo"}
    flows = dict((k[0], k[1]) for k in es.kpis)["Cruces registrados"]
    # The region's number format (es_GT): 1,234,567, or 11.35 M from ten million up (geo.i18n.fmt_compact).
    assert re.fullmatch(r"\d{1,3}(,\d{3})+|\d{2,3}\.\d{2} M", flows), flows


def test_brief_map_labels_are_not_the_crs_names(engine) -> None:
    """geopandas labels axes 'Longitude [degree]' in English: the brief must not show them."""
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    posts = ov.overview_figures(engine, ov.default_period(engine)).map_posts
    brief.draw_region(ax, posts, "es")
    texts = [t.get_text() for t in ax.texts]
    assert "GUATEMALA" in texts and "NICARAGUA" in texts
    spec = brief.overview_brief(ov.overview_figures(engine, ov.default_period(engine)), "es", None)
    pdf = brief.render(spec, "pdf")
    assert b"degree" not in pdf and spec.notice is None  # no sample notice when no sample seed is given


def test_projects_brief_shows_published_returns(engine, offline: None) -> None:
    returns = rt.returns_frame(engine)
    small = returns[(returns["count"] < 5) & (returns["category"] == "trafficking_victim")].iloc[0]
    month = small["month"]
    chosen = returns[(returns["month"] == month) & (returns["country_iso3"] == small["country_iso3"])]
    portfolio = pj.portfolio(engine)
    spec = brief.projects_brief(portfolio, (), chosen, "x", rt.data_as_of(engine), "en", sample_seed(engine))
    returns_kpi = spec.kpis[-1]
    # The published figure of the small cell (geo.disclosure): '<5' or 5, never its exact count.
    published = disclosure.text(int(chosen.loc[chosen["category"] == "trafficking_victim", "published"].sum()), "en")
    assert f"Victims of trafficking {published}" in returns_kpi[2] and published in ("<5", "5")
    shown_numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", returns_kpi[2].split("(")[0])]
    assert all(n % 5 == 0 for n in shown_numbers)
    projects = [k for k in spec.kpis if k[0] in ("Q36-805", "EU-CA4-MIG")]  # after the portfolio's figures
    assert [k[0] for k in projects] == ["Q36-805", "EU-CA4-MIG"]
    assert projects[1][1] == "over EUR 1,000,000"
    pdf, png = brief.render(spec, "pdf"), brief.render(spec, "png")
    assert pdf.startswith(b"%PDF-") and pdf_pages(pdf) == 1
    Image.open(io.BytesIO(png)).verify()


def test_unknown_format_is_refused(engine) -> None:
    spec = brief.overview_brief(ov.overview_figures(engine, ov.default_period(engine)), "en", None)
    with pytest.raises(ValueError):
        brief.render(spec, "svg")


def test_file_name_says_view_language_and_format() -> None:
    name = brief.file_name("overview", "es", "pdf")
    assert re.fullmatch(r"ca4-brief-overview-es-\d{4}-\d{2}-\d{2}\.pdf", name)
    assert pd.Timestamp(name[-14:-4])  # a date


# ------------------------------------------------------------------ issue 27: the brief's map and its keys
def _independent_shares(engine) -> dict[str, tuple[int, int]]:
    """Per post code, (operational, all) components, counted with pandas from the components' rows."""
    from geo.upgrades.records import components_frame

    components = components_frame(engine)
    counted = components.groupby("post_code")["status"].agg(
        operational=lambda s: int((s == "operational").sum()), total="size")
    return {code: (int(r.operational), int(r.total)) for code, r in counted.iterrows()}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_brief_map_names_posts_has_a_scale_bar_one_period_line_and_keys_that_match(engine, lang: str) -> None:
    from matplotlib.colors import to_hex

    from geo import maps
    from geo.i18n import t
    from geo.upgrades.workflow import SHARE_CLASSES, SHARE_COLOURS, share_class

    figures = ov.overview_figures(engine, ov.default_period(engine))
    spec = brief.overview_brief(figures, lang, sample_seed(engine))
    fig = brief.figure(spec)
    fig.canvas.draw()  # lay the texts out, to measure them
    ax = fig.axes[0]
    # Post names, drawn as the app's map places them: the busiest programme post named, no two names overlapping.
    names = [a for a in ax.texts if a.get_gid() == "post-name"]
    assert len(names) >= 8, [a.get_text() for a in names]
    candidates = maps.label_candidates(maps.posts_map_frame(figures.map_posts, lang), lang=lang)
    busiest = candidates.sort_values("priority", ascending=False)["label"].iloc[0]
    assert busiest in {a.get_text() for a in names}
    boxes = [a.get_window_extent() for a in names]
    assert not [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    # A scale bar with a round distance in the page's number style.
    bar = [a for a in ax.texts if a.get_gid() == "scale-bar-label"]
    assert len(bar) == 1 and re.fullmatch(r"\d{1,3}(,\d{3})* k?m", bar[0].get_text())
    assert [line for line in ax.lines if line.get_gid() == "scale-bar"]
    # The colour key: every share class, "Sin componentes" included, in the map's colours; the shapes apart.
    shape_key = ax.get_legend()
    colour_key = next(a for a in ax.artists if a is not shape_key)
    labels = [text.get_text() for text in colour_key.get_texts()]
    assert labels == [t(f"share.{k}", lang) for k in SHARE_CLASSES] and t("share.none", lang) in labels
    key_colours = {to_hex(h.get_facecolor()) for h in colour_key.legend_handles}
    assert key_colours == {"#{:02x}{:02x}{:02x}".format(*SHARE_COLOURS[k]) for k in SHARE_CLASSES}
    assert [text.get_text() for text in shape_key.get_texts()] == [t(f"post_type.{k}", lang)
                                                                   for k in ("land", "air", "sea")]
    assert {to_hex(h.get_markerfacecolor()) for h in shape_key.legend_handles} == {"#ffffff"}  # no colour in shapes
    # Every mark in a colour of the key, by THE programme's rule, counted here independently.
    shares = _independent_shares(engine)
    marks = [c for c in ax.collections if c.get_gid() == "posts"]
    drawn = [to_hex(colour) for c in marks for colour in c.get_facecolors()]
    assert len(drawn) == len(figures.map_posts) and set(drawn) <= key_colours
    expected = sorted("#{:02x}{:02x}{:02x}".format(*SHARE_COLOURS[share_class(*shares.get(code, (0, 0)))])
                      for code in figures.map_posts["code"])
    assert sorted(drawn) == expected
    assert len(set(drawn)) >= 3  # the rule shows differences, not one colour for all
    # The period said once on the page (it was in the filters line and again, nested, in every figure's detail).
    period = figures.period.label(lang)
    texts = [text.get_text() for text in fig.texts] + [text.get_text() for text in ax.texts]
    assert sum(text.count(period) for text in texts) == 1, [text for text in texts if period in text]
    # What the map colours, in words.
    assert spec.map_caption.startswith("Color: cuántos" if lang == "es" else "Colour: how many")


def test_projects_brief_gives_projects_budgets_and_coverage(engine) -> None:
    portfolio = pj.portfolio(engine)
    spec = brief.projects_brief(portfolio, (), rt.returns_frame(engine), "ene 2025 – oct 2026",
                                rt.data_as_of(engine), "es", None)
    figures = {label: (value, detail) for label, value, detail in spec.kpis}
    assert figures["Proyectos"][0] == str(len(portfolio))
    covered = {c for countries in portfolio["countries"] for c in countries}
    assert figures["Estados miembros beneficiarios"][0] == str(len(covered))
    assert "República Dominicana" in figures["Estados miembros beneficiarios"][1]
    # Budgets summed per currency, a stated floor said as such; no currency left out.
    budget, detail = figures["Presupuesto de la cartera"]
    assert budget == "más de EUR 1,000,000" and "+ USD 81,500" in detail
    assert figures["Mejoras vinculadas"][0] == f"{int(portfolio['upgrades'].sum()):,}"
    assert figures["Talleres vinculados"][0] == f"{int(portfolio['workshops'].sum()):,}"
    assert "Donante: Unión Europea" in figures["EU-CA4-MIG"][1]
    # The returns' period once: in the filters line, not again in the figure.
    assert "ene 2025 – oct 2026" in spec.filters
    assert all("ene 2025 – oct 2026" not in detail for _, _, detail in spec.kpis)
