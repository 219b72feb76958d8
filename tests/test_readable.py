"""The audit log and the data-quality panel in plain language: names instead of codes, translated fields and
values, '—' for nothing, Sí/No, dates in the page's language, plurals that agree."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import quality_view as qv
from geo.access import audit_view as av
from geo.access.auth import Actor
from geo.db import make_engine
from geo.i18n import fmt_count, t
from geo.upgrades import records as up
from tests.support import copy_sqlite

REPO = Path(__file__).resolve().parent.parent
NAMES = av.Names(posts={"GTM-TUM": ("Tecún Umán", "GTM")},
                 components={"biometrics": {"es": "Captura biométrica", "en": "Biometric capture"}},
                 workshops={"TB-2025-01": "Taller binacional"})


def test_keys_are_named_not_coded() -> None:
    assert av.key_label("post_component", "GTM-TUM/biometrics", NAMES, "es") == \
        "Tecún Umán (Guatemala) · Captura biométrica"
    assert av.key_label("post", "GTM-TUM", NAMES, "en") == "Tecún Umán (Guatemala)"
    assert av.key_label("workshop", "TB-2025-01", NAMES, "es") == "Taller binacional (TB-2025-01)"
    assert av.key_label("assisted_return", "2025-09-01/SLV/unaccompanied_minor", NAMES, "es").startswith(
        "septiembre 2025 · El Salvador · ")
    assert av.key_label("sample", "2026", NAMES, "es") == "semilla 2026"
    assert av.key_label("post", None, NAMES, "es") == "—"
    assert av.entity_label("post_component", "es") == "Componente de un puesto"


def test_values_read_aloud() -> None:
    assert av.value_label("active", "True", NAMES, "es") == "Sí"
    assert av.value_label("active", "False", NAMES, "en") == "No"
    assert av.value_label("notes", None, NAMES, "es") == "—"
    assert av.value_label("notes", float("nan"), NAMES, "es") == "—"
    assert av.value_label("status", "delayed", NAMES, "es") == "Retrasado"
    assert av.value_label("target_date", "2027-03-31", NAMES, "es") == "31/03/2027"
    assert av.value_label("budget_planned", "12500.5", NAMES, "es") == "12,500.5"
    assert av.value_label("role", "editor", NAMES, "es") == "editor"
    assert av.value_label("code", "1234", NAMES, "es") == "1234"  # a code is not a number
    assert av.field_label("budget_planned", "es") == t("infra.field.budget_planned", "es")
    assert av.field_label("active", "es") == "Activo"
    assert av.details_label("file=pasos.csv; format=csv; rows=1234; added=3", "es") == \
        "Archivo: pasos.csv · Formato: csv · Filas: 1,234 · Nuevos: 3"


def test_counts_agree_with_their_number() -> None:
    assert fmt_count(1, "audit.changes", "es") == "1 cambio"
    assert fmt_count(3, "audit.changes", "es") == "3 cambios"
    assert fmt_count(1, "audit.entries", "en") == "1 entry"
    assert fmt_count(1234, "audit.entries", "es") == "1,234 entradas"


def test_quality_tables_in_words() -> None:
    updates = pd.DataFrame({"kind": ["posts", "flows", "workshops", "assistance"],
                            "updated_at": [dt.datetime(2026, 11, 28, 14, 5), dt.datetime(2026, 11, 1), None, None],
                            "source": ["data/posts.csv", "sample", "pasos.csv", None],
                            "seed": [None, 2026, None, None]})
    table = qv.last_updates_table(updates, "es")
    # stored UTC, shown in the region's time (UTC-6)
    assert table.iloc[:, 1].tolist() == ["28/11/2026 08:05", "31/10/2026 18:00", "nunca", "nunca"]
    sources = table.iloc[:, 2].tolist()
    assert sources[1] == "Datos de muestra (semilla 2026)" and "sample" not in " ".join(sources)
    assert sources[2] == "Archivo importado: pasos.csv" and sources[3] == "—"
    overdue = pd.DataFrame({"post_code": ["GTM-TUM"], "component_code": ["biometrics"], "status": ["delayed"],
                            "target_date": [dt.date(2026, 3, 1)], "days_overdue": [1]})
    rows = qv.overdue_table(overdue, NAMES, "es").iloc[0].tolist()
    assert rows == ["Tecún Umán (Guatemala)", "Captura biométrica", "Retrasado", "01/03/2026", "1 día"]
    assert qv.overdue_title(overdue, "es") == "Componentes atrasados (1 componente)"


# ---------------------------------------------------------------------- the page, after a real edit
@pytest.fixture
def edited_db(app_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = copy_sqlite(app_db_url, tmp_path / "audit.sqlite")
    engine = make_engine(url)
    seen = up.component_record(engine, "SLV-AMA", "biometrics")
    new = {**seen, "notes": "Esperando aduanas", "agency": None, "target_date": dt.date(2027, 3, 31),
           "budget_planned": float(seen["budget_planned"] or 0) + 1000}
    up.update_component(engine, Actor("ana", "editor"), "SLV-AMA", "biometrics", seen, new)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


RAW = re.compile(r"\b(post_component|national_link|biometrics|None|True|False|nan|NaT|SLV-AMA/)\b")


def test_audit_page_in_spanish_shows_no_codes(edited_db: str) -> None:
    at = AppTest.from_file(str(REPO / "screens/audit.py"), default_timeout=60)
    at.query_params["lang"] = "es"
    at.session_state["actor"] = Actor("ana", "editor")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    frame = at.dataframe[0].value
    cells = " | ".join(str(v) for v in frame.astype(str).to_numpy().ravel())
    assert not RAW.search(cells), RAW.search(cells)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", cells)  # no ISO dates: 31/03/2027, 28/11/2026 14:05:03
    assert list(frame.columns) == ["Fecha (hora local)", "Usuario", "Acción", "Registro", "Cambio"]  # fits 1280 px
    edits = frame[frame[t("audit.h_user", "es")] == "ana"]
    assert set(edits["Registro"]) == {"El Amatillo (El Salvador) · Captura biométrica"}
    changes = set(edits["Cambio"])
    assert any(c.startswith(t("infra.field.target_date", "es") + ": ") and c.endswith(" → 31/03/2027")
               for c in changes), changes
    assert any(c.startswith(t("infra.field.notes", "es") + ": — → ") for c in changes), changes
    seeded = frame[(frame["Usuario"] == "system") & (frame["Acción"] == t("audit.action.seed", "es"))]
    assert len(seeded) and seeded["Registro"].str.startswith("Datos de muestra: semilla").all()
    caption = " ".join(c.value for c in at.caption)
    assert re.search(r"\b\d+ entradas?\b", caption) and not re.search(r"(?<!\d)1 entradas", caption)


def test_quality_tab_in_spanish_shows_no_codes(edited_db: str) -> None:
    at = AppTest.from_file(str(REPO / "screens/data.py"), default_timeout=60)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    cells = " | ".join(str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel())
    assert "Datos de muestra (semilla" in cells
    assert not re.search(r"(^|\| )sample( \||$)", cells)
    assert not RAW.search(cells), RAW.search(cells)


def test_counts_with_other_placeholders() -> None:
    assert fmt_count(1, "infra.changes.since", "es", date="28 nov 2026") == "1 cambio desde el 28 nov 2026"
    assert fmt_count(2, "infra.changes.since", "en", date="28/11/2026") == "2 changes since 28/11/2026"
