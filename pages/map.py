"""Map page: the border posts of the region; click a post to open its profile beside the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from geo import maps, reference
from geo.charts import post_monthly_flows
from geo.flows import maps as flow_maps
from geo.flows.queries import recent_routes
from geo.i18n import fmt_date, fmt_number, t
from geo.models import POST_TYPES
from geo.posts.queries import PostFilters, post_profile, posts_frame
from geo.sample import sample_seed
from geo.upgrades.workflow import OVERALL_ORDER
from geo.workshops import maps as workshop_maps
from geo.workshops.coverage import DEFAULT_REACH_KM
from geo.workshops.records import workshops_held

REACH_KM = int(DEFAULT_REACH_KM)

lang = ui.lang()
engine = ui.engine()

st.title(t("map.title", lang))
ui.sample_notice(sample_seed(engine))

countries = reference.countries()
country_codes = countries["iso3"].tolist()

with st.sidebar:
    chosen_countries = st.multiselect(
        t("filter.country", lang), country_codes, default=ui.query_list("country", country_codes),
        format_func=lambda c: reference.country_name(c, lang), placeholder=t("filter.all", lang),
    )
    chosen_types = st.multiselect(
        t("filter.post_type", lang), list(POST_TYPES), default=ui.query_list("type", POST_TYPES),
        format_func=lambda v: t(f"post_type.{v}", lang), placeholder=t("filter.all", lang),
    )
    chosen_statuses = st.multiselect(
        t("filter.status", lang), list(OVERALL_ORDER), default=ui.query_list("status", OVERALL_ORDER),
        format_func=lambda v: t(f"status.{v}", lang), placeholder=t("filter.all", lang),
    )
    st.markdown(f"**{t('map.layers', lang)}**")
    show_posts = st.toggle(t("map.layer.posts", lang), value=True)
    show_labels = st.toggle(t("map.layer.post_labels", lang), value=True)
    show_arcs = st.toggle(t("map.layer.arcs", lang), value=False)
    show_venues = st.toggle(t("map.layer.venues", lang), value=False)
    show_reach = st.toggle(t("map.layer.reach", lang, km=REACH_KM), value=False)
    basemap = st.toggle(t("map.layer.basemap", lang), value=False)

ui.set_query_list("country", chosen_countries)
ui.set_query_list("type", chosen_types)
ui.set_query_list("status", chosen_statuses)

posts = posts_frame(engine, PostFilters(tuple(chosen_countries), tuple(chosen_types), tuple(chosen_statuses)))
all_codes = posts_frame(engine)["code"].tolist()
selected = st.query_params.get("post")
if selected not in all_codes:
    selected = None

map_column, panel_column = st.columns([2, 1], gap="medium")

with map_column:
    layers = maps.base_layers(lang)
    if show_arcs:
        routes = recent_routes(engine, tuple(chosen_countries), tuple(chosen_types))
        layers += [flow_maps.arc_layer(routes, lang, pickable=False)] if len(routes) else []
    if show_venues or show_reach:
        held = workshops_held(engine)
        layers += workshop_maps.reach_layers(held, REACH_KM, lang) if show_reach else []
        layers += workshop_maps.venue_layers(held, lang, pickable=False) if show_venues else []
    if show_posts and len(posts):
        layers += maps.post_layers(posts, lang, labels=show_labels, selected=selected)
    event = st.pydeck_chart(
        maps.make_deck(layers, lang, online_basemap=basemap), height=620, on_select="rerun",
        selection_mode="single-object", key="post_map",
    )
    selection = (event or {}).get("selection") or {}
    clicked = [obj.get("code") for obj in (selection.get("objects") or {}).get("posts", [])]
    # Adopt a click only when it is new, so the list below can still change the selection.
    if clicked and clicked[0] != st.session_state.get("last_click"):
        st.session_state["last_click"] = clicked[0]
        selected = clicked[0]
        ui.set_query_value("post", selected)
    st.caption(t("map.caption", lang) + " " + t("map.count", lang, n=len(posts)))
    if posts.empty:
        st.info(t("map.no_posts", lang))
    ui.status_legend(lang)
    st.caption(t("map.legend.size", lang))
    if show_arcs:
        st.caption(t("map.legend.arcs", lang))
    if show_venues or show_reach:
        st.caption(t("map.legend.workshops", lang, km=REACH_KM))
    st.caption(t("app.real_posts_notice", lang))

with panel_column:
    names = posts_frame(engine).set_index("code")["name"].to_dict()
    options = [None, *sorted(names, key=lambda c: names[c])]
    choice = st.selectbox(
        t("panel.choose", lang), options, index=options.index(selected),
        format_func=lambda c: "—" if c is None else f"{names[c]} ({c})",
    )
    if choice != selected:
        selected = choice
        ui.set_query_value("post", selected)
    profile = post_profile(engine, selected) if selected else None
    if profile is None:
        st.info(t("panel.hint", lang))
    else:
        ident = profile.identity
        st.subheader(ident["name"])
        facts = {
            t("panel.country", lang): reference.country_name(ident["country_iso3"], lang),
            t("panel.type", lang): t(f"post_type.{ident['type']}", lang),
            t("panel.crossing", lang): ident["crossing_code"] or "–",
            t("panel.neighbour", lang): reference.country_name(ident["neighbour_iso3"], lang)
            if ident["neighbour_iso3"] else "–",
            t("panel.road", lang): ident["road"] or "–",
            t("panel.coords", lang): f"{fmt_number(ident['lat'], lang, 4)}, {fmt_number(ident['lon'], lang, 4)}",
        }
        st.dataframe(
            pd.DataFrame({t("panel.field", lang): list(facts.keys()), t("panel.value", lang): list(facts.values())}),
            hide_index=True, width="stretch",
        )
        st.markdown(f"**{t('panel.components', lang)}**")
        comps = profile.components
        if comps.empty:
            st.caption(t("panel.no_components", lang))
        else:
            st.dataframe(
                pd.DataFrame({
                    t("panel.component", lang): comps["name_es" if lang == "es" else "name_en"],
                    t("filter.status", lang): comps["status"].map(lambda s: t(f"status.{s}", lang)),
                    t("panel.progress", lang): comps["progress"],
                    t("panel.target", lang): comps["target_date"].map(lambda d: fmt_date(d, lang)),
                }),
                hide_index=True, width="stretch",
            )
        st.markdown(f"**{t('panel.workshops', lang)}**")
        if profile.workshops.empty:
            st.caption(t("panel.no_workshops", lang))
        else:
            ws = profile.workshops
            st.dataframe(
                pd.DataFrame({
                    t("panel.workshop", lang): ws["title"],
                    t("panel.date", lang): ws["start_date"].map(lambda d: fmt_date(d, lang)),
                    t("panel.venue", lang): ws["venue_name"],
                }),
                hide_index=True, width="stretch",
            )
        if profile.monthly_flows.empty:
            st.caption(t("panel.no_flows", lang))
        else:
            st.plotly_chart(post_monthly_flows(profile.monthly_flows, lang), width="stretch")
