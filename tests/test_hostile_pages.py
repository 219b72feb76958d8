"""Pages never show a traceback, whatever the URL says: every query parameter a page reads is parsed
defensively (ui.query_int / ui.query_choice and the domain parsers). Signed out, as any visitor."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
HOSTILE = {
    "top": "²", "grain": "<script>", "from": "9999-99", "to": "２０２５-11", "cmp_from": "x", "cmp_to": "-1",
    "post": "![x](http://198.51.100.7/x.png)", "slide": "¹", "auto": "1e9", "country": "QQQ,,GTM", "lang": "en",
    "present": "²", "direction": "\u202e", "nationality": "QQQ", "sex": "%", "age": "[]", "tab": "9" * 40,
}
PAGES = ["flows", "map", "overview", "infrastructure", "workshops", "projects", "present", "data", "audit", "admin"]


@pytest.mark.parametrize("page", PAGES)
def test_hostile_url_parameters_never_show_a_traceback(app_env: str, page: str) -> None:
    path = REPO / "screens" / f"{page}.py"
    if not path.exists():
        pytest.skip(f"no screens/{page}.py")
    at = AppTest.from_file(str(path), default_timeout=120)
    for name, value in HOSTILE.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception][:1]


def test_the_reported_flows_link(app_env: str) -> None:
    """/flows?lang=en&top=%C2%B2 showed a traceback with server paths to a signed-out visitor."""
    at = AppTest.from_file(str(REPO / "screens" / "flows.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["top"] = "²"
    at.run()
    assert not at.exception
