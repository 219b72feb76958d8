"""The infrastructure page's tables: translated headers, values in the reader's locale, totals that add up."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geo.upgrades import tables


def test_values_read_in_each_language() -> None:
    assert tables.value_text("status", "delayed", "es") == "Retrasado"
    assert tables.value_text("status", "delayed", "en") == "Delayed"
    assert tables.value_text("budget_spent", 12345.5, "es") == "12,345.50"
    assert tables.value_text("budget_spent", 12345.0, "en") == "12,345"
    assert tables.value_text("target_date", dt.date(2026, 11, 22), "es") == "22/11/2026"
    assert tables.value_text(None, dt.datetime(2026, 11, 22, 9, 30), "en") == "22/11/2026"
    # a stored time (UTC) is the day it was in the region: 03:00 UTC on the 23rd is the 22nd at 21:00 (UTC-6)
    assert tables.value_text(None, dt.datetime(2026, 11, 23, 3, 0), "es") == "22/11/2026"
    assert tables.value_text("notes", None, "en") == "—"
    assert tables.value_text("notes", float("nan"), "en") == "—"
    assert tables.value_text("notes", "<b>x</b>", "en") == "<b>x</b>"  # text stays text (drawn escaped)


def test_budget_table_rates_and_total_row() -> None:
    budget = pd.DataFrame({"key": ["GTM", "HND"], "planned": [1000.0, 0.0], "committed": [500.0, 0.0],
                           "spent": [250.0, 0.0], "components": [3, 1]})
    names = tables.budget_group_names(budget, "country", {}, "en")
    assert names == ["Guatemala", "Honduras"]
    frame = tables.budget_table(budget, names, "country", "en")
    assert frame.iloc[:, 0].tolist() == ["Guatemala", "Honduras", "Total"]
    assert frame.iloc[:, 4].tolist() == ["50 %", "—", "50 %"]  # committed / planned; no plan, no rate
    assert frame.iloc[:, 5].tolist() == ["25 %", "—", "25 %"]
    assert frame.iloc[:, 6].tolist() == [3, 1, 4]


def test_projectless_budget_group_is_named() -> None:
    budget = pd.DataFrame({"key": ["Q36-805", None]})
    assert tables.budget_group_names(budget, "project", {}, "es")[1] != ""


def test_stale_table_shows_what_changed_meanwhile() -> None:
    frame = tables.stale_table({"status": ("planned", "procurement"), "progress": (0, 20)}, "es")
    assert frame.values.tolist() == [["Estado", "Planificado", "Adquisición"], ["Avance (%)", "0", "20"]]


def test_problem_lines_name_the_field() -> None:
    lines = tables.problem_lines({"progress": "infra.err.progress_range"}, "en")
    assert lines == ["Progress (%): must be a whole number from 0 to 100."]


def test_headline_figures_of_the_programme() -> None:
    summary = {"operational": 3, "components": 12, "mean_progress": 42.5, "overdue": 1234, "spent": 250.0,
               "planned": 1000.0}
    posts = pd.DataFrame({"national": [True, False, True]})
    crossings = pd.DataFrame({"interconnected": [True, False]})
    figures = dict(tables.headline_figures(summary, posts, crossings, "es"))
    assert figures == {"operational": "3 / 12", "progress": "42 %", "overdue": "1,234", "spent": "25 %",
                       "connected": "2 / 3", "interconnected": "1 / 2"}
    assert dict(tables.headline_figures({**summary, "planned": 0}, posts, crossings, "en"))["spent"] == "—"


def test_only_crossings_between_two_ca4_countries_count() -> None:
    crossings = pd.DataFrame({"country_a": ["GTM", "GTM", "MEX"], "country_b": ["SLV", "MEX", "BLZ"]})
    assert tables.ca4_crossings(crossings)["country_b"].tolist() == ["SLV"]
