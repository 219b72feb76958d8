"""Overview (the home): headline figures with period and source, a headline map, the one-page brief."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from geo import maps, reference
from geo.i18n import fmt_date, t
from geo.overview import brief
from geo.overview import figures as ov
from geo.periods import Period
from geo.sample import sample_seed
from views import alerts as alerts_view
from views import highlights as highlights_view
from views import legends

ui.guard()
lang = ui.lang()
engine = ui.engine()
URL = str(engine.url)


@ui.cached
def load_figures(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...]) -> ov.OverviewFigures:
    return ov.overview_figures(ui.engine(), Period(first, last), countries)


@ui.cached
def load_brief(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...], language: str,
               fmt: str) -> bytes:
    figures = load_figures(url, first, last, countries)
    highlights = highlights_view.load(last, countries)
    return brief.render(brief.overview_brief(figures, language, sample_seed(ui.engine()), highlights), fmt)


@ui.cached
def load_post_marks(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...], language: str) -> list:
    """The headline map's post marks, per filter, language and data version (built anew on every view
    before: a tenth of the page's run at 2M rows, profiled for issue 23)."""
    return maps.post_layers(load_figures(url, first, last, countries).map_posts, language, labels=False)


seed = sample_seed(engine)
st.title(t("ov.title", lang))
st.caption(t("ov.intro", lang))
ui.sample_notice(seed)

months = ov.available_months(engine)
default = ov.default_period(engine)
with st.sidebar:
    first, last = ui.month_range(t("ov.period", lang), months, (default.first, default.last), lang, key="ov_period")
    chosen = st.multiselect(
        t("ov.countries", lang), list(reference.CA4), default=ui.query_list("country", reference.CA4),
        format_func=lambda c: reference.country_name(c, lang), placeholder=t("filter.all", lang), key="ov_countries",
    )
ui.set_query_list("country", chosen)
countries = tuple(chosen)

figures = load_figures(URL, first, last, countries)
st.markdown(f"**{t('common.data_as_of', lang, date=fmt_date(figures.as_of, lang))}** · "
            + ov.filters_text(figures, lang))

# What changed in the period's last complete month, each line linking to the view that proves it.
with st.container(border=True, key="highlights"):
    highlights_view.show(highlights_view.load(last, countries), lang)
    alerts_view.subscribe_box(lang, "highlights", None, key="overview_highlights")
alerts_view.new_alerts(lang, compact=True)  # a signed-in person's alerts since their last visit

cards = ov.kpi_cards(figures, lang, seed)
for row in (cards[:4], cards[4:]):
    for column, card in zip(st.columns(len(row)), row, strict=True):
        with column.container(border=True):
            legends.wrapping_metric(card.label, card.value)
            st.caption(card.detail)
            st.caption(f"{t('ov.kpi.period', lang)}: {card.period}  \n{t('ov.kpi.source', lang)}: {card.source}")

st.subheader(t("ov.map.title", lang))
layers = maps.base_layers(lang) + load_post_marks(URL, first, last, countries, lang)
st.pydeck_chart(maps.make_deck(layers, lang), height=480, key="overview_map")
st.caption(t("ov.map.caption", lang))
legends.status_legend(lang)
st.caption(t("app.real_posts_notice", lang))

st.subheader(t("ov.brief", lang))
st.caption(t("ov.brief.help", lang))
pdf_column, png_column, present_column = st.columns(3)
pdf_column.download_button(
    t("ov.brief.pdf", lang), data=lambda: load_brief(URL, first, last, countries, lang, "pdf"),
    file_name=brief.file_name("overview", lang, "pdf"), mime="application/pdf", icon=":material/picture_as_pdf:",
)
png_column.download_button(
    t("ov.brief.png", lang), data=lambda: load_brief(URL, first, last, countries, lang, "png"),
    file_name=brief.file_name("overview", lang, "png"), mime="image/png", icon=":material/image:",
)
# The slides open on the same filters (period and countries travel in the link).
link = f"./?present=1&lang={lang}&from={first:%Y-%m}&to={last:%Y-%m}" + (f"&country={','.join(countries)}"
                                                                        if countries else "")
present_column.link_button(t("ov.present", lang), link, help=t("ov.present.help", lang), icon=":material/slideshow:")
