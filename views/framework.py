"""Streamlit's own words that no argument sets, in the page's language (the uploader's button and size line, an
empty date field's year), and the uploader's limit. ui.page_config draws them on every page."""

from __future__ import annotations

import math

import streamlit as st

from geo.charts import TOOLBAR_CSS
from geo.config import SettingsError, settings
from geo.i18n import t


def _css_text(text: str) -> str:
    """A catalog string as a CSS string literal (content: "..."): quotes, backslashes and line ends escaped."""
    return '"' + "".join(c if c.isalnum() or c in " .,;:·()%-/" else f"\\{ord(c):06x}" for c in text) + '"'


def upload_limit_mb() -> int:
    """The largest upload the uploader accepts, in whole MB: CA4_IMPORT_MAX_MB rounded up (the import itself
    checks the exact limit and says so)."""
    try:
        return max(1, math.ceil(settings().import_max_mb))
    except SettingsError:
        return 50


def framework_words(language: str) -> None:
    """Streamlit's own words that no argument sets, in the page's language: the file uploader's button and its
    size line (which said "200MB per file" against the app's CA4_IMPORT_MAX_MB), an empty date field's
    year placeholder ("aaaa" in Spanish), a multiselect's "Select all" and a filtered list's "No results".
    Streamlit 1.67 writes them in English in its frontend, so each is
    hidden and drawn again from the catalog by a style rule (texts from the catalog and settings, never from
    data). Selectboxes and multiselects get theirs through `placeholder=` (tests/test_framework_words.py)."""
    try:
        limit = f"{settings().import_max_mb:g}"
    except SettingsError:
        limit = "50"
    upload = _css_text(t("widget.upload", language))
    per_file = _css_text(t("widget.upload_limit", language, limit=limit))
    year = _css_text(t("widget.date_year", language))
    select_all = _css_text(t("widget.select_all", language))
    no_results = _css_text(t("widget.no_results", language))
    st.html(
        "<style>"
        "[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p{font-size:0}"
        f"[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p::after{{content:{upload};"
        "font-size:14px}"
        "[data-testid=stFileUploaderDropzoneInstructions] span{font-size:0}"
        "[data-testid=stFileUploaderDropzoneInstructions] div>span:last-child::after"
        f"{{content:{per_file};font-size:14px}}"
        "[data-testid=stDateInputField] span[data-type=year][data-placeholder=true]{font-size:0}"
        f"[data-testid=stDateInputField] span[data-type=year][data-placeholder=true]::after{{content:{year};"
        "font-size:14px}"
        # A multiselect's open list starts with 'Select all'; a list filtered to nothing says 'No results'.
        '[role=listbox] [data-key="__select_all__"] [data-item-hl]{font-size:0}'
        f'[role=listbox] [data-key="__select_all__"] [data-item-hl]::after{{content:{select_all};font-size:14px}}'
        "[role=listbox][data-empty=true] [role=option] span{font-size:0}"
        f"[role=listbox][data-empty=true] [role=option] span::after{{content:{no_results};font-size:14px}}"
        # A metric's change is one figure: '+5.5 %' never breaks before its '%' in a narrow card.
        "[data-testid=stMetricDelta] div,[data-testid=stMetricDelta] p{white-space:nowrap}"
        + TOOLBAR_CSS  # a chart's 'save as PNG' button in a band of its own, never over a title (geo.charts)
        + "</style>"
    )
