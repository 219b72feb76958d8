"""All month and period arithmetic, once: month starts, month steps, ranges, the previous period, and THE
default period every page, slide, brief and export opens on (the last 12 months with data).

Periods are whole months: a period from `first` to `last` runs from the first day of `first` to the last
day of `last`'s month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DEFAULT_MONTHS = 12


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after `month`'s (n may be negative)."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month from start to end inclusive, as first days (empty when end is before start)."""
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    return [add_months(month_start(start), i) for i in range(max(count, 0))]


def last_day(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def bucket_days(bucket: dt.date, grain: str, first_month: dt.date, last_month: dt.date) -> tuple[int, int]:
    """(days of the period the bucket covers, days in a whole bucket) for a day, a week starting on Monday
    or a month: a week cut by the period's first or last day counts only its days inside the period."""
    length = {"day": 1, "week": 7}.get(grain) or (last_day(bucket) - bucket).days + 1
    bucket_end = bucket + dt.timedelta(days=length - 1)
    inside = (min(bucket_end, last_day(last_month)) - max(bucket, first_month)).days + 1
    return max(inside, 0), length


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same number of months just before [start, end]."""
    length = len(months_between(start, end))
    return add_months(start, -length), add_months(start, -1)


@dataclass(frozen=True)
class Period:
    """Whole months: from the first day of `first` to the last day of `last`'s month."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.date:
        return month_start(self.first)

    @property
    def end(self) -> dt.date:
        return last_day(self.last)

    @property
    def months(self) -> int:
        return len(months_between(self.first, self.last))

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(*previous_period(self.start, month_start(self.last)))

    def label(self, lang: str) -> str:
        from geo.i18n import fmt_month, t

        if self.months == 1:
            return fmt_month(self.first, lang)
        return t("period.range", lang, first=fmt_month(self.first, lang), last=fmt_month(self.last, lang),
                 months=self.months)


    def words(self, lang: str) -> str:
        """The months by name: "septiembre–noviembre de 2026", "noviembre de 2025–enero de 2026",
        "noviembre de 2026" (for "the last 3 months", which never says which)."""
        from babel import dates

        from geo.i18n import babel_locale, t

        def name(month: dt.date) -> str:
            return dates.format_date(month, "LLLL", locale=babel_locale(lang))

        first, last = month_start(self.first), month_start(self.last)
        if first == last:
            return t("period.words.month", lang, month=name(last), year=last.year)
        if first.year == last.year:
            return t("period.words.months", lang, first=name(first), last=name(last), year=last.year)
        return t("period.words.years", lang, first=name(first), first_year=first.year, last=name(last),
                 last_year=last.year)


def today() -> dt.date:
    """Today in the region (CA4_TIMEZONE, default America/Guatemala), not the server's date: at 20:00 in
    Guatemala it is already tomorrow in UTC. Every rule that needs "today" (freshness, overdue, defaults,
    the brief's date) asks here."""
    from geo.config import local_timezone

    return dt.datetime.now(local_timezone()).date()


def default_period(months: list[dt.date], length: int = DEFAULT_MONTHS) -> Period:
    """THE default period: the last `length` of the months with data (`months`, ascending first days)."""
    if not months:
        now = month_start(today())
        return Period(now, now)
    return Period(months[max(0, len(months) - length)], months[-1])


def month_param(month: dt.date) -> str:
    """A month as a link writes it: 2026-10."""
    return f"{month.year:04d}-{month.month:02d}"


# A month as month_param writes it, ASCII digits only (int() alone would take "+2026", "٢٠٢٦" or "26").
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def parse_month(text: str | None) -> dt.date | None:
    """THE month parser of links, the command line and highlight figures: "2025-11" (surrounding spaces
    ignored) -> date(2025, 11, 1); None for anything else ("2025-1", "25-11", "2025-13", a stale or
    hand-edited URL), so each caller decides what a bad month means (a default, or exit 2)."""
    match = _MONTH.fullmatch(str(text or "").strip())
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:  # month 00 or 13-99, year 0000
        return None
