"""Projects and assisted returns: the portfolio, benefiting states on the wide frame, components, and the
assisted returns under the disclosure-control rule (geo.disclosure); exact figures for staff on request."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from geo import disclosure, reference
from geo.charts import chart_config
from geo.i18n import fmt_date, fmt_month, fmt_number, t
from geo.models import RETURN_CATEGORIES
from geo.overview import brief
from geo.periods import Period, default_period, month_start, months_between, today
from geo.programme import projects as pj
from geo.programme import returns as rt
from geo.programme.catalogue import REPORTED_RETURNS
from geo.sample import sample_seed
from views import legends, map_fit, map_keys
from views.tables import table as show_table

ui.guard()
lang = ui.lang()
engine = ui.engine()
seed = sample_seed(engine)


@ui.cached
def load_brief(url: str, codes: tuple[str, ...], first: dt.date, last: dt.date, countries: tuple[str, ...],
               language: str, fmt: str) -> bytes:
    db = ui.engine()
    chosen = Period(first, last)
    spec = brief.projects_brief(pj.portfolio(db), codes, rt.returns_frame(db, chosen.start, chosen.end, countries),
                                chosen.label(language), rt.data_as_of(db), language, sample_seed(db))
    return brief.render(spec, fmt)


def css(rgb: tuple[int, int, int]) -> str:
    return "rgb({},{},{})".format(*rgb)


st.title(t("proj.title", lang))
ui.sample_notice(seed)

portfolio = pj.portfolio(engine)
codes_all = portfolio["code"].tolist()
span = rt.month_span(engine)
months = months_between(*span) if span else [month_start(today())]
default = default_period(months)  # THE default period (geo.periods), over the months with returns
with st.sidebar:
    chosen_codes = st.multiselect(t("proj.filter", lang), codes_all, default=ui.query_list("project", codes_all),
                                  placeholder=t("filter.all", lang), key="proj_codes")
    first, last = ui.month_range(t("returns.period", lang), months, (default.first, default.last), lang,
                                 key="returns_period")
    return_countries = st.multiselect(
        t("filter.country", lang), list(reference.CA4), default=ui.query_list("country", reference.CA4),
        format_func=lambda c: reference.country_name(c, lang), placeholder=t("filter.all", lang), key="ret_countries",
    )
ui.set_query_list("project", chosen_codes)
ui.set_query_list("country", return_countries)
codes = tuple(chosen_codes)
shown = portfolio if not codes else portfolio[portfolio["code"].isin(codes)]
period = Period(first, last)

# ------------------------------------------------------------------ portfolio
st.subheader(t("proj.portfolio", lang))
st.caption(t("proj.portfolio.caption", lang))
# One column per project, one row per field: a wrapping table that fits 1280 px (a dataframe with a dozen
# columns cut the titles and hid the last columns). Every cell is plain text.
portfolio_view = pj.portfolio_table(shown, lang)
st.table(ui.plain_table(portfolio_view.set_index(portfolio_view.columns[0]).T))

map_column, detail_column = st.columns([3, 2], gap="medium")
with map_column:
    st.markdown(f"**{t('proj.map.title', lang)}**")
    view, _ = map_fit.fitted_view("projects_map_width", 440, pj.fit_bounds(), pj.FIT_PADDING_PX)  # Mexico to the DR
    st.pydeck_chart(pj.choropleth_deck(pj.benefit_frame(portfolio, codes), lang, view), height=440, key="projects_map")
    legends.colour_legend(t("proj.legend.title", lang), [
        (t("proj.legend.one", lang), css(pj.BENEFIT_FILL)), (t("proj.legend.both", lang), css(pj.BENEFIT_BOTH_FILL)),
        (t("proj.legend.none", lang), css(pj.OTHER_FILL)),
    ])
    map_keys.show(map_keys.scale_for(view, lang))
    st.caption(t("proj.map.caption", lang))
with detail_column:
    components = pj.components(engine, tuple(shown["code"]))
    for row in shown.itertuples():
        with st.expander(t("proj.components", lang, code=row.code), expanded=True):
            part = components[components["project_code"] == row.code]
            # Component names are data (an admin may add types): plain text, never Markdown.
            st.table(ui.plain_table(pd.DataFrame({t("proj.col.component", lang):
                                                  pj.component_names(part, lang)})), hide_index=True)

# ------------------------------------------------------------------ assisted returns
st.subheader(t("returns.title", lang))
st.caption(t("returns.caption", lang))
returns = rt.returns_frame(engine, period.start, period.end, tuple(return_countries))
# Exact counts only for staff, and only on request: a signed-in admin presenting in a room sees what the room may.
exact = disclosure.can_see_exact(ui.current_actor()) and st.toggle(t("disclosure.toggle", lang), key="returns_exact")
st.markdown(f"**{t('common.data_as_of', lang, date=fmt_date(rt.data_as_of(engine), lang))}** · "
            f"{period.label(lang)}")
(st.warning if exact else st.caption)(disclosure.caption(lang, exact))
totals = rt.public_category_totals(returns, lang, exact)
for column, key in zip(st.columns(4), ["total", *RETURN_CATEGORIES], strict=True):
    label = t("ov.kpi.returns", lang) if key == "total" else t(f"returns.category.{key}", lang)
    with column.container(border=True):
        legends.wrapping_metric(label, totals[key])
st.info(t("returns.reported", lang, n=fmt_number(REPORTED_RETURNS, lang)), icon=":material/article:")

if returns.empty:
    st.info(t("returns.none", lang))
else:
    # One above the other at full width: side by side, each showed three of its five columns at 1280 px.
    st.markdown(f"**{t('returns.by_country', lang)}**")
    show_table(rt.labelled_public_table(returns, "country_iso3", lang, t("returns.col.country", lang),
                                          lambda c: reference.country_name(c, lang), exact),
                 hide_index=True, width="stretch")
    st.markdown(f"**{t('returns.by_month', lang)}**")
    show_table(rt.labelled_public_table(returns, "month", lang, t("returns.col.month", lang),
                                          lambda m: fmt_month(m, lang), exact),
                 hide_index=True, width="stretch", height="content")
    st.plotly_chart(rt.returns_chart(rt.monthly_public_series(returns, exact), lang, exact), width="stretch",
                    config=chart_config(lang))
    st.caption(t("returns.chart.suppressed", lang))
    st.download_button(t("returns.download.exact" if exact else "returns.download", lang),
                       data=rt.public_csv(returns, exact=exact), mime="text/csv", icon=":material/download:",
                       file_name=f"ca4-assisted-returns-{first:%Y-%m}-{last:%Y-%m}{'-EXACT' if exact else ''}.csv")

# ------------------------------------------------------------------ brief of this view
st.subheader(t("ov.brief", lang))
st.caption(t("ov.brief.help", lang))
key = (str(engine.url), codes, first, last, tuple(return_countries), lang)
pdf_column, png_column = st.columns(2)
pdf_column.download_button(t("ov.brief.pdf", lang), data=lambda: load_brief(*key, "pdf"),
                           mime="application/pdf",
                           file_name=brief.file_name("projects", lang, "pdf"), icon=":material/picture_as_pdf:")
png_column.download_button(t("ov.brief.png", lang), data=lambda: load_brief(*key, "png"),
                           mime="image/png",
                           file_name=brief.file_name("projects", lang, "png"), icon=":material/image:")
