"""A table wider than its space keeps every column in view (issue 27: the data page's freshness table cut 'Estado'
at 1280 px): geo.i18n.columns.fitted_widths narrows the widest columns, views.tables gives the widths to
st.dataframe. Pure functions; no browser."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.i18n.columns import CELL_PADDING_PX, CHAR_PX, MAIN_WIDTH_PX, MIN_TEXT_PX, fitted_widths, natural_widths
from views.tables import column_config


def freshness_like(origin: str = "Lista de puestos incluida en la aplicación") -> pd.DataFrame:
    """The data page's freshness table as it read at 1280 px (its columns, a long 'Origen')."""
    return pd.DataFrame({
        "Conjunto de datos": ["Flujos: El Salvador", "Puestos"], "Datos al": ["31/10/2026", "04/12/2026"],
        "Última carga": ["04/12/2026 20:41"] * 2, "Origen": ["datos de muestra", origin], "Por": ["system"] * 2,
        "Filas": ["20,000", "66"], "Se espera": ["cada 45 días", "cada 365 días"], "Estado": ["vigente"] * 2,
    })


def drawn(frame: pd.DataFrame, widths: dict[str, int]) -> dict[str, float]:
    return {name: widths.get(name, width) for name, width in natural_widths(frame).items()}


def test_a_wide_table_is_narrowed_to_its_space_the_widest_column_only() -> None:
    frame = freshness_like()
    assert sum(natural_widths(frame).values()) > MAIN_WIDTH_PX  # as seen: 'Estado' past the edge
    widths = fitted_widths(frame)
    assert list(widths) == ["Origen"]
    assert sum(drawn(frame, widths).values()) <= MAIN_WIDTH_PX
    assert widths["Origen"] >= MIN_TEXT_PX and widths["Origen"] >= len("Origen") * CHAR_PX + CELL_PADDING_PX


def test_a_table_that_fits_keeps_its_natural_widths() -> None:
    assert fitted_widths(freshness_like("GeoNames")) == {}


@pytest.mark.parametrize("available", [600.0, 700.0, 820.0, 1200.0])
def test_every_column_stays_in_view_and_no_header_is_cut(available: float) -> None:
    frame = freshness_like("una fuente con un nombre larguísimo " * 3)
    frame["Observaciones"] = ["x" * 90, "y"]
    widths = fitted_widths(frame, available)
    if widths:
        assert sum(drawn(frame, widths).values()) <= available + 1
        for name, width in widths.items():
            assert width >= len(name) * CHAR_PX + CELL_PADDING_PX - 1  # a header is never cut
        # The widest two were narrowed to one width; narrow columns kept theirs.
        assert {"Origen", "Observaciones"} <= set(widths) and "Por" not in widths
    else:  # it cannot fit: every column at its least (its header, MIN_TEXT_PX) is still wider than the space
        least = {name: min(width, max(len(name) * CHAR_PX + CELL_PADDING_PX, MIN_TEXT_PX))
                 for name, width in natural_widths(frame).items()}
        assert sum(least.values()) > available


def test_the_table_helper_passes_the_widths_or_pins_the_first_column() -> None:
    frame = freshness_like()
    config = column_config(frame)
    assert config["Origen"]["width"] == fitted_widths(frame)["Origen"]
    assert config["Filas"]["alignment"] == "right" and not config["Filas"]["width"]  # a figure keeps its width
    # Too narrow a space even with the long columns at their least: the name column stays, the rest scroll.
    phone = column_config(frame, available_px=300)
    assert phone["Conjunto de datos"]["pinned"] is True
    assert not any(isinstance(c, dict) and c.get("width") for c in phone.values())
    # A setting the caller gives wins.
    assert column_config(frame, {"Origen": None})["Origen"] is None
