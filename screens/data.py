"""Import / export page: editors load files (dry run first, a report to download); anyone exports; the
data-quality panel shows what is stale, misplaced, overdue or sample."""

from __future__ import annotations

import streamlit as st

import ui
from geo import datasets, disclosure, kinds
from geo.access.audit_view import load_names
from geo.access.auth import PermissionDenied
from geo.api.routes import export_path
from geo.charts import chart_config
from geo.config import settings
from geo.flows import mirror, mirror_view
from geo.i18n import t
from geo.io.export_limits import TooLarge, export_checked, export_estimate, export_parts, parts_file_name
from geo.io.exports import MEDIA_TYPES, ZIP_MEDIA_TYPE, export_bytes, exportable_kinds, file_name
from geo.io.imports import import_data, progress_text
from geo.io.schema import FORMATS
from geo.kinds import KINDS
from geo.quality import last_updates, overdue_components, post_location_problems, record_counts
from geo.quality_view import (
    freshness_table,
    last_updates_table,
    location_problems_table,
    overdue_table,
    overdue_title,
    record_counts_table,
)
from geo.sample import sample_seed
from views import framework
from views.tables import table as show_table

ui.guard()


@ui.cached
def mirror_frames() -> tuple:
    """The posts and the mirror table of every crossing (geo.flows.mirror), read once per data version."""
    posts = mirror.read_posts(ui.engine())
    return posts, mirror.mirror_table(posts, mirror.read_monthly(ui.engine()))


lang = ui.lang()
engine = ui.engine()
actor = ui.current_actor()

st.title(t("data.title", lang))
ui.sample_notice(sample_seed(engine))


@ui.cached
def streamed_too_large(kind: str, fmt: str, hxl: bool, exact: bool) -> TooLarge | None:
    return export_estimate(ui.engine(), kind, fmt, hxl=hxl, exact=exact)


def kind_label(kind: str) -> str:
    return t(f"data.kind.{kind}", lang)


tab_import, tab_export, tab_quality = st.tabs(
    [t("data.tab.import", lang), t("data.tab.export", lang), t("data.tab.quality", lang)])

with tab_import:
    if not actor.can("editor"):
        st.info(t("data.viewer_no_import", lang), icon=":material/lock:")
    else:
        kind = st.selectbox(t("data.kind", lang), KINDS, format_func=kind_label, key="import_kind",
                            placeholder=t("widget.choose_one", lang))
        upload = st.file_uploader(
            t("data.upload", lang), type=["csv", "txt", "tsv", "xlsx", "geojson", "json", "gpkg"],
            help=t("data.upload_help", lang, limit=f"{settings().import_max_mb:g}"), key="import_file",
            max_upload_size=framework.upload_limit_mb(),  # the import's limit, not Streamlit's 200 MB
        )
        left, right = st.columns(2)
        dry = left.button(t("data.check", lang), disabled=upload is None, width="stretch")
        real = right.button(t("data.import", lang), type="primary", disabled=upload is None, width="stretch")
        if upload is not None and (dry or real):
            bar = st.progress(0.0, text=t("data.progress", lang))
            try:
                # The upload is handed over as a file (read as a stream); the bar follows each chunk.
                report = import_data(engine, actor, kind, upload, upload.name, dry_run=dry,
                                     progress=lambda step: bar.progress(step.fraction, text=progress_text(step, lang)))
            except PermissionDenied:
                report = None
                st.error(t("users.err.denied", lang))
            bar.empty()
            st.session_state["import_report"] = report
        report = st.session_state.get("import_report")
        if report is not None:
            for note in report.notes:  # what the reader chose, e.g. which sheet of a workbook it read
                st.caption(ui.plain(note.message(lang)))
            if report.ok:
                (st.info if report.dry_run else st.success)(ui.plain(report.summary(lang)))  # holds the file name
                for warning in report.warnings:  # saved, but worth a look (a crossing whose sides now disagree)
                    st.warning(ui.plain(warning.message(lang)), icon=":material/warning:")
                if report.ignored_columns:
                    st.caption(t("data.report.ignored", lang, columns=ui.plain(", ".join(report.ignored_columns))))
            else:
                st.error(t("data.report.rejected", lang, n=report.problem_count))
                show_table(report.problems_frame(lang), hide_index=True, width="stretch")
                st.download_button(t("data.download_report", lang), report.problems_csv(lang),
                                   file_name=f"{report.file}.report.csv", mime="text/csv")

with tab_export:
    st.caption(t("data.export_help", lang))
    if disclosure.can_see_exact(actor):
        st.warning(t("data.export_exact", lang))
    else:
        st.caption(t("data.export_public_returns", lang))
    left, middle, right = st.columns([2, 2, 2])
    export_kind = left.selectbox(t("data.kind", lang), exportable_kinds(actor), format_func=kind_label,
                                 key="export_kind", placeholder=t("widget.choose_one", lang))
    export_format = middle.selectbox(t("data.format", lang), FORMATS, format_func=lambda f: t(f"data.format.{f}", lang),
                                     key="export_format", placeholder=t("widget.choose_one", lang))
    hxl = right.checkbox(t("data.hxl", lang), value=False, disabled=export_format != "csv", key="export_hxl")
    wanted = (export_kind, export_format, hxl and export_format == "csv")
    exact = disclosure.can_see_exact(actor)  # staff get exact files (geo.disclosure), everyone else public ones
    # Millions of rows (flows): the app's own route writes the file as the browser downloads it (geo.io.streaming),
    # nothing is built in this session; the sign-in cookie makes a staff member's file the exact one.
    streamed = export_kind is not None and kinds.get(export_kind).export_chunks is not None
    if streamed:
        # A streamed file the import would refuse (the flows XLSX past 60 MB unpacked) says so first, from the
        # rows' count and a sample (geo.io.export_limits.export_estimate), and offers CSV or parts.
        too_large = streamed_too_large(*wanted, exact)
        if too_large is not None:
            st.warning(ui.plain(too_large.message(lang)), icon=":material/warning:")
            if export_format != "csv":
                st.link_button(t("data.export.as_csv", lang), export_path(export_kind, "csv", False),
                               icon=":material/download:")
            if st.button(t("data.export.in_parts", lang, parts=too_large.parts), key="export_streamed_parts"):
                st.session_state["export_parts"] = (wanted, export_parts(engine, *wanted[:2], hxl=wanted[2],
                                                                         exact=exact))
            parts = st.session_state.get("export_parts")
            if parts and parts[0] == wanted:
                name = parts_file_name(export_kind, export_format)
                st.download_button(t("data.download", lang, name=name), parts[1], file_name=name,
                                   mime=ZIP_MEDIA_TYPE, key="export_parts_download")
        st.link_button(t("data.export.streamed", lang, name=file_name(export_kind, export_format)),
                       export_path(*wanted), type="primary" if too_large is None else "secondary",
                       icon=":material/download:")
        st.caption(t("data.export.streamed_help", lang))
    if not streamed and st.button(t("data.prepare", lang), key="export_prepare"):
        # A file the import would refuse is not built: said, with CSV or parts offered (geo.io.exports).
        data, too_large = export_checked(engine, *wanted[:2], hxl=wanted[2], exact=exact)
        st.session_state["export_file"] = (wanted, data, file_name(export_kind, export_format),
                                           MEDIA_TYPES[export_format], too_large)
    prepared = st.session_state.get("export_file")
    if not streamed and prepared and prepared[0] == wanted:
        _, data, name, mime, too_large = prepared
        if too_large is not None:
            st.warning(ui.plain(too_large.message(lang)), icon=":material/warning:")
            offered = {"csv": t("data.export.as_csv", lang)} if export_format != "csv" else {}
            offered |= {"parts": t("data.export.in_parts", lang, parts=too_large.parts),
                        "anyway": t("data.export.anyway", lang)}
            choice = None
            for column, (option, label) in zip(st.columns(len(offered)), offered.items(), strict=True):
                if column.button(label, key=f"export_{option}", width="stretch"):
                    choice = option
            if choice == "csv":
                data, too_large = export_checked(engine, export_kind, "csv", hxl=False, exact=exact)
                name, mime = file_name(export_kind, "csv"), MEDIA_TYPES["csv"]
            elif choice == "parts":
                data, too_large = export_parts(engine, *wanted[:2], hxl=wanted[2], exact=exact), None
                name, mime = parts_file_name(export_kind, export_format), ZIP_MEDIA_TYPE
            elif choice == "anyway":
                data = export_bytes(engine, *wanted[:2], hxl=wanted[2], exact=exact)
            if choice is not None:
                st.session_state["export_file"] = (wanted, data, name, mime, too_large)
        if data is not None:
            st.download_button(t("data.download", lang, name=name), data, file_name=name, mime=mime,
                               type="primary", key="export_download")

with tab_quality:
    # Plain language (geo.quality_view): names, not codes; the source in words; dates in the locale.
    names = load_names(engine)
    st.subheader(t("datasets.title", lang))
    st.caption(t("datasets.caption", lang))
    show_table(freshness_table(datasets.freshness(engine), lang), hide_index=True, width="stretch")
    st.subheader(t("quality.last_update", lang))
    show_table(last_updates_table(last_updates(engine), lang), hide_index=True, width="stretch")
    st.subheader(t("quality.counts", lang))
    show_table(record_counts_table(record_counts(engine), lang), hide_index=True, width="stretch")
    st.subheader(t("quality.posts", lang))
    misplaced = post_location_problems(engine, lang)
    if misplaced.empty:
        st.success(t("quality.posts_ok", lang))
    else:
        show_table(location_problems_table(misplaced, names, lang), hide_index=True, width="stretch")
    overdue = overdue_components(engine)
    st.subheader(overdue_title(overdue, lang))
    if overdue.empty:
        st.success(t("quality.overdue_none", lang))
    else:
        show_table(overdue_table(overdue, names, lang), hide_index=True, width="stretch")
    # Mirror statistics (geo.flows.mirror: THE rule): both sides of each crossing, month by month.
    st.subheader(t("mirror.title", lang))
    st.caption(mirror_view.caption(lang))
    mirror_posts, mirrored = mirror_frames()
    if mirrored.empty:
        st.info(t("mirror.no_data", lang))
    else:
        if not mirrored["gap"].any():
            st.success(t("mirror.none", lang, n=mirrored["crossing"].nunique()))
        show_table(mirror_view.summary_table(mirrored, mirror_posts, lang), hide_index=True, width="stretch")
        ranked = list(dict.fromkeys(mirror_view.summary(mirrored)["crossing"]))  # gaps first
        chosen = st.selectbox(t("mirror.pick", lang), ranked, key="mirror_crossing",
                              format_func=lambda c: mirror.crossing_label(c, mirror_posts, with_code=False),
                              placeholder=t("widget.choose_one", lang))
        st.plotly_chart(mirror_view.crossing_chart(mirrored[mirrored["crossing"] == chosen],
                                                   mirror_view.post_names(mirror_posts, lang), lang),
                        width="stretch", key="mirror_chart", config=chart_config(lang))
