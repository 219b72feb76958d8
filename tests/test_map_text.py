"""Map text that keeps every letter (issue 27): one way to draw text on a map (geo.map_text.text_layer), an SDF
atlas in a font the app serves itself, a halo, and a glyph set holding every character of every label; names
for the busiest posts first, airports by name, a name two posts share with its country. Pure: no browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit

from geo import map_text, maps, placement
from geo.overview import slides
from geo.posts.queries import read_posts_csv
from geo.programme import projects

REPO = Path(__file__).resolve().parent.parent


def _posts() -> pd.DataFrame:
    posts = read_posts_csv()
    return posts.assign(status="installation", recent_flow=[(i * 7919) % 50_000 for i in range(len(posts))],
                        is_sample=False)


def _text_layers(layers: list) -> list[dict]:
    return [json.loads(layer.to_json()) for layer in layers if getattr(layer, "type", None) == "TextLayer"]


def _every_text_layer(lang: str) -> list[dict]:
    """The TextLayers of the app's maps: the region, the map page (desktop and phone), the map slide, the
    projects' choropleth."""
    posts = _posts()
    layers = maps.base_layers(lang) + maps.post_layers(posts, lang)
    layers += maps.post_layers(posts, lang, view=maps.PHONE_VIEW, canvas=maps.PHONE_CANVAS, selected="HND-FLO")
    layers += list(slides.map_slide_deck(posts, lang).layers)
    wide = projects.benefit_frame(pd.DataFrame({"code": ["P1"], "countries": [("GTM", "PAN", "DOM")]}))
    layers += list(projects.choropleth_deck(wide, lang).layers)
    return _text_layers(layers)


def test_every_map_text_layer_is_drawn_by_the_one_helper() -> None:
    """A TextLayer written anywhere else would miss the atlas, the halo or the glyphs (the letters lost at
    1280x800 came from such a layer)."""
    places = []
    for path in [*REPO.glob("geo/**/*.py"), *REPO.glob("screens/*.py"), *REPO.glob("views/*.py"),
                 REPO / "app.py", REPO / "ui.py"]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[\"']TextLayer[\"']", line):
                places.append(f"{path.relative_to(REPO)}:{n}")
    assert len(places) == 1 and places[0].startswith("geo/map_text.py:"), places


@pytest.mark.parametrize("lang", ["es", "en"])
def test_map_text_keeps_thin_glyphs_accents_and_a_halo(lang: str) -> None:
    layers = _every_text_layer(lang)
    ids = {layer["id"] for layer in layers}
    assert {"country-labels", "post-labels", "projector-country-labels", "labels"} <= ids
    for layer in layers:
        atlas = layer["fontSettings"]
        assert atlas["sdf"] is True and atlas["fontSize"] >= 64, layer["id"]
        assert int(layer["fontWeight"]) >= 600, layer["id"]
        assert layer["fontFamily"].startswith("'Source Sans'"), layer["id"]
        size = float(layer["getSize"])
        # The halo as drawn: 0.75 * outlineWidth atlas pixels beyond each stroke (see geo.map_text.TEXT_ATLAS),
        # at least 1.5 screen pixels, and within what the atlas's field and buffer can hold.
        halo_atlas_px = 0.75 * float(layer["outlineWidth"])
        assert halo_atlas_px * size / atlas["fontSize"] >= 1.5, layer["id"]
        assert float(layer["outlineWidth"]) < atlas["radius"] and halo_atlas_px <= atlas["buffer"], layer["id"]
        assert layer["outlineColor"][:3] == [255, 255, 255]
        # Every character of every label is in the atlas (deck.gl draws nothing for a missing one).
        texts = [str(row[layer["getText"].removeprefix("@@=")]) for row in layer["data"]]
        missing = set("".join(texts)) - set(layer["characterSet"])
        assert not missing, (layer["id"], missing)
    countries = next(layer for layer in layers if layer["id"] == "labels")
    assert ("PANAMÁ" if lang == "es" else "PANAMA") in [row["label"] for row in countries["data"]]


def test_the_map_font_is_served_by_the_app_itself() -> None:
    """'Source Sans' is Streamlit's own web font (no network): the font file and its family name ship with it."""
    static = Path(streamlit.__file__).parent / "static" / "static"
    assert list((static / "media").glob("SourceSansVF-Upright*.woff2"))
    faces = "".join(path.read_text(encoding="utf-8", errors="ignore") for path in (static / "css").glob("*.css"))
    face = r"@font-face\{font-family:\s*\"?Source Sans\"?;font-weight:100 900;[^}]*SourceSansVF-Upright"
    assert re.search(face, faces)


def test_halo_width_follows_the_text_size() -> None:
    assert map_text.halo_width(13, 2) > map_text.halo_width(26, 2)  # the same 2 px is more of a small glyph
    assert map_text.halo_width(6, 4) == pytest.approx(0.95 * map_text.TEXT_ATLAS["radius"])  # capped by the field


def test_airports_by_name_never_by_code() -> None:
    assert map_text.airport_label("Aeropuerto Internacional La Aurora") == "La Aurora"
    assert map_text.airport_label("Aeropuerto Internacional de Palmerola") == "Palmerola"
    long = "Aeropuerto Internacional de El Salvador San Óscar Arnulfo Romero y Galdámez"
    assert map_text.airport_label(long, "El Salvador") == "San Óscar Arnulfo Romero"
    candidates = maps.label_candidates(maps.posts_map_frame(_posts(), "es"))
    airports = candidates[candidates["code"].isin(_posts().query("type == 'air'")["code"])]
    assert len(airports) >= 8
    assert not airports["label"].str.fullmatch(r"[A-Z]{3}").any()
    assert airports["label"].str.len().max() <= map_text.SHORT_NAME_CHARS


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_name_two_posts_share_carries_the_country(lang: str) -> None:
    frame = maps.posts_map_frame(_posts(), lang)
    names = map_text.post_display_names(frame, lang).set_axis(frame["code"])
    guatemala, honduras = ("Guatemala", "Honduras")
    assert names["GTM-FLO"] == f"El Florido ({guatemala})" and names["HND-FLO"] == f"El Florido ({honduras})"
    assert names["GTM-PDA"] == "Pedro de Alvarado"  # a name of its own stands alone
    # On the map, a crossing whose two sides share a name is one label; no label is printed twice.
    candidates = maps.label_candidates(frame, lang=lang)
    assert candidates["label"].is_unique
    assert (candidates["label"] == "El Florido").sum() == 1
    # Sides with names of their own are both candidates (Pedro de Alvarado and La Hachadura).
    assert {"Pedro de Alvarado", "La Hachadura"} <= set(candidates["label"])
    # A selected side is named with its country.
    chosen = maps.label_candidates(frame, "GTM-FLO", lang)
    assert chosen.iloc[0]["label"] == f"El Florido ({guatemala})"
    assert "HND-FLO" not in set(chosen["code"])  # its partner would sit on it


def test_the_busiest_posts_are_named_first_on_a_desktop_map() -> None:
    frame = maps.posts_map_frame(_posts(), "es")
    canvas = (820.0, 560.0)
    view = maps.region_view(canvas)
    labels = set(maps.post_labels(frame, view, lang="es", canvas=canvas)["label"])
    busiest = maps.label_candidates(frame, lang="es").nlargest(5, "priority")["label"].tolist()
    assert busiest[0] in labels and sum(name in labels for name in busiest) >= 3, (busiest, labels)
    # A busy post's name may cover a quieter mark's edge, never a busier one's.
    candidates = pd.DataFrame({"label": ["Quiet", "Busy"], "lon": [0.0, 0.0003], "lat": [0.0, 0.0],
                               "priority": [1.0, 9.0], "radius": [6.0, 6.0]})
    everywhere = pd.DataFrame({"x0": [-1e9], "y0": [-1e9], "x1": [1e9], "y1": [1e9], "priority": [5.0]})
    placed = placement.place_labels(candidates, {"longitude": 0, "latitude": 0, "zoom": 6}, canvas=(600, 400),
                                    ranked_obstacles=everywhere)
    assert placed["label"].tolist() == ["Busy"]


def test_lists_and_charts_name_posts_not_codes() -> None:
    """One rule for a post's name in a list or a chart (geo.map_text.post_display_names): a name the other side
    of its crossing shares carries its country even when the list holds one side; airports by short name and
    country, so three 'Aeropuerto Internacional…' bars stay apart; never a post code."""
    from geo.flows import charts

    frame = pd.DataFrame({
        "post_code": ["GTM-FLO", "GTM-AUR", "HND-TON", "SLV-AIR", "HND-FLO"],
        "post_name": ["El Florido", "Aeropuerto Internacional La Aurora", "Aeropuerto Internacional Toncontín",
                      "Aeropuerto Internacional de El Salvador San Óscar Arnulfo Romero y Galdámez", "El Florido"],
        "post_country": ["GTM", "GTM", "HND", "SLV", "HND"], "count": [5, 4, 3, 2, 1]})
    bars = list(charts.posts_figure(frame, "es", n=4).to_plotly_json()["data"][0]["y"])
    # A long name's country on a second line (the bars keep their room on a phone).
    assert bars == ["El Florido (Guatemala)", "Aeropuerto La Aurora<br>(Guatemala)",
                    "Aeropuerto Toncontín<br>(Honduras)", "Aeropuerto San Óscar Arnulfo Romero<br>(El Salvador)"]
    assert not any("-" in bar.split("(")[-1] for bar in bars)  # no GTM-FLO style code anywhere
    named = frame.rename(columns={"post_name": "name", "post_country": "country_iso3"})
    alone = map_text.post_display_names(named.iloc[:1], "en")
    assert alone.tolist() == ["El Florido"]  # without `among` the one side seen alone is unambiguous
    assert map_text.post_display_names(named.iloc[:1], "en", among=named["name"]).tolist() == ["El Florido (Guatemala)"]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_name_with_its_own_brackets_gets_its_country_once(lang: str) -> None:
    """'Mapulaca (Mocalempa)' (the data's alternative name in brackets) with its country reads 'Mapulaca
    (Mocalempa) · Honduras', never 'Mapulaca (Mocalempa) (Honduras)', the data's text kept: in a list, a chart's
    bars, a highlight sentence and the audit's labels alike (one rule, geo.map_text.name_with_country)."""
    from geo.access import audit_view
    from geo.flows import charts
    from geo.overview.highlight_text import short_line
    from geo.overview.highlights import Highlight

    assert map_text.name_with_country("Mapulaca (Mocalempa)", "Honduras") == "Mapulaca (Mocalempa) · Honduras"
    assert map_text.name_with_country("El Florido", "Guatemala") == "El Florido (Guatemala)"
    assert map_text.name_with_country("Mapulaca (Mocalempa)", "") == "Mapulaca (Mocalempa)"  # alone: as written
    named = pd.DataFrame({"name": ["Mapulaca (Mocalempa)", "Mapulaca (Mocalempa)"], "country_iso3": ["HND", "SLV"]})
    shown = map_text.post_display_names(named, lang).tolist()
    assert shown == ["Mapulaca (Mocalempa) · Honduras", "Mapulaca (Mocalempa) · El Salvador"]
    busiest = pd.DataFrame({"post_code": ["HND-MAP", "SLV-MAP"], "post_name": ["Mapulaca (Mocalempa)"] * 2,
                            "post_country": ["HND", "SLV"], "count": [9, 8]})
    bars = charts.posts_figure(busiest, lang)
    assert list(bars.to_plotly_json()["data"][0]["y"]) == ["Mapulaca (Mocalempa)<br>Honduras",
                                                           "Mapulaca (Mocalempa)<br>El Salvador"]
    item = Highlight("flow_surge.post", "flows", "HND-MAP", {"name": "Mapulaca (Mocalempa)", "count": 900,
                                                             "ratio": 2.5}, {}, "/flows")
    line = short_line(item, lang)
    assert "Mapulaca (Mocalempa) · Honduras" in line and ") (" not in line, line
    names = audit_view.Names(posts={"HND-MAP": ("Mapulaca (Mocalempa)", "HND")})
    assert audit_view.post_label("HND-MAP", names, lang) == "Mapulaca (Mocalempa) · Honduras"
