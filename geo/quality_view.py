"""The data-quality panel's tables as a reader sees them: names instead of codes, the source said in words,
dates and counts in the page's language. Built from the frames of geo.quality; the page only draws them."""

from __future__ import annotations

import pandas as pd

from geo.access.audit_view import Names, component_label, post_label
from geo.i18n import MISSING, fmt_count, fmt_date_short, fmt_datetime, fmt_number, t

# Sources written by the app itself (geo.db's first start, the seeded sample data), said in words.
_KNOWN_SOURCES = {"data/posts.csv": "quality.source.posts_file",
                  "geo/programme/catalogue.py": "quality.source.catalogue"}


def kind_label(kind: str, lang: str) -> str:
    return t(f"data.kind.{kind}", lang)


def source_label(source: object, seed: object, lang: str) -> str:
    """'Datos de muestra (semilla 2026)', 'Archivo importado: pasos.csv', never a bare 'sample'."""
    if source is None or (isinstance(source, float) and source != source) or source == "":
        return MISSING
    if source == "sample":
        if seed is None or (isinstance(seed, float) and seed != seed):
            return t("quality.source.sample_noseed", lang)
        return t("quality.source.sample", lang, seed=int(seed))  # type: ignore[call-overload]
    if source in _KNOWN_SOURCES:
        return t(_KNOWN_SOURCES[str(source)], lang)
    return t("quality.source.file", lang, name=str(source))


def last_updates_table(updates: pd.DataFrame, lang: str) -> pd.DataFrame:
    """geo.quality.last_updates: kind, when (or 'nunca'), where from."""
    return pd.DataFrame({
        t("quality.h_kind", lang): [kind_label(k, lang) for k in updates["kind"]],
        t("quality.h_updated", lang): [fmt_datetime(u, lang) if u is not None and u == u else t("quality.never", lang)
                                       for u in updates["updated_at"]],
        t("quality.h_source", lang): [source_label(s, seed, lang) for s, seed in
                                      zip(updates["source"], updates["seed"], strict=True)],
    })


def record_counts_table(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("quality.h_kind", lang): [kind_label(k, lang) for k in counts["kind"]],
        t("quality.h_real", lang): [fmt_number(v, lang) for v in counts["real"]],
        t("quality.h_sample", lang): [fmt_number(v, lang) for v in counts["sample"]],
    })


def location_problems_table(problems: pd.DataFrame, names: Names, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("quality.h_post", lang): [post_label(c, names, lang) for c in problems["code"]],
        t("quality.h_problem", lang): problems["problem"].tolist(),
    })


def overdue_title(overdue: pd.DataFrame, lang: str) -> str:
    return fmt_count(len(overdue), "quality.overdue", lang)


def overdue_table(overdue: pd.DataFrame, names: Names, lang: str) -> pd.DataFrame:
    """geo.quality.overdue_components with post and component names ('Tecún Umán (Guatemala)')."""
    return pd.DataFrame({
        t("quality.h_post", lang): [post_label(c, names, lang) for c in overdue["post_code"]],
        t("quality.h_component", lang): [component_label(c, names, lang) for c in overdue["component_code"]],
        t("quality.h_status", lang): [t(f"status.{s}", lang) for s in overdue["status"]],
        t("quality.h_target", lang): [fmt_date_short(d, lang) for d in overdue["target_date"]],
        t("quality.h_days", lang): [fmt_count(int(d), "quality.days", lang) for d in overdue["days_overdue"]],
    })


def freshness_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """geo.datasets.freshness as a reader sees it: the dataset in words, its data as of, last load (when, what
    file, who, rows), the expected interval and its state."""
    from geo import reference

    def dataset(kind: str, country: object) -> str:
        name = kind_label(kind, lang)
        return name if not isinstance(country, str) else f"{name}: {reference.country_name(country, lang)}"

    def blank(value: object) -> bool:
        return value is None or (isinstance(value, float) and value != value)

    return pd.DataFrame({
        t("datasets.h_dataset", lang): [dataset(k, c) for k, c in zip(frame["kind"], frame["country"], strict=True)],
        t("datasets.h_as_of", lang): [MISSING if blank(d) else fmt_date_short(d, lang) for d in frame["data_as_of"]],
        t("datasets.h_loaded", lang): [MISSING if blank(d) else fmt_datetime(d, lang) for d in frame["loaded_at"]],
        t("quality.h_source", lang): [source_label(s, None, lang) if s != "sample" else t("datasets.sample", lang)
                                      for s in frame["source"]],
        t("datasets.h_by", lang): [MISSING if blank(u) else str(u) for u in frame["username"]],
        t("datasets.h_rows", lang): [MISSING if blank(r) else fmt_number(int(r), lang) for r in frame["rows"]],
        t("datasets.h_expected", lang): [t("datasets.every", lang, n=fmt_number(int(n), lang))
                                         for n in frame["expected_days"]],
        t("datasets.h_state", lang): [t(f"datasets.state.{s}", lang) for s in frame["state"]],
    })

