"""What a figure counts, in one place: the programme's posts (the CA4 countries), or also the neighbours'
posts that the map shows as context (Mexico, Belize, Costa Rica).

Headline figures count the programme's posts unless a user chooses otherwise, on every page, slide, brief
and export; each says its scope and period in words (`scope_text`, `figure_caption`).
"""

from __future__ import annotations

from geo import reference
from geo.periods import Period

SCOPES = ("programme", "all")
DEFAULT_SCOPE = "programme"


def normalise_scope(value: str | None) -> str:
    return value if value in SCOPES else DEFAULT_SCOPE


def scope_countries(scope: str, chosen: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The post countries a figure counts: the chosen ones, else the scope's (() means every post)."""
    if chosen:
        return tuple(chosen)
    return reference.CA4 if normalise_scope(scope) == "programme" else ()


def programme_countries(chosen: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The programme's countries among `chosen`, else all of them: what the overview, its slides and brief and
    the highlights count. They report on the programme, so a neighbour in a link (?country=MEX) is dropped."""
    return tuple(c for c in chosen if c in reference.CA4) or scope_countries("programme")


def scope_text(scope: str, chosen: tuple[str, ...], lang: str) -> str:
    """The posts counted, in words."""
    from geo.i18n import t

    if chosen and set(chosen) != set(reference.CA4):  # all four chosen: the programme's posts, said so
        names = ", ".join(reference.country_name(c, lang) for c in chosen)
        return t("scope.countries", lang, countries=names)
    return t(f"scope.{normalise_scope(scope)}", lang)


def figure_caption(scope: str, chosen: tuple[str, ...], period: Period, lang: str) -> str:
    """"Crossings at the programme's posts (…), November 2025 – October 2026 (12 months)."""
    from geo.i18n import t

    return t("scope.caption", lang, scope=scope_text(scope, chosen, lang), period=period.label(lang))
