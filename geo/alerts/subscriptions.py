"""Subscriptions: an e-mail address following the monthly highlights, a post, a country or a border pair, or a
threshold rule on a post; who may manage which; and until when a person has seen their alerts in the app.

A signed-in person (any role: a viewer too, with an active account) subscribes for themselves; an admin (and the
command line, which acts as one) also for another user (`user`) or for an address with no account. A person
sees and ends their own subscriptions; an admin sees and ends all. Nobody signed out writes one
(PermissionDenied); other refusals are SubscriptionError (an i18n key and its values), never a half write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from geo import reference
from geo.access.audit import now as utc_now
from geo.access.auth import ANONYMOUS, Actor, PermissionDenied
from geo.i18n import languages
from geo.io.parsers import parse_typed
from geo.io.schema import Field
from geo.models import ALERT_RULES, ALERT_TOPICS, AlertDelivery, AlertSubscription, AlertVisit, Post, User

# One address, no display name, no spaces or line breaks (a header injection needs one): what a form can check.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
MAX_WEEK_THRESHOLD = 10_000_000  # crossings in a week at one post: far above any post of the region
MAX_CHANGE_PCT = 1000.0


class SubscriptionError(ValueError):
    """A subscription refused: `key` is the i18n text, `params` its values."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key} {params}")


@dataclass(frozen=True)
class Subscription:
    id: int
    email: str
    user_id: int | None
    username: str | None
    lang: str
    topic: str
    target: str | None
    rule: str | None
    threshold: float | None
    created_at: dt.datetime
    created_by: str
    target_name: str | None = None  # a followed post's name


def _user_id(conn, username: str | None) -> int | None:
    if not username:
        return None
    return conn.execute(select(User.id).where(User.username == username, User.active.is_(True))).scalar()


def border_posts(engine: Engine, pair: str) -> list[str]:
    """The land posts on the border between the two countries of `pair` ("GTM-HND"), both sides."""
    a, _, b = pair.partition("-")
    query = select(Post.code).where(((Post.country_iso3 == a) & (Post.neighbour_iso3 == b))
                                    | ((Post.country_iso3 == b) & (Post.neighbour_iso3 == a))).order_by(Post.code)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def normalise_target(engine: Engine, topic: str, target: str | None) -> str | None:
    """The stored form of a subscription's target, or SubscriptionError: an existing post code, a programme
    country (the highlights speak of the CA4's posts), or two neighbouring countries with a crossing between
    them, one of them a programme country, written in alphabetical order ("GTM-HND")."""
    if topic not in ALERT_TOPICS:
        raise SubscriptionError("alerts.err.topic", topic=topic)
    if topic == "highlights":
        return None
    value = (target or "").strip().upper()
    if topic == "post":
        with engine.connect() as conn:
            if conn.execute(select(Post.code).where(Post.code == value)).scalar() is None:
                raise SubscriptionError("alerts.err.post", value=value)
        return value
    if topic == "country":
        if value not in reference.CA4:
            raise SubscriptionError("alerts.err.country", value=value, countries=", ".join(reference.CA4))
        return value
    pair = value.split("-")
    if len(pair) != 2 or not set(pair) & set(reference.CA4) or pair[0] == pair[1]:
        raise SubscriptionError("alerts.err.border", value=value)
    value = "-".join(sorted(pair))
    if not border_posts(engine, value):
        raise SubscriptionError("alerts.err.border", value=value)
    return value


THRESHOLD_FIELD = Field("threshold", "number")  # crossings a week or a percentage, typed as the region writes it


def _check_rule(topic: str, rule: str | None, threshold: float | str | None) -> float | None:
    if isinstance(threshold, str):  # typed into the form: 12,000 or -30 or 40.5, read by the import's rule
        number, problem = parse_typed(threshold, THRESHOLD_FIELD)
        if problem is not None:
            raise SubscriptionError("alerts.err.threshold_text", value=problem[1].get("value", threshold))
        threshold = number
    if rule is None:
        if threshold is not None:
            raise SubscriptionError("alerts.err.rule")
        return None
    if topic != "post" or rule not in ALERT_RULES or threshold is None:
        raise SubscriptionError("alerts.err.rule")
    value = float(threshold)
    if rule in ("week_above", "week_below"):
        if not (0 <= value <= MAX_WEEK_THRESHOLD) or value != int(value):
            raise SubscriptionError("alerts.err.week_threshold", maximum=MAX_WEEK_THRESHOLD)
    elif not (value != 0 and abs(value) <= MAX_CHANGE_PCT):
        raise SubscriptionError("alerts.err.change_threshold", maximum=int(MAX_CHANGE_PCT))
    return value


def _signed_in(engine: Engine, actor: Actor | None, action: str) -> Actor:
    """The actor, if signed in with an active account (or an admin, as the command line is); else
    PermissionDenied: nobody signed out writes a subscription."""
    if actor is None or actor == ANONYMOUS:
        raise PermissionDenied(f"{actor.username if actor else 'nobody'} may not {action}: sign in first")
    if not actor.can("admin"):
        with engine.connect() as conn:
            if _user_id(conn, actor.username) is None:
                raise PermissionDenied(f"{actor.username} may not {action}: no active account of that name")
    return actor


def subscribe(engine: Engine, actor: Actor, email: str, topic: str, target: str | None = None, *,
              lang: str = "es", user: str | None = None, rule: str | None = None,
              threshold: float | None = None,
              clock: Callable[[], dt.datetime] = utc_now) -> tuple[Subscription, bool]:
    """Subscribe `email`; returns (the subscription, True) or, if the same one exists, (it, False).

    `user` names whose subscription it is (by default the actor's own account, if the actor has one); only an
    admin may subscribe for someone else."""
    actor = _signed_in(engine, actor, "subscribe")
    email = (email or "").strip()
    if len(email) > 254 or not EMAIL.match(email):
        raise SubscriptionError("alerts.err.email", value=email[:80])
    if lang not in languages():
        raise SubscriptionError("alerts.err.lang", value=lang, languages=", ".join(languages()))
    target = normalise_target(engine, topic, target)
    threshold = _check_rule(topic, rule, threshold)
    owner = user if user is not None else actor.username
    if owner != actor.username and not actor.can("admin"):
        raise SubscriptionError("alerts.err.others")
    with engine.begin() as conn:
        user_id = _user_id(conn, owner)
        if user is not None and user_id is None:
            raise SubscriptionError("alerts.err.user", value=user)
        same = select(AlertSubscription.id).where(
            AlertSubscription.email == email, AlertSubscription.topic == topic,
            AlertSubscription.target.is_(None) if target is None else AlertSubscription.target == target,
            AlertSubscription.rule.is_(None) if rule is None else AlertSubscription.rule == rule,
            AlertSubscription.threshold.is_(None) if threshold is None else AlertSubscription.threshold == threshold)
        existing = conn.execute(same).scalar()
        if existing is None:
            existing = conn.execute(insert(AlertSubscription).values(
                email=email, user_id=user_id, lang=lang, topic=topic, target=target, rule=rule,
                threshold=threshold, created_at=clock(), created_by=actor.username[:80],
            ).returning(AlertSubscription.id)).scalar_one()
            created = True
        else:
            created = False
    return get(engine, existing), created


def _query():
    return (select(AlertSubscription, User.username, Post.name)
            .outerjoin(User, User.id == AlertSubscription.user_id)
            .outerjoin(Post, (AlertSubscription.topic == "post") & (Post.code == AlertSubscription.target))
            .order_by(AlertSubscription.id))


def _row(sub: AlertSubscription, username: str | None, post_name: str | None) -> Subscription:
    return Subscription(sub.id, sub.email, sub.user_id, username, sub.lang, sub.topic, sub.target, sub.rule,
                        sub.threshold, sub.created_at, sub.created_by, post_name)


def get(engine: Engine, subscription_id: int) -> Subscription | None:
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        row = session.execute(_query().where(AlertSubscription.id == subscription_id)).first()
        return _row(*row) if row else None


def subscriptions(engine: Engine, owner: Actor | None = None) -> list[Subscription]:
    """Every subscription (owner None or an admin), or the owner's own (by their account: none for a visitor
    signed out). A read: nothing here needs a role."""
    from sqlalchemy.orm import Session

    query = _query()
    if owner is not None and not owner.can("admin"):
        query = query.where(User.username == owner.username)
    with Session(engine) as session:
        return [_row(*row) for row in session.execute(query).all()]


def unsubscribe(engine: Engine, actor: Actor, subscription_id: int) -> Subscription:
    """End a subscription (its own person's, or any for an admin); its recorded alerts go with it."""
    actor = _signed_in(engine, actor, "unsubscribe")
    sub = get(engine, subscription_id)
    if sub is None:
        raise SubscriptionError("alerts.err.unknown", id=subscription_id)
    if sub.username != actor.username and not actor.can("admin"):
        raise SubscriptionError("alerts.err.others")
    with engine.begin() as conn:
        conn.execute(delete(AlertDelivery).where(AlertDelivery.subscription_id == subscription_id))
        conn.execute(delete(AlertSubscription).where(AlertSubscription.id == subscription_id))
    return sub


def last_email(engine: Engine, username: str) -> str:
    """The address this person subscribed with last (to fill a form), or ""."""
    query = (select(AlertSubscription.email).join(User, User.id == AlertSubscription.user_id)
             .where(User.username == username).order_by(AlertSubscription.id.desc()).limit(1))
    with engine.connect() as conn:
        return conn.execute(query).scalar() or ""


# ------------------------------------------------------------------------------ the alerts a person sees
def visit(engine: Engine, username: str, clock: Callable[[], dt.datetime] = utc_now) -> dt.datetime | None:
    """Record a visit now; returns the previous one (None for a first visit). Call once per browser session."""
    now = clock()
    with engine.begin() as conn:
        user_id = _user_id(conn, username)
        if user_id is None:
            return None
        before = conn.execute(select(AlertVisit.seen_until).where(AlertVisit.user_id == user_id)).scalar()
        if before is None:
            conn.execute(insert(AlertVisit).values(user_id=user_id, seen_until=now))
        else:
            conn.execute(update(AlertVisit).where(AlertVisit.user_id == user_id).values(seen_until=now))
    return before


def alerts_of(engine: Engine, username: str, since: dt.datetime | None = None, limit: int = 20) -> pd.DataFrame:
    """The alerts found for this person's subscriptions (newest first), since `since` when given:
    id, subscription_id, topic, target, month, kind, payload (JSON), found_at, status, sent_at."""
    query = (select(AlertDelivery.id, AlertDelivery.subscription_id, AlertSubscription.topic,
                    AlertSubscription.target, AlertDelivery.month, AlertDelivery.kind, AlertDelivery.payload,
                    AlertDelivery.found_at, AlertDelivery.status, AlertDelivery.sent_at)
             .join(AlertSubscription, AlertSubscription.id == AlertDelivery.subscription_id)
             .join(User, User.id == AlertSubscription.user_id)
             .where(User.username == username)
             .order_by(AlertDelivery.found_at.desc(), AlertDelivery.id).limit(limit))
    if since is not None:
        query = query.where(AlertDelivery.found_at >= since)  # same second: shown again, never missed
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["id", "subscription_id", "topic", "target", "month", "kind", "payload",
                                       "found_at", "status", "sent_at"])
