"""geo.maps without a browser: label placement in screen space, the fitted first view, the mark order,
and the deck JSON written with the region cached."""

from __future__ import annotations

import json
import math

import pandas as pd
import pydeck as pdk
import pytest

from geo import cartography, maps, placement, reference
from geo.posts.queries import read_posts_csv


def posts_for_map() -> pd.DataFrame:
    """The committed posts with the columns posts_frame adds (a status and a made-up recent flow)."""
    posts = read_posts_csv()
    return posts.assign(status="installation", recent_flow=[(i * 7919) % 50_000 for i in range(len(posts))],
                        is_sample=False)


def test_world_pixels_follow_web_mercator() -> None:
    x, y = placement.world_px([0.0, 180.0], [0.0, 0.0], 0)
    assert x[0] == pytest.approx(256) and x[1] == pytest.approx(512) and y[0] == pytest.approx(256)
    x, _ = placement.world_px([-90.0, -89.0], [14.0, 14.0], 5)
    assert x[1] - x[0] == pytest.approx(512 * 32 / 360)  # a degree of longitude at zoom 5


def test_ca4_bounds_match_the_reference_countries() -> None:
    countries = reference.countries(display=True)
    bounds = countries[countries["iso3"].isin(reference.CA4)].total_bounds
    assert pytest.approx(tuple(bounds), abs=0.01) == maps.CA4_BOUNDS


@pytest.mark.parametrize("canvas", [maps.PHONE_CANVAS, (820.0, 560.0), (1800.0, 560.0)])
def test_the_first_view_shows_the_whole_ca4_in_the_canvas(canvas: tuple[float, float]) -> None:
    view = maps.region_view(canvas)
    minx, miny, maxx, maxy = maps.CA4_BOUNDS
    xs, ys = placement.world_px([minx, maxx], [maxy, miny], view["zoom"])
    cx, cy = placement.world_px([view["longitude"]], [view["latitude"]], view["zoom"])
    assert xs[0] >= cx[0] - canvas[0] / 2 and xs[1] <= cx[0] + canvas[0] / 2
    assert ys[0] >= cy[0] - canvas[1] / 2 and ys[1] <= cy[0] + canvas[1] / 2
    # ... and as close as fits: half a zoom step more would not fit.
    assert (xs[1] - xs[0]) * math.sqrt(2) > canvas[0] - 20 or (ys[1] - ys[0]) * math.sqrt(2) > canvas[1] - 20


def test_label_boxes_from_font_size_text_length_and_anchor() -> None:
    style = placement.LabelStyle(size_px=10, char_em=0.5, line_em=1.0, padding_px=0)
    labels = pd.DataFrame({"label": ["abcd", "abcd", "abcd"], "lon": [0.0] * 3, "lat": [0.0] * 3,
                           "anchor": ["middle", "start", "end"], "baseline": ["top", "center", "bottom"],
                           "dx": [0.0, 3.0, 0.0], "dy": [5.0, 0.0, 0.0]})
    boxes = placement.label_boxes(labels, 0, style)
    assert boxes.iloc[0].tolist() == [256 - 10, 256 + 5, 256 + 10, 256 + 15]  # 4 chars × 5 px wide
    assert boxes.iloc[1].tolist() == [259, 251, 279, 261]
    assert boxes.iloc[2].tolist() == [236, 246, 256, 256]
    assert placement.overlapping_pairs(boxes) == []  # edges may touch


def test_place_labels_keeps_the_busiest_and_moves_or_drops_the_rest() -> None:
    view = {"longitude": 0.0, "latitude": 0.0, "zoom": 6}
    candidates = pd.DataFrame({
        "label": ["Busy crossing", "Quiet crossing", "Far away"],
        "lon": [0.0, 0.001, 0.5], "lat": [0.0, 0.0, 0.0], "priority": [10.0, 1.0, 5.0], "radius": [6.0] * 3,
    })
    placed = placement.place_labels(candidates, view, canvas=(600, 400))
    assert placed["label"].tolist()[0] == "Busy crossing"
    assert placement.overlapping_pairs(placement.label_boxes(placed, 6)) == []
    assert "Far away" in placed["label"].tolist()
    # A label is never cut at the canvas edge: a mark outside the canvas, or a label that cannot fit, is left out.
    assert placement.place_labels(candidates.iloc[[2]], view, canvas=(60, 100)).empty
    assert placement.place_labels(candidates.iloc[[0]], view, canvas=(40, 100)).empty
    # An obstacle (a country name) where every position of the label lies is respected.
    wall = pd.DataFrame({"x0": [-1e9], "y0": [-1e9], "x1": [1e9], "y1": [1e9]})
    assert placement.place_labels(candidates, view, canvas=(600, 400), obstacles=wall).empty


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("canvas", [maps.PHONE_CANVAS, (820.0, 560.0)])
def test_post_labels_never_overlap_each_other_or_country_names(lang: str, canvas: tuple[float, float]) -> None:
    frame = maps.posts_map_frame(posts_for_map(), lang)
    view = maps.region_view(canvas)
    labels = maps.post_labels(frame, view, lang=lang, canvas=canvas)
    assert len(labels) >= 6
    zoom = view["zoom"]
    post_boxes = placement.label_boxes(labels, zoom)
    drawn = maps.country_labels(lang, view, canvas, frame)  # the names the map prints, clear of the marks
    country_boxes = placement.label_boxes(drawn, zoom, placement.COUNTRY_LABEL_STYLE)
    everything = pd.concat([post_boxes, country_boxes], ignore_index=True)
    pairs = [(i, j) for i, j in placement.overlapping_pairs(everything) if i < len(post_boxes)]
    assert pairs == []
    # On a desktop-wide map the busiest crossing is labelled (on a phone it may not fit among the marks).
    if canvas[0] > 500:
        candidates = maps.label_candidates(frame)
        assert candidates.sort_values("priority").iloc[-1]["label"] in labels["label"].tolist()


def test_neighbours_posts_are_drawn_first_hollow_and_grey() -> None:
    layers = maps.post_layers(posts_for_map(), "es", labels=False)
    ids = [layer.id for layer in layers]
    assert ids.index("neighbour-posts") < ids.index("posts")
    neighbours = pd.DataFrame(layers[ids.index("neighbour-posts")].data)
    programme = pd.DataFrame(layers[ids.index("posts")].data)
    assert set(neighbours["icon"]) <= {"land-hollow", "air-hollow", "sea-hollow"}
    assert not programme["icon"].str.endswith("hollow").any()
    assert {tuple(c) for c in neighbours["colour"]} == {tuple(maps.NEIGHBOUR_MARK)}
    assert neighbours["size"].max() < programme["size"].min() + 1e-9 or neighbours["size"].max() <= 12


def test_selecting_a_post_centres_the_view_and_rings_it() -> None:
    posts = posts_for_map()
    view = maps.selected_view(posts, "SLV-AMA")
    row = posts.set_index("code").loc["SLV-AMA"]
    assert (view["longitude"], view["latitude"]) == pytest.approx((row.lon, row.lat))
    assert view["zoom"] == maps.SELECTED_ZOOM
    layers = maps.post_layers(posts, "es", selected="SLV-AMA", view=view)
    assert layers[-1].id == "selected-ring"
    labels = pd.DataFrame(next(layer for layer in layers if layer.id == "post-labels").data)
    # The selected post is labelled first, with its country: both sides of the crossing are "El Amatillo".
    assert labels["label"].iloc[0] == "El Amatillo (El Salvador)"
    assert maps.selected_view(posts, "NOPE") is None


def test_region_deck_json_is_the_plain_decks_and_smaller() -> None:
    layers = maps.base_layers("es") + maps.post_layers(posts_for_map(), "es")
    deck = maps.make_deck(layers, "es")
    drawn = cartography.names_above_marks(layers)  # the country names above the marks
    plain = pdk.Deck(layers=drawn, initial_view_state=pdk.ViewState(**maps.INITIAL_VIEW), map_provider=None,
                     tooltip=maps.post_tooltip("es"), views=[pdk.View(type="MapView", controller=maps.PAN_ONLY)])
    text = deck.to_json()
    assert json.loads(text) == json.loads(plain.to_json())
    assert len(text) < len(plain.to_json())  # compact, not pretty-printed
    assert [layer.id for layer in deck.layers] == [layer.id for layer in drawn]  # the deck is left as it was


def test_a_cached_deck_writes_the_same_compact_json() -> None:
    """Pages cache their decks (st.cache_data hands back an unpickled copy). The copy once lost its language and
    fell back to pydeck's indented JSON: the presentation's coverage map went from 64 KB to 190 KB per run."""
    import pickle

    deck = maps.make_deck(maps.base_layers("es") + maps.post_layers(posts_for_map(), "es"), "es")
    copy = pickle.loads(pickle.dumps(deck))
    assert copy.to_json() == deck.to_json()
    assert "\n" not in copy.to_json()
    no_region = maps.RegionDeck(layers=maps.post_layers(posts_for_map(), "es"), map_provider=None)
    assert "\n" not in no_region.to_json()  # even without the region's layers: compact


def test_the_committed_static_region_files_are_what_the_script_writes(tmp_path) -> None:
    written = maps.write_region_files(tmp_path)
    assert sorted(p.name for p in written) == sorted(maps.REGION_FILES.values())
    for path in written:
        committed = maps.STATIC_DIR / path.name
        assert committed.read_bytes() == path.read_bytes(), f"run python scripts/build_static.py ({path.name})"
    countries = json.loads((maps.STATIC_DIR / maps.REGION_FILES["countries"]).read_text(encoding="utf-8"))
    assert {f["properties"]["iso3"] for f in countries["features"]} == set(reference.countries(display=True)["iso3"])


def test_served_region_layers_load_by_a_relative_url_and_the_deck_stays_small() -> None:
    for kind, name in maps.REGION_FILES.items():
        url = maps.region_data(kind, served=True)
        # Relative to the page (no leading slash): it resolves under any base path a proxy adds.
        assert isinstance(url, str) and url.startswith(f"app/static/{name}?v=")
        assert maps.region_data(kind, served=False) == maps.region_geojson(kind)  # inline without static serving
    assert maps.region_data("countries") == maps.region_data("countries", served=True)  # .streamlit/config.toml
    deck = maps.make_deck(maps.base_layers("es") + maps.post_layers(posts_for_map(), "es"), "es")
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["countries"]["data"] == maps.region_data("countries")
    assert layers["borders"]["data"] == maps.region_data("borders")
    assert len(maps.make_deck(maps.base_layers("es"), "es").to_json()) < 3_000  # was ~110 KB with the outlines


def test_a_stale_static_file_is_not_served(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / maps.REGION_FILES["borders"]).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(maps, "STATIC_DIR", tmp_path)
    maps.region_data.cache_clear()
    try:
        assert maps.region_data("borders", served=True) == maps.region_geojson("borders")
        assert maps.region_data("countries", served=True) == maps.region_geojson("countries")  # missing
    finally:
        maps.region_data.cache_clear()
