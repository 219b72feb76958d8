"""CA4 Border Monitor: entry point (page config, navigation, language, first-start bootstrap).

`streamlit run app.py` imports this file to find `app` (an st.App): the read-only HTTP interface
(geo/api/routes.py, OGC API - Features at /api/v1) is mounted beside the app on the same server, and each
browser session runs this file as a script (`main`)."""

from __future__ import annotations

import streamlit as st

import ui
from geo.i18n import t


def main() -> None:
    ui.page_config()

    lang = ui.lang()
    ui.check_settings()  # an unusable setting: its message, not a traceback

    ui.database_or_stop(lang)  # unusable: one message naming host, port, database; retried by itself

    # Presentation mode (?present=1): the slides page alone, with no sidebar, menus or navigation
    # (when sign-in is required, only after signing in).
    if ui.present_mode() and not ui.sign_in_required():
        st.session_state[ui.THROUGH_APP] = True  # no sidebar in presentation mode, by design
        ui.run_page(ui.navigation(lang), lang)
        st.stop()

    ui.shell_sidebar(lang)

    # Navigation is always declared (every request, a fresh server's first one too, comes here); with
    # CA4_REQUIRE_LOGIN=1 no page runs until someone signs in.
    locked = ui.sign_in_required()
    navigation = ui.navigation(lang)
    if locked:
        st.info(t("signin.required", lang), icon=":material/lock:")
        st.stop()
    st.session_state[ui.THROUGH_APP] = True  # the page's guard knows app.py drew the sidebar this run
    ui.run_page(navigation, lang)


if __name__ == "__main__":
    main()
else:
    from geo.api.routes import api_routes

    app = st.App("app.py", routes=api_routes())
