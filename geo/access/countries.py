"""Which countries a record belongs to, for the per-country editing rule (geo.access.auth.may_change).

One reading for every kind, from the record's own columns: a binational workshop belongs to both countries of
its pair (either country's editors change it); any other workshop to its venue's country; posts and assisted
returns to their country; a post's upgrade components and flow counts to their post's country; the component
catalogue to none (regional coordinators and admins only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from geo.models import Post


def record_countries(target: Connection | Session, row: Mapping[str, Any] | None) -> tuple[str, set[str]]:
    """(the column that decides, the record's countries) for a stored or merged row; (None, set()) for none."""
    if row is None:
        return "", set()
    if row.get("pair_a") or row.get("pair_b"):
        return "pair_a", {row.get("pair_a"), row.get("pair_b")} - {None}
    if "venue_country_iso3" in row:
        return "venue_country_iso3", {row["venue_country_iso3"]} - {None}
    if "country_iso3" in row:
        return "country_iso3", {row["country_iso3"]} - {None}
    if row.get("post_id") is not None:
        country = target.execute(select(Post.country_iso3).where(Post.id == row["post_id"])).scalar()
        return "post_code", {country} - {None}
    return "", set()
