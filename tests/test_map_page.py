"""The map page: selection opens a post's panel; the URL restores filters and selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "screens" / "map.py")


def page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def selection_of(code: str) -> dict:
    """What the frontend sends when a post is clicked (pydeck selection event)."""
    return {"selection": {"indices": {"posts": [0]}, "objects": {"posts": [{"code": code}]}}}


def test_no_selection_shows_hint(app_env: str) -> None:
    at = page(lang="en").run()
    assert not at.exception
    assert at.subheader.len == 0
    assert any("Select a post" in i.value for i in at.info)


def test_clicking_a_post_opens_its_panel_and_updates_url(app_env: str) -> None:
    at = page(lang="es")
    at.session_state["post_map"] = selection_of("SLV-AMA")
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader] == ["El Amatillo"]
    assert at.query_params["post"] in ("SLV-AMA", ["SLV-AMA"])
    # The profile shows identity, crossings, components (every column), workshops and a flow chart.
    # st.table shows cells as Markdown, so the page may escape them ("HND\\-SLV\\-01"): compare the text read.
    tables = {tuple(tb.value.columns): tb.value.replace(r"\\(.)", r"\1", regex=True) for tb in at.table}
    identity = tables[("Dato", "Valor")]
    assert "El Salvador" in identity.iloc[:, 1].tolist()
    assert "HND-SLV-01" in identity.iloc[:, 1].tolist()
    assert "Componentes de infraestructura" in " ".join(m.value for m in at.markdown)
    components = tables[("Componente", "Estado", "Fechas")]
    assert len(components) > 0 and components["Estado"].str.contains("%").any()
    assert components["Fechas"].str.match(r"^(meta|terminado): \d").all()
    assert "Cruces en los últimos 12 meses" in " ".join(m.value for m in at.markdown)
    assert at.metric[0].value.replace(",", "").isdigit()
    assert at.get("plotly_chart")
    # The map is centred on the selected post, closer in, and rings it.
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    view = deck["initialViewState"]
    assert (view["longitude"], view["latitude"]) == pytest.approx((-87.76952, 13.59918), abs=1e-4)
    assert view["zoom"] == 7
    assert "selected-ring" in [layer["id"] for layer in deck["layers"]]


def test_url_restores_selected_post(app_env: str) -> None:
    from geo.db import make_engine
    from geo.posts.queries import post_profile

    at = page(lang="en", post="GTM-TUM").run()
    assert [s.value for s in at.subheader] == ["Tecún Umán"]
    assert at.selectbox[0].value == "GTM-TUM"
    # What a person came for, at once: the status line first under the name, then the year's crossings.
    components = post_profile(make_engine(app_env), "GTM-TUM").components
    status = next(m.value for m in at.markdown if m.value.startswith("**Infrastructure:**"))
    done = int((components["status"] == "operational").sum())
    assert status.endswith(f" · {done} of {len(components)} components operational") and len(components) > 0
    texts = [m.value for m in at.markdown]
    assert texts.index(status) < next(i for i, v in enumerate(texts) if "Crossings in the last 12 months" in v)


def test_a_profile_states_its_status_in_one_line() -> None:
    import pandas as pd

    from geo.posts.profile import status_line

    mixed = pd.DataFrame({"status": ["operational", "delayed", "operational"]})
    assert status_line(mixed, "es") == "Retrasado · 2 de 3 componentes operativos"  # THE overall status rule
    assert status_line(mixed.iloc[[0, 2]], "en") == "Operational · 2 of 2 components operational"
    assert status_line(pd.DataFrame({"status": []}), "es") == "Sin componentes"


def test_url_restores_filters(app_env: str) -> None:
    at = page(lang="en", country="GTM,SLV", type="land").run()
    assert not at.exception
    assert at.multiselect[0].value == ["GTM", "SLV"]
    assert at.multiselect[1].value == ["land"]
    # 4 GTM-SLV crossings + 3 GTM-HND + 6 GTM-MEX + 1 BLZ-GTM on the Guatemalan side, 8 Salvadoran land posts.
    caption = " ".join(c.value for c in at.caption)
    assert "22 posts shown" in caption, caption


def test_stale_or_hostile_url_values_are_ignored(app_env: str) -> None:
    at = page(lang="xx", country="GTM,<script>", type="rail", post="NOPE").run()
    assert not at.exception
    assert at.multiselect[0].value == ["GTM"]
    assert at.multiselect[1].value == []
    assert at.subheader.len == 0
    assert at.title[0].value == "Mapa de puestos fronterizos"  # unknown language falls back to Spanish


def test_filter_change_is_written_to_url(app_env: str) -> None:
    at = page(lang="en").run()
    at.multiselect[1].set_value(["air"]).run()
    assert at.query_params["type"] in ("air", ["air"])
    assert "9 posts shown" in " ".join(c.value for c in at.caption)


def _deck_layers(at: AppTest) -> dict[str, dict]:
    """The layers of the page's deck, by id, as sent to the browser."""
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    return {layer["id"]: layer for layer in deck["layers"]}


def test_workshop_layers_are_toggled(app_env: str) -> None:
    from geo.db import make_engine
    from geo.workshops.queries import workshops_held

    at = page(lang="en").run()
    assert not {"ws-venues", "ws-reach"} & set(_deck_layers(at))  # off by default
    venues = next(w for w in at.toggle if w.label == "Workshop venues")
    reach = next(w for w in at.toggle if w.label == "Workshop reach (25 km)")
    venues.set_value(True)
    reach.set_value(True)
    at.run()
    assert not at.exception
    layers = _deck_layers(at)
    ids = list(layers)
    assert {"ws-venues", "ws-reach"} <= set(ids)
    assert ids.index("ws-reach") < ids.index("neighbour-posts") < ids.index("posts")  # discs under the posts
    drawn = layers["ws-venues"]["data"]
    held = workshops_held(make_engine(app_env)).dropna(subset=["venue_lon", "venue_lat"])
    assert len(drawn) == held.groupby(["venue_lon", "venue_lat"]).ngroups > 0
    assert any("blue discs: 25 km" in c.value for c in at.caption)


def test_flow_arcs_follow_the_country_filter(app_env: str) -> None:
    from geo.db import make_engine
    from geo.flows.maps import arc_frame
    from geo.flows.queries import recent_routes

    at = page(lang="en", country="HND").run()
    assert "flow-arcs" not in _deck_layers(at)  # off by default
    next(w for w in at.toggle if w.label == "Flow arcs (3 months)").set_value(True)
    at.run()
    assert not at.exception
    drawn = _deck_layers(at)["flow-arcs"]["data"]
    order = list(_deck_layers(at))
    assert order.index("flow-arcs") < order.index("country-labels")  # under the country names
    expected = arc_frame(recent_routes(make_engine(app_env), ("HND",)), "en")
    assert len(drawn) == len(expected) > 0
    assert {arc["to_lon"] for arc in drawn} | {arc["from_lon"] for arc in drawn} >= set(expected["to_lon"])
    assert any("last 3 months" in c.value for c in at.caption)
