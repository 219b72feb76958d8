"""Every regional map's first view, by THE fitting rule (geo.maps.region_view): its region whole in the width
the browser reports for the map's own column, at the map's height. Until the browser reports it (the page's
first run) and if it never does, the view fits a phone's width, which a wider canvas of the same height also
shows whole."""

from __future__ import annotations

import browser_bridge
from geo import maps


def fitted_view(key: str, height: int, bounds: tuple[float, float, float, float] = maps.CA4_BOUNDS,
                padding_px: float = 10.0) -> tuple[dict, tuple[float, float]]:
    """(view, canvas) for a map `height` pixels tall drawn in the container this is called in; `key` names
    the width probe (one per map); `padding_px`: room kept around the region (for names at its edge)."""
    width, _ = browser_bridge.container_size(key)
    canvas = (float(width or maps.PHONE_CANVAS[0]), float(height))
    return maps.region_view(canvas, bounds, padding_px), canvas
