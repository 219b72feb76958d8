"""A map's cartographic basics without a browser: the scale bar against geodesic distances, the size and arc
keys against the marks and arcs drawn, the period in words, every map's fitted view holding its region at a
phone's, a laptop's and a wide screen's width, country names on land (point in polygon against the Natural
Earth boundaries in data/), the saved image; and the map page under AppTest (zoom buttons, keys, image)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import shapely
from PIL import Image
from pyproj import Geod

from geo import cartography, map_image, maps, placement, reference
from geo.flows import maps as flow_maps
from geo.periods import Period
from geo.programme import projects as pj
from tests.test_maps import posts_for_map

REPO = Path(__file__).resolve().parent.parent
GEOD = Geod(ellps="WGS84")
# The map columns a page gives at a browser width of 390 (phone), 1280 and 1920 px: the whole page less the
# sidebar and margins (measured in Chromium), a half or three fifths of it for the maps beside something.
SCREENS = {390: 358.0, 1280: 820.0, 1920: 1460.0}
SHARES = {"whole": 1.0, "flows (half)": 0.5, "projects (3/5)": 0.6, "overview (3/5)": 0.6, "map beside a profile": 0.63}
HEIGHTS = (420.0, 440.0, 520.0, 560.0, 528.0, 760.0)
PETEN_NORTH = (-89.6, 17.75)  # the northern edge of Petén, Guatemala
SOUTHERN_NICARAGUA = (-83.7, 10.92)  # San Juan de Nicaragua
DOMINICAN_REPUBLIC = [(-68.4, 18.6), (-71.7, 17.7)]  # Punta Cana, the south-west coast


def canvases() -> list[tuple[float, float]]:
    return [(max(width * share, 300.0) if width > 400 else width, height)
            for width in SCREENS.values() for share in SHARES.values() for height in HEIGHTS]


# ------------------------------------------------------------------------------------------- scale
@pytest.mark.parametrize(("latitude", "zoom"), [(14.3, 5.6), (13.44, 7.0), (17.0, 9.3), (0.0, 3.0)])
def test_metres_per_pixel_match_the_ground_distance(latitude: float, zoom: float) -> None:
    """Two points 200 px apart on a deck.gl map are 200 × metres_per_pixel apart on the ground (geodesic)."""
    view = {"longitude": -88.0, "latitude": latitude, "zoom": zoom}
    minx, _, maxx, _ = placement.view_bounds(view, (200.0, 2.0))
    _, _, ground = GEOD.inv(minx, latitude, maxx, latitude)
    assert 200 * cartography.metres_per_pixel(latitude, zoom) == pytest.approx(ground, rel=0.005)
    # The brief's formula is for 256-px tiles: deck.gl's zoom z is their z + 1, half the metres a pixel.
    assert cartography.metres_per_pixel(latitude, zoom) == pytest.approx(
        156543.03 * math.cos(math.radians(latitude)) / 2 ** zoom / 2, rel=1e-6)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_scale_bar_is_a_round_distance_drawn_at_its_true_length(lang: str) -> None:
    for zoom in (4.6, 5.6, 6.1, 7.0, 8.0, 9.0, 12.0):
        view = {"longitude": -88.0, "latitude": 14.3, "zoom": zoom}
        bar = cartography.scale_bar(view, lang, max_px=140)
        assert 140 / 2.5 < bar.length_px <= 140  # 1-2-5 steps: never less than 2/5 of the room
        assert bar.length_px * cartography.metres_per_pixel(14.3, zoom) == pytest.approx(bar.metres)
        digits = f"{bar.metres / 1000:g}" if bar.metres >= 1000 else f"{bar.metres:g}"
        assert digits[0] in "125" and set(digits[1:]) <= {"0", "."}
        assert re.fullmatch(r"[\d,.]+ k?m", bar.label)
    # One zoom step in halves the distance a bar of the same length means.
    near = cartography.scale_bar({"latitude": 14.3, "zoom": 6.0}, lang)
    far = cartography.scale_bar({"latitude": 14.3, "zoom": 5.0}, lang)
    assert far.metres / far.length_px == pytest.approx(2 * near.metres / near.length_px)
    assert cartography.distance_label(1_000_000, lang) == "1,000 km"  # the region's 1,234.5 in both languages


# -------------------------------------------------------------------------------------------- keys
def test_size_key_means_what_the_marks_show() -> None:
    posts = posts_for_map()
    frame = maps.posts_map_frame(posts, "es")
    key = cartography.size_key(posts["recent_flow"], "es")
    assert len(key) == 3 and [size for size, _ in key] == sorted((size for size, _ in key), reverse=True)
    first = int(frame.index[frame["programme"]][0])  # a programme post (neighbours' marks are fixed context)
    for size, label in key:
        value = int(label.replace(",", ""))
        # A programme post carrying exactly that flow is drawn at exactly that size.
        drawn = maps.posts_map_frame(posts.assign(recent_flow=posts["recent_flow"].where(
            posts.index != first, value)), "es")
        assert drawn.loc[first, "size"] == pytest.approx(size, abs=0.06)
        assert str(value)[0] in "125" and set(str(value)[1:]) <= {"0"}
    assert key[0][1] == "20,000"  # the largest round value not above the busiest (49,xxx): the region's style
    assert frame["size"].max() >= key[0][0]


def test_arc_key_means_what_the_arcs_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flow_maps, "ARC_SHARE", 1.0)  # every route drawn, the quietest too
    routes = pd.DataFrame({
        "post_code": ["A", "A", "B"], "post_name": ["Uno", "Uno", "Dos"], "post_country": ["GTM"] * 3,
        "post_lon": [-90.0] * 3, "post_lat": [14.5] * 3, "direction": ["entry", "exit", "entry"],
        "other_country": ["MEX", "SLV", "HND"], "count": [54_321, 5_000, 500],
    })
    key = flow_maps.arc_key(routes, "en")
    assert [label for _, label in key] == ["50,000", "10,000", "2,000"]
    arcs = flow_maps.arc_frame(routes.assign(count=[54_321, 50_000, 2_000]), "en")
    assert arcs["width"].iloc[1] == pytest.approx(key[0][0], abs=0.06)
    assert arcs["width"].iloc[2] == pytest.approx(key[2][0], abs=0.06)
    assert [label for label, _ in flow_maps.direction_key("es")] == ["Entrada", "Salida"]


def test_period_in_words_names_its_months() -> None:
    autumn = Period(dt.date(2026, 9, 1), dt.date(2026, 11, 1))
    winter = Period(dt.date(2025, 11, 1), dt.date(2026, 1, 1))
    one = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert autumn.words("es") == "septiembre–noviembre de 2026"
    assert winter.words("es") == "noviembre de 2025–enero de 2026"
    assert one.words("es") == "noviembre de 2026"
    assert autumn.words("en") == "September–November 2026"
    assert winter.words("en") == "November 2025–January 2026"


# ----------------------------------------------------------------------------------------- fitting
def every_map() -> dict[str, tuple[float, float, float, float]]:
    """Each map and what it must show (the bounds its page fits, by views.map_fit or the map page's own)."""
    return {"posts (map, overview, infrastructure, workshops)": (maps.CA4_BOUNDS, 10.0),
            "information exchange": (maps.CA4_BOUNDS, 10.0),
            "flows": (flow_maps.flow_bounds(), flow_maps.FLOW_PADDING_PX),
            "projects": (pj.fit_bounds(), pj.FIT_PADDING_PX)}


@pytest.mark.parametrize("name", list(every_map()))
def test_every_map_shows_its_whole_region_at_every_width(name: str) -> None:
    bounds, padding = every_map()[name]
    for canvas in canvases():
        view = maps.region_view(canvas, bounds, padding)
        shown = placement.view_bounds(view, canvas)
        assert cartography.contains(shown, bounds), (name, canvas, view, shown)
        # Not absurdly far out either: the region takes at least half the canvas's width or height.
        span_x = (bounds[2] - bounds[0]) / (shown[2] - shown[0])
        span_y = (bounds[3] - bounds[1]) / (shown[3] - shown[1])
        assert max(span_x, span_y) > 0.5, (name, canvas)
        if name == "flows":  # its arcs end at the regional country names: each shown whole
            inside = label_frame_inside(cartography.country_label_points("es"), view, canvas)
            assert inside.all(), (canvas, inside[~inside].index.tolist())
    # Before the browser reports a width the view fits a phone's, which any wider canvas shows whole too.
    phone = maps.region_view((SCREENS[390], 560.0), bounds, padding)
    assert cartography.contains(placement.view_bounds(phone, (SCREENS[1920], 560.0)), bounds)


def label_frame_inside(labels: pd.DataFrame, view: dict, canvas: tuple[float, float]) -> pd.Series:
    """Whether each country name's box lies whole inside the canvas, or whole outside it (not cut at its edge)."""
    boxes = placement.label_boxes(labels, view["zoom"], placement.COUNTRY_LABEL_STYLE)
    cx, cy = placement.world_px([view["longitude"]], [view["latitude"]], view["zoom"])
    x0, y0, x1, y1 = cx[0] - canvas[0] / 2, cy[0] - canvas[1] / 2, cx[0] + canvas[0] / 2, cy[0] + canvas[1] / 2
    whole_in = (boxes["x0"] >= x0) & (boxes["x1"] <= x1) & (boxes["y0"] >= y0) & (boxes["y1"] <= y1)
    whole_out = (boxes["x1"] <= x0) | (boxes["x0"] >= x1) | (boxes["y1"] <= y0) | (boxes["y0"] >= y1)
    return (whole_in | whole_out).set_axis(labels["iso3"])


def test_the_named_places_each_map_promises_are_shown() -> None:
    def shows(bounds, point) -> bool:
        return bounds[0] <= point[0] <= bounds[2] and bounds[1] <= point[1] <= bounds[3]

    for width in SCREENS.values():
        exchange = placement.view_bounds(maps.region_view((width, 520.0)), (width, 520.0))
        assert shows(exchange, PETEN_NORTH) and shows(exchange, SOUTHERN_NICARAGUA)
        canvas = (max(width * 0.6, 300.0) if width > 400 else width, 440.0)
        view = maps.region_view(canvas, pj.fit_bounds(), pj.FIT_PADDING_PX)
        wide = placement.view_bounds(view, canvas)
        assert all(shows(wide, point) for point in DOMINICAN_REPUBLIC)
        # ... and named: "REPÚBLICA DOMINICANA" whole inside the canvas, not cut at its edge.
        names = pj.label_points(reference.countries_wide().assign(name="REPÚBLICA DOMINICANA"))
        dominican = names[names["iso3"] == "DOM"]
        box = placement.label_boxes(dominican, view["zoom"], placement.LabelStyle(size_px=12.0)).iloc[0]
        cx, _ = placement.world_px([view["longitude"]], [view["latitude"]], view["zoom"])
        assert cx[0] - canvas[0] / 2 <= box["x0"] and box["x1"] <= cx[0] + canvas[0] / 2, (canvas, view)
    # The old fixed views did not: the projects map's cut the Dominican Republic at 1280 px.
    assert not shows(placement.view_bounds(pj.WIDE_VIEW, (SCREENS[1280] * 0.6, 440.0)), DOMINICAN_REPUBLIC[0])


def test_every_page_map_uses_the_fitting_rule() -> None:
    """Each st.pydeck_chart on a page draws a view from the one rule (views.map_fit.fitted_view, or the map
    page's maps.region_view); the presentation's slides fit theirs in geo.overview.slides.projector_view."""
    for path in sorted((REPO / "screens").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        charts = text.count("st.pydeck_chart(")
        if not charts or path.name == "present.py":
            continue
        fitted = text.count("fitted_view(") + text.count("region_view(")
        assert fitted >= charts, f"{path.name}: {charts} maps, {fitted} fitted views"


def test_no_map_zooms_behind_its_scale_bar() -> None:
    """Every deck (geo.maps.make_deck's, and the projects' world map) pans and never zooms by wheel, pinch,
    double click or keys: a zoom the page never hears of would leave the bar under the map wrong."""
    from geo.programme import projects

    wide = projects.benefit_frame(pd.DataFrame({"code": ["P1"], "countries": [("GTM", "DOM")]}))
    decks = [maps.make_deck([], "es"), projects.choropleth_deck(wide, "es")]
    for deck in decks:
        controller = json.loads(deck.to_json())["views"][0]["controller"]
        assert controller["dragPan"] is True
        assert not any(controller[k] for k in ("scrollZoom", "touchZoom", "doubleClickZoom", "keyboard"))
    makers = [p for p in (REPO / "geo").rglob("*.py") if "pdk.Deck(" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(REPO).as_posix() for p in makers] == ["geo/programme/projects.py"]  # and make_deck
    for path in [*(REPO / "screens").glob("*.py"), *(REPO / "views").glob("*.py")]:
        assert "pdk.Deck(" not in path.read_text(encoding="utf-8"), path


# ------------------------------------------------------------------------------------ names on land
def on_land(labels: pd.DataFrame) -> list[str]:
    """The labels whose point is not inside their own country (full-resolution Natural Earth boundaries)."""
    land = reference.countries(display=False).set_index("iso3").geometry
    return [f"{row.iso3} at ({row.lon}, {row.lat})" for row in labels.itertuples()
            if not land[row.iso3].contains(shapely.Point(row.lon, row.lat))]


def zoomed_views() -> list[dict]:
    airport = {"longitude": -89.0557, "latitude": 13.4409, "pitch": 0, "bearing": 0}  # San Salvador's airport
    return [{**airport, "zoom": zoom} for zoom in (6.0, 7.0, 8.0, 9.0, 10.0)]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_country_names_stay_on_land_and_in_view(lang: str) -> None:
    assert on_land(cartography.country_label_points(lang)) == []
    for canvas in canvases()[::9]:
        for view in [maps.region_view(canvas), *zoomed_views()]:
            labels = maps.country_labels(lang, view, canvas)
            assert on_land(labels) == [], (canvas, view)
            minx, miny, maxx, maxy = placement.view_bounds(view, canvas)
            assert ((labels["lon"] > minx) & (labels["lon"] < maxx) & (labels["lat"] > miny)
                    & (labels["lat"] < maxy)).all()
            if view["zoom"] >= 7.0:  # zoomed to San Salvador's airport the country is named, inland
                assert "SLV" in labels["iso3"].tolist()


def test_a_sliver_of_a_country_gets_no_name() -> None:
    # Off Guatemala's Pacific coast on a phone, El Salvador shows only as a strip at the right edge: too narrow
    # for its name, which would print mostly over the sea; Guatemala, which fills the view, is named on land.
    view, canvas = {"longitude": -90.5, "latitude": 13.0, "zoom": 7.0}, (358.0, 560.0)
    shown = shapely.box(*placement.view_bounds(view, canvas))
    assert reference.countries(display=True).set_index("iso3").geometry["SLV"].intersects(shown)
    labels = maps.country_labels("es", view, canvas)
    assert "GTM" in set(labels["iso3"]) and "SLV" not in set(labels["iso3"]) and on_land(labels) == []


# ------------------------------------------------------------------------------------------ image
def test_the_saved_view_is_a_png_of_the_map_with_its_words() -> None:
    canvas = (SCREENS[1280], 560.0)
    view = maps.region_view(canvas)
    words = map_image.ViewImage(title="Mapa de puestos fronterizos", lines=["Datos al 4 dic 2026."],
                                legend_title="Estado", size_title="Personas", source="Fuentes", notice=None)
    png = map_image.render(posts_for_map(), view, canvas, "es", words)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    map_w, map_h = map_image.map_size_in(canvas)
    assert image.width == pytest.approx((max(map_w, 7.5) + 0.8) * map_image.DPI, abs=2)
    assert map_w / map_h == pytest.approx(canvas[0] / canvas[1])
    colours = set(image.resize((400, 300)).get_flattened_data())
    assert (0xD6, 0xE9, 0xF5) in colours  # the sea, from the brief's renderer
    # A phone's view gives a tall map, with the keys under it.
    tall = Image.open(io.BytesIO(map_image.render(posts_for_map(), maps.region_view(maps.PHONE_CANVAS),
                                                  maps.PHONE_CANVAS, "en", words)))
    assert tall.height > tall.width


# ------------------------------------------------------------------------------------------ page
def test_map_page_zooms_by_buttons_and_shows_its_keys(app_env: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "screens" / "map.py"), default_timeout=60)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception, at.exception
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert deck["views"][0]["controller"]["scrollZoom"] is False  # zoom only by the buttons: the scale stays true
    first = deck["initialViewState"]
    keys = " ".join(m.value for m in at.markdown)
    assert "Escala" in keys and re.search(r"Personas en [a-z]+–[a-z]+ de \d{4}", keys)
    assert re.search(r"Datos al .* personas en [a-z]+–[a-z]+ de \d{4}", " ".join(c.value for c in at.caption))
    bar = cartography.scale_bar(first, "es")
    assert f"width:{bar.length_px:.0f}px" in keys and bar.label in keys
    assert len(at.get("download_button")) == 1
    at.button(key="map_zoom_in").click().run()
    zoomed = json.loads(at.get("deck_gl_json_chart")[0].proto.json)["initialViewState"]
    assert zoomed["zoom"] == pytest.approx(first["zoom"] + 1)
    assert cartography.scale_bar(zoomed, "es").label in " ".join(m.value for m in at.markdown)
    at.button(key="map_zoom_reset").click().run()
    assert json.loads(at.get("deck_gl_json_chart")[0].proto.json)["initialViewState"]["zoom"] == first["zoom"]


# ------------------------------------------------------------------------------------- every map's keys
def test_every_page_map_draws_its_scale_one_way() -> None:
    """Each page with a regional map draws the scale bar through views.map_keys.scale_for (its view's latitude
    and zoom, with the note that it is true at the centre latitude), once per map."""
    for path in sorted((REPO / "screens").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        charts = text.count("st.pydeck_chart(")
        if not charts or path.name == "present.py":
            continue
        assert text.count("map_keys.scale_for(") >= charts, path.name
        assert "cartography.scale_bar(" not in text, f"{path.name}: a scale bar of its own"


@pytest.mark.parametrize(("page", "lang", "tab", "words"), [
    ("overview", "es", None, [r"Personas en [a-z]+–[a-z]+ de \d{4}"]),
    ("infrastructure", "en", None, [r"Persons in [A-Z][a-z]+–[A-Z][a-z]+ \d{4}", "Lines", "Interconnected crossing"]),
    ("infrastructure", "es", ("infra_tab", "infra.tab.exchange"), ["Líneas", "Cruce interconectado"]),
    ("workshops", "es", None, ["Tramos de frontera", "sin puestos del programa", r"Período.*de \d{4}"]),
    ("flows", "en", ("flows_tab", "flows.tab.routes"), [r"Arcs: direction and persons in [A-Z][a-z]+",
                                                       "Circles: persons in the period"]),
    ("projects", "es", None, []),
])
def test_every_regional_map_has_its_scale_and_keys(app_env: str, page: str, lang: str, tab: tuple | None,
                                                   words: list[str]) -> None:
    """Under AppTest: each map of the page has under it the scale bar of its own view (length and distance),
    the note that it is true at the centre latitude, and the keys of what its marks and lines mean and when."""
    from streamlit.testing.v1 import AppTest

    from geo.i18n import t

    at = AppTest.from_file(str(REPO / "screens" / f"{page}.py"), default_timeout=90)
    at.query_params["lang"] = lang
    if tab:
        at.session_state[tab[0]] = t(tab[1], lang)  # what a click on the tab does
    at.run()
    assert not at.exception, at.exception
    keys = " ".join(m.value for m in at.markdown)
    decks = at.get("deck_gl_json_chart")
    assert decks
    for deck in decks:
        bar = cartography.scale_bar(json.loads(deck.proto.json)["initialViewState"], lang)
        assert f"width:{bar.length_px:.0f}px" in keys and bar.label in keys
    note = {"es": "exacta en la latitud del centro del mapa", "en": "true at the map's centre latitude"}[lang]
    assert keys.count(note) == len(decks)
    for pattern in words:
        assert re.search(pattern, keys), pattern


# --------------------------------------------------------------------- country names never under marks
@pytest.mark.parametrize("canvas", [maps.PHONE_CANVAS, (401.0, 472.0), (SCREENS[1280], 560.0), (SCREENS[1920], 560.0)])
def test_country_names_move_off_the_marks_onto_their_land(canvas: tuple[float, float]) -> None:
    """geo.cartography.names_clear_of_marks: a name the posts' marks cover moves to free land of its own country,
    whole in the canvas, clear of the other names; one with no room left stays put (drawn above the marks)."""
    posts = posts_for_map()
    marks = cartography.mark_frame(posts)
    view = maps.region_view(canvas)
    before = maps.country_labels("es", view, canvas)
    after = maps.country_labels("es", view, canvas, posts)
    covered_before = set(cartography.names_covered(before, marks, view["zoom"]))
    covered_after = set(cartography.names_covered(after, marks, view["zoom"]))
    assert "HND" in covered_before  # the rule has work to do: Honduras's name sits on a mark where it stands
    assert covered_after < covered_before and "HND" not in covered_after
    assert on_land(after) == []
    minx, miny, maxx, maxy = placement.view_bounds(view, canvas)
    assert ((after["lon"] > minx) & (after["lon"] < maxx) & (after["lat"] > miny) & (after["lat"] < maxy)).all()
    assert placement.overlapping_pairs(placement.label_boxes(after, view["zoom"], placement.COUNTRY_LABEL_STYLE)) == []
    kept = after.set_index("iso3").loc[sorted(covered_after), ["lon", "lat"]]
    assert kept.equals(before.set_index("iso3").loc[sorted(covered_after), ["lon", "lat"]])


def test_country_names_are_drawn_above_the_marks_and_under_post_names() -> None:
    canvas = (SCREENS[1280] * 0.6, 472.0)
    view = maps.region_view(canvas)
    posts = posts_for_map()
    layers = maps.base_layers("es", view, canvas, posts) + maps.post_layers(posts, "es", view=view, canvas=canvas)
    ids = [layer.id for layer in maps.make_deck(layers, "es", view=view).layers]
    assert ids.index("posts") < ids.index("country-labels") < ids.index("post-labels")
    assert cartography.names_above_marks(layers[:4]) == layers[:4]  # no marks: the region's order unchanged


# ------------------------------------------------------------------------------------- readable arcs
def test_flow_arcs_keep_their_own_ends_and_only_the_busiest_are_drawn() -> None:
    """Arcs from eight posts around El Salvador towards Guatemala and Honduras no longer meet at one point (the
    country's name, where they tangled): each ends ARC_REACH of the way from its own post; the busiest routes
    carrying 85 % of the persons are drawn, no quieter one before a busier one."""
    lons = [-90.1, -89.9, -89.6, -89.35, -89.1, -88.8, -88.5, -87.9]
    routes = pd.DataFrame({
        "post_code": [f"P{i}" for i in range(8)] * 2, "post_name": [f"Puesto {i}" for i in range(8)] * 2,
        "post_country": ["SLV"] * 16, "post_lon": lons * 2,
        "post_lat": [13.9, 14.1, 14.3, 14.4, 14.3, 14.2, 14.0, 13.6] * 2,
        "direction": ["exit"] * 16, "other_country": ["GTM"] * 8 + ["HND"] * 8,
        "count": [9_000, 7_000, 5_000, 3_000, 2_000, 1_000, 500, 100, 8_000, 6_000, 4_000, 2_500, 1_500, 700, 300, 50],
    })
    arcs = flow_maps.arc_frame(routes, "en")
    anchors = flow_maps.country_anchors("en")
    ends = arcs[["to_lon", "to_lat"]].to_numpy()
    for iso3 in ("GTM", "HND"):
        assert not ((abs(ends[:, 0] - anchors.loc[iso3, "lon"]) < 1e-6)
                    & (abs(ends[:, 1] - anchors.loc[iso3, "lat"]) < 1e-6)).any()
    gaps = [math.dist(a, b) for i, a in enumerate(ends) for b in ends[i + 1:]]
    assert min(gaps) > 0.05  # degrees: every arc keeps its own end
    drawn = routes.loc[flow_maps.drawn_routes(routes, "en").index, "count"]
    assert drawn.min() > routes.drop(drawn.index)["count"].max()  # the busiest
    shown, share = flow_maps.arcs_shown(routes, "en")
    assert shown == len(arcs) < len(routes) and share >= 85.0
    assert share - 100 * drawn.min() / routes["count"].sum() < 85.0  # and no more than needed


def test_the_saved_view_draws_the_arcs_and_venues_in_the_maps_font() -> None:
    """The image has what the map draws: an arc per drawn route (geo.flows.maps.arc_frame), a mark per venue,
    their entries in the key, and every word in the app's map font (geo.map_font), not matplotlib's DejaVu."""
    from matplotlib import font_manager

    from geo import map_font
    from geo.charts import DIRECTION_COLOURS

    canvas = (SCREENS[1280], 560.0)
    view = maps.region_view(canvas)
    routes = pd.DataFrame({
        "post_code": ["A", "A", "B"], "post_name": ["Uno", "Uno", "Dos"], "post_country": ["GTM", "GTM", "SLV"],
        "post_lon": [-90.0, -90.0, -89.0], "post_lat": [14.5, 14.5, 13.9], "direction": ["entry", "exit", "exit"],
        "other_country": ["SLV", "MEX", "HND"], "count": [40_000, 30_000, 20_000],
    })
    venues = pd.DataFrame({"venue_lon": [-87.2, -86.3], "venue_lat": [14.1, 12.1]})
    words = map_image.ViewImage(title="Mapa de puestos fronterizos", lines=["Datos al 04/12/2026."],
                                legend_title="Estado", size_title="Personas", source="Fuentes",
                                arcs_title="Arcos de flujo", venue_label="Sedes de talleres")
    fig = map_image.figure(posts_for_map(), view, canvas, "es", words, routes=routes, venues=venues)
    ax = fig.axes[0]
    arcs = [line for line in ax.get_lines() if line.get_gid() == "flow-arc"]
    assert len(arcs) == len(flow_maps.arc_frame(routes, "es")) == 3
    assert {tuple(round(v, 3) for v in line.get_color()[:3]) for line in arcs} == {
        tuple(round(int(DIRECTION_COLOURS[d][i:i + 2], 16) / 255, 3) for i in (1, 3, 5)) for d in ("entry", "exit")}
    marks = [c for c in ax.collections if c.get_gid() == "workshop-venue"]
    assert len(marks) == 1 and marks[0].get_offsets().tolist() == venues.to_numpy().tolist()
    keys = [text.get_text() for legend in fig.legends for text in legend.get_texts()]
    assert "Sedes de talleres" in keys and "Arcos de flujo: Entrada" in keys and "Arcos de flujo: Salida" in keys
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontproperties") and hasattr(a, "get_text"))
             if t.get_text().strip()]
    assert len(texts) > 20
    fonts = {Path(font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)) for t in texts}
    assert fonts <= set(map_font.font_files()), fonts
    # Without the map font, matplotlib's default: what the image used before.
    from matplotlib.figure import Figure

    assert "DejaVu" in font_manager.findfont(Figure().text(0, 0, "Uno").get_fontproperties())
