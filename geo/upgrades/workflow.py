"""The one rule for a post's overall infrastructure status, and the colours that show it."""

from __future__ import annotations

from collections.abc import Iterable

# Workflow order of the stages; delayed and suspended are states off the normal path.
WORKFLOW = ("planned", "procurement", "installation", "operational")
OVERALL_ORDER = ("operational", "installation", "procurement", "planned", "delayed", "suspended", "none")

# Colour-blind-safe palette (Okabe-Ito), RGB.
STATUS_COLOURS: dict[str, tuple[int, int, int]] = {
    "operational": (0, 158, 115),
    "installation": (86, 180, 233),
    "procurement": (0, 114, 178),
    "planned": (204, 121, 167),
    "delayed": (230, 159, 0),
    "suspended": (213, 94, 0),
    "none": (150, 150, 150),
}


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
