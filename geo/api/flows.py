"""`/api/v1/flows`: the flows page's aggregate, with the page's filters in the URL, as JSON or CSV.

The same queries as the page (geo.flows.queries), the same default period (geo.periods.default_period over the
months with data) and scope (geo.scope), so the totals equal the page's and the overview's. Unaccompanied
minors only as published figures (geo.disclosure); exact ones only for a staff token.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from geo import disclosure, periods, reference
from geo.api.features import DEFAULT_LIMIT, ApiError, parse_limit, parse_offset
from geo.flows import queries as fq
from geo.models import DIRECTIONS, POST_TYPES
from geo.scope import DEFAULT_SCOPE, SCOPES, scope_countries

# HXL hashtags of the export's columns (humanitarian tools read them).
HXL = {"month": "#date+month", "post_code": "#loc+code", "post_name": "#loc+name", "post_country": "#country+code",
       "direction": "#indicator+direction", "nationality": "#group+nationality+code",
       "prev_country": "#country+code+previous", "next_country": "#country+code+next", "count": "#affected+num",
       "unaccompanied_minors": "#affected+children+unaccompanied+num"}


@dataclass(frozen=True)
class FlowsQuery:
    filters: fq.FlowFilters
    scope: str
    fmt: str
    hxl: bool
    limit: int
    offset: int
    exact: bool


def _codes(raw: str | None, allowed: set[str], name: str) -> tuple[str, ...]:
    if not raw:
        return ()
    values = tuple(v.strip().upper() if name != "type" and name != "dir" else v.strip().lower()
                   for v in raw.split(",") if v.strip())
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise ApiError(400, "InvalidParameterValue", f"{name}: unknown value(s) {', '.join(wrong)}")
    return values


def _month(raw: str | None, name: str, months: list[dt.date]) -> dt.date | None:
    if raw is None or raw == "":
        return None
    value = periods.parse_month(raw)
    if value is None:
        raise ApiError(400, "InvalidParameterValue", f"{name} must be a month as YYYY-MM: {raw!r}")
    if value not in months:
        raise ApiError(400, "InvalidParameterValue",
                       f"{name}={raw}: no flow data that month (data from {periods.month_param(months[0])} "
                       f"to {periods.month_param(months[-1])})")
    return value


def parse(engine: Engine, query: Mapping[str, str], staff: bool) -> FlowsQuery:
    """The request's filters, checked; the flows page's defaults for what it leaves out."""
    span = fq.month_range(engine)
    if span is None:
        raise ApiError(404, "NotFound", "no flow data")
    months = periods.months_between(*span)
    default = periods.default_period(months)
    start = _month(query.get("from"), "from", months) or default.first
    end = _month(query.get("to"), "to", months) or default.last
    if start > end:
        raise ApiError(400, "InvalidParameterValue", "from is after to")
    scope = query.get("scope") or DEFAULT_SCOPE
    if scope not in SCOPES:
        raise ApiError(400, "InvalidParameterValue", f"scope: one of {', '.join(SCOPES)}")
    countries = _codes(query.get("country"), set(reference.countries()["iso3"]), "country")
    filters = fq.FlowFilters(start, end, scope_countries(scope, countries),
                             _codes(query.get("type"), set(POST_TYPES), "type"),
                             _codes(query.get("dir"), set(DIRECTIONS), "dir"),
                             _codes(query.get("nat"), set(fq.nationalities(engine)), "nat"))
    fmt = query.get("format") or "json"
    if fmt not in ("json", "csv"):
        raise ApiError(400, "InvalidParameterValue", "format: json or csv")
    exact = query.get("exact") in ("1", "true")
    if exact and not staff:
        raise ApiError(403, "Forbidden", "exact counts of vulnerable people need a staff token "
                                         "(Authorization: Bearer <sign-in token of an editor or admin>)")
    return FlowsQuery(filters, scope, fmt, query.get("hxl") in ("1", "true"),
                      parse_limit(query.get("limit")) if fmt == "json" else DEFAULT_LIMIT,
                      parse_offset(query.get("offset")), exact)


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else (v.item() if hasattr(v, "item") else v))
            for k, v in record.items()}


def as_json(engine: Engine, request: FlowsQuery, as_of: dict[str, Any] | None, base: str) -> dict[str, Any]:
    """Totals (the flows page's key figures), minors (published), and a page of the aggregate's rows."""
    f = request.filters
    totals = fq.totals(engine, f)
    minors = fq.minors(engine, f, exact=request.exact)
    frame = fq.export_frame(engine, f, exact=request.exact)
    page = frame.iloc[request.offset:request.offset + request.limit]
    links = []
    if request.offset + request.limit < len(frame):
        links.append({"rel": "next", "type": "application/json",
                      "href": f"{base}/flows?{_query(request, request.offset + request.limit)}"})
    return {
        "period": {"from": periods.month_param(f.start), "to": periods.month_param(f.end)},
        "filters": {"scope": request.scope, "country": list(f.countries), "type": list(f.types),
                    "dir": list(f.directions), "nat": list(f.nationalities)},
        "totals": totals,
        "unaccompanied_minors": {
            "value": minors,
            "published": not request.exact,
            "note": ("EXACT: restricted to programme staff" if request.exact else
                     "random rounding to base 5 of month x post cells (geo.disclosure); null: no record, or a "
                     "direction or nationality filter (not published at that detail)"),
        },
        "dataset": as_of,
        "numberMatched": len(frame), "numberReturned": len(page),
        "rows": [_row(r) for r in page.to_dict("records")],
        "links": links,
    }


def _query(request: FlowsQuery, offset: int) -> str:
    from urllib.parse import urlencode

    f = request.filters
    params = {"from": periods.month_param(f.start), "to": periods.month_param(f.end), "scope": request.scope,
              "country": ",".join(f.countries), "type": ",".join(f.types), "dir": ",".join(f.directions),
              "nat": ",".join(f.nationalities), "limit": request.limit, "offset": offset}
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def as_csv(engine: Engine, request: FlowsQuery) -> str:
    """The whole aggregate as CSV (UTF-8), optionally with an HXL hashtag row under the header."""
    frame = fq.export_frame(engine, request.filters, exact=request.exact)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    if request.hxl:
        writer.writerow([HXL[c] for c in frame.columns])
    for record in frame.itertuples(index=False):
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in record])
    return buffer.getvalue()


__all__ = ["HXL", "FlowsQuery", "as_csv", "as_json", "disclosure", "parse"]
