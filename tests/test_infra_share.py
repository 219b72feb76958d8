"""The infrastructure map offers what a programme reports (issue 27, part D): each post coloured by the share
of its components that are operational, the same count as the page's headline figure, beside the overall
status (the least advanced component)."""

from __future__ import annotations

import pandas as pd

from geo import maps
from geo.posts.queries import read_posts_csv
from geo.upgrades import workflow


def test_operational_share_counts_each_posts_components() -> None:
    shares = workflow.operational_share([("A", "operational"), ("A", "delayed"), ("A", "operational"),
                                         ("B", "planned"), ("C", "operational")])
    assert shares == {"A": (2, 3), "B": (0, 1), "C": (1, 1)}
    assert workflow.share_totals(shares) == (3, 5)
    assert [workflow.share_class(*shares[p]) for p in "ABC"] == ["most", "nothing", "all"]
    assert workflow.share_class(1, 3) == "some" and workflow.share_class(0, 0) == "none"
    # The worst component decides the overall status: A is "delayed" though two of its three work.
    assert workflow.overall_status(["operational", "delayed", "operational"]) == "delayed"


def test_the_share_map_colours_by_share_and_says_it_in_the_tooltip() -> None:
    posts = read_posts_csv()
    posts = posts.assign(status="delayed", recent_flow=100, is_sample=False)
    programme = posts[posts["country_iso3"].isin(["GTM", "SLV", "HND", "NIC"])]["code"].tolist()
    shares = {programme[0]: (3, 3), programme[1]: (1, 4), programme[2]: (0, 2)}
    layers = {layer.id: layer for layer in maps.post_layers(posts, "es", labels=False, shares=shares)}
    marks = pd.DataFrame(layers["posts"].data).set_index("code")
    assert marks.loc[programme[0], "colour"][:3] == list(workflow.SHARE_COLOURS["all"])
    assert marks.loc[programme[1], "colour"][:3] == list(workflow.SHARE_COLOURS["some"])
    assert marks.loc[programme[2], "colour"][:3] == list(workflow.SHARE_COLOURS["nothing"])
    assert marks.loc[programme[3], "colour"][:3] == list(workflow.SHARE_COLOURS["none"])  # no components
    assert marks.loc[programme[1], "share_label"] == "1 de 4 (25 %)"
    assert not marks["icon"].str.contains("delayed").any()  # the status symbols belong to the status view
    tooltip = maps.post_tooltip("es", shares=True)["html"]
    assert "Componentes operativos: {share_label}" in tooltip and "{status_label}" in tooltip
    by_status = pd.DataFrame(next(layer for layer in maps.post_layers(posts, "es", labels=False)
                                  if layer.id == "posts").data)
    assert "share_label" not in by_status and by_status["icon"].str.endswith("-delayed").all()


def test_posts_by_share_is_the_one_count_of_the_table_and_the_slide() -> None:
    """Posts per share class: a programme post without components counts as 'none'; the map's table lists
    every class in the legend's order with these counts."""
    from geo.upgrades import tables

    shares = {"A": (3, 3), "B": (2, 3), "C": (1, 3), "D": (0, 2)}
    counts = workflow.posts_by_share(shares, ["A", "B", "E"])
    assert counts == {"all": 1, "most": 1, "some": 1, "nothing": 1, "none": 1}
    table = tables.share_counts_table(shares, ["A", "B", "E"], "es")
    assert table.iloc[:, 0].tolist() == ["Todos", "La mitad o más", "Menos de la mitad", "Ninguno", "Sin componentes"]
    assert table.iloc[:, 1].tolist() == [1, 1, 1, 1, 1]
    # The headline's counts go through the formatter: 1,234 / 2,000, never 1234 / 2000.
    summary = {"operational": 1234, "components": 2000, "mean_progress": 50.0, "overdue": 3, "spent": 1.0,
               "planned": 2.0}
    posts = pd.DataFrame({"national": [True, False]})
    crossings = pd.DataFrame({"interconnected": [True]})
    figures = dict(tables.headline_figures(summary, posts, crossings, "es"))
    assert figures["operational"] == "1,234 / 2,000"
