"""Every page runs headless under AppTest, in both languages, with no exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "screens").glob("*.py") if not p.name.startswith("_"))
TIMEOUT = 60


def run_page(path: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(REPO / path), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_pages_are_listed() -> None:
    assert "screens/map.py" in PAGES


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(app_env: str, page: str, lang: str) -> None:
    at = run_page(page, lang=lang)
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_app_entry_runs_in_both_languages(app_env: str, lang: str) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # The overview is the home page.
    titles = {"es": "Resumen del programa", "en": "Programme overview"}
    assert [t.value for t in at.title] == [titles[lang]]
    # The sample-data notice is visible.
    assert any(("muestra" if lang == "es" else "Sample data") in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_presentation_mode_runs_the_slides_without_sidebar(app_env: str, lang: str) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update({"lang": lang, "present": "1"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # The first slide: the month's highlights (geo.overview.highlights).
    assert [t.value for t in at.title] == [{"es": "Lo más destacado del mes", "en": "Highlights of the month"}[lang]]
    assert len(at.sidebar.children) == 0
    assert any(("muestra" if lang == "es" else "Sample data") in w.value for w in at.warning)
