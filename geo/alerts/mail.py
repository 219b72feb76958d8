"""Alert mails: one per subscription and run, plain text plus HTML, in the subscriber's language and the
region's formats (geo.i18n), each alert with its sentence, its figures, the link to the view that proves it,
and how to unsubscribe; the monthly highlights with the one-page brief PDF attached (geo.overview.brief).

The sentences are the highlights' own (geo.overview.highlight_text): counts of vulnerable people in them are
already published values (geo.disclosure), never exact counts. In the HTML part every text is escaped (names
from data included), and links are escaped attribute values: nothing from data becomes markup.

Delivery is plain SMTP (smtplib) with the settings of geo.config.mail_settings: STARTTLS and a login when set.
"""

from __future__ import annotations

import html
import json
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import Engine

from geo import reference
from geo.alerts.subscriptions import Subscription
from geo.config import MailSettings
from geo.i18n import fmt_date, fmt_number, fmt_percent, t
from geo.map_text import name_with_country
from geo.overview import highlight_text as words
from geo.overview import highlights as hl
from geo.periods import Period, add_months, parse_month

SMTP_TIMEOUT_S = 20


@dataclass(frozen=True)
class Line:
    """One alert in a mail: its sentence, its figures (may be empty) and the absolute link to its view."""

    sentence: str
    figures: str
    link: str


@dataclass
class Mailer:
    """Composes the mails of one run (the highlights and briefs of a month are made once per language)."""

    engine: Engine
    base_url: str
    sender: str = "ca4-border-monitor@localhost"
    _highlights: dict[str, hl.Highlights] = field(default_factory=dict)
    _briefs: dict[tuple[str, str], bytes] = field(default_factory=dict)
    _seed: Any = "unknown"

    def highlights(self, month: str) -> hl.Highlights:
        if month not in self._highlights:
            self._highlights[month] = hl.find_highlights(self.engine, parse_month(month))
        return self._highlights[month]

    def seed(self) -> int | None:
        if self._seed == "unknown":
            from geo.sample import sample_seed

            self._seed = sample_seed(self.engine)
        return self._seed

    def brief_pdf(self, month: str, lang: str) -> bytes:
        """The overview's one-page brief of the 12 months to `month`, with that month's highlights."""
        if (month, lang) not in self._briefs:
            from geo.overview import brief
            from geo.overview.figures import overview_figures

            last = parse_month(month)
            figures = overview_figures(self.engine, Period(add_months(last, -11), last))
            spec = brief.overview_brief(figures, lang, self.seed(), self.highlights(month))
            self._briefs[(month, lang)] = brief.render(spec, "pdf")
        return self._briefs[(month, lang)]

    def url(self, relative: str) -> str:
        """An absolute link from a highlight's relative one ("./map?post=X&lang=en")."""
        return f"{self.base_url}/{relative.removeprefix('./').lstrip('/')}"

    # -------------------------------------------------------------------------------- the lines
    def lines(self, sub: Subscription, payloads: list[dict[str, Any]]) -> tuple[list[Line], str | None]:
        """The mail's alert lines, and the month whose highlights (and brief) it carries, if any."""
        lang = sub.lang
        out, highlights_month = [], None
        for payload in payloads:
            if "highlight" in payload:
                item = hl.Highlight(**payload["highlight"])
                out.append(Line(words.sentence(item, lang), figures_line(item, lang),
                                self.url(words.href(item, lang))))
            elif "rule" in payload:
                out.append(Line(rule_sentence(payload, lang), "", self.url(f"{payload['link']}&lang={lang}")))
            else:  # the monthly highlights: their shown sentences, each with its link
                highlights_month = payload["month"]
                result = self.highlights(highlights_month)
                out += [Line(words.sentence(item, lang), figures_line(item, lang), self.url(words.href(item, lang)))
                        for item in result.shown()]
        return out, highlights_month

    def compose(self, sub: Subscription, payloads: list[dict[str, Any]]) -> EmailMessage:
        """The mail for a subscription's new alerts: text and HTML, the brief PDF for the highlights."""
        lang = sub.lang
        lines, month = self.lines(sub, payloads)
        if month is not None:
            result = self.highlights(month)
            title = words.title(result, lang)
            intro = words.scope_line(result, lang)
            if not result.shown():
                intro += " " + t("hl.nothing", lang, month=words.fmt_month(result.month, lang))
        else:
            title = t("alerts.mail.title", lang, target=target_label(sub, lang))
            intro = t("alerts.mail.intro", lang, n=fmt_number(len(lines), lang))
        footer = [t("alerts.mail.why", lang, email=sub.email, what=topic_label(sub, lang)),
                  t("alerts.mail.unsubscribe", lang, url=f"{self.base_url}/alerts?lang={lang}", id=sub.id)]
        if self.seed() is not None:
            footer.append(t("app.sample_notice", lang, seed=self.seed()))
        see = t("hl.see", lang)

        message = EmailMessage()
        message["Subject"] = t("alerts.mail.subject", lang, title=title)
        message["From"] = self.sender
        message["To"] = sub.email
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip("> ") or None)
        text = [title, intro, ""]
        for i, line in enumerate(lines, 1):
            text.append(f"{i}. {line.sentence}")
            if line.figures:
                text.append(f"   {line.figures}")
            text.append(f"   {see}: {line.link}")
        text += ["", "-- ", *footer]
        message.set_content("\n".join(text) + "\n")
        e = html.escape
        items = "".join(
            f"<li><p>{e(line.sentence)}</p>" + (f"<p><small>{e(line.figures)}</small></p>" if line.figures else "")
            + f'<p><a href="{e(line.link, quote=True)}">{e(see)}</a></p></li>' for line in lines)
        body = (f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(title)}</title></head>'
                f"<body><h2>{e(title)}</h2><p>{e(intro)}</p><ol>{items}</ol><hr>"
                + "".join(f"<p><small>{e(part)}</small></p>" for part in footer) + "</body></html>")
        message.add_alternative(body, subtype="html")
        if month is not None:
            from geo.overview.brief import file_name

            message.add_attachment(self.brief_pdf(month, lang), maintype="application", subtype="pdf",
                                   filename=file_name("overview", lang, "pdf"))
        return message


# ------------------------------------------------------------------------------------ words
def topic_label(sub: Subscription, lang: str) -> str:
    """What a subscription follows, in words ("the monthly highlights", "post GTM-AGC", a rule ...)."""
    if sub.topic == "highlights":
        return t("alerts.topic.highlights", lang)
    label = t(f"alerts.topic.{sub.topic}", lang, target=target_label(sub, lang))
    if sub.rule is not None:
        threshold = (fmt_number(sub.threshold, lang) if sub.rule != "seasonal_change"
                     else signed_percent(sub.threshold, lang))
        label += " · " + t(f"alerts.rule.{sub.rule}.label", lang, threshold=threshold)
    return label


def target_label(sub: Subscription, lang: str) -> str:
    """The followed post ("Agua Caliente (Guatemala)", as the highlights name it), country or border, in words."""
    if sub.topic == "post":
        return name_with_country(sub.target_name or sub.target, words.post_country(sub.target, lang))
    if sub.topic == "country":
        return reference.country_name(sub.target, lang)
    if sub.topic == "border":
        a, _, b = sub.target.partition("-")
        return f"{reference.country_name(a, lang)} – {reference.country_name(b, lang)}"
    return sub.target or t("alerts.topic.highlights", lang)


def signed_percent(value: float, lang: str) -> str:
    return ("+" if value >= 0 else "") + fmt_percent(value, lang, 1)


def figures_line(item: hl.Highlight, lang: str) -> str:
    """The figures behind a surge or a drop (other findings carry theirs in the sentence)."""
    if not item.kind.startswith(("flow_surge", "flow_drop")):
        return ""
    f, c = item.figures, item.comparison
    return t("alerts.mail.figures", lang, count=fmt_number(f["count"], lang), expected=fmt_number(f["expected"], lang),
             previous_month=words.fmt_month(parse_month(c["previous_month"]), lang),
             previous=fmt_number(c["previous"], lang),
             year_month=words.fmt_month(parse_month(c["year_ago_month"]), lang), year=fmt_number(c["year_ago"], lang))


def rule_sentence(payload: dict[str, Any], lang: str) -> str:
    """A threshold rule's alert in words."""
    import datetime as dt

    rule = payload["rule"]
    values = {"name": payload["name"], "code": payload["code"], "count": fmt_number(payload["count"], lang)}
    if rule in ("week_above", "week_below"):
        return t(f"alerts.rule.{rule}", lang, **values, threshold=fmt_number(payload["threshold"], lang),
                 first=fmt_date(dt.date.fromisoformat(payload["first"]), lang),
                 last=fmt_date(dt.date.fromisoformat(payload["last"]), lang))
    return t("alerts.rule.seasonal_change", lang, **values, month=words.fmt_month(parse_month(payload["month"]), lang),
             expected=fmt_number(payload["expected"], lang), change=signed_percent(payload["change"], lang),
             threshold=signed_percent(payload["threshold"], lang))


def alert_sentence(payload_json: str, lang: str) -> tuple[str, str]:
    """A recorded alert (its payload) as (sentence, relative link) for the app."""
    payload = json.loads(payload_json)
    if "highlight" in payload:
        item = hl.Highlight(**payload["highlight"])
        return words.sentence(item, lang), words.href(item, lang)
    if "rule" in payload:
        return rule_sentence(payload, lang), f".{payload['link']}&lang={lang}"
    month = parse_month(payload["month"])
    return (t("hl.title", lang, month=words.fmt_month(month, lang)),
            f"./?lang={lang}&from={add_months(month, -11):%Y-%m}&to={month:%Y-%m}")


# ------------------------------------------------------------------------------------ SMTP
class Outbox:
    """Sends messages through one SMTP connection, opened on first use (closed by `close`). A message the
    server does not accept raises (smtplib.SMTPException or OSError): the caller keeps it pending."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT_S)
        try:
            if s.starttls:
                smtp.starttls()
            if s.user:
                smtp.login(s.user, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise
        if refused:  # some recipients refused: not delivered to them
            raise smtplib.SMTPRecipientsRefused(refused)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
