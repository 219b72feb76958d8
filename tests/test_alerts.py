"""Early warning (issue 24): subscriptions, the run that mails each new alert once, SMTP delivery through a
real SMTP server in the test process (aiosmtpd, tests/smtp_server.py), the settings, and the rules.

One seeded database per module (a copy of the session's app database: 20,000 flow rows, enough for the
sample's surge at Agua Caliente, GTM-AGC, in the last complete month); tests that write take a copy of it.
The command line runs in-process (geo.cli.main)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from geo.access.auth import ANONYMOUS, SYSTEM, Actor, PermissionDenied
from geo.access.users import create_user
from geo.alerts import evaluate
from geo.alerts import run as alerts_run
from geo.alerts import subscriptions as subs
from geo.alerts.mail import Mailer
from geo.cli import main
from geo.config import MailSettings, SettingsError, mail_settings, public_url
from geo.db import make_engine
from geo.models import AlertDelivery, AlertSubscription
from geo.overview import highlight_text as words
from geo.overview import highlights as hl
from tests.smtp_server import Inbox, LocalSMTP, attachments, html_of, text_of
from tests.support import copy_sqlite

SURGE_POST = "GTM-AGC"  # geo/flows/generate.py: the sample's one true surge (Agua Caliente)
BASE = "http://monitor.test"


@pytest.fixture(scope="module")
def sample_url(app_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The module's own copy of the seeded sample (read-only tests use it as it is)."""
    return copy_sqlite(app_db_url, Path(tmp_path_factory.mktemp("alerts")) / "sample.sqlite")


@pytest.fixture
def db_url(sample_url: str, tmp_path: Path) -> str:
    """A copy to write to."""
    return copy_sqlite(sample_url, tmp_path / "alerts.sqlite")


@pytest.fixture
def smtp() -> Iterator[tuple[LocalSMTP, Inbox]]:
    inbox = Inbox()
    server = LocalSMTP(inbox)
    server.start()
    try:
        yield server, inbox
    finally:
        with contextlib.suppress(Exception):
            server.stop()


@pytest.fixture
def env(db_url: str, smtp, monkeypatch: pytest.MonkeyPatch) -> str:
    server, _ = smtp
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CA4_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CA4_SMTP_PORT", str(server.port))
    monkeypatch.setenv("CA4_SMTP_FROM", "CA4 Border Monitor <alerts@monitor.test>")
    monkeypatch.setenv("CA4_PUBLIC_URL", BASE + "/")
    for name in ("CA4_SMTP_USER", "CA4_SMTP_PASSWORD", "CA4_SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    return db_url


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors
            code = int(exit_.code)
    return code, out.getvalue(), err.getvalue()


def surge_item(engine: Engine) -> hl.Highlight:
    result = hl.find_highlights(engine, hl.default_month(engine))
    return next(i for i in result.items if i.kind == "flow_surge.post" and i.subject == SURGE_POST)


def pending(url: str) -> list[tuple[int, str, str | None]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(AlertDelivery.subscription_id, AlertDelivery.status, AlertDelivery.last_error)
                                .where(AlertDelivery.status != "sent")).all()
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------ done when
def test_highlights_and_surge_post_mailed_once_and_pending_mails_retried(env: str, smtp) -> None:
    """The issue's "done when": two subscriptions -> two mails (the highlights with the brief PDF); a second run
    delivers nothing; with the server stopped the run exits non-zero and says so, and the next run with the
    server back delivers the pending mails once."""
    server, inbox = smtp
    assert cli("alerts", "subscribe", "--email", "coord@example.org", "--highlights", "--lang", "en")[0] == 0
    code, out, _ = cli("alerts", "subscribe", "--email", "guate@example.org", "--post", SURGE_POST, "--lang", "es")
    assert code == 0 and "subscribed: #2" in out

    code, out, err = cli("alerts", "run")
    assert code == 0, err
    assert len(inbox.messages) == 2
    assert "sent 2 mail(s)" in out and "brief PDF attached" in out
    by_to = {m["To"]: m for m in inbox.messages}
    engine = make_engine(env)
    month = hl.default_month(engine)
    result = hl.find_highlights(engine, month)

    highlights_mail = by_to["coord@example.org"]
    assert highlights_mail["Subject"] == f"CA4 Border Monitor: {words.title(result, 'en')}"
    (kind, name, pdf), = attachments(highlights_mail)
    assert kind == "application/pdf" and name.endswith(".pdf") and pdf.startswith(b"%PDF")
    text = text_of(highlights_mail)
    # Exactly the highlights' sentences (returns and minors only as published, geo.disclosure), in order.
    positions = [text.index(sentence) for sentence in words.sentences(result, "en")]
    assert positions == sorted(positions) and len(positions) >= 3
    assert "python -m geo alerts unsubscribe 1" in text and f"{BASE}/alerts?lang=en" in text
    assert f"{BASE}/map?post={SURGE_POST}&lang=en" in text

    post_mail = by_to["guate@example.org"]
    surge = surge_item(engine)
    text, html = text_of(post_mail), html_of(post_mail)
    assert words.sentence(surge, "es") in text  # Spanish, the region's formats (1,234 and "octubre de 2026")
    assert f"Cruces: {surge.figures['count']:,}" in text
    assert f"{BASE}/map?post={SURGE_POST}&amp;lang=es" in html and "Agua Caliente" in html
    assert "python -m geo alerts unsubscribe 2" in text
    assert attachments(post_mail) == []
    assert "Monitor de Fronteras CA4" in post_mail["Subject"] and "Agua Caliente (Guatemala)" in post_mail["Subject"]

    # Run again: nothing new, nothing sent.
    code, out, _ = cli("alerts", "run")
    assert code == 0 and len(inbox.messages) == 2 and "sent 0 mail(s)" in out

    # Two more subscriptions; the mail server is down: the run fails loudly and keeps both pending.
    assert cli("alerts", "subscribe", "--email", "border@example.org", "--border", "HND-GTM")[0] == 0
    assert cli("alerts", "subscribe", "--email", "gt@example.org", "--country", "GTM", "--lang", "en")[0] == 0
    port = server.port
    server.stop()
    code, out, err = cli("alerts", "run")
    assert code == 1
    assert err.count("FAILED") == 2 and "Connection refused" in err and "retried next run" in err
    assert {(sid, status) for sid, status, _ in pending(env)} == {(3, "pending"), (4, "pending")}
    assert all("ConnectionRefusedError" in error for _, _, error in pending(env))
    assert len(inbox.messages) == 2

    # The server back (same port): the pending mails go, once.
    back = LocalSMTP(inbox, port=port)
    back.start()
    try:
        code, out, err = cli("alerts", "run")
        assert code == 0, err
        assert sorted(m["To"] for m in inbox.messages[2:]) == ["border@example.org", "gt@example.org"]
        assert pending(env) == []
        border_mail = next(m for m in inbox.messages if m["To"] == "border@example.org")
        assert words.sentence(surge, "es") in text_of(border_mail)
        code, out, _ = cli("alerts", "run")
        assert code == 0 and len(inbox.messages) == 4
    finally:
        back.stop()
    engine.dispose()


def test_a_refused_message_stays_pending(env: str, smtp) -> None:
    _, inbox = smtp
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--post", SURGE_POST)[0] == 0
    inbox.refuse = True
    code, _, err = cli("alerts", "run")
    assert code == 1 and "554" in err
    assert [status for _, status, _ in pending(env)] == ["pending"] * len(pending(env)) and pending(env)
    inbox.refuse = False
    assert cli("alerts", "run")[0] == 0 and len(inbox.messages) == 1 and pending(env) == []


def test_dry_run_prints_and_sends_and_records_nothing(env: str, smtp) -> None:
    _, inbox = smtp
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--post", SURGE_POST)[0] == 0
    code, out, _ = cli("alerts", "run", "--dry-run")
    assert code == 0 and "would send: #1 to a@example.org" in out and "dry run" in out
    assert inbox.messages == []
    engine = make_engine(env)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AlertDelivery)).scalar() == 0
    engine.dispose()


# warnings.catch_warnings (which the seasonal rule uses around all-NaN medians) is not thread-safe: with two
# runs in threads one run's filter can be restored while the other computes. Processes (cron) do not share it.
@pytest.mark.filterwarnings("ignore:All-NaN slice encountered:RuntimeWarning")
def test_two_runs_at_once_send_nothing_twice(env: str, smtp) -> None:
    """Two runs started together (as from two machines) on the same database: each mail goes once."""
    _, inbox = smtp
    engine = make_engine(env)
    subs.subscribe(engine, SYSTEM, "a@example.org", "post", SURGE_POST, lang="en")
    subs.subscribe(engine, SYSTEM, "b@example.org", "country", "GTM", lang="es")
    start = threading.Barrier(2)
    reports = []

    def one_run() -> None:
        own = make_engine(env)
        start.wait()
        reports.append(alerts_run.run(own, mail_settings(), public_url()))
        own.dispose()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(report.ok for report in reports) and len(reports) == 2
    assert sorted(m["To"] for m in inbox.messages) == ["a@example.org", "b@example.org"]
    assert sum(len(r.sent) for r in reports) == 2
    engine.dispose()


def test_record_and_claim_are_exclusive(migrated_engine: Engine) -> None:
    """On both backends: recording the same alert twice keeps one row; concurrent claims share nothing; a
    stale claim (a run that died) is taken over; a row is marked sent only under its own claim."""
    engine = migrated_engine
    with engine.begin() as conn:
        sid = conn.execute(insert(AlertSubscription).values(
            email="x@example.org", lang="en", topic="highlights", created_at=dt.datetime(2026, 12, 1),
            created_by="test").returning(AlertSubscription.id)).scalar_one()
    month = dt.date(2026, 10, 1)
    found = {sid: [evaluate.Alert(f"k{i}", "highlights", month, {"month": "2026-10"}) for i in range(40)]}
    clock = lambda: dt.datetime(2026, 12, 4, 10, 0)  # noqa: E731
    assert alerts_run.record(engine, found, clock) == 40
    assert alerts_run.record(engine, found, clock) == 0
    start = threading.Barrier(4)
    held: dict[str, list[int]] = {}

    def claim(token: str) -> None:
        start.wait()
        held[token] = [row.id for row in alerts_run.claim(engine, token, clock)]

    threads = [threading.Thread(target=claim, args=(f"run{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ids = [i for rows in held.values() for i in rows]
    assert len(ids) == 40 and len(set(ids)) == 40  # every row claimed once, by one run
    # A claim within the lease is respected; a stale one is taken over.
    assert alerts_run.claim(engine, "late", clock) == []
    later = lambda: clock() + alerts_run.CLAIM_LEASE + dt.timedelta(seconds=1)  # noqa: E731
    assert len(alerts_run.claim(engine, "rescuer", later)) == 40
    alerts_run._finish(engine, "run0", ids, clock, None)  # the dead run's token no longer holds them
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(AlertDelivery.status == "sent")).scalar() == 0
    alerts_run._finish(engine, "rescuer", ids, later, None)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(AlertDelivery.status == "sent")).scalar() == 40


# ------------------------------------------------------------------------------------------ the mails
def test_html_part_escapes_text_from_data(sample_url: str) -> None:
    engine = make_engine(sample_url)
    surge = surge_item(engine)
    hostile = "<img src=x onerror=alert(1)> & *Bold* [x](http://evil.test)"
    item = hl.Highlight(**{**surge.as_dict(), "figures": {**surge.figures, "name": hostile}})
    sub = subs.Subscription(7, "a@example.org", None, None, "en", "post", SURGE_POST, None, None,
                            dt.datetime(2026, 12, 1), "test", hostile)
    message = Mailer(engine, BASE).compose(sub, [{"highlight": json.loads(json.dumps(item.as_dict(), default=str))}])
    html, text = html_of(message), text_of(message)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt; &amp; *Bold*" in html
    assert hostile in text  # the plain part shows it as typed
    assert "\n" not in message["Subject"]
    engine.dispose()


def test_settings_are_validated_with_a_message_naming_the_variable(env: str, monkeypatch) -> None:
    assert mail_settings().port > 0 and public_url() == BASE
    for variable, value in (("CA4_SMTP_PORT", "70000"), ("CA4_SMTP_PORT", "abc"), ("CA4_SMTP_FROM", "nobody"),
                            ("CA4_SMTP_HOST", "smtp example"), ("CA4_SMTP_STARTTLS", "maybe"),
                            ("CA4_PUBLIC_URL", "ftp://monitor.test")):
        with monkeypatch.context() as patch:
            patch.setenv(variable, value)
            with pytest.raises(SettingsError) as error:
                mail_settings(), public_url()
            assert variable in error.value.message("en") and value in error.value.message("en")
            code, _, err = cli("alerts", "run")
            assert code == 2 and variable in err and "Traceback" not in err
    with monkeypatch.context() as patch:
        patch.setenv("CA4_SMTP_PASSWORD", "secret")
        with pytest.raises(SettingsError) as error:
            mail_settings()
        assert "CA4_SMTP_USER" in error.value.message("en") and "secret" not in error.value.message("en")
    with monkeypatch.context() as patch:
        patch.delenv("CA4_SMTP_HOST")
        assert mail_settings() is None
        code, _, err = cli("alerts", "run")
        assert code == 2 and "CA4_SMTP_HOST" in err
        assert cli("alerts", "run", "--dry-run")[0] == 0  # a dry run needs no mail server
    with monkeypatch.context() as patch:
        patch.setenv("CA4_SMTP_STARTTLS", "1")
        patch.delenv("CA4_SMTP_PORT")
        assert mail_settings().port == 587 and mail_settings().starttls


# ------------------------------------------------------------------------------------------ commands, roles
def test_command_line_exit_codes(env: str) -> None:
    assert cli("alerts", "subscribe", "--email", "a@example.org")[0] == 2  # no topic
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--highlights", "--post", "X")[0] == 2
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--highlights", "--week-above", "5")[0] == 2
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--post", "GTM-AGC", "--lang", "fr")[0] == 2
    code, _, err = cli("alerts", "subscribe", "--email", "a@example.org", "--post", "XXX-NOPE")
    assert code == 1 and "no post with code XXX-NOPE" in err
    assert cli("alerts", "subscribe", "--email", "not an address", "--highlights")[0] == 1
    assert cli("alerts", "subscribe", "--email", "a@example.org\r\nBcc: x@y.z", "--highlights")[0] == 1
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--country", "MEX")[0] == 1
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--border", "GTM-NIC")[0] == 1  # no common border
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--highlights", "--user", "nobody")[0] == 1
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--post", "GTM-AGC", "--week-above", "-3")[0] == 1
    code, out, _ = cli("alerts", "subscribe", "--email", "a@example.org", "--border", "hnd-gtm")
    assert code == 0 and "#1" in out
    code, out, _ = cli("alerts", "subscribe", "--email", "a@example.org", "--border", "GTM-HND")
    assert code == 0 and "already subscribed: #1" in out
    code, out, _ = cli("alerts", "list")
    assert code == 0 and "#1\ta@example.org\t-\tborder\tGTM-HND" in out and "1 subscription(s)" in out
    assert cli("alerts", "unsubscribe", "1")[0] == 0
    assert cli("alerts", "unsubscribe", "1")[0] == 1
    assert cli("alerts", "unsubscribe", "one")[0] == 2


def test_who_may_subscribe_and_unsubscribe(db_url: str) -> None:
    engine = make_engine(db_url)
    for name, role in (("ana", "viewer"), ("ben", "viewer"), ("root", "admin")):
        create_user(engine, SYSTEM, name, role, "a long enough password 1")
    ana, ben, root = Actor("ana", "viewer"), Actor("ben", "viewer"), Actor("root", "admin")
    for nobody in (ANONYMOUS, None, Actor("ghost", "viewer")):  # signed out, or no such account
        with pytest.raises(PermissionDenied):
            subs.subscribe(engine, nobody, "a@example.org", "highlights")
    own, created = subs.subscribe(engine, ana, "ana@example.org", "post", SURGE_POST, lang="en")
    assert created and own.username == "ana" and own.target_name == "Agua Caliente"
    with pytest.raises(subs.SubscriptionError, match=r"alerts\.err\.others"):
        subs.subscribe(engine, ana, "ben@example.org", "highlights", user="ben")
    for_ben, _ = subs.subscribe(engine, root, "ben@example.org", "highlights", user="ben")
    assert [s.id for s in subs.subscriptions(engine, ben)] == [for_ben.id]
    assert len(subs.subscriptions(engine, root)) == 2
    with pytest.raises(subs.SubscriptionError, match=r"alerts\.err\.others"):
        subs.unsubscribe(engine, ana, for_ben.id)
    subs.unsubscribe(engine, ben, for_ben.id)
    subs.unsubscribe(engine, root, own.id)
    assert subs.subscriptions(engine) == []
    engine.dispose()


def test_alerts_since_the_last_visit(db_url: str) -> None:
    engine = make_engine(db_url)
    create_user(engine, SYSTEM, "ana", "viewer", "a long enough password 1")
    ana = Actor("ana", "viewer")
    subs.subscribe(engine, ana, "ana@example.org", "post", SURGE_POST, lang="en")
    t0 = dt.datetime(2026, 12, 4, 9, 0)
    assert subs.visit(engine, "ana", lambda: t0) is None  # a first visit
    _, found, _ = alerts_run.find(engine)
    alerts_run.record(engine, found, lambda: t0 + dt.timedelta(hours=1))
    since = subs.visit(engine, "ana", lambda: t0 + dt.timedelta(hours=2))
    assert since == t0
    new = subs.alerts_of(engine, "ana", since=since)
    assert "flow_surge.post" in set(new["kind"]) and set(new["status"]) == {"pending"}
    assert subs.alerts_of(engine, "ana", since=subs.visit(engine, "ana", lambda: t0 + dt.timedelta(hours=3))).empty
    assert subs.alerts_of(engine, "ben").empty
    engine.dispose()


# ------------------------------------------------------------------------------------------ evaluation
def test_subscriptions_get_the_highlights_findings_narrowed(sample_url: str) -> None:
    engine = make_engine(sample_url)
    month = hl.default_month(engine)
    ev = evaluate.Evaluation(engine, month)
    sub = lambda topic, target, rule=None, threshold=None: subs.Subscription(  # noqa: E731
        1, "a@example.org", None, None, "en", topic, target, rule, threshold, dt.datetime(2026, 12, 1), "t")
    post = evaluate.alerts_for(sub("post", SURGE_POST), ev)
    assert f"{month:%Y-%m}/flow_surge.post/{SURGE_POST}" in [a.key for a in post]
    for alert in post:  # only this post's part of a finding
        figures = alert.payload["highlight"]["figures"]
        assert all(c["post"] == SURGE_POST for c in figures.get("components", []))
        assert all(p["code"] == SURGE_POST for p in figures.get("new_posts", []) + figures.get("posts", []))
    assert not {a.kind for a in post} & {"flow_total", "minors", "returns", "where_next"}
    border = evaluate.alerts_for(sub("border", "GTM-HND"), ev)
    assert f"{month:%Y-%m}/flow_surge.post/{SURGE_POST}" in [a.key for a in border]
    country = evaluate.alerts_for(sub("country", "GTM"), ev)
    assert f"{month:%Y-%m}/flow_surge.post/{SURGE_POST}" in [a.key for a in country]
    assert not [a for a in evaluate.alerts_for(sub("country", "NIC"), ev) if a.kind == "flow_surge.post"]
    assert [a.key for a in evaluate.alerts_for(sub("highlights", None), ev)] == [f"{month:%Y-%m}/highlights"]
    # Threshold rules, on the highlights' own seasonal table and the flows' daily roll-up.
    change = evaluate.alerts_for(sub("post", SURGE_POST, "seasonal_change", 100.0), ev)
    assert len(change) == 1 and change[0].payload["change"] > 100
    assert evaluate.alerts_for(sub("post", SURGE_POST, "seasonal_change", -30.0), ev) == []
    weeks = evaluate.alerts_for(sub("post", SURGE_POST, "week_above", 0), ev)
    sundays = [dt.date.fromisoformat(a.payload["last"]) for a in weeks]
    assert 4 <= len(weeks) <= 5 and all(s.month == month.month and s.weekday() == 6 for s in sundays)
    assert evaluate.alerts_for(sub("post", SURGE_POST, "week_below", 0), ev) == []
    engine.dispose()


def test_a_run_evaluates_the_last_complete_month_with_data(db_url: str, smtp) -> None:
    """Before the surge's month is complete (a run on its first day) the run evaluates the month before and
    finds no surge; the next run, once the month is complete with its data, finds and mails it."""
    server, inbox = smtp
    engine = make_engine(db_url)
    subs.subscribe(engine, SYSTEM, "a@example.org", "post", SURGE_POST, lang="en")
    mail = MailSettings("127.0.0.1", server.port, "alerts@monitor.test", None)
    month = hl.default_month(engine)
    report = alerts_run.run(engine, mail, BASE, today=month)  # the month not complete yet: the month before
    assert report.ok and report.month < month
    before = [json.loads(p) for (p,) in engine.connect().execute(select(AlertDelivery.payload))]
    assert not [p for p in before if p.get("highlight", {}).get("kind") == "flow_surge.post"]
    report = alerts_run.run(engine, mail, BASE)
    assert report.ok and report.month == month
    assert any("Surge at Agua Caliente" in text_of(m) for m in inbox.messages)
    engine.dispose()



# ------------------------------------------------------------------------------------------ pages (AppTest)
def test_the_alerts_page_and_the_post_profile(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from geo.i18n import t

    repo = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("DATABASE_URL", db_url)
    engine = make_engine(db_url)
    create_user(engine, SYSTEM, "ana", "viewer", "a long enough password 1")
    ana = Actor("ana", "viewer")
    subs.subscribe(engine, ana, "ana@example.org", "post", SURGE_POST, lang="en")
    alerts_run.record(engine, alerts_run.find(engine)[1], lambda: dt.datetime(2026, 12, 4, 9, 0))

    def page(path: str, actor: Actor | None, **query: str) -> AppTest:
        at = AppTest.from_file(str(repo / path), default_timeout=90)
        at.query_params.update({"lang": "en", **query})
        if actor is not None:
            at.session_state["actor"] = actor
        return at.run()

    signed_out = page("screens/alerts.py", None)
    assert not signed_out.exception and [i.value for i in signed_out.info] == [t("alerts.signin", "en")]
    at = page("screens/alerts.py", ana)
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(m.value for m in at.markdown)
    assert "Surge at Agua Caliente \\(Guatemala\\)" in shown or "Surge at Agua Caliente (Guatemala)" in shown
    assert "(./map?post=GTM-AGC&lang=en)" in shown
    profile = page("screens/map.py", ana, post=SURGE_POST)
    assert not profile.exception, [e.value for e in profile.exception]
    assert [e.label for e in profile.expander if e.label == t("alerts.subscribe.post", "en")]
    assert "ana@example.org" in [w.value for w in profile.text_input]  # the last address used, filled in
    overview = page("screens/overview.py", ana)  # the highlights offer their monthly mail
    assert not overview.exception, [e.value for e in overview.exception]
    assert [e for e in overview.expander if e.label == t("alerts.subscribe.highlights", "en")]
    next(b for b in at.button if b.label == "Unsubscribe").click().run()
    assert not at.exception and subs.subscriptions(engine) == []

    engine.dispose()


def test_an_import_of_new_flow_data_brings_its_alerts_on_the_next_run(env: str, smtp, tmp_path: Path) -> None:
    """Agua Caliente's rows of the surge's month taken out (as before the office sent them): a run finds no
    surge there. The same rows imported as a file (`python -m geo import flows`): the next run mails it."""
    from sqlalchemy import delete

    from geo.flows.load import refresh_monthly
    from geo.io.exports import export_bytes
    from geo.models import FlowCount, Post

    _, inbox = smtp
    engine = make_engine(env)
    month = hl.default_month(engine)
    lines = export_bytes(engine, "flows", "csv", exact=True).decode("utf-8-sig").splitlines()
    rows = [line for line in lines[1:] if line.startswith(f"{month:%Y-%m}-") and f",{SURGE_POST}," in line]
    assert rows
    (tmp_path / "agua_caliente.csv").write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    with engine.begin() as conn:
        post_id = conn.execute(select(Post.id).where(Post.code == SURGE_POST)).scalar_one()
        conn.execute(delete(FlowCount).where(FlowCount.post_id == post_id, FlowCount.month == month))
        refresh_monthly(conn, [month])
    assert cli("alerts", "subscribe", "--email", "a@example.org", "--post", SURGE_POST, "--lang", "en")[0] == 0
    assert cli("alerts", "run")[0] == 0
    assert not any("Surge at Agua Caliente" in text_of(m) for m in inbox.messages)

    code, out, err = cli("import", "flows", str(tmp_path / "agua_caliente.csv"))
    assert code == 0, out + err
    code, out, _ = cli("alerts", "run")
    assert code == 0 and "sent 1 mail(s)" in out
    assert "Surge at Agua Caliente (Guatemala)" in text_of(inbox.messages[-1])
    engine.dispose()


def test_the_alerts_page_form_subscribes_and_lists_it(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", db_url)
    engine = make_engine(db_url)
    create_user(engine, SYSTEM, "ana", "viewer", "a long enough password 1")
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "screens/alerts.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.session_state["actor"] = Actor("ana", "viewer")
    at.run()
    at.segmented_control(key="alerts_topic").set_value("country").run()
    at.selectbox(key="alerts_target_country").set_value("HND")
    at.text_input(key="alerts_email_page").input("ana@example.org")
    next(b for b in at.button if b.label == "Subscribe").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] and "alerts for Honduras" in at.success[0].value
    listed = [m.value.replace("\u2060", "").replace("\\", "") for m in at.markdown]
    assert any("#1 · alerts for Honduras → ana@example.org" in m for m in listed), listed  # listed at once
    assert [(s.topic, s.target, s.username) for s in subs.subscriptions(engine)] == [("country", "HND", "ana")]
    engine.dispose()


def test_a_typed_threshold_is_read_in_the_regions_style() -> None:
    """The form's threshold is text (12,000 as the region writes it), read by the import's rule; a text that is
    no number there is refused with a message naming the field and the text, before anything is written."""
    from geo.i18n import t

    assert subs._check_rule("post", "week_above", "12,000") == 12000.0
    assert subs._check_rule("post", "seasonal_change", "-30") == -30.0
    assert subs._check_rule("post", "seasonal_change", "40.5") == 40.5
    with pytest.raises(subs.SubscriptionError) as refused:
        subs._check_rule("post", "week_above", "12.000,5")
    assert refused.value.key == "alerts.err.threshold_text"
    assert t(refused.value.key, "es", **refused.value.params).startswith("Umbral: «12.000,5»")
    with pytest.raises(subs.SubscriptionError):
        subs._check_rule("post", "week_above", "12,000.5")  # a week's crossings are whole
