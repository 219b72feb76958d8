"""The slides always open, whatever navigation the server saw last (ui.navigation).

A presenter opening /present?present=1 after anyone had opened the app got a "Page not found" dialog over
the first slide: app.py's navigation had no page at /present (the slides were declared only in presentation
mode, as the default page, which answers at "/" alone).
"""

from __future__ import annotations

import pytest

from tests.browser import wait_idle

pytestmark = pytest.mark.browser

TITLES_ES = ["Resumen", "Mapa", "Flujos", "Infraestructura", "Talleres", "Proyectos y retornos", "Alertas",
             "Importar / exportar", "Auditoría", "Administración"]


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    return context, page


def _menu(page) -> list[str]:
    # Each link reads "<icon name>\n<title>" (the icon is a font ligature): the title is its last line.
    return [text.strip().splitlines()[-1] for text in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def test_the_slides_open_by_any_link_after_the_app_was_opened(browser, app_url: str) -> None:
    context, page = _open(browser, f"{app_url}/?lang=es")  # app.py declares its navigation
    assert _menu(page) == TITLES_ES  # the slides stay out of the menu
    context.close()
    # Each slide's title is its message with its figure (geo.overview.slides.slide_titles): the counter says which.
    for link, counter in ((f"{app_url}/present?present=1&lang=es&slide=3", "Diapositiva 3 de 7"),
                          (f"{app_url}/?present=1&lang=es&slide=2", "Diapositiva 2 de 7"),
                          (f"{app_url}/present?lang=es", "Diapositiva 1 de 7")):
        context, page = _open(browser, link)
        assert page.locator("h1").first.inner_text().strip(), link
        assert page.get_by_text(counter).count() == 1, link
        assert page.get_by_text("Page not found").count() == 0, link
        assert page.locator('[data-testid="stException"]').count() == 0, link
        context.close()
    # And a page after the slides: its menu is whole again, nothing "not found".
    context, page = _open(browser, f"{app_url}/map?lang=es")
    assert _menu(page) == TITLES_ES
    assert page.get_by_text("Page not found").count() == 0
    context.close()
