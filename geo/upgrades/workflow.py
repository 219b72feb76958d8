"""The one rule for a post's overall infrastructure status, and the colours that show it."""

from __future__ import annotations

from collections.abc import Iterable

# Workflow order of the stages; delayed and suspended are states off the normal path.
WORKFLOW = ("planned", "procurement", "installation", "operational")
OVERALL_ORDER = ("operational", "installation", "procurement", "planned", "delayed", "suspended", "none")

# RGB. Chosen so every pair stays apart for the common colour-vision deficiencies (CIEDE2000 >= 13 under
# simulated protan, deutan and tritan vision, tests/test_colour_vision.py; Okabe-Ito's set fell to 6: planned,
# operational and none one grey for a deutan): the workflow runs purple -> dark blue -> sky blue -> green,
# the problems are light orange and dark red, no components a mid grey. Delayed and suspended carry a symbol
# on the map too (STATUS_SYMBOLS), so colour alone never decides a problem.
STATUS_COLOURS: dict[str, tuple[int, int, int]] = {
    "operational": (51, 153, 85),
    "installation": (17, 187, 238),
    "procurement": (17, 68, 136),
    "planned": (170, 85, 238),
    "delayed": (255, 187, 85),
    "suspended": (170, 0, 17),
    "none": (136, 136, 136),
}
# A symbol drawn on a post's mark (and in the legend's swatch) for the statuses that need action.
STATUS_SYMBOLS: dict[str, str] = {"delayed": "!", "suspended": "‖"}


def overall_status(statuses: Iterable[str]) -> str:
    """A post's overall status from its components' statuses.

    Suspended beats delayed beats the normal workflow; on the workflow the least advanced component
    sets the post's stage (a post is operational only when every component is). No components: "none".
    """
    found = set(statuses)
    if not found:
        return "none"
    for blocking in ("suspended", "delayed"):
        if blocking in found:
            return blocking
    return min(found, key=WORKFLOW.index)


def status_colour(status: str, alpha: int = 230) -> list[int]:
    return [*STATUS_COLOURS.get(status, STATUS_COLOURS["none"]), alpha]


# What a programme reports beside the worst component: the share of each post's components that are operational,
# in four classes (none, under half, half or more, all), on the same orange -> sand -> blue scale as coverage.
SHARE_CLASSES = ("all", "most", "some", "nothing", "none")
SHARE_COLOURS: dict[str, tuple[int, int, int]] = {
    "all": (0, 90, 160),
    "most": (110, 165, 215),
    "some": (225, 185, 120),
    "nothing": (213, 94, 0),
    "none": STATUS_COLOURS["none"],
}


def operational_share(components: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """Per post, (operational components, components) from (post code, component status) pairs."""
    counts: dict[str, list[int]] = {}
    for post, status in components:
        tally = counts.setdefault(post, [0, 0])
        tally[0] += status == "operational"
        tally[1] += 1
    return {post: (done, total) for post, (done, total) in counts.items()}


def share_class(operational: int, total: int) -> str:
    """The class of a post with `operational` of `total` components operational ("none": no components)."""
    if total <= 0:
        return "none"
    if operational >= total:
        return "all"
    if operational == 0:
        return "nothing"
    return "most" if operational * 2 >= total else "some"


def post_shares(posts) -> dict[str, tuple[int, int]]:
    """Per post code, (operational components, components) from a posts frame (geo.posts.queries.posts_frame
    carries both counts): what every map that colours posts by the programme's share reads."""
    return {code: (int(done), int(total)) for code, done, total in
            zip(posts["code"], posts["operational"], posts["components"], strict=True)}


def share_totals(shares: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """(operational components, components) over the posts of `shares`: the headline's count."""
    return sum(done for done, _ in shares.values()), sum(total for _, total in shares.values())


def posts_by_share(shares: dict[str, tuple[int, int]], posts: Iterable[str] = ()) -> dict[str, int]:
    """Posts per share class (SHARE_CLASSES order), from operational_share; `posts` adds the programme's posts
    without components ("none"). The one count the map's table, the page's figure and the slide read."""
    classes = {post: share_class(*count) for post, count in shares.items()}
    classes.update({post: "none" for post in posts if post not in classes})
    return {key: sum(1 for c in classes.values() if c == key) for key in SHARE_CLASSES}
