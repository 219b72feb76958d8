"""How every edit form turns a refused save into a message: one place for all of them."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from geo.access.auth import PermissionDenied
from geo.access.editing import NotFound, StaleEdit, ValidationFailed
from geo.i18n import t
from views.tables import table as show_table

Result = TypeVar("Result")
REFUSED: Any = object()  # what `attempt` returns when the save was refused (the message is shown)


def attempt(save: Callable[[], Result], lang: str, texts: str,
            problem_lines: Callable[..., Iterable[str]],
            stale_table: Callable[[Mapping[str, tuple[object, object]], str], pd.DataFrame] | None = None) -> Result:
    """Run a form's save. A refusal (stale, invalid, gone, not allowed) is shown in plain words with the
    form's own texts ("{texts}.stale", ".invalid", ".gone", ".denied") and REFUSED is returned."""
    try:
        return save()
    except StaleEdit as stale:
        st.error(t(f"{texts}.stale", lang, by=stale.by or t("edit.someone", lang)))
        if stale.meanwhile and stale_table is not None:
            show_table(stale_table(stale.meanwhile, lang), hide_index=True, width="stretch")
    except ValidationFailed as error:
        st.error(t(f"{texts}.invalid", lang))
        for line in problem_lines(error.problems, lang, error.params):  # params: the values a message names
            st.error(line)
    except NotFound:
        st.error(t(f"{texts}.gone", lang))
    except PermissionDenied:
        st.error(t(f"{texts}.denied", lang))
    return REFUSED
