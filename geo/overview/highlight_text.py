"""The highlights in words (Spanish or English) and as text, Markdown or JSON for the CLI and the pages.

Every sentence comes from geo.i18n; numbers through its formatters. Names from data (posts, venues,
components) are plain text: `md_escape` makes them inert wherever Markdown is rendered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import quote

from babel import dates

from geo import disclosure, reference
from geo.i18n import babel_locale, fmt_number, fmt_percent, fmt_signed, has, t
from geo.i18n.names import display_name
from geo.map_text import crossing_name, name_with_country
from geo.overview.highlights import USUALLY_REPORTS, Highlight, Highlights
from geo.periods import parse_month
from geo.workshops.tables import pair_name

LIST_MAX = 3  # names listed in a sentence before "and N more"
FORMATS = ("text", "markdown", "json")


def fmt_month(month: dt.date, lang: str) -> str:
    """A month inside a sentence, as CLDR writes a year and month (skeleton yMMMM) for the region:
    'octubre de 2026' (es_GT), 'October 2026'. geo.i18n.fmt_month's 'octubre 2026' suits a column heading,
    not a sentence read aloud."""
    return dates.format_skeleton("yMMMM", month, locale=babel_locale(lang))


def _month(value: str, lang: str) -> str:
    month = parse_month(value)
    return fmt_month(month, lang) if month else value


def _country(iso3: str | None, lang: str) -> str:
    name = reference.country_name(iso3, lang)
    if name == iso3 and has(f"nationality.{iso3}"):
        return t(f"nationality.{iso3}", lang)
    return name


def post_country(code: str, lang: str) -> str:
    """The country a post's sentence names beside it (its code's first part, 'GTM-AGC' -> Guatemala): both sides
    of a crossing often share a name ('Agua Caliente'), and a reader knows countries, not codes."""
    iso3 = str(code).split("-", 1)[0]
    name = reference.country_name(iso3, lang)
    return name if name != iso3 else str(code)


def _post(post: dict, lang: str) -> str:
    return name_with_country(post["name"], post_country(post["code"], lang))


def _flow_post(f: dict, code: str, lang: str) -> str:
    """A surge's or drop's post by name and country; both sides of one crossing (highlights.one_place) by their
    shared name and both countries, 'Agua Caliente (Guatemala – Honduras)'."""
    if f.get("countries"):
        return crossing_name(f["name"], [_country(c, lang) for c in f["countries"]])
    return _post({"name": f["name"], "code": code}, lang)


def _count(value: int | str | None, lang: str) -> str:
    """A published count (geo.disclosure.public_value): 'sin datos' for no record, '<5' as it is."""
    if isinstance(value, str):
        return value
    return disclosure.text(value, lang)


def _vs(current: int, previous: int, month: str, lang: str) -> str:
    """'+12.3 % on September 2026', or 'no data for …' when there is nothing to compare with."""
    if not previous:
        return t("hl.vs.none", lang, month=_month(month, lang))
    change = (current - previous) / previous * 100.0
    pct = ("+" if change >= 0 else "") + fmt_percent(change, lang, 1)
    return t("hl.vs", lang, pct=pct, month=_month(month, lang))


def _listing(names: list[str], lang: str) -> str:
    if not names:
        return t("hl.none", lang)
    shown = ", ".join(names[:LIST_MAX])
    return shown if len(names) <= LIST_MAX else t("hl.more", lang, items=shown, n=len(names) - LIST_MAX)


def _plural(key: str, n: int) -> str:
    return f"{key}.one" if n == 1 else f"{key}.many"


def sentence(item: Highlight, lang: str) -> str:
    """One highlight in words."""
    f, c = item.figures, item.comparison
    month = _month(f.get("month", ""), lang) if "month" in f else ""
    if item.kind.startswith(("flow_surge", "flow_drop")):
        direction, dimension = item.kind.split(".")
        values = {
            "count": fmt_number(f["count"], lang), "month": month, "expected": fmt_number(f["expected"], lang),
            "ratio": fmt_number(f["ratio"], lang, 1), "pct": fmt_percent(100.0 * (1 - f["ratio"]), lang),
            "vs_prev": _vs(f["count"], c["previous"], c["previous_month"], lang),
            "vs_year": _vs(f["count"], c["year_ago"], c["year_ago_month"], lang),
        }
        if dimension == "post":
            return t(f"hl.{direction}.post", lang, name=_flow_post(f, item.subject, lang),
                     **values)
        what = {
            "country": lambda: t("hl.what.country", lang, country=_country(item.subject, lang)),
            "direction": lambda: t(f"hl.what.{item.subject}", lang),
            "nationality": lambda: t("hl.what.nationality", lang, country=_country(item.subject, lang)),
        }[dimension]()
        return t(f"hl.{direction}.group", lang, what=what, **values)
    if item.kind == "flow_total":
        return t("hl.flow_total", lang, count=fmt_number(f["count"], lang), month=month,
                 entry=fmt_number(f["entry"], lang), exit=fmt_number(f["exit"], lang),
                 vs_prev=_vs(f["count"], c["previous"], c["previous_month"], lang),
                 vs_year=_vs(f["count"], c["year_ago"], c["year_ago_month"], lang))
    if item.kind == "silent_posts":
        posts = [_post(p, lang) for p in f["posts"]]
        need, window = USUALLY_REPORTS
        return t(_plural("hl.silent_posts", len(posts)), lang, n=fmt_number(len(posts), lang),
                 posts=_listing(posts, lang), month=month, need=need, window=window)
    if item.kind == "mirror_gap":
        # The crossing by its two posts' names, never its code (GTM-SLV-02).
        return t("hl.mirror_gap", lang, crossing=f"{f['exit_name']} – {f['entry_name']}", month=month,
                 exit_post=_post({"name": f["exit_name"], "code": f["exit_post"]}, lang),
                 exits=fmt_number(f["exits"], lang),
                 destination=_country(f["destination"], lang),
                 entry_post=_post({"name": f["entry_name"], "code": f["entry_post"]}, lang),
                 entries=fmt_number(f["entries"], lang),
                 origin=_country(f["origin"], lang), ratio=fmt_number(f["ratio"], lang, 1))
    if item.kind == "minors":
        return t("hl.minors", lang, month=month, count=_count(f["count"], lang),
                 prev_month=_month(c["previous_month"], lang), prev=_count(c["previous"], lang),
                 year_month=_month(c["year_ago_month"], lang), year=_count(c["year_ago"], lang))
    if item.kind == "returns":
        categories = " · ".join(f"{t(f'returns.category.{k}', lang).lower()} {_count(v, lang)}"
                                for k, v in f["categories"].items())
        return t("hl.returns", lang, month=month, total=_count(f["total"], lang), categories=categories,
                 prev_month=_month(c["previous_month"], lang), prev=_count(c["previous"], lang))
    if item.kind.startswith("upgrade_"):
        names = [t("hl.at", lang, component=display_name("component_type", x["component"], lang, x),
                   post=_post({"name": x["post_name"], "code": x["post"]}, lang)) for x in f["components"]]
        return t(_plural(f"hl.{item.kind}", f["n"]), lang, n=fmt_number(f["n"], lang), month=month,
                 items=_listing(names, lang))
    if item.kind == "workshops":
        posts = [_post(p, lang) for p in f["new_posts"]]
        return t(_plural("hl.workshops", f["n"]), lang, n=fmt_number(f["n"], lang), month=month,
                 participants=fmt_number(f["participants"], lang), posts=_listing(posts, lang))
    if item.kind == "where_next":
        venue = t("hl.where_next.venue", lang, venue=f["venue"]) if f.get("venue") else ""
        posts = [_post(p, lang) for p in f["posts"]]
        return t("hl.where_next", lang, pair=pair_name(f["pair"], lang), n=fmt_number(f["uncovered"], lang),
                 posts=_listing(posts, lang), venue=venue)
    raise ValueError(f"unknown highlight kind {item.kind!r}")


# ------------------------------------------------------------------ a slide's short lines
SHORT_LIST_MAX = 1  # names on a slide's line before "and N more" (two long names overran a line)


def _short_listing(names: list[str], lang: str) -> str:
    shown = ", ".join(names[:SHORT_LIST_MAX])
    return shown if len(names) <= SHORT_LIST_MAX else t("hl.more", lang, items=shown, n=len(names) - SHORT_LIST_MAX)


def short_line(item: Highlight, lang: str) -> str:
    """One highlight as a slide shows it: a few words read from the back of a room, the post or group by its
    name (a post with its country, never its code), one figure and how it compares; the month is the slide's
    title and the method its footnote, so neither is repeated."""
    f, c = item.figures, item.comparison
    if item.kind.startswith(("flow_surge", "flow_drop")):
        direction, dimension = item.kind.split(".")
        if dimension == "post":
            what = _flow_post(f, item.subject, lang)
        elif dimension == "direction":
            what = t(f"slide.hl.what.{item.subject}", lang)
        else:
            what = t(f"slide.hl.what.{dimension}", lang, country=_country(item.subject, lang))
        return t(f"slide.hl.{direction}", lang, what=what, count=fmt_number(f["count"], lang),
                 ratio=fmt_number(f["ratio"], lang, 1), pct=fmt_percent(100.0 * (1 - f["ratio"]), lang))
    if item.kind == "flow_total":
        previous = c.get("previous")
        change = (fmt_signed(100.0 * (f["count"] - previous) / previous, lang, 1, "percent") if previous
                  else t("slide.hl.no_previous", lang))
        return t("slide.hl.flow_total", lang, count=fmt_number(f["count"], lang), change=change)
    if item.kind == "silent_posts":
        posts = [_post(p, lang) for p in f["posts"]]
        return t("slide.hl.silent_posts", lang, posts=_short_listing(posts, lang))
    if item.kind == "mirror_gap":
        return t("slide.hl.mirror_gap", lang, crossing=f"{f['exit_name']} – {f['entry_name']}",
                 ratio=fmt_number(f["ratio"], lang, 1))
    if item.kind in ("minors", "returns"):
        count = _count(f["count"] if item.kind == "minors" else f["total"], lang)  # published: geo.disclosure
        return t(f"slide.hl.{item.kind}", lang, count=count)
    if item.kind.startswith("upgrade_"):
        posts = list(dict.fromkeys(_post({"name": x["post_name"], "code": x["post"]}, lang) for x in f["components"]))
        return t(_plural(f"slide.hl.{item.kind}", f["n"]), lang, n=fmt_number(f["n"], lang),
                 posts=_short_listing(posts, lang))
    if item.kind == "workshops":
        return t(_plural("slide.hl.workshops", f["n"]), lang, n=fmt_number(f["n"], lang),
                 participants=fmt_number(f["participants"], lang))
    if item.kind == "where_next":
        return t("slide.hl.where_next", lang, pair=pair_name(f["pair"], lang), n=fmt_number(f["uncovered"], lang))
    raise ValueError(f"unknown highlight kind {item.kind!r}")


def short_lines(result: Highlights, lang: str, limit: int = 5, leave_out: tuple[str, ...] = ()) -> list[str]:
    """The slide's lines: the month's first `limit` highlights, short (short_line); `leave_out`: kinds the slide
    says elsewhere (its title states the month's total)."""
    return [short_line(item, lang) for item in result.shown(limit + len(leave_out))
            if item.kind not in leave_out][:limit]


def href(item: Highlight, lang: str) -> str:
    """The link of a highlight for the app (relative to its root), with the language."""
    path, _, query = item.link.lstrip("/").partition("?")
    params = [p.split("=", 1) for p in query.split("&") if p]
    params.append(["lang", lang])
    return "./" + path + "?" + "&".join(f"{k}={quote(v, safe=',-')}" for k, v in params)


# Emphasis, links, headings, tables, HTML, LaTeX ($), strikethrough, and ':' before a word (Streamlit's
# :icon: and :colour[...] directives). Plain punctuation (. - ( ) :) stays readable in the Markdown source.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$]|:(?=[\w/]))")


def md_escape(text: str) -> str:
    """Text from data made inert for a Markdown renderer (Streamlit's included): the characters that make
    markup backslash-escaped, so '<b>', '**x**' or '[x](y)' in a post name shows as typed."""
    # remark-gfm links http://, www. and a@b in text after parsing (a backslash cannot stop it): an invisible
    # word joiner (U+2060) after "http"/"www" and "@" does (as ui.plain).
    return re.sub(r"(?i)(https?(?=\\?:)|www(?=\\?\.)|@)", "\\1\u2060", _MD_SPECIAL.sub(r"\\\1", text))


def title(result: Highlights, lang: str) -> str:
    return t("hl.title", lang, month=fmt_month(result.month, lang))


def scope_line(result: Highlights, lang: str) -> str:
    return t("hl.scope", lang, countries=", ".join(reference.country_name(c, lang) for c in result.scope.ca4))


def sentences(result: Highlights, lang: str, limit: int | None = None) -> list[str]:
    items = result.shown(limit) if limit else result.shown()
    return [sentence(item, lang) for item in items]


def render(result: Highlights, lang: str, fmt: str = "text", limit: int | None = None) -> str:
    """The shown highlights as text (for a mail), Markdown, or JSON (each with its data and its words)."""
    items = result.shown(limit) if limit else result.shown()
    if fmt == "json":
        return json.dumps({
            "month": f"{result.month:%Y-%m}", "lang": lang, "scope": list(result.scope.ca4),
            "title": title(result, lang),
            "highlights": [{**item.as_dict(), "text": sentence(item, lang)} for item in items],
        }, ensure_ascii=False, indent=2, default=_json_default)
    if fmt == "markdown":
        lines = [f"## {md_escape(title(result, lang))}", "", md_escape(scope_line(result, lang)), ""]
        lines += [f"{i}. {md_escape(sentence(item, lang))} ([{t('hl.see', lang)}]({href(item, lang)}))"
                  for i, item in enumerate(items, 1)]
        if not items:
            lines.append(md_escape(t("hl.nothing", lang, month=fmt_month(result.month, lang))))
        return "\n".join(lines) + "\n"
    if fmt != "text":
        raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    lines = [title(result, lang), scope_line(result, lang), ""]
    lines += [f"{i}. {sentence(item, lang)}\n   {href(item, lang)}" for i, item in enumerate(items, 1)]
    if not items:
        lines.append(t("hl.nothing", lang, month=fmt_month(result.month, lang)))
    return "\n".join(lines) + "\n"


def parse_text(output: str) -> list[str]:
    """The sentences of `render(..., 'text')`, in order (what a test compares with a page)."""
    return [re.sub(r"^\d+\. ", "", line) for line in output.splitlines() if re.match(r"^\d+\. ", line)]


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
