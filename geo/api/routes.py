"""The read-only HTTP interface, mounted beside the app on the same server (app.py: st.App(routes=...)).

OGC API - Features (core + GeoJSON): `/api/v1/` (landing), `/conformance`, `/collections`,
`/collections/{id}`, `/collections/{id}/items` (bbox, limit, offset, next links), `/collections/{id}/items/{fid}`;
plus `/api/v1/flows` (the flows page's aggregate, JSON or CSV), `/api/v1/datasets` (each dataset's last load) and
`/api/v1/export/{kind}.{format}` (a kind's whole file, streamed as it is written: geo.io.streaming).
QGIS, GDAL (`OAPIF:http://host/api/v1`) and ArcGIS read it natively.

Every error is JSON ({"code", "description"}) with its HTTP status, never a traceback; each client has a request
budget (RATE_PER_MINUTE, answered 429 with Retry-After when spent).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from geo.api import features as ft
from geo.api import flows as api_flows

PREFIX = "/api/v1"
RATE_PER_MINUTE = 240
_log = logging.getLogger(__name__)


class RateLimiter:
    """A token bucket per client address: `rate` requests a minute, bursts up to `rate` (one process; behind
    a balancer each replica keeps its own, so a client's budget is per replica)."""

    def __init__(self, rate: int = RATE_PER_MINUTE, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.clock = rate, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds to wait."""
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(client, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * self.rate / 60.0)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) * 60.0 / self.rate


def _engine() -> Engine:
    from geo.config import settings
    from geo.db import ensure_database, get_engine

    engine = get_engine(settings().database_url)
    ensure_database(engine)  # a first request may come before anyone opened a page
    return engine


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _staff(request: Request, engine: Engine) -> bool:
    """Whether the request carries the sign-in token of an editor or admin: `Authorization: Bearer ...`, or
    the app's own sign-in cookie (a signed-in browser following the page's download link)."""
    from geo import disclosure
    from geo.access import sessions

    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(sessions.COOKIE_NAME)
    return bool(token) and disclosure.can_see_exact(sessions.verify(engine, token))


def _datasets(engine: Engine) -> dict[str, dict[str, Any]]:
    """Each dataset's data as of, last load and freshness (geo.datasets), by dataset name."""
    from geo import datasets

    return datasets.as_json(datasets.freshness(engine))


def _dataset_of(engine: Engine, kind: str) -> dict[str, Any] | None:
    table = _datasets(engine)
    if kind in table:
        return table[kind]
    by_country = {name: value for name, value in table.items() if value["kind"] == kind}
    return {"by_country": by_country} if by_country else None


def _json(document: Any, status: int = 200, media_type: str = "application/json") -> JSONResponse:
    return JSONResponse(document, status_code=status, media_type=media_type)


_LIMITER = RateLimiter()  # one budget per client across every path of the interface


def endpoint(handler: Callable[[Request, Engine], Response],
             limiter: RateLimiter = _LIMITER) -> Callable[[Request], Response]:
    """Wrap a handler: the request budget, the engine, and JSON errors instead of tracebacks."""

    def run(request: Request) -> Response:
        client = request.client.host if request.client else "unknown"
        wait = limiter.take(client)
        if wait:
            response = _json({"code": "TooManyRequests",
                              "description": f"request budget spent ({limiter.rate} a minute); retry later"}, 429)
            response.headers["Retry-After"] = str(max(1, round(wait)))
            return response
        try:
            return handler(request, _engine())
        except ft.ApiError as error:
            return _json(error.body(), error.status)
        except Exception as error:  # never a traceback to a client
            from geo.config import settings
            from geo.db_status import classify, is_database_error

            if is_database_error(error):  # the database, not the request: 503 and the app's own message
                unavailable = classify(error, settings().database_url)
                response = _json({"code": "ServiceUnavailable", "description": unavailable.message("en")}, 503)
                response.headers["Retry-After"] = "30"
                return response
            _log.exception("API error on %s", request.url.path)  # a bug: logged, answered 500 in JSON
            return _json({"code": "ServerError", "description": "the server could not answer this request"}, 500)

    run.__name__ = handler.__name__
    return run


# ------------------------------------------------------------------------------------------ handlers
def landing(request: Request, engine: Engine) -> Response:
    return _json(ft.landing_document(_base(request)))


def conformance(request: Request, engine: Engine) -> Response:
    return _json({"conformsTo": list(ft.CONFORMANCE)})


def collections(request: Request, engine: Engine) -> Response:
    base = _base(request)
    datasets = _datasets(engine)
    return _json({
        "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
        "collections": [ft.collection_document(c, base, None, datasets.get(c.dataset))
                        for c in ft.COLLECTIONS.values()],
    })


def one_collection(request: Request, engine: Engine) -> Response:
    chosen = ft.collection(request.path_params["collection"])
    return _json(ft.collection_document(chosen, _base(request), chosen.records(engine),
                                        _dataset_of(engine, chosen.dataset)))


def items(request: Request, engine: Engine) -> Response:
    chosen = ft.collection(request.path_params["collection"])
    query = dict(request.query_params)
    document = ft.items_document(chosen, chosen.records(engine), _base(request),
                                 limit=ft.parse_limit(query.get("limit")), offset=ft.parse_offset(query.get("offset")),
                                 bbox=ft.parse_bbox(query.get("bbox")), query=query)
    return _json(document, media_type=ft.GEOJSON)


def one_item(request: Request, engine: Engine) -> Response:
    chosen = ft.collection(request.path_params["collection"])
    return _json(ft.one_feature(chosen, chosen.records(engine), request.path_params["fid"], _base(request)),
                 media_type=ft.GEOJSON)


def flows(request: Request, engine: Engine) -> Response:
    query = api_flows.parse(engine, dict(request.query_params), _staff(request, engine))
    if query.fmt == "csv":
        return PlainTextResponse(api_flows.as_csv(engine, query), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="ca4_flows.csv"'})
    return _json(api_flows.as_json(engine, query, _dataset_of(engine, "flows"), _base(request)))


def export_path(kind: str, fmt: str, hxl: bool = False) -> str:
    """The address of a kind's whole export, streamed (the data page links to it)."""
    return f"{PREFIX}/export/{kind}.{fmt}" + ("?hxl=1" if hxl and fmt == "csv" else "")


def export(request: Request, engine: Engine) -> Response:
    """A kind's whole file (geo.io.streaming), sent as it is written: the process holds one chunk of rows,
    never the file. Staff (sign-in cookie or Bearer token) get the exact file, as on the data page."""
    from geo.io.exports import MEDIA_TYPES, STAFF_ONLY_KINDS, file_name
    from geo.io.schema import FORMATS
    from geo.io.streaming import stream_export
    from geo.kinds import KINDS

    kind, _, fmt = request.path_params["file"].partition(".")
    if kind not in KINDS or fmt not in FORMATS:
        raise ft.ApiError(404, "NotFound", f"no export {request.path_params['file']!r}: KIND.FORMAT, a kind of "
                                           f"{', '.join(KINDS)} and a format of {', '.join(FORMATS)}")
    exact = _staff(request, engine)
    if kind in STAFF_ONLY_KINDS and not exact:
        raise ft.ApiError(403, "Forbidden", f"{kind} holds exact counts of vulnerable people: staff only")
    hxl = fmt == "csv" and request.query_params.get("hxl", "") in ("1", "true", "yes")
    blocks = stream_export(engine, kind, fmt, hxl=hxl, exact=exact)
    headers = {"Content-Disposition": f'attachment; filename="{file_name(kind, fmt)}"', "Cache-Control": "no-store"}
    return StreamingResponse(blocks, media_type=MEDIA_TYPES[fmt], headers=headers)


def datasets(request: Request, engine: Engine) -> Response:
    return _json({"datasets": _datasets(engine)})


def not_found(request: Request, engine: Engine) -> Response:
    raise ft.ApiError(404, "NotFound", f"no such resource: {request.url.path}")


def api_routes() -> list[Route]:
    """The interface's routes, for st.App(routes=...) (and Starlette's TestClient in the tests)."""
    table = [
        ("", landing), ("/", landing), ("/conformance", conformance), ("/collections", collections),
        ("/collections/{collection}", one_collection), ("/collections/{collection}/items", items),
        ("/collections/{collection}/items/{fid}", one_item), ("/flows", flows), ("/datasets", datasets),
        ("/export/{file}", export),
        ("/{rest:path}", not_found),
    ]
    return [Route(PREFIX + path, endpoint(handler), methods=["GET"]) for path, handler in table]
