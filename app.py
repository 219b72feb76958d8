"""CA4 Border Monitor: entry point (page config, navigation, language, first-start bootstrap)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import ui
from geo.i18n import t

ROOT = Path(__file__).resolve().parent

# A local icon: a ":material/...:" page icon makes the browser fetch the favicon from a font CDN.
st.set_page_config(page_title="CA4 Border Monitor", page_icon=str(ROOT / "assets" / "icon.png"), layout="wide")

lang = ui.lang()
ui.check_settings()  # an unusable setting: its message, not a traceback

with st.spinner(t("app.first_start", lang)):
    try:
        ui.engine()
    except Exception as error:
        st.error(t("app.db_error", lang, error=type(error).__name__))
        st.stop()

# (file, title key, icon, url path). The first page present is the home page.
PAGES = (
    ("pages/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ("pages/map.py", "nav.map", ":material/map:", "map"),
    ("pages/flows.py", "nav.flows", ":material/swap_horiz:", "flows"),
    ("pages/infrastructure.py", "nav.infrastructure", ":material/construction:", "infrastructure"),
    ("pages/workshops.py", "nav.workshops", ":material/school:", "workshops"),
    ("pages/projects.py", "nav.projects", ":material/folder_open:", "projects"),
    ("pages/data.py", "nav.data", ":material/upload_file:", "data"),
    ("pages/audit.py", "nav.audit", ":material/history:", "audit"),
    ("pages/admin.py", "nav.admin", ":material/admin_panel_settings:", "admin"),
)
# Presentation mode (?present=1): the slides page alone, with no sidebar, menus or navigation
# (when sign-in is required, only after signing in).
if ui.present_mode() and not ui.sign_in_required():
    st.session_state[ui.THROUGH_APP] = True  # no sidebar in presentation mode, by design
    st.navigation([st.Page("pages/present.py", title=t("ov.present", lang), url_path="present", default=True)],
                  position="hidden").run()
    st.stop()

present = [p for p in PAGES if (ROOT / p[0]).exists()]
pages = [
    st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=(i == 0))
    for i, (path, key, icon, url) in enumerate(present)
]

ui.shell_sidebar(lang)

# Navigation is always declared (so Streamlit never falls back to serving pages/ directly); with
# CA4_REQUIRE_LOGIN=1 no page runs until someone signs in.
locked = ui.sign_in_required()
navigation = st.navigation(pages, position="hidden" if locked else "sidebar")
if locked:
    st.info(t("signin.required", lang), icon=":material/lock:")
    st.stop()
st.session_state[ui.THROUGH_APP] = True  # the page's guard knows app.py drew the sidebar this run
navigation.run()
