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
    assert re.search(r"\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) \d{4}", es.as_of)
    assert es.filters.startswith("Cifras de los puestos del programa") and en.filters.startswith("Figures for the")
    assert [k[0] for k in es.kpis][:2] == ["Puestos monitoreados", "Componentes operativos"]
    assert [k[0] for k in en.kpis][:2] == ["Posts monitored", "Components operational"]
    assert es.notice and "semilla" in es.notice and en.notice and "seed" in en.notice
    assert "Natural Earth" in es.source and "Natural Earth" in en.source
    assert {e.label for e in es.legend} >= {"Operativo", "Terrestre"}
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
    assert [k[0] for k in spec.kpis[:2]] == ["Q36-805", "EU-CA4-MIG"]
    assert spec.kpis[1][1] == "over EUR 1,000,000"
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
