"""Alerts in headless Chromium (issue 24): a signed-in person subscribes from a post's profile on the map,
the hourly run mails the alert through a real SMTP server in the test process, and the alerts page lists it
as new since their last visit, with its link. Saves screenshots/alerts_1280.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.access.auth import SYSTEM
from geo.access.users import create_user
from geo.alerts.run import run
from geo.config import MailSettings
from geo.db import make_engine
from geo.overview import highlight_text as words
from geo.overview import highlights as hl
from tests.browser import SCREENSHOTS, running_app, wait_idle
from tests.smtp_server import Inbox, LocalSMTP, text_of
from tests.support import copy_sqlite

pytestmark = pytest.mark.browser

USER, PASSWORD = "vera", "a long enough password 1"
SURGE_POST = "GTM-AGC"  # the sample's surge (geo/flows/generate.py)


@pytest.fixture(scope="module")
def alerts_app(app_db_url: str, browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of its own on a copy of the seeded sample with one viewer account (subscriptions and alerts
    stay out of the session's shared database)."""
    db_url = copy_sqlite(app_db_url, Path(tmp_path_factory.mktemp("alerts_browser")) / "alerts.sqlite")
    engine = make_engine(db_url)
    create_user(engine, SYSTEM, USER, "viewer", PASSWORD)
    engine.dispose()
    with running_app(db_url) as url:
        yield url, db_url


def test_subscribe_from_a_post_profile_and_see_the_alert_after_a_run(browser, alerts_app) -> None:
    url, db_url = alerts_app
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.goto(f"{url}/map?lang=en&post={SURGE_POST}")
    page.locator("h1").first.wait_for(timeout=120_000)
    wait_idle(page, 120_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    # Signed out, the profile says how to subscribe instead of offering the form.
    page.get_by_text("Alerts for this post by e-mail: sign in to subscribe.").wait_for(timeout=60_000)
    sidebar.get_by_text("Sign in", exact=True).first.click()
    sidebar.get_by_label("User name", exact=True).fill(USER)
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text(f"Signed in: {USER}").wait_for(timeout=60_000)
    wait_idle(page)
    # The sign-in cookie is written by a component after the run: a new session (goto, reload) needs it.
    page.wait_for_function("document.cookie.includes('ca4_session=')", timeout=60_000)

    page.get_by_text("Alerts for this post by e-mail").click()
    page.get_by_label("E-mail address").fill("vera@example.org", timeout=60_000)
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_text("Subscribed (no. 1): alerts for post Agua Caliente (Guatemala)").wait_for(timeout=60_000)

    # A visit to the alerts page before the run: the subscription, nothing new yet.
    page.goto(f"{url}/alerts?lang=en")
    page.get_by_text("No new alerts.").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text("alerts for post Agua Caliente (Guatemala)").count() == 1

    # The hourly run (as cron would start it), delivering to a real SMTP server.
    inbox = Inbox()
    server = LocalSMTP(inbox)
    server.start()
    engine = make_engine(db_url)
    try:
        report = run(engine, MailSettings("127.0.0.1", server.port, "alerts@monitor.test", None), url)
        surge = next(i for i in hl.find_highlights(engine, report.month).items
                     if i.kind == "flow_surge.post" and i.subject == SURGE_POST)
    finally:
        server.stop()
        engine.dispose()
    assert report.ok and [m["To"] for m in inbox.messages] == ["vera@example.org"]
    assert words.sentence(surge, "en") in text_of(inbox.messages[0])

    # The next visit (a reload: a new session, signed in from the cookie) lists it, with its link.
    page.reload()
    page.get_by_text("New alerts since your last visit").wait_for(timeout=60_000)
    page.get_by_text("Surge at Agua Caliente (Guatemala)").first.wait_for(timeout=60_000)
    wait_idle(page)
    box = page.locator(".st-key-new_alerts_page")
    assert words.sentence(surge, "en").split(":")[0] in box.inner_text()
    assert "mailed" in box.inner_text() and "Your last visit" in box.inner_text()
    links = [link.get_attribute("href") or "" for link in box.get_by_role("link", name="See the data").all()]
    assert f"map?post={SURGE_POST}" in links[0]  # the surge first: a run's alerts in the highlights' order
    assert page.locator('[data-testid="stException"]').count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "alerts_1280.png"))
    context.close()
