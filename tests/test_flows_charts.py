"""Figures and the flow map: labels from i18n in both languages, data never markup, arcs drawn the
right way round with width by volume, and the offline deck serialised as geo.maps would."""

from __future__ import annotations

import json

import pandas as pd
import pydeck as pdk
import pytest

from geo import maps
from geo.flows import charts
from geo.flows.maps import (
    ARC_REACH,
    ARC_SHARE,
    FLOW_VIEW,
    arc_frame,
    flow_deck,
    flow_layers,
    flow_tooltip,
    post_volume_frame,
)

HOSTILE = '<img src=x onerror="alert(1)">'

POST_ROUTES = pd.DataFrame({
    "post_code": ["GTM-PDA", "GTM-PDA", "HND-RTB", "GTM-TEC"],
    "post_name": ["Pedro de Alvarado", "Pedro de Alvarado", HOSTILE, "Tecún Umán"],
    "post_country": ["GTM", "GTM", "HND", "GTM"],
    "post_lon": [-90.09, -90.09, -86.52, -92.15],
    "post_lat": [13.86, 13.86, 16.32, 14.68],
    "direction": ["entry", "exit", "entry", "exit"],
    "other_country": ["SLV", "SLV", "", "MEX"],
    "count": [400, 100, 50, 1600],
})


@pytest.mark.parametrize(("iso3", "lang", "label"), [
    ("", "es", "No registrado"), ("", "en", "Not recorded"), ("OTHER", "es", "Otras"), ("SLV", "en", "El Salvador"),
    ("MEX", "es", "México"), ("HTI", "es", "Haití"), ("USA", "en", "United States"), ("ZZZ", "en", "ZZZ"),
    ("<b>", "en", "&lt;b&gt;"),
])
def test_country_labels(iso3: str, lang: str, label: str) -> None:
    assert charts.country_label(iso3, lang) == label


@pytest.mark.parametrize("lang", ["es", "en"])
def test_series_figure_is_labelled_in_the_language(lang: str) -> None:
    frame = pd.DataFrame({"period": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-12"]).date,
                          "direction": ["entry", "exit", "entry"], "count": [10, 12, 9], "days": 7, "full_days": 7})
    layout = charts.series_figure(frame, "week", lang, y_max=100).to_plotly_json()["layout"]
    words = {"es": ("Personas por semana", "Personas", "Fecha"), "en": ("Persons per week", "Persons", "Date")}[lang]
    assert layout["title"]["text"] == words[0] + {"es": " (lunes a domingo)", "en": " (Monday to Sunday)"}[lang]
    assert layout["yaxis"]["title"]["text"] == words[1] and layout["xaxis"]["title"]["text"] == words[2]
    assert layout["yaxis"]["range"] == [0, pytest.approx(105)]
    assert layout["separators"] == ".,"  # decimal point, thousands comma: es_GT as en


def test_post_names_are_shown_as_text_not_markup() -> None:
    frame = pd.DataFrame({"post_code": ["HND-RTB"], "post_name": [HOSTILE], "post_country": ["HND"],
                          "count": [5]})
    label = charts.posts_figure(frame, "en").to_plotly_json()["data"][0]["y"][0]
    assert "<img" not in label and "&lt;img" in label


def test_nationality_bars_put_other_last_and_share_a_scale() -> None:
    top = pd.DataFrame({"nationality": ["GTM", "VEN", "OTHER"], "count": [50, 20, 30]})
    fig = charts.nationality_figure(top, "es", x_max=200).to_plotly_json()
    assert list(fig["data"][0]["y"]) == ["Guatemala", "Venezuela", "Otras"]
    assert fig["layout"]["xaxis"]["range"] == [0, pytest.approx(210)]


def test_sankey_keeps_every_person() -> None:
    routes = pd.DataFrame({"source": ["SLV", "GTM", "", "HND"], "target": ["GTM", "MEX", "HND", "NIC"],
                           "direction": ["entry", "exit", "entry", "exit"], "count": [40, 30, 20, 10]})
    sankey = charts.sankey_figure(routes, "en").to_plotly_json()["data"][0]
    assert sum(sankey["link"]["value"]) == 100
    labels = sankey["node"]["label"]
    assert "from El Salvador" in labels and "to Mexico" in labels
    # The blank country is named for what it is, and drawn in the key's own colour, not a country's.
    unrecorded = labels.index("from a country not recorded")
    assert sankey["node"]["color"][unrecorded] == charts.UNRECORDED_NODE != sankey["node"]["color"][0]
    for source, target in zip(sankey["link"]["source"], sankey["link"]["target"], strict=True):
        assert labels[source].startswith("from ") and labels[target].startswith("to ")


def test_change_is_signed() -> None:
    assert charts.fmt_change(5.54, "es") == "+5.5 %"
    assert charts.fmt_change(-2.0, "en") == "-2.0 %"
    assert charts.fmt_change(None, "en") is None


def test_arcs_run_from_origin_to_post_and_post_to_destination() -> None:
    arcs = arc_frame(POST_ROUTES, "en")
    anchors = maps.country_label_points("en").set_index("iso3")
    # The unrecorded origin has no arc (its post still gets a circle); the busiest routes carrying 85 % of the
    # persons are drawn, busiest first: 1,600 and 400 of 2,100 (the 100 are left to the Sankey and the table).
    assert len(arcs) == 2 and ARC_SHARE == 0.85
    exit_, entry = arcs.iloc[0], arcs.iloc[1]
    # Each arc runs from its post ARC_REACH of the way towards the other country's name, not to the name itself.
    slv, mex = anchors.loc["SLV", ["lon", "lat"]], anchors.loc["MEX", ["lon", "lat"]]
    assert (entry["to_lon"], entry["to_lat"]) == (-90.09, 13.86)
    assert entry["from_lon"] == pytest.approx(-90.09 + ARC_REACH * (slv["lon"] + 90.09))
    assert entry["from_lat"] == pytest.approx(13.86 + ARC_REACH * (slv["lat"] - 13.86))
    assert (exit_["from_lon"], exit_["from_lat"]) == (-92.15, 14.68)
    assert exit_["to_lon"] == pytest.approx(-92.15 + ARC_REACH * (mex["lon"] + 92.15))
    assert exit_["width"] > entry["width"]
    assert entry["route"] == "Entry: El Salvador → Pedro de Alvarado"
    circles = post_volume_frame(POST_ROUTES, "en")
    assert sorted(circles["persons"]) == ["1,600", "50", "500"]
    assert circles["radius"].max() == circles.loc[circles["persons"] == "1,600", "radius"].iloc[0]


def test_tooltip_takes_data_only_through_placeholders() -> None:
    tooltip = flow_tooltip("es")["html"]
    assert "{route}" in tooltip and "{persons}" in tooltip and "<img" not in tooltip
    deck = flow_deck(POST_ROUTES, "es")
    assert deck._tooltip == flow_tooltip("es")  # what st.pydeck_chart sends as the tooltip
    spec = json.loads(deck.to_json())
    assert HOSTILE not in json.dumps(deck._tooltip)
    assert any(HOSTILE in str(layer.get("data")) for layer in spec["layers"])  # data, shown escaped


def test_flow_deck_serialises_like_a_plain_deck_and_draws_no_basemap() -> None:
    """geo.maps writes the region from a cache: the JSON must be the one pydeck itself would write."""
    deck = flow_deck(POST_ROUTES, "en")
    assert isinstance(deck, maps.RegionDeck)
    plain = pdk.Deck(layers=flow_layers(POST_ROUTES, "en"), initial_view_state=pdk.ViewState(**FLOW_VIEW),
                     map_provider=None, views=[pdk.View(type="MapView", controller=maps.PAN_ONLY)])
    assert json.loads(deck.to_json()) == json.loads(plain.to_json())
    assert deck.map_provider is None
    ids = [layer["id"] for layer in json.loads(deck.to_json())["layers"]]
    # Arcs and circles under the country names: the names stay readable where the routes cross them.
    assert ids == ["sea", "countries", "borders", "flow-posts", "flow-arcs", "country-labels"]  # arcs over circles


@pytest.mark.parametrize("lang", ["es", "en"])
def test_incomplete_weeks_are_marked_not_read_as_a_fall(app_env: str, lang: str) -> None:
    """November 2025 starts on a Saturday: the period's first week holds 2 of its 7 days, its last week
    (from Monday 26 October 2026) 6. They are drawn hollow, their hover says so, and the title explains the
    mark; whole weeks are solid. The counts are the period's own (they add up to its total)."""
    import datetime as dt

    from geo.db import make_engine
    from geo.flows import queries

    engine = make_engine(app_env)
    filters = queries.FlowFilters(dt.date(2025, 11, 1), dt.date(2026, 10, 1))
    frame = queries.series(engine, filters, "week")
    total = int(queries.totals_of(queries.summary(engine, filters).routes)["total"])
    engine.dispose()
    assert int(frame["count"].sum()) == total
    first, last = frame["period"].min(), frame["period"].max()
    assert (first, last) == (dt.date(2025, 10, 27), dt.date(2026, 10, 26))
    spans = frame.drop_duplicates("period").set_index("period")[["days", "full_days"]]
    assert spans.loc[first].tolist() == [2, 7] and spans.loc[last].tolist() == [6, 7]
    assert (spans.drop([first, last]) == 7).all().all()
    figure = charts.series_figure(frame, "week", lang).to_plotly_json()
    for trace in figure["data"]:
        symbols = trace["marker"]["symbol"]
        shape = charts.SERIES_STYLE["entry" if trace["name"] in ("Entrada", "Entry") else "exit"]["symbol"]
        assert symbols[0] == symbols[-1] == f"{shape}-open" and set(symbols[1:-1]) == {shape}
        note = {"es": " (semana incompleta: 2 de 7 días en el período)",
                "en": " (incomplete week: 2 of 7 days in the period)"}[lang]
        assert trace["customdata"][0] == note and trace["customdata"][1] == ""
    assert "○" in figure["layout"]["title"]["subtitle"]["text"]  # plotly's own subtitle line, under the title
    months = queries.series(make_engine(app_env), filters, "month")
    assert (months["days"] == months["full_days"]).all()  # whole months: nothing marked
    assert "○" not in str(charts.series_figure(months, "month", lang).to_plotly_json()["layout"]["title"])


def test_coinciding_entries_and_exits_stay_visible_and_are_said() -> None:
    """Two directions with the same counts: exits dashed with diamonds over wider entries, and the title says
    they coincide; a real difference says nothing."""
    periods = pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19"]).date
    same = pd.DataFrame({"period": [*periods, *periods], "direction": ["entry"] * 3 + ["exit"] * 3,
                         "count": [500, 520, 480, 500, 521, 480], "days": 7, "full_days": 7})
    figure = charts.series_figure(same, "week", "en").to_plotly_json()
    entry, exit_ = figure["data"]
    assert entry["line"]["width"] > exit_["line"]["width"] and exit_["line"]["dash"] == "dash"
    assert set(exit_["marker"]["symbol"]) == {"diamond"} and set(entry["marker"]["symbol"]) == {"circle"}
    assert "Entries and exits coincide" in figure["layout"]["title"]["subtitle"]["text"]
    apart = same.assign(count=[500, 520, 480, 400, 430, 380])
    assert "coincide" not in str(charts.series_figure(apart, "week", "en").to_plotly_json()["layout"]["title"])
    # The legend sits under the chart, away from the title and its subtitle (geo.charts' layout rule).
    legend = figure["layout"]["legend"]
    assert (legend["xref"], legend["yref"], legend["y"], legend["yanchor"]) == ("container", "container", 0, "bottom")


def test_sankey_key_and_unrecorded_share() -> None:
    routes = pd.DataFrame({"source": ["SLV", "", "GTM"], "target": ["GTM", "HND", ""],
                           "direction": ["entry", "entry", "exit"], "count": [60, 30, 10]})
    assert charts.unrecorded_share(routes) == pytest.approx(40.0)
    assert charts.unrecorded_share(routes.iloc[:0]) is None
    key = dict(charts.sankey_legend_items("es"))
    assert key["País no registrado"] == charts.UNRECORDED_NODE and key["Entrada"] != key["Salida"]
    assert key["Entrada"] == "rgb(170,195,218)"  # the entries' translucent band as it shows on the page
