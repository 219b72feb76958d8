"""The workshops map: venues, reach discs, border segments by coverage, covered / uncovered posts, and the
venues suggested for the next workshops. Built from a CoverageReport; drawn offline like every map here.

One tooltip template serves every pickable layer, so each layer carries tip_title / tip_line1 / tip_line2
(plain data; Streamlit escapes it when filling the placeholders).
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

from geo import map_text, maps, placement, reference
from geo.i18n import fmt_number, fmt_percent, t
from geo.workshops.coverage import CoverageReport, venue_groups

PIXELS = maps.PIXELS
COVERED = [0, 158, 115]  # Okabe-Ito bluish green
REACHED = [86, 180, 233]  # sky blue: within reach of a venue, staff not (yet) trained
UNCOVERED = [213, 94, 0]  # vermillion
VENUE = [19, 38, 58]
SUGGESTED = [204, 121, 167]  # reddish purple
REACH_FILL = [11, 83, 148, 38]
REACH_LINE = [11, 83, 148, 160]
TOOLTIP_FIELDS = ["tip_title", "tip_line1", "tip_line2"]


def post_state(row: pd.Series) -> str:
    return "covered" if row["covered"] else ("reached" if row["reached"] else "uncovered")


# A border segment's coverage: vermillion (0 %) through sand (50 %) to dark blue (100 %), an
# orange-blue ramp that every common colour-vision deficiency still reads (no red-to-green ramp).
SEGMENT_RAMP = ((213, 94, 0), (225, 185, 120), (0, 90, 160))
NO_SEGMENT_DATA = [150, 150, 150, 200]
SEGMENT_WIDTH_PX = 4.0


def segment_colour(pct: float | None) -> list[int]:
    """The ramp's colour for a coverage of `pct` %; grey when the segment has no programme post."""
    if pct is None or pd.isna(pct):
        return list(NO_SEGMENT_DATA)
    share = max(0.0, min(1.0, float(pct) / 100.0))
    low, high, k = (SEGMENT_RAMP[0], SEGMENT_RAMP[1], share * 2) if share < 0.5 else \
        (SEGMENT_RAMP[1], SEGMENT_RAMP[2], (share - 0.5) * 2)
    return [round(a + (b - a) * k) for a, b in zip(low, high, strict=True)] + [230]


def _segment_paths(report: CoverageReport, lang: str) -> pd.DataFrame:
    lines = reference.borders(display=True)
    seg = report.by_segment.set_index("pair")
    rows = []
    for line in lines.itertuples():
        if line.pair not in seg.index:
            continue
        s = seg.loc[line.pair]
        parts = getattr(line.geometry, "geoms", [line.geometry])
        for part in parts:
            rows.append({
                "path": [[round(x, 5), round(y, 5)] for x, y in part.coords],
                "colour": segment_colour(s["covered_pct"]),
                "tip_title": " – ".join(reference.country_name(c, lang) for c in line.pair.split("-")),
                "tip_line1": t("ws.map.tip.segment_posts", lang, covered=int(s["covered"]), posts=int(s["posts"]),
                               pct=fmt_percent(s["covered_pct"], lang)),
                "tip_line2": t("ws.map.tip.segment_line", lang, pct=fmt_percent(s["line_reached_pct"], lang),
                               km=fmt_number(report.reach_km, lang)),
            })
    return pd.DataFrame(rows, columns=["path", "colour", *TOOLTIP_FIELDS])


def _posts_frame(report: CoverageReport, lang: str) -> pd.DataFrame:
    posts = report.posts.copy()
    posts["state"] = posts.apply(post_state, axis=1)
    colours = {"covered": COVERED, "reached": REACHED, "uncovered": UNCOVERED}
    posts["colour"] = posts["state"].map(lambda s: [*colours[s], 235])
    posts["tip_title"] = posts["name"]
    posts["tip_line1"] = [f"{reference.country_name(c, lang)} · {t(f'ws.state.{s}', lang)}"
                          for c, s in zip(posts["country_iso3"], posts["state"], strict=True)]
    posts["tip_line2"] = [
        t("ws.map.tip.post", lang, n=int(n), km=fmt_number(m / 1000.0, lang, 1), venue=v or "–")
        if pd.notna(m) and m != float("inf") else t("ws.map.tip.post_none", lang, n=int(n))
        for n, m, v in zip(posts["workshops"], posts["nearest_m"], posts["nearest_venue"], strict=True)
    ]
    return posts[["code", "name", "lon", "lat", "state", "colour", *TOOLTIP_FIELDS]]


def reach_layers(workshops: pd.DataFrame, reach_km: float, lang: str) -> list[pdk.Layer]:
    """The discs of `reach_km` around the venues of `workshops`: one circle per distinct venue, its radius in
    metres on the ground (deck.gl scales metres at each point's latitude; within 1 % of the metric-CRS buffer
    that coverage.reach_area_metric counts with, at this size). A circle is a few numbers where a buffered
    polygon was ~130 vertices: half the coverage map's JSON, and nothing for the browser to triangulate."""
    venues = venue_groups(workshops.dropna(subset=["venue_lon", "venue_lat"]))
    if venues.empty:
        return []
    data = pd.DataFrame({
        "lon": venues["venue_lon"].round(5), "lat": venues["venue_lat"].round(5),
        "tip_title": venues["venue_name"].fillna("–"),
        "tip_line1": [t("ws.map.tip.reach", lang, km=fmt_number(reach_km, lang))] * len(venues),
        "tip_line2": venues["codes"],
    })
    return [pdk.Layer(
        "ScatterplotLayer", data=data, id="ws-reach", get_position=["lon", "lat"],
        get_radius=float(reach_km) * 1000.0, radius_units=pdk.types.String("meters"), get_fill_color=REACH_FILL,
        get_line_color=REACH_LINE, line_width_min_pixels=1, stroked=True, filled=True, pickable=False,
    )]


def venue_layers(workshops: pd.DataFrame, lang: str, *, pickable: bool = True) -> list[pdk.Layer]:
    """One mark per venue of `workshops`, its tooltip naming the venue and the workshops held there."""
    grouped = venue_groups(workshops)
    if grouped.empty:
        return []
    data = pd.DataFrame({
        "lon": grouped["venue_lon"], "lat": grouped["venue_lat"],
        "tip_title": grouped["venue_name"].fillna("–"),
        "tip_line1": [t("ws.map.tip.venue", lang, n=int(n)) for n in grouped["workshops"]],
        "tip_line2": grouped["codes"],
    })
    return [pdk.Layer(
        "ScatterplotLayer", data=data, id="ws-venues", get_position=["lon", "lat"], get_radius=7,
        radius_units=PIXELS, get_fill_color=[*VENUE, 240], get_line_color=[255, 255, 255], stroked=True,
        line_width_min_pixels=2, pickable=pickable,
    )]


def workshop_layers(report: CoverageReport, lang: str, *, show_reach: bool = True,
                    show_suggested: bool = True, show_labels: bool = True, view: dict | None = None,
                    canvas: tuple[float, float] = maps.DESKTOP_CANVAS) -> list[pdk.Layer]:
    """Layers above maps.base_layers: segments, reach discs, venues, posts, labels of uncovered posts (placed for
    `view` in `canvas`)."""
    layers: list[pdk.Layer] = []
    segments = _segment_paths(report, lang)
    layers.append(pdk.Layer(
        "PathLayer", data=segments, id="ws-segments", get_path="path", get_color="colour", get_width=SEGMENT_WIDTH_PX,
        width_units=PIXELS, width_min_pixels=3, pickable=True, auto_highlight=True,
    ))
    if show_reach:
        layers += reach_layers(report.workshops, report.reach_km, lang)
    layers += venue_layers(report.workshops, lang)
    if show_suggested and len(report.where_next):
        nxt = report.where_next.dropna(subset=["venue_lon", "venue_lat"])
        data = pd.DataFrame({
            "lon": nxt["venue_lon"], "lat": nxt["venue_lat"],
            "tip_title": nxt["venue_name"],
            "tip_line1": [t("ws.map.tip.suggested", lang, rank=int(r), pair=p)
                          for r, p in zip(nxt["rank"], nxt["pair"], strict=True)],
            "tip_line2": nxt["uncovered_names"],
        })
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=data, id="ws-suggested", get_position=["lon", "lat"], get_radius=9,
            radius_units=PIXELS, get_fill_color=[*SUGGESTED, 90], get_line_color=[*SUGGESTED, 255],
            stroked=True, filled=True, line_width_min_pixels=3, pickable=True,
        ))
    posts = _posts_frame(report, lang)
    uncovered = posts[posts["state"] != "covered"]
    if len(uncovered):  # a dark ring marks every post whose staff no workshop has trained
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=uncovered[["lon", "lat"]], id="ws-uncovered-ring",
            get_position=["lon", "lat"], get_radius=9, radius_units=PIXELS, stroked=True, filled=False,
            get_line_color=[30, 30, 30, 230], line_width_min_pixels=2, pickable=False,
        ))
    layers.append(pdk.Layer(
        "ScatterplotLayer", data=posts, id="ws-posts", get_position=["lon", "lat"], get_radius=6,
        radius_units=PIXELS, get_fill_color="colour", stroked=False, pickable=True, auto_highlight=True,
    ))
    if show_labels:
        labels = uncovered_labels(report, lang, view, canvas)
        if len(labels):
            layers.append(map_text.text_layer("ws-uncovered-labels", labels, size_px=UNCOVERED_LABELS.size_px,
                                          colour=[120, 40, 0], placed=True))
    return layers


UNCOVERED_LABELS = placement.LabelStyle(size_px=12.0, padding_px=3.0)
POST_MARK_RADIUS_PX = 10.0  # a post's dot (6 px) and the dark ring of an uncovered one (9 px), with a gap


def uncovered_labels(report: CoverageReport, lang: str, view: dict | None = None,
                     canvas: tuple[float, float] = maps.DESKTOP_CANVAS) -> pd.DataFrame:
    """Names of the uncovered land posts that fit on the page's map (airports' would crowd the border): the
    busiest first, none on another, on a country's name or on a post's mark (geo.placement.place_labels);
    the others are named by their tooltip and the table under the map."""
    names = maps.country_labels(lang, view, canvas)  # the names the deck shows (a given view's own: workshop_deck)
    view = view or maps.INITIAL_VIEW
    posts = report.posts
    land = posts[~posts["covered"] & (posts["type"] == "land")]
    candidates = pd.DataFrame({
        "label": land["name"], "lon": land["lon"], "lat": land["lat"],
        "priority": land["flow"].astype(float) if "flow" in land else 0.0, "radius": POST_MARK_RADIUS_PX,
    })
    zoom = float(view["zoom"])
    marks = maps.mark_boxes(posts.assign(size=2 * POST_MARK_RADIUS_PX), zoom)
    obstacles = pd.concat([placement.label_boxes(names, zoom, placement.COUNTRY_LABEL_STYLE),
                           marks], ignore_index=True)
    return placement.place_labels(candidates, view, canvas=canvas, obstacles=obstacles, style=UNCOVERED_LABELS)


def tooltip() -> dict:
    return {
        "html": "<b>{tip_title}</b><br/>{tip_line1}<br/>{tip_line2}",
        "style": {"backgroundColor": "#13263A", "color": "white", "fontSize": "13px"},
    }


def workshop_deck(report: CoverageReport, lang: str, *, online_basemap: bool = False, view: dict | None = None,
                  canvas: tuple[float, float] = maps.DESKTOP_CANVAS, **options: bool) -> pdk.Deck:
    """The deck for the workshops page: the region drawn offline, then the coverage layers, at `view` (the page
    fits it to its canvas: views.map_fit)."""
    names = (view, canvas) if view is not None else (None, None)  # the view's own country names when it has one
    layers = maps.base_layers(lang, *names) + workshop_layers(report, lang, view=view, canvas=canvas, **options)
    return maps.make_deck(layers, lang, online_basemap=online_basemap, view=view, tooltip=tooltip())


def legend_items(lang: str) -> list[tuple[str, str]]:
    """(label, css colour) for the map legend; labels from i18n only."""
    def css(rgb: list[int]) -> str:
        return "rgb({},{},{})".format(*rgb[:3])

    return [
        (t("ws.state.covered", lang), css(COVERED)),
        (t("ws.state.reached", lang), css(REACHED)),
        (t("ws.state.uncovered", lang), css(UNCOVERED)),
        (t("ws.legend.venue", lang), css(VENUE)),
        (t("ws.legend.suggested", lang), css(SUGGESTED)),
    ]


def segment_key(lang: str) -> list[tuple[str, str, float]]:
    """(share of a segment's posts covered, css colour, line width) for the key of the border segments' lines:
    the ramp's ends and middle as segment_colour draws them, and the grey of a segment without programme posts."""
    def css(rgba: list[int]) -> str:
        return "rgba({},{},{},{:.2f})".format(*rgba[:3], rgba[3] / 255)

    items = [(fmt_percent(pct, lang), css(segment_colour(pct)), SEGMENT_WIDTH_PX) for pct in (0, 50, 100)]
    return [*items, (t("ws.map.key.no_posts", lang), css(NO_SEGMENT_DATA), SEGMENT_WIDTH_PX)]
