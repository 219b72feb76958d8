"""`python -m geo alerts run`: every subscription evaluated, each new alert mailed exactly once.

1. Evaluate (geo.alerts.evaluate) the last complete month with flow data, for every subscription.
2. Record: one row per (subscription, alert key), status pending; the unique key makes a second run, or a
   run on another machine at the same moment, record nothing new (INSERT ... ON CONFLICT DO NOTHING).
3. Claim before sending: one UPDATE moves pending rows (and rows claimed longer than CLAIM_LEASE ago by a
   run that died) to "sending" under this run's own token; only the rows that carry the token afterwards are
   this run's. Two runs at once cannot both claim a row: PostgreSQL re-checks the WHERE on a row another
   transaction just changed, SQLite runs one write at a time.
4. Send one mail per subscription with its claimed alerts; mark them sent only once the mail server accepted
   the mail; on any failure put them back to pending (with the error): the next run retries them.

A run that dies between the server's acceptance and the mark leaves rows "sending": after CLAIM_LEASE a later
run sends them again. That window (milliseconds) is the only way a mail can go twice; nothing is ever marked
sent that the server did not accept. Hourly from cron is safe: a run with nothing new sends nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, and_, or_, select, update

from geo.access.audit import now as utc_now
from geo.alerts import evaluate
from geo.alerts.mail import Mailer, Outbox
from geo.alerts.subscriptions import Subscription, subscriptions
from geo.config import MailSettings
from geo.models import AlertDelivery

CLAIM_LEASE = dt.timedelta(minutes=30)  # a claim older than this belongs to a run that died


@dataclass(frozen=True)
class Outcome:
    """One mail of a run (or, in a dry run, one it would send): the subscription, its subject, how many alerts
    it carries, whether the brief PDF is attached, and the error when the mail server did not accept it."""

    subscription: Subscription
    subject: str
    alerts: int
    attachment: bool
    error: str | None = None


@dataclass
class RunReport:
    month: dt.date | None
    sent: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed


def _claim_token() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _insert_ignore(engine: Engine):
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(AlertDelivery)


def find(engine: Engine, today: dt.date | None = None) -> tuple[dt.date | None, dict[int, list[evaluate.Alert]],
                                                                  dict[int, Subscription]]:
    """The evaluated month, every subscription's alerts in it, and the subscriptions by id."""
    subs = {s.id: s for s in subscriptions(engine)}
    month = evaluate.default_month(engine, today)
    if month is None or not subs:
        return month, {}, subs
    ev = evaluate.Evaluation(engine, month)
    return month, {sid: evaluate.alerts_for(sub, ev) for sid, sub in subs.items()}, subs


def record(engine: Engine, found: dict[int, list[evaluate.Alert]], clock: Callable[[], dt.datetime]) -> int:
    """Record each alert once per subscription (pending); returns how many were new."""
    rows = [{"subscription_id": sid, "alert_key": a.key, "month": a.month, "kind": a.kind,
             "payload": json.dumps(a.payload, ensure_ascii=False, sort_keys=True, default=str),
             "found_at": clock(), "status": "pending", "attempts": 0}
            for sid, alerts in found.items() for a in alerts]
    if not rows:
        return 0
    # Rows already there return nothing (a batch's rowcount is not portable across drivers).
    statement = (_insert_ignore(engine).on_conflict_do_nothing(index_elements=["subscription_id", "alert_key"])
                 .returning(AlertDelivery.id))
    with engine.begin() as conn:
        return len(conn.execute(statement, rows).all())


def claim(engine: Engine, token: str, clock: Callable[[], dt.datetime]) -> list[AlertDelivery]:
    """Take every pending row (and every stale claim) for this run; returns the rows it now holds."""
    now = clock()
    with engine.begin() as conn:
        conn.execute(update(AlertDelivery).where(or_(
            AlertDelivery.status == "pending",
            and_(AlertDelivery.status == "sending", AlertDelivery.claimed_at < now - CLAIM_LEASE),
        )).values(status="sending", claimed_by=token, claimed_at=now))
        rows = conn.execute(select(AlertDelivery.id, AlertDelivery.subscription_id, AlertDelivery.payload)
                            .where(AlertDelivery.claimed_by == token, AlertDelivery.status == "sending")
                            .order_by(AlertDelivery.subscription_id, AlertDelivery.id)).all()
    return rows


def _finish(engine: Engine, token: str, ids: list[int], clock: Callable[[], dt.datetime],
            error: str | None) -> None:
    mine = and_(AlertDelivery.id.in_(ids), AlertDelivery.claimed_by == token, AlertDelivery.status == "sending")
    values = ({"status": "sent", "sent_at": clock(), "last_error": None} if error is None else
              {"status": "pending", "claimed_by": None, "claimed_at": None, "last_error": error[:500],
               "attempts": AlertDelivery.attempts + 1})
    with engine.begin() as conn:
        conn.execute(update(AlertDelivery).where(mine).values(**values))


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:500]


def run(engine: Engine, mail: MailSettings | None, base_url: str, *, dry_run: bool = False,
        clock: Callable[[], dt.datetime] = utc_now, today: dt.date | None = None,
        outbox: Callable[[MailSettings], Outbox] = Outbox) -> RunReport:
    """Evaluate, record, claim, send (see the module's docstring). A dry run writes and sends nothing: it
    reports the mails a run would send now (new alerts and those still pending)."""
    month, found, subs = find(engine, today)
    report = RunReport(month, dry_run=dry_run)
    mailer = Mailer(engine, base_url, sender=mail.sender if mail else "ca4-border-monitor@localhost")
    if dry_run:
        with engine.connect() as conn:
            done = set(conn.execute(select(AlertDelivery.subscription_id, AlertDelivery.alert_key)
                                    .where(AlertDelivery.status == "sent")).all())
            pending = conn.execute(select(AlertDelivery.subscription_id, AlertDelivery.alert_key,
                                          AlertDelivery.payload).where(AlertDelivery.status != "sent")).all()
        payloads: dict[int, dict[str, dict]] = {}
        for sid, key, payload in pending:
            payloads.setdefault(sid, {})[key] = json.loads(payload)
        for sid, alerts in found.items():
            for a in alerts:
                if (sid, a.key) not in done:
                    payloads.setdefault(sid, {})[a.key] = json.loads(json.dumps(a.payload, default=str))
        for sid, by_key in sorted(payloads.items()):
            message = mailer.compose(subs[sid], list(by_key.values()))
            report.sent.append(Outcome(subs[sid], str(message["Subject"]), len(by_key),
                                       message.is_multipart() and any(True for _ in message.iter_attachments())))
        return report
    if mail is None:
        from geo.config import SettingsError

        raise SettingsError("CA4_SMTP_HOST", "", "config.accepts.smtp_host")
    record(engine, found, clock)
    token = _claim_token()
    rows = claim(engine, token, clock)
    by_sub: dict[int, list] = {}
    for row in rows:
        by_sub.setdefault(row.subscription_id, []).append(row)
    box = outbox(mail)
    try:
        for sid, claimed in by_sub.items():
            ids = [r.id for r in claimed]
            sub = subs.get(sid)
            if sub is None:  # unsubscribed meanwhile: its rows went with it
                continue
            try:
                message = mailer.compose(sub, [json.loads(r.payload) for r in claimed])
            except Exception as error:  # a mail that cannot be written stays pending, and says why
                _finish(engine, token, ids, clock, _describe(error))
                report.failed.append(Outcome(sub, "", len(ids), False, _describe(error)))
                continue
            attached = any(True for _ in message.iter_attachments())
            try:
                box.send(message)
            except (smtplib.SMTPException, OSError) as error:
                _finish(engine, token, ids, clock, _describe(error))
                report.failed.append(Outcome(sub, str(message["Subject"]), len(ids), attached, _describe(error)))
                continue
            _finish(engine, token, ids, clock, None)
            report.sent.append(Outcome(sub, str(message["Subject"]), len(ids), attached))
    finally:
        box.close()
    return report
