"""Text on the maps: THE way a map draws text (an SDF atlas of the page's own font, semibold, with a halo, every
character of the labels in its glyph set), and the names a map prints (airports by their short name, a name two
posts share with its country)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pydeck as pdk

from geo import reference

# "Source Sans" is the variable font Streamlit itself serves (no network) and the page's text already loaded,
# so map text matches the page; DejaVu Sans / Arial only if it is missing.
FONT = pdk.types.String("'Source Sans', 'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif")


def character_set(texts: pd.Series) -> pdk.types.String:
    """Glyphs the TextLayer must render: ASCII plus every character of the texts (accents, ñ).

    deck.gl's default is ASCII only. pydeck turns plain strings and lists of strings into JavaScript
    expressions, so the glyphs go as a literal String.
    """
    ascii_chars = {chr(c) for c in range(32, 127)}
    return pdk.types.String("".join(sorted(ascii_chars | set("".join(texts.astype(str))))))


# Map text. deck.gl draws labels from a font atlas; the default atlas (bitmap, 64-px glyphs scaled down) lost the
# thin strokes of i, l and t at 12-13 px ("Peñas B ancas", "Teguc galpa") and clipped capitals' accents
# ("PANAMA"). A signed-distance-field atlas keeps every stroke at every size, and its field gives the halo:
# deck.gl draws the outline where the field reaches 0.75 * (1 - outlineWidth / radius), and TinySDF's field
# falls by 1/radius per atlas pixel from 0.75 at the glyph's edge, so the halo reaches 0.75 * outlineWidth
# atlas pixels (fontSize atlas pixels = one em) beyond each stroke. The buffer leaves room for it in the atlas.
TEXT_ATLAS = {"sdf": True, "fontSize": 64, "buffer": 16, "radius": 16, "cutoff": 0.25, "smoothing": 0.12}
HALO = [255, 255, 255, 235]
MIN_TEXT_WEIGHT = 600  # semibold: a 400-weight stroke is under a pixel wide at 12 px


def halo_width(size_px: float, halo_px: float = 2.0) -> float:
    """deck.gl's outlineWidth that puts a halo of `halo_px` screen pixels around text of `size_px` pixels
    (capped just under the atlas's radius, the widest halo its field can describe)."""
    atlas_px = halo_px * TEXT_ATLAS["fontSize"] / size_px
    return round(min(atlas_px / 0.75, 0.95 * TEXT_ATLAS["radius"]), 2)


def text_layer(layer_id: str, data: pd.DataFrame, *, size_px: float, colour: list[int], text: str = "label",
               weight: int = MIN_TEXT_WEIGHT, halo_px: float = 2.0, placed: bool = False,
               **props: object) -> pdk.Layer:
    """THE way a map draws text: every TextLayer of the app comes from here (tests/test_map_text.py checks).

    Semibold "Source Sans" from an SDF atlas with a white halo, so border lines and marks never run through
    a word and no glyph is lost; the atlas holds every character of the texts (accents, ñ). `placed`: the
    data carries geo.placement's anchor, baseline and pixel offset (dx, dy) per label.
    """
    if placed:
        props = {"get_text_anchor": "anchor", "get_alignment_baseline": "baseline",
                 "get_pixel_offset": ["dx", "dy"], **props}
    return pdk.Layer(
        "TextLayer", data=data, id=layer_id, get_position=["lon", "lat"], get_text=text, get_size=size_px,
        get_color=colour, font_family=FONT, font_weight=max(weight, MIN_TEXT_WEIGHT),
        font_settings=dict(TEXT_ATLAS), character_set=character_set(data[text] if len(data) else pd.Series([])),
        outline_width=halo_width(size_px, halo_px), outline_color=HALO, pickable=False, **props,
    )


_AIRPORT_PREFIXES = ("aeropuerto internacional de ", "aeropuerto internacional ", "aeropuerto de ", "aeropuerto ")
SHORT_NAME_CHARS = 24


def airport_label(name: str, country: str = "") -> str:
    """An airport's name as a map prints it: without "Aeropuerto Internacional (de)" and the country's own
    name, and at most SHORT_NAME_CHARS long, cut at a word ("Aeropuerto Internacional La Aurora" -> "La
    Aurora"; "... de El Salvador San Óscar Arnulfo Romero y Galdámez" -> "San Óscar Arnulfo Romero")."""
    short = name.strip()
    for prefix in _AIRPORT_PREFIXES:
        if short.lower().startswith(prefix):
            short = short[len(prefix):]
            break
    if country and short.lower().startswith(country.lower() + " ") and len(short) > len(country) + 1:
        short = short[len(country) + 1:]
    if len(short) <= SHORT_NAME_CHARS:
        return short
    words: list[str] = []
    for word in short.split():
        if len(" ".join([*words, word])) > SHORT_NAME_CHARS:
            break
        words.append(word)
    while len(words) > 1 and words[-1].lower() in {"y", "de", "del", "la", "las", "los", "el"}:
        words.pop()
    return " ".join(words) or short[:SHORT_NAME_CHARS]


def name_with_country(name: str, country: str) -> str:
    """THE way a post's name carries its country: 'El Florido (Guatemala)'. A name with brackets of its own
    ('Mapulaca (Mocalempa)', the data's alternative name) takes it after a middle dot, 'Mapulaca (Mocalempa) ·
    Honduras', never 'Mapulaca (Mocalempa) (Honduras)': the data's own text is never rewritten, and a comma would
    read as a list's next item. Every list, chart, map, sentence and mail naming a post with its country comes
    here."""
    text = str(name).strip()
    if not country:
        return text
    return f"{text} · {country}" if "(" in text or ")" in text else f"{text} ({country})"


def one_place_crossings(posts: pd.DataFrame) -> pd.Series:
    """THE one-place rule: both sides of a land crossing under one name ("El Florido", "Agua Caliente") are one
    place, one label on a map and one line among the month's findings. Per post (the frame's index: code, name,
    type, crossing_code), the crossing it is one place with; NaN for any other post."""
    crossing = posts["crossing_code"].where(posts["type"] == "land")
    one_name = posts.groupby(crossing)["name"].transform("nunique").eq(1) & crossing.notna()
    return crossing.where(one_name)


def crossing_name(name: str, countries: Iterable[str]) -> str:
    """A place that is both sides of one crossing, by its shared name and both countries:
    'Agua Caliente (Guatemala – Honduras)' (name_with_country's form)."""
    return name_with_country(name, " – ".join(countries))


def post_display_names(frame: pd.DataFrame, lang: str, among: Iterable[str] | None = None,
                       airports: bool = False) -> pd.Series:
    """Each post's name as a map or a list shows it: a name that two posts share (both sides of "El Florido",
    "Agua Caliente") carries its country, "El Florido (Guatemala)"; other names stand alone. `among`: every name
    the reader meets beside these (default the frame's own), so a list holding one side of a shared name still
    says which. `airports` (lists and charts, where long names are cut): an airport by its short name and its
    country, "Aeropuerto La Aurora (Guatemala)", never three alike "Aeropuerto Internacional…"."""
    names = frame["name"].astype(str)
    counts = pd.Series(list(among) if among is not None else names).astype(str).value_counts()
    shared = names.map(counts).fillna(0).astype(int).clip(lower=1).gt(1) | names.map(names.value_counts()).gt(1)
    countries = frame["country_iso3"].map(lambda c: reference.country_name(c, lang))
    shown = names.where(~shared, [name_with_country(n, c) for n, c in zip(names, countries, strict=True)])
    if airports:  # the name's own first word ('Aeropuerto': data, in the data's language), short name, country
        airport = names.str.lower().str.startswith(_AIRPORT_PREFIXES[-1])
        shown = shown.where(~airport, [name_with_country(f"{n.split()[0]} {airport_label(n, c)}", c)
                                       for n, c in zip(names, countries, strict=True)])
    return shown
