"""The flows page under AppTest: every kind of filter (from the URL and from the widgets), the
animation, the comparison with shared scales, and what the page writes back to the URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "screens" / "flows.py")

COMBINATIONS = {
    "defaults": {},
    "direction": {"dir": "entry"},
    "nationalities": {"nat": "VEN,HTI,GTM"},
    "country and type": {"country": "GTM,HND", "type": "land"},
    "air exits of one country": {"country": "SLV", "type": "air", "dir": "exit"},
    "period by day": {"from": "2026-08", "to": "2026-10", "grain": "day"},
    "long period by month": {"from": "2024-01", "to": "2026-10", "grain": "month", "top": "3"},
    "all filters": {"country": "NIC", "type": "land", "dir": "entry", "nat": "NIC,HND", "grain": "week",
                    "from": "2025-06", "to": "2026-05"},
    "comparison": {"cmp_from": "2024-11", "cmp_to": "2025-10"},
    "stale and hostile values": {"country": "XXX,<b>", "nat": "ZZZ", "from": "1999-01", "to": "nonsense",
                                 "grain": "hour", "top": "999"},
}


def run(lang: str = "en", **query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def titles(at: AppTest) -> list[str]:
    return [spec["layout"].get("title", {}).get("text") for spec in specs(at)]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("combination", list(COMBINATIONS), ids=list(COMBINATIONS))
def test_page_runs_with_each_filter_combination(app_env: str, combination: str, lang: str) -> None:
    at = run(lang, **COMBINATIONS[combination])
    assert not at.exception, [e.value for e in at.exception]
    title = {"es": "Flujos por los puestos fronterizos", "en": "Flows through the border posts"}[lang]
    assert at.title[0].value == title
    assert any(("muestra" if lang == "es" else "Sample data") in w.value for w in at.warning)
    shown = titles(at)
    top = {"es": ["Nacionalidades", "Puestos con más cruces"], "en": ["Nationalities", "Busiest posts"]}[lang]
    profile = {"es": ["Sexo", "Grupo de edad", "Dirección"], "en": ["Sex", "Age band", "Direction"]}[lang]
    if combination == "comparison":  # every breakdown of each period, one beside the other
        assert all(shown.count(title) == 2 for title in top + profile), shown
    else:  # the first tab's; the others are lazy
        assert all(title in shown for title in top) and not any(title in shown for title in profile), shown
    assert any(title.startswith({"es": "Personas por", "en": "Persons per"}[lang]) for title in shown)
    assert not at.get("deck_gl_json_chart")  # the routes tab is lazy: closed, it neither runs nor sends
    assert [m.label for m in at.metric[:5]] == {
        "es": ["Cruces totales", "Entradas", "Salidas", "Saldo", "Menores solos"],
        "en": ["Total crossings", "Entries", "Exits", "Balance", "Minors alone"]}[lang]
    assert len(at.get("download_button")) == 1


@pytest.mark.parametrize("lang", ["es", "en"])
def test_each_tab_draws_its_charts_only_when_open(app_env: str, lang: str) -> None:
    at = run(lang, country="GTM,HND")
    labels = [tab.label for tab in at.tabs]
    assert labels == {"es": ["Nacionalidades y puestos", "Sexo, edad y dirección", "Rutas y mapa"],
                      "en": ["Nationalities and posts", "Sex, age and direction", "Routes and map"]}[lang]
    sankey = {"es": "De país a país", "en": "Country to country"}[lang]
    sex = {"es": "Sexo", "en": "Sex"}[lang]
    assert sankey not in titles(at) and sex not in titles(at) and not at.get("deck_gl_json_chart")
    at.session_state["flows_tab"] = labels[1]  # what a click on the tab does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert sex in titles(at) and len(titles(at)) == 4  # the series and sex, age band, direction
    at.session_state["flows_tab"] = labels[2]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert sankey in titles(at) and len(at.get("deck_gl_json_chart")) == 1
    assert "Nationalities" not in titles(at) and "Nacionalidades" not in titles(at)  # closed tabs did not run


def _total(at: AppTest) -> float:
    """The first key figure (English: 1,234,567 or 12.83 M)."""
    value = at.metric[0].value.replace(",", "")
    return float(value[:-2]) * 1e6 if value.endswith(" M") else float(value)


def test_filters_change_the_figures_and_the_url(app_env: str) -> None:
    at = run()
    everyone = _total(at)
    at.multiselect(key="dir").set_value(["entry"]).run()
    entries = _total(at)
    assert 0 < entries < everyone
    assert at.query_params["dir"] == "entry"
    at.multiselect(key="nat").set_value(["GTM"]).run()
    assert 0 < _total(at) < entries
    assert at.query_params["nat"] == "GTM"
    at.segmented_control(key="grain").set_value("month").run()
    assert at.query_params["grain"] == "month"
    assert titles(at)[0] == "Persons per month"
    # The link restores the same view.
    again = run(**{k: v for k, v in at.query_params.items() if k != "lang"})
    assert _total(again) == _total(at)


def test_animation_moves_month_by_month(app_env: str) -> None:
    at = run(**{"from": "2026-01", "to": "2026-06"})
    at.toggle(key="play").set_value(True).run()
    assert not at.exception
    period = at.select_slider[0]
    assert period.disabled and period.value == (period.value[0], period.value[0])  # the first frame
    first = period.value[0]
    at.session_state["play_frame"] = 3  # what three ticks of the clock do
    at.run()
    start, end = at.select_slider[0].value
    assert start == first and (end.year, end.month) == (2026, 4)  # cumulative
    at.radio(key="play_mode").set_value("window").run()
    at.slider(key="play_window").set_value(2).run()
    start, end = at.select_slider[0].value
    assert (start.month, end.month) == (3, 4)  # a moving window of two months
    at.toggle(key="play").set_value(False).run()
    assert not at.select_slider[0].disabled
    assert at.select_slider[0].value == (start, end)  # stopping keeps the frame shown


def test_comparison_uses_the_same_scales(app_env: str) -> None:
    at = run(cmp_from="2024-11", cmp_to="2025-10")
    assert not at.exception
    compared = [s for s in specs(at) if s["layout"].get("xaxis", {}).get("range")]
    by_title: dict[str, list] = {}
    for spec in compared:
        by_title.setdefault(spec["layout"]["title"]["text"], []).append(spec["layout"]["xaxis"]["range"])
    assert set(by_title) == {"Nationalities", "Busiest posts", "Sex", "Age band", "Direction"}
    for ranges in by_title.values():
        assert len(ranges) == 2 and ranges[0] == ranges[1]
    lines = [s["layout"]["yaxis"]["range"] for s in specs(at) if s["layout"].get("yaxis", {}).get("range")]
    assert len(lines) == 2 and lines[0] == lines[1]  # the two periods' time series share their scale
    assert len(at.metric) == 15  # the page's KPIs and each period's
    at.toggle(key="compare").set_value(False).run()
    assert "cmp_from" not in at.query_params
