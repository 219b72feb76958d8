"""The entry script and the presentation mode run headless under AppTest, in both languages, with no
exception (every page in both languages: tests/test_translations.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "screens").glob("*.py") if not p.name.startswith("_"))
TIMEOUT = 60


def test_pages_are_listed() -> None:
    assert "screens/map.py" in PAGES


# Every page in both languages with no exception: test_translations.test_page_shows_no_string_of_the_other_language
# runs each (page, language) once and asserts that too, before reading its text (a page run is the costly part).


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
    # The first slide: the month's highlights (geo.overview.highlights), its title the month's total in words.
    from geo.db import make_engine
    from geo.overview import figures as ov
    from geo.overview import highlights as hl
    from geo.overview.slides import slide_titles

    engine = make_engine(app_env)
    period = ov.default_period(engine)
    result = hl.find_highlights(engine, hl.month_for_period(engine, period.last))
    title = slide_titles(ov.overview_figures(engine, period), result, lang)["highlights"]
    assert [t.value for t in at.title] == [title]
    engine.dispose()
    assert len(at.sidebar.children) == 0
    assert any(("muestra" if lang == "es" else "Sample data") in w.value for w in at.warning)
