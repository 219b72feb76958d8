"""Assisted returns as editable records: the rules of one count and its one write path, save_return_count,
which a form and every import call. (What the public may see of the counts is geo.programme.returns.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from geo import periods, reference
from geo.access.auth import Actor
from geo.access.editing import Saved, save_record
from geo.kinds.rules import Problem, range_problems
from geo.models import RETURN_CATEGORIES, AssistedReturn
from geo.programme.return_fields import ASSISTANCE

ENTITY = "assisted_return"
EARLIEST = dt.date(1990, 1, 1)  # the first month a count may be for (flows and returns alike)


def validate_return_count(row: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Problem]:
    """{field: (i18n key, params)} for every rule a count breaks (empty: valid): a month from 1990 and not
    in the future, a country of return in the CA4 (the programme's), a known category, a count in range."""
    problems: dict[str, Problem] = {}
    today = today or periods.today()
    month = row.get("month")
    if isinstance(month, dt.date):
        if month > today:
            problems["month"] = ("data.err.future", {"value": month.isoformat()})
        elif month < EARLIEST:
            problems["month"] = ("data.err.too_old", {"value": month.isoformat(), "earliest": EARLIEST.isoformat()})
    country = row.get("country_iso3")
    if country is not None and country not in reference.CA4:
        problems["country_iso3"] = ("data.err.return_country", {"value": str(country),
                                                                "allowed": ", ".join(reference.CA4)})
    category = row.get("category")
    if category is not None and category not in RETURN_CATEGORIES:
        problems["category"] = ("data.err.choice", {"value": str(category), "allowed": ", ".join(RETURN_CATEGORIES)})
    problems |= range_problems(ASSISTANCE, row, ("count",))
    return problems


def return_key(month: dt.date, country_iso3: str, category: str) -> str:
    return f"{month.isoformat()}/{country_iso3}/{category}"


def save_return_count(target: Connection | Session, actor: Actor, month: dt.date, country_iso3: str, category: str,
                      given: Mapping[str, Any], *, at: dt.datetime | None = None,
                      today: dt.date | None = None) -> Saved:
    """THE write path of an assisted-returns count (month × country of return × category), validated on
    the row merged with the stored one, audited."""
    month = month.replace(day=1) if isinstance(month, dt.date) else month
    return save_record(target, actor, AssistedReturn,
                       {"month": month, "country_iso3": country_iso3, "category": category}, given,
                       entity=ENTITY, key=return_key(month, country_iso3, category), defaults={"is_sample": False},
                       validate=lambda _stored, merged: validate_return_count(merged, today=today), at=at)
