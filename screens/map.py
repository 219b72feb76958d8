"""Map page: the border posts of the region, big; click a post (or pick it in the list, or open a link
with ?post=) to centre the map on it and open its profile beside the map (below it on a phone)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import browser_bridge
import ui
from geo import cartography, map_image, maps, periods, reference
from geo.charts import chart_config, post_monthly_flows
from geo.flows import maps as flow_maps
from geo.flows import mirror, mirror_view
from geo.flows.queries import recent_period, recent_routes
from geo.i18n import fmt_date, fmt_percent, month_ticks, t
from geo.models import POST_TYPES
from geo.overview.figures import data_as_of
from geo.posts import profile as post_profile_tables
from geo.posts.queries import PostFilters, post_profile, posts_frame
from geo.sample import sample_seed
from geo.upgrades.workflow import OVERALL_ORDER
from geo.workshops import maps as workshop_maps
from geo.workshops.coverage import DEFAULT_REACH_KM
from geo.workshops.queries import workshops_held
from views import alerts as alerts_view
from views import legends, map_keys

REACH_KM = int(DEFAULT_REACH_KM)
MAP_KEY = "post_map"
POST_KEY = "map_post"
POST_LAYERS = ("posts", "neighbour-posts")
ZOOM_KEY = "map_zoom_steps"  # the +/- buttons' steps from the fitted (or selected post's) view
ZOOM_LIMITS = (-2, 6)

ui.guard()
lang = ui.lang()
engine = ui.engine()


@ui.cached
def post_mirror(code: str) -> tuple:
    """A post's partner across its crossing and their mirror table (geo.flows.mirror), per data version."""
    return mirror.post_mirror(ui.engine(), code)


@ui.cached
def dating() -> tuple:
    """(the data's date, the recent window of the marks' sizes and arcs), per data version."""
    return data_as_of(ui.engine()), recent_period(ui.engine())


@ui.cached
def view_png(filters: tuple, language: str, labels: bool, chosen: str | None, view: dict, canvas: tuple,
             words: map_image.ViewImage, arcs: bool = False, venues: bool = False) -> bytes:
    """The current view as a PNG (geo.map_image), made when asked for, per view and data version: with the flow
    arcs and the workshop venues when the map shows them."""
    routes = recent_routes(ui.engine(), filters[0], filters[1]) if arcs else None
    held = workshops_held(ui.engine()) if venues else None
    return map_image.render(posts_shown(*filters), view, canvas, language, words, labels=labels, selected=chosen,
                            routes=routes, venues=held)


def zoom_by(step: int) -> None:
    low, high = ZOOM_LIMITS
    st.session_state[ZOOM_KEY] = 0 if step == 0 else min(max(st.session_state.get(ZOOM_KEY, 0) + step, low), high)


@ui.cached
def profile_of(code: str):
    """A post's profile (geo.posts.queries.post_profile), per data version: a room opening a link with ?post=
    reads it once (its queries were a sixth of the page's run at 2M rows, profiled for issue 23)."""
    return post_profile(ui.engine(), code)


@ui.cached
def mirror_posts():
    return mirror.read_posts(ui.engine())


def link_to(page: str, label: str, icon: str, params: dict[str, str]) -> None:
    """A link to another page of the app with its filters in the URL (page_link keeps the session)."""
    try:
        st.page_link(page, label=label, icon=icon, query_params=params)
    except StreamlitPageNotFoundError:  # this page run alone (a test, or a fresh server's first run)
        st.markdown(f"[{label}](/{page.removeprefix('screens/').removesuffix('.py')}?{urlencode(params)})")


st.title(t("map.title", lang))
seed = sample_seed(engine)
ui.sample_notice(seed)

country_codes = reference.countries()["iso3"].tolist()

# Every filter has a key, so a change is never lost; its first value comes from the URL, kept in step below.
with st.sidebar:
    chosen_countries = st.multiselect(
        t("filter.country", lang), country_codes, default=ui.query_list("country", country_codes),
        format_func=lambda c: reference.country_name(c, lang), placeholder=t("filter.all", lang), key="map_country",
    )
    chosen_types = st.multiselect(
        t("filter.post_type", lang), list(POST_TYPES), default=ui.query_list("type", POST_TYPES),
        format_func=lambda v: t(f"post_type.{v}", lang), placeholder=t("filter.all", lang), key="map_type",
    )
    chosen_statuses = st.multiselect(
        t("filter.status", lang), list(OVERALL_ORDER), default=ui.query_list("status", OVERALL_ORDER),
        format_func=lambda v: t(f"status.{v}", lang), placeholder=t("filter.all", lang), key="map_status",
    )
    st.markdown(f"**{t('map.layers', lang)}**")
    show_posts = st.toggle(t("map.layer.posts", lang), value=True, key="map_show_posts")
    show_labels = st.toggle(t("map.layer.post_labels", lang), value=True, key="map_show_labels")
    show_arcs = st.toggle(t("map.layer.arcs", lang), value=False, key="map_show_arcs")
    show_venues = st.toggle(t("map.layer.venues", lang), value=False, key="map_show_venues")
    show_reach = st.toggle(t("map.layer.reach", lang, km=REACH_KM), value=False, key="map_show_reach")
    basemap = st.toggle(t("map.layer.basemap", lang), value=False, key="map_basemap")

ui.set_query_list("country", chosen_countries)
ui.set_query_list("type", chosen_types)
ui.set_query_list("status", chosen_statuses)



@ui.cached
def posts_shown(countries: tuple[str, ...], types: tuple[str, ...], statuses: tuple[str, ...]):
    """The posts of a filter (geo.posts.queries.posts_frame), read once per filter and data version."""
    return posts_frame(ui.engine(), PostFilters(countries, types, statuses))


@ui.cached
def post_marks(filters: tuple, language: str, labels: bool, chosen: str | None, view: dict, canvas: tuple) -> list:
    """The posts' deck layers, per filter, view, canvas and data version: placing the labels without overlaps
    is the page's costliest step (about half its run, measured), and a room opening one link needs it once."""
    return maps.post_layers(posts_shown(*filters), language, labels=labels, selected=chosen, view=view,
                            canvas=canvas)


filters = (tuple(chosen_countries), tuple(chosen_types), tuple(chosen_statuses))
every_post = posts_shown((), (), ())
posts = posts_shown(*filters)
names = every_post.set_index("code")["name"].to_dict()

# The selected post, decided before the map is drawn so the map can centre on it. Three sources: a link
# (?post=), the list (its widget state) and a click on the map (the deck's selection, read from its key).
if POST_KEY not in st.session_state:
    from_url = st.query_params.get("post")
    st.session_state[POST_KEY] = from_url if from_url in names else None
objects = ((st.session_state.get(MAP_KEY) or {}).get("selection") or {}).get("objects") or {}
clicked = [obj.get("code") for layer in POST_LAYERS for obj in objects.get(layer, [])]
# Adopt a click only when it is new, so the list can still change the selection afterwards.
if clicked and clicked[0] in names and clicked[0] != st.session_state.get("map_last_click"):
    st.session_state["map_last_click"] = clicked[0]
    st.session_state[POST_KEY] = clicked[0]
selected = st.session_state[POST_KEY] if st.session_state[POST_KEY] in names else None
ui.set_query_value("post", selected)

with st.sidebar:
    options = [None, *sorted(names, key=lambda c: names[c])]
    st.selectbox(t("panel.choose", lang), options, key=POST_KEY,
                 format_func=lambda c: "—" if c is None else f"{names[c]} ({c})",
                 placeholder=t("widget.choose_one", lang))

# The first view fits the CA4 to the map's real width: the browser reports the page's width after the first
# run (measured here, above the columns, so opening a profile does not report a new width and rerun); until
# then, and if it never does, the view fits the narrowest screen, a phone's.
width, window_height = browser_bridge.container_size("map_width")
# The map takes about two thirds of what the screen shows (never less than on a phone, never absurdly tall).
map_height = int(min(max(0.68 * window_height, 420), 1000)) if window_height else maps.MAP_HEIGHT_PX
MAP_SHARE = 0.63  # of the width, beside a profile
STACKED_BELOW_PX = 600  # Streamlit stacks columns on a narrow screen: the map keeps the whole width

# The map takes the page; a selected post's profile sits beside it on a wide screen (below it on a phone).
if selected:
    map_column, panel_column = st.columns([MAP_SHARE, 1 - MAP_SHARE], gap="small")
else:
    map_column = panel_column = st.container()

with map_column:
    map_width = width * MAP_SHARE - 8 if width and selected and width >= STACKED_BELOW_PX else width
    canvas = (float(map_width), float(map_height)) if map_width else maps.PHONE_CANVAS
    view = maps.selected_view(every_post, selected) or maps.region_view(canvas)
    view = {**view, "zoom": round(view["zoom"] + st.session_state.get(ZOOM_KEY, 0), 2)}
    with st.container(horizontal=True, gap="small", key="map_zoom"):  # zoom buttons beside the map
        low, high = ZOOM_LIMITS
        steps = st.session_state.get(ZOOM_KEY, 0)
        st.button("", icon=":material/add:", help=t("map.zoom.in", lang), key="map_zoom_in", on_click=zoom_by,
                  args=(1,), disabled=steps >= high)
        st.button("", icon=":material/remove:", help=t("map.zoom.out", lang), key="map_zoom_out", on_click=zoom_by,
                  args=(-1,), disabled=steps <= low)
        st.button(t("map.zoom.reset", lang), icon=":material/fit_screen:", key="map_zoom_reset", on_click=zoom_by,
                  args=(0,), disabled=steps == 0)
    layers = maps.base_layers(lang, view, canvas, posts if show_posts else None)
    routes = recent_routes(engine, tuple(chosen_countries), tuple(chosen_types)) if show_arcs else None
    if show_arcs and len(routes):  # under the country names (geo.flows.maps.under_country_names)
        layers = flow_maps.under_country_names(layers, [flow_maps.arc_layer(routes, lang, pickable=False)])
    if show_venues or show_reach:
        held = workshops_held(engine)
        layers += workshop_maps.reach_layers(held, REACH_KM, lang) if show_reach else []
        layers += workshop_maps.venue_layers(held, lang, pickable=False) if show_venues else []
    if show_posts and len(posts):
        layers += post_marks(filters, lang, show_labels, selected, view, canvas)
    st.pydeck_chart(
        maps.make_deck(layers, lang, online_basemap=basemap, view=view), height=map_height,
        on_select="rerun", selection_mode="single-object", key=MAP_KEY,
    )
    # The keys under the map: its scale at this view, what a mark's size and an arc's width mean, and when.
    as_of, recent = dating()
    period_words = recent.words(lang) if recent else "—"
    keys = [map_keys.scale_for(view, lang)]
    if show_posts and len(posts):
        keys.append(map_keys.sizes(cartography.size_key(posts["recent_flow"], lang),
                                   t("map.key.size", lang, period=period_words)))
    if show_arcs and len(routes):
        keys.append(map_keys.lines(flow_maps.arc_key(routes, lang), flow_maps.direction_key(lang),
                                   t("map.key.arcs", lang, period=period_words)))
    map_keys.show(*keys)
    dated = t("map.dated", lang, date=fmt_date(as_of, lang), period=period_words)
    st.caption(f"{dated} {t('map.caption', lang)} {t('map.count', lang, n=len(posts))}. "
               f"{t('panel.more_labels', lang)}")
    if posts.empty:
        st.info(t("map.no_posts", lang))
    filter_words = ", ".join(
        [reference.country_name(c, lang) for c in chosen_countries] + [t(f"post_type.{v}", lang) for v in chosen_types]
        + [t(f"status.{v}", lang) for v in chosen_statuses]) or t("filter.all", lang)
    words = map_image.ViewImage(
        title=t("map.title", lang), lines=[dated, t("map.image.filters", lang, filters=filter_words)],
        legend_title=t("map.legend.status", lang), size_title=t("map.key.size", lang, period=period_words),
        source=t("brief.source", lang),
        notice=t("app.sample_notice", lang, seed=seed) if seed is not None else None,
        arcs_title=t("map.layer.arcs", lang), venue_label=t("map.layer.venues", lang))
    st.download_button(
        t("map.image.button", lang), icon=":material/image:", help=t("map.image.help", lang), mime="image/png",
        data=lambda: view_png(filters, lang, show_labels, selected, view, canvas, words, show_arcs, show_venues),
        file_name=f"ca4-map-{lang}-{periods.today().isoformat()}.png", key="map_image", on_click="ignore")

with panel_column:
    profile = profile_of(selected) if selected else None
    if profile is None:
        st.info(t("panel.hint", lang))
    else:
        if width and width < STACKED_BELOW_PX:  # on a phone the profile is stacked far below the map: bring it up
            browser_bridge.scroll_into_view(selected, key="map_profile_scroll")
        ident = profile.identity
        st.subheader(ui.plain(ident["name"]))  # text from data: never Markdown
        # What a person came for, at once: the infrastructure's status, the year's crossings and their trend.
        st.markdown(f"**{t('panel.status', lang)}:** {post_profile_tables.status_line(profile.components, lang)}")
        figures = post_profile_tables.crossings_figures(profile.crossings, lang)
        help_text = (t("panel.crossings.help", lang, previous=figures["previous"]) if figures["previous"]
                     else t("panel.crossings.no_previous", lang))
        legends.wrapping_metric(t("panel.crossings", lang), figures["value"], delta=figures["delta"], help=help_text)
        st.caption(figures["period"])
        if profile.monthly_flows.empty:
            st.caption(t("panel.no_flows", lang))
        else:
            chart = post_monthly_flows(profile.monthly_flows, lang)
            # A side panel holds about four month names across: label every third month.
            chart.update_xaxes(**month_ticks(profile.monthly_flows["month"], lang, every=3))
            st.plotly_chart(chart, width="stretch", config=chart_config(lang))
        # Its mirror (geo.flows.mirror: THE rule): the post across the border counts the same people.
        if ident["type"] != "land":
            st.caption(t("mirror.profile.not_land", lang))
        else:
            partner, mirrored = post_mirror(selected)
            if partner is None:
                st.caption(t("mirror.profile.alone", lang))
            else:
                partner_names = mirror_view.post_names(mirror_posts(), lang)
                title = t("mirror.profile.title", lang, post=partner_names.get(partner, partner))
                st.markdown(f"**{ui.plain(title)}**")  # a post's name is text from data
                st.caption(mirror_view.profile_status(mirrored, lang))
                if not mirrored.empty:
                    st.plotly_chart(mirror_view.crossing_chart(mirrored, partner_names, lang, height=260, every=12),
                                    width="stretch", key="post_mirror_chart", config=chart_config(lang))
        st.markdown(f"**{t('panel.components', lang)}**")
        if profile.components.empty:
            st.caption(t("panel.no_components", lang))
        else:
            # st.table wraps long cells: every column (status, progress, dates) stays in view at 1280 px.
            st.table(ui.plain_table(post_profile_tables.components_table(profile.components, lang)), hide_index=True)
        st.markdown(f"**{t('panel.workshops', lang)}**")
        if profile.workshops.empty:
            st.caption(t("panel.no_workshops", lang))
        else:
            st.table(ui.plain_table(post_profile_tables.workshops_table(profile.workshops, lang)), hide_index=True)
        st.markdown(f"**{t('panel.links', lang)}**")
        country = ident["country_iso3"]
        country_name = reference.country_name(country, lang)
        flows_link = {"lang": lang, "country": country, "type": ident["type"]}
        link_to("screens/flows.py", t("panel.link.flows", lang, country=country_name,
                                    type=t(f"post_type.{ident['type']}", lang).lower()),
                ":material/swap_horiz:", flows_link)
        if country in reference.CA4:
            link_to("screens/infrastructure.py", t("panel.link.infrastructure", lang, country=country_name),
                    ":material/construction:", {"lang": lang, "country": country})
        st.table(ui.plain_table(post_profile_tables.facts_table(ident, lang)), hide_index=True)
        alerts_view.subscribe_box(lang, "post", selected, key="map_post")  # alerts for this post by e-mail

with map_column:
    legends.status_legend(lang)
    st.caption(t("map.legend.neighbours", lang))
    if show_arcs:
        shown, share = flow_maps.arcs_shown(routes, lang)
        st.caption(t("map.legend.arcs", lang) + " " + t("flows.map.arcs_shown", lang, n=shown,
                                                         pct=fmt_percent(share, lang)))
    if show_venues or show_reach:
        st.caption(t("map.legend.workshops", lang, km=REACH_KM))
    st.caption(t("app.real_posts_notice", lang))
