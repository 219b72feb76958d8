"""The read-only OGC API - Features collections (posts, workshop venues, upgrade components) as plain data.

Each collection is a frame of records from the same queries the pages use (geo.posts.queries, geo.workshops
.queries, geo.upgrades.records), turned into GeoJSON features with WGS84 lon/lat points (OGC CRS84). Paging is
`limit`/`offset` with `next`/`prev` links; `bbox` keeps the features whose point lies in it. No Starlette here:
geo/api/routes.py calls these functions, tests call them directly too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import Engine

from geo import reference
from geo.posts.queries import posts_frame
from geo.upgrades.records import components_frame
from geo.workshops import queries as wq

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)
GEOJSON = "application/geo+json"


class ApiError(ValueError):
    """A request the interface cannot answer: its HTTP status, an OGC exception code and a description."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "description": self.description}


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    dataset: str  # the data kind whose loads date it (geo.io.quality.last_updates)
    records: Callable[[Engine], pd.DataFrame]  # fid, lon, lat and the properties, in fid order
    properties: tuple[str, ...]


def _posts(engine: Engine) -> pd.DataFrame:
    frame = posts_frame(engine)
    frame["fid"] = frame["code"]
    frame["country"] = [reference.country_name(c, "en") for c in frame["country_iso3"]]
    return frame


def _workshops(engine: Engine) -> pd.DataFrame:
    span = wq.workshop_dates(engine)
    if span is None:
        return pd.DataFrame(columns=["fid", "lon", "lat", *WORKSHOP_PROPERTIES])
    frame = wq.workshops_frame(engine, span[0], span[1]).rename(columns={"venue_lon": "lon", "venue_lat": "lat"})
    frame["fid"] = frame["code"]
    return frame.sort_values("fid").reset_index(drop=True)


def _components(engine: Engine) -> pd.DataFrame:
    frame = components_frame(engine)
    points = posts_frame(engine)[["code", "lon", "lat"]].rename(columns={"code": "post_code"})
    frame = frame.merge(points, on="post_code", how="left")
    frame["fid"] = frame["post_code"] + "." + frame["component_code"]
    frame["name"] = frame["name_en"]
    return frame.sort_values("fid").reset_index(drop=True)


POST_PROPERTIES = ("code", "name", "country_iso3", "country", "type", "crossing_code", "neighbour_iso3", "road",
                   "status", "recent_flow", "is_sample")
WORKSHOP_PROPERTIES = ("code", "title", "topic", "start_date", "end_date", "venue_name", "venue_country_iso3",
                       "scope", "pair_a", "pair_b", "participants", "women", "posts", "is_sample")
COMPONENT_PROPERTIES = ("post_code", "post_name", "country_iso3", "component_code", "name_es", "name_en", "category",
                        "status", "progress", "budget_planned", "budget_committed", "budget_spent", "start_date",
                        "target_date", "completion_date", "overdue", "days_overdue", "project_code", "is_sample")

COLLECTIONS: Mapping[str, Collection] = {c.id: c for c in (
    Collection("posts", "Border posts", "The CA4 region's border posts (land, air, sea) with their overall "
               "infrastructure status and the crossings of their last three months of data.", "posts", _posts,
               POST_PROPERTIES),
    Collection("workshops", "Training workshops", "Workshops for migration officials, police and customs, at "
               "their venues, with participants.", "workshops", _workshops, WORKSHOP_PROPERTIES),
    Collection("components", "Infrastructure components", "The upgrade components of each post (at the post's "
               "point): status, progress, budget and dates.", "upgrades", _components, COMPONENT_PROPERTIES),
)}


# ------------------------------------------------------------------------------------------ parameters
def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise ApiError(400, "InvalidParameterValue", f"limit must be a whole number from 1 to {MAX_LIMIT}: {raw!r}")
    return min(int(raw), MAX_LIMIT)


def parse_offset(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isdigit() or len(raw) > 9:
        raise ApiError(400, "InvalidParameterValue", f"offset must be a whole number, 0 or more: {raw!r}")
    return int(raw)


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """minLon,minLat,maxLon,maxLat in WGS84 (a 6-number box with heights is accepted, heights ignored)."""
    if raw is None or raw == "":
        return None
    parts = raw.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise ApiError(400, "InvalidParameterValue",
                       f"bbox must be four numbers minLon,minLat,maxLon,maxLat: {raw!r}")
    west, south, east, north = numbers
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise ApiError(400, "InvalidParameterValue", f"bbox outside WGS84 or south above north: {raw!r}")
    return west, south, east, north


# ------------------------------------------------------------------------------------------ documents
def _json_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def feature(collection: Collection, row: Mapping[str, Any]) -> dict[str, Any]:
    lon, lat = _json_value(row.get("lon")), _json_value(row.get("lat"))
    geometry = None if lon is None or lat is None else {"type": "Point",
                                                          "coordinates": [round(float(lon), 6), round(float(lat), 6)]}
    return {"type": "Feature", "id": str(row["fid"]), "geometry": geometry,
            "properties": {name: _json_value(row.get(name)) for name in collection.properties}}


def _in_bbox(frame: pd.DataFrame, bbox: tuple[float, float, float, float] | None) -> pd.DataFrame:
    if bbox is None:
        return frame
    west, south, east, north = bbox
    lon, lat = pd.to_numeric(frame["lon"]), pd.to_numeric(frame["lat"])
    inside_lon = (lon >= west) & (lon <= east) if west <= east else (lon >= west) | (lon <= east)  # antimeridian
    return frame[inside_lon & (lat >= south) & (lat <= north)]


def _link(href: str, rel: str, kind: str = "application/json", title: str | None = None) -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": kind}
    if title:
        link["title"] = title
    return link


def collection_document(collection: Collection, base: str, frame: pd.DataFrame | None = None,
                        as_of: dict[str, Any] | None = None) -> dict[str, Any]:
    """A collection's description: links, extent (the bbox of its points), CRS, and its data's freshness."""
    url = f"{base}/collections/{collection.id}"
    document: dict[str, Any] = {
        "id": collection.id, "title": collection.title, "description": collection.description,
        "itemType": "feature", "crs": [CRS84],
        "links": [_link(url, "self"), _link(f"{url}/items", "items", GEOJSON, "Features as GeoJSON")],
    }
    if frame is not None:
        points = frame.dropna(subset=["lon", "lat"])
        if len(points):
            lon, lat = pd.to_numeric(points["lon"]), pd.to_numeric(points["lat"])
            document["extent"] = {"spatial": {"bbox": [[round(float(lon.min()), 6), round(float(lat.min()), 6),
                                                        round(float(lon.max()), 6), round(float(lat.max()), 6)]],
                                              "crs": CRS84}}
    if as_of is not None:
        document["dataset"] = as_of
    return document


def items_document(collection: Collection, frame: pd.DataFrame, base: str, *, limit: int, offset: int,
                   bbox: tuple[float, float, float, float] | None, query: Mapping[str, str]) -> dict[str, Any]:
    """A page of features: numberMatched, numberReturned and self/next/prev links that keep the other
    parameters (bbox) of the request."""
    matched = _in_bbox(frame, bbox)
    page = matched.iloc[offset:offset + limit]
    url = f"{base}/collections/{collection.id}/items"
    kept = {k: v for k, v in query.items() if k not in ("limit", "offset")}

    def href(start: int) -> str:
        return f"{url}?{urlencode({**kept, 'limit': limit, 'offset': start})}"

    links = [_link(href(offset), "self", GEOJSON), _link(f"{base}/collections/{collection.id}", "collection")]
    if offset + limit < len(matched):
        links.append(_link(href(offset + limit), "next", GEOJSON, "Next page"))
    if offset > 0:
        links.append(_link(href(max(0, offset - limit)), "prev", GEOJSON, "Previous page"))
    return {
        "type": "FeatureCollection",
        "features": [feature(collection, row) for row in page.to_dict("records")],
        "numberMatched": len(matched), "numberReturned": len(page),
        "timeStamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }


def one_feature(collection: Collection, frame: pd.DataFrame, fid: str, base: str) -> dict[str, Any]:
    match = frame[frame["fid"].astype(str) == fid]
    if match.empty:
        raise ApiError(404, "NotFound", f"no feature {fid!r} in collection {collection.id!r}")
    document = feature(collection, match.iloc[0].to_dict())
    url = f"{base}/collections/{collection.id}/items/{fid}"
    document["links"] = [_link(url, "self", GEOJSON), _link(f"{base}/collections/{collection.id}", "collection")]
    return document


def landing_document(base: str) -> dict[str, Any]:
    return {
        "title": "CA4 Border Monitor - OGC API Features",
        "description": "Border posts, training workshops and infrastructure components of the CA4 region "
                       "(Guatemala, El Salvador, Honduras, Nicaragua), and flows aggregates. Read-only. Flows, "
                       "statuses, workshops and returns are SAMPLE data where is_sample is true.",
        "links": [
            _link(f"{base}/", "self", title="This document"),
            _link(f"{base}/conformance", "conformance", title="Conformance classes"),
            _link(f"{base}/collections", "data", title="Collections"),
            _link(f"{base}/flows", "data", title="Flows aggregates (JSON; format=csv for CSV)"),
            _link(f"{base}/datasets", "describedby", title="Each dataset's last load and freshness"),
        ],
    }


def collection(collection_id: str) -> Collection:
    if collection_id not in COLLECTIONS:
        raise ApiError(404, "NotFound", f"no collection {collection_id!r}; one of {', '.join(COLLECTIONS)}")
    return COLLECTIONS[collection_id]
