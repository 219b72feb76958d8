"""The read-only interface (geo/api) on the real server, read by real clients: GDAL's OGC API driver (what QGIS
uses) reads every collection; a plain HTTP client checks paging, bbox, errors, the staff token and the flows
totals against the overview's."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import geopandas as gpd
import pyogrio
import pytest

from geo import periods
from geo.access import sessions
from geo.access.auth import SYSTEM
from geo.access.users import create_user
from geo.api.routes import RateLimiter
from geo.db import make_engine
from geo.flows import queries as fq
from geo.overview import figures as ov
from geo.posts.queries import posts_frame
from geo.upgrades.records import components_frame
from geo.workshops import queries as wq

pytestmark = pytest.mark.browser  # the session's app server (tests/conftest.py app_url) serves the interface


def get(url: str, token: str | None = None) -> tuple[int, dict | str, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body, status, kind = response.read().decode(), response.status, response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        body, status, kind = error.read().decode(), error.code, error.headers["Content-Type"]
    return status, (json.loads(body) if "json" in kind else body), kind


@pytest.fixture(scope="module")
def engine(app_db_url: str):
    engine = make_engine(app_db_url)
    yield engine
    engine.dispose()


def test_gdal_reads_every_collection(app_url: str, engine) -> None:
    source = f"OAPIF:{app_url}/api/v1"
    assert {name for name, _ in pyogrio.list_layers(source)} == {"posts", "workshops", "components"}
    posts = gpd.read_file(source, layer="posts")
    stored = posts_frame(engine).set_index("code")
    assert sorted(posts["code"]) == sorted(stored.index)  # every post, the programme's among them
    for row in posts.itertuples():
        assert row.geometry.x == pytest.approx(stored.at[row.code, "lon"], abs=1e-6)
        assert row.geometry.y == pytest.approx(stored.at[row.code, "lat"], abs=1e-6)
        assert row.status == stored.at[row.code, "status"] and row.country_iso3 == stored.at[row.code, "country_iso3"]
    components = gpd.read_file(source, layer="components")  # more than a page: GDAL follows the next links
    assert len(components) == len(components_frame(engine)) > 100
    span = wq.workshop_dates(engine)
    workshops = gpd.read_file(source, layer="workshops")
    assert sorted(workshops["code"]) == sorted(wq.workshops_frame(engine, *span)["code"])


def test_paging_bbox_and_single_features(app_url: str) -> None:
    base = f"{app_url}/api/v1/collections/components/items"
    status, first, kind = get(f"{base}?limit=50")
    assert status == 200 and kind.startswith("application/geo+json")
    seen, url, pages = [], f"{base}?limit=50", 0
    while url:
        _, page, _ = get(url)
        seen += [f["id"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        pages += 1
    assert len(seen) == len(set(seen)) == first["numberMatched"] and pages == -(-len(seen) // 50)
    # bbox: El Salvador's box holds Salvadoran posts and none of Nicaragua's.
    _, boxed, _ = get(f"{app_url}/api/v1/collections/posts/items?bbox=-90.2,13.1,-87.6,14.5&limit=1000")
    countries = {f["properties"]["country_iso3"] for f in boxed["features"]}
    assert "SLV" in countries and "NIC" not in countries
    for f in boxed["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -90.2 <= lon <= -87.6 and 13.1 <= lat <= 14.5
    status, one, _ = get(f"{app_url}/api/v1/collections/posts/items/GTM-TUM")
    assert status == 200 and one["properties"]["name"] == "Tecún Umán"


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/collections/nope", 404, "NotFound"),
    ("/collections/posts/items/NOPE-1", 404, "NotFound"),
    ("/collections/posts/items?limit=abc", 400, "InvalidParameterValue"),
    ("/collections/posts/items?limit=0", 400, "InvalidParameterValue"),
    ("/collections/posts/items?offset=-1", 400, "InvalidParameterValue"),
    ("/collections/posts/items?bbox=1,2,3", 400, "InvalidParameterValue"),
    ("/collections/posts/items?bbox=-90,15,-88,14", 400, "InvalidParameterValue"),
    ("/flows?from=2026-13", 400, "InvalidParameterValue"),
    ("/flows?from=1999-01", 400, "InvalidParameterValue"),
    ("/flows?country=ATLANTIS", 400, "InvalidParameterValue"),
    ("/flows?format=pdf", 400, "InvalidParameterValue"),
    ("/flows?exact=1", 403, "Forbidden"),
    ("/no/such/thing", 404, "NotFound"),
])
def test_errors_are_json_never_a_traceback(app_url: str, path: str, status: int, code: str) -> None:
    got, body, kind = get(f"{app_url}/api/v1{path}")
    assert (got, body["code"]) == (status, code) and kind.startswith("application/json")
    assert "Traceback" not in body["description"]


def test_flows_equal_the_pages_and_keep_minors_published(app_url: str, engine) -> None:
    status, body, _ = get(f"{app_url}/api/v1/flows?limit=5")
    assert status == 200
    overview = ov.overview_figures(engine, ov.default_period(engine))
    assert body["totals"]["total"] == overview.flows["total"]  # the overview's headline figure, same period
    period = ov.default_period(engine)
    assert body["period"] == {"from": periods.month_param(period.first), "to": periods.month_param(period.last)}
    filters = fq.FlowFilters(period.first, period.last, overview.countries)
    assert body["unaccompanied_minors"]["value"] == fq.minors(engine, filters)
    assert body["unaccompanied_minors"]["value"] % 5 == 0
    assert all("unaccompanied_minors" not in row for row in body["rows"])
    assert body["numberReturned"] == 5 and any(link["rel"] == "next" for link in body["links"])
    # The page's filters in the URL; CSV with HXL hashtags.
    status, gtm, _ = get(f"{app_url}/api/v1/flows?country=GTM&type=air&from=2026-09&to=2026-09&dir=entry")
    one = fq.FlowFilters(periods.parse_month("2026-09"), periods.parse_month("2026-09"), ("GTM",), ("air",), ("entry",))
    assert gtm["totals"] == fq.totals(engine, one) and gtm["unaccompanied_minors"]["value"] is None
    status, text, kind = get(f"{app_url}/api/v1/flows?country=GTM&from=2026-09&to=2026-09&format=csv&hxl=1")
    lines = text.splitlines()
    assert kind.startswith("text/csv") and lines[1].startswith("#date+month")
    assert sum(int(line.rsplit(",", 1)[1]) for line in lines[2:]) == fq.totals(
        engine, fq.FlowFilters(one.start, one.end, ("GTM",)))["total"]


def test_exact_minors_need_a_staff_token(app_url: str, engine) -> None:
    name = f"api-{uuid.uuid4().hex[:8]}"
    create_user(engine, SYSTEM, name, "editor", "a long enough password 1")
    token = sessions.issue(engine, name)
    status, body, _ = get(f"{app_url}/api/v1/flows?exact=1&country=GTM&from=2026-09&to=2026-09", token)
    month = periods.parse_month("2026-09")
    assert status == 200 and body["unaccompanied_minors"]["published"] is False
    assert body["unaccompanied_minors"]["value"] == fq.minors(engine, fq.FlowFilters(month, month, ("GTM",)),
                                                              exact=True)
    sessions.revoke(engine, token)
    status, body, _ = get(f"{app_url}/api/v1/flows?exact=1", token)
    assert status == 403  # a revoked token is no token


def test_the_request_budget() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=60, clock=lambda: now[0])
    assert all(limiter.take("a") == 0 for _ in range(60))
    assert limiter.take("a") > 0 and limiter.take("b") == 0  # one client's budget is not another's
    now[0] += 1.0  # a minute refills 60: a second, one
    assert limiter.take("a") == 0 and limiter.take("a") > 0


def test_datasets_say_where_each_figure_comes_from(app_url: str, engine) -> None:
    from geo import datasets

    status, body, _ = get(f"{app_url}/api/v1/datasets")
    assert status == 200 and body["datasets"] == datasets.as_json(datasets.freshness(engine))
    assert {"flows.GTM", "flows.NIC", "assistance", "upgrades", "workshops", "posts"} <= set(body["datasets"])
    assert body["datasets"]["flows.GTM"]["state"] in ("fresh", "due", "overdue")
    _, posts, _ = get(f"{app_url}/api/v1/collections/posts")
    assert posts["dataset"] == body["datasets"]["posts"]  # the collection carries its dataset's metadata
    _, flows, _ = get(f"{app_url}/api/v1/flows?limit=1")
    assert set(flows["dataset"]["by_country"]) == {"flows.GTM", "flows.SLV", "flows.HND", "flows.NIC"}


def test_a_database_that_cannot_be_reached_is_a_503_that_says_where() -> None:
    from tests.browser import free_port, running_app

    port = free_port()  # nothing listens there
    with running_app(f"postgresql+psycopg://ca4:secret-pw@127.0.0.1:{port}/border_gone") as url:
        status, body, kind = get(f"{url}/api/v1/collections")
    assert (status, body["code"]) == (503, "ServiceUnavailable") and kind.startswith("application/json")
    assert str(port) in body["description"] and "border_gone" in body["description"]
    assert "secret-pw" not in body["description"] and "Traceback" not in body["description"]

