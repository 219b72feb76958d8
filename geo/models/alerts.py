"""Early warning (geo.alerts, issue 24): subscriptions, deliveries and visits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import (
    Base,
    _in,
)

# ------------------------------------------------------------------ early warning (geo.alerts, issue 24)
ALERT_TOPICS = ("highlights", "post", "country", "border")  # what a subscription follows
ALERT_RULES = ("week_above", "week_below", "seasonal_change")  # a coordinator's threshold rule on a post
DELIVERY_STATES = ("pending", "sending", "sent")


class AlertSubscription(Base):
    """An e-mail address following the monthly highlights, a post, a country or a border pair (target:
    the post code, the ISO3, or "GTM-HND"); on a post, optionally a threshold rule instead of the findings."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (
        CheckConstraint(_in("topic", ALERT_TOPICS), name="topic"),
        CheckConstraint(f"rule IS NULL OR ({_in('rule', ALERT_RULES)})", name="rule"),
        CheckConstraint("(rule IS NULL AND threshold IS NULL) OR (rule IS NOT NULL AND threshold IS NOT NULL)",
                        name="rule_threshold"),
        CheckConstraint("(topic = 'highlights') = (target IS NULL)", name="target"),
        Index("ix_alert_subscriptions_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lang: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(12))
    target: Mapped[str | None] = mapped_column(String(16))
    rule: Mapped[str | None] = mapped_column(String(16))
    threshold: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class AlertDelivery(Base):
    """One alert for one subscription, recorded once (the unique key) before it is mailed: pending, then
    claimed by one run (sending, with its claim token and time), then sent once the mail server accepted it.
    A failed send puts it back to pending; a claim older than geo.alerts.run.CLAIM_LEASE is taken over."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "alert_key", name="uq_alert_deliveries_subscription_key"),
        CheckConstraint(_in("status", DELIVERY_STATES), name="status"),
        Index("ix_alert_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscriptions.id", ondelete="CASCADE"))
    alert_key: Mapped[str] = mapped_column(String(160))
    month: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # the finding as JSON (language-free), worded when shown
    found_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(8))
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AlertVisit(Base):
    """Until when a person has seen their alerts in the app ("since your last visit")."""

    __tablename__ = "alert_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_until: Mapped[dt.datetime] = mapped_column(DateTime)
