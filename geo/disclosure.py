"""THE disclosure-control rule for counts of vulnerable people (assisted returns by category, unaccompanied
minors in the flows). Every surface that publishes such a count (pages, charts and hovers, tables, KPIs and
their changes, slides, the brief, highlights, downloads, exports, interfaces) takes it from here.

Method: random rounding to base 5 of fixed base cells, drawn from a cell key, published additively.

- Base cells. Assisted returns: month x country of return x category. Unaccompanied minors: month x post.
  Nothing finer is published (no minors by direction, nationality, sex, age, day or week).
- Each base cell's count x = 5q + r is published as 5q + 5 with probability r/5, else as 5q (a multiple of
  5 stays as it is; 0 stays 0). The draw is not random at run time: it is HMAC-SHA256 under a key the server
  keeps in its database (geo.access.keys), of the cell's identity and its count. So the same cell reads the
  same in every table, on every page and replica and in every file (one truth), and nobody without the key
  can tell which way a cell was rounded. Rounding is unbiased: on average a published figure equals the true
  one.
- Every published figure is the SUM of the published base cells it covers: a country, a period, a category
  total, the region. Totals therefore equal the sum of their parts, and the difference of any two views (a
  country subset from another, a period from a longer one, a total minus its parts, a change and the value
  it changes from) is itself a sum of published base cells: a multiple of 5 whose true value may lie 4 away
  on either side of each cell. Subtraction recovers nothing that a cell does not already show, and a cell
  never shows 1 to 4 (tests/test_disclosure.py attacks it as an outsider would).
- How far from the truth: a base cell is within +-4 of its true count; a figure summed from n base cells is
  within +-4n at worst and, being unbiased with a variance of at most 6.25 a cell, within about
  +-5 * sqrt(n) (two standard deviations) in 95 % of cases.
- Reading: a published 0 reads "<5" (0 to 4 recorded). A view with no records reads "sin datos" / "no data",
  never "<5".
- Exact figures are for staff (editors and admins), labelled as restricted; visitors and viewers never get
  them, on a page or in a file.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import weakref
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo.access.auth import Actor
from geo.access.keys import server_key
from geo.i18n import fmt_number, t

BASE = 5
MAX_CELL_DEVIATION = BASE - 1
SMALL = "<5"  # a published 0: between 0 and 4 recorded
KEY_NAME = "disclosure_cell_key"
STAFF_ROLE = "editor"  # editors and admins see exact figures (they type them in the forms)

_keys: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def cell_key(engine: Engine) -> bytes:
    """The server's rounding key (made once per database, the same for every replica)."""
    key = _keys.get(engine)
    if key is None:
        key = _keys[engine] = server_key(engine, KEY_NAME)
    return key


def can_see_exact(actor: Actor | None) -> bool:
    """Staff (editors and admins) may see exact counts; visitors and viewers never."""
    return actor is not None and actor.can(STAFF_ROLE)


# ------------------------------------------------------------------------------------------ the rule
def _draw(key: bytes, cell: str, count: int) -> float:
    """A number in [0, 1) fixed by the key, the cell and its count."""
    digest = hmac.new(key, f"{cell}|{count}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def round_cell(count: int, cell: str, key: bytes) -> int:
    """One base cell's published count: a multiple of BASE at most MAX_CELL_DEVIATION from `count`."""
    if count < 0:
        raise ValueError(f"a count cannot be negative ({cell}: {count})")
    whole, rest = divmod(int(count), BASE)
    up = rest and _draw(key, cell, int(count)) < rest / BASE
    return BASE * (whole + (1 if up else 0))


def cell_name(kind: str, parts: Iterable[object]) -> str:
    """A base cell's identity: its kind and its coordinates (dates as ISO text)."""
    return "|".join([kind, *(p.isoformat() if hasattr(p, "isoformat") else str(p) for p in parts)])


def publish_cells(frame: pd.DataFrame, kind: str, cell_columns: Sequence[str], value: str, key: bytes) -> np.ndarray:
    """The published count of each row of `frame`, whose rows ARE base cells (one per `cell_columns`)."""
    if frame.duplicated(list(cell_columns)).any():
        raise ValueError(f"{kind}: rows are not base cells (repeated {', '.join(cell_columns)})")
    keys = zip(*(frame[c].tolist() for c in cell_columns), strict=True)
    counts = frame[value].astype("int64").tolist()
    return np.array([round_cell(n, cell_name(kind, k), key) for n, k in zip(counts, keys, strict=True)],
                    dtype="int64")


# ------------------------------------------------------------------------------------------ reading
def text(value: int | None, lang: str, exact: bool = False) -> str:
    """A count as a person reads it: 'sin datos' when there is no record; exact figures as they are; a
    published 0 as '<5'; otherwise the number in the region's format."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("disclosure.no_data", lang)
    if not exact and int(value) == 0:
        return SMALL
    return fmt_number(int(value), lang)


def public_value(value: int | None) -> int | str | None:
    """A published count, language-free (JSON, highlights): None when there is no record, '<5' for 0."""
    if value is None:
        return None
    return SMALL if int(value) == 0 else int(value)


def file_text(value: int | None, exact: bool = False) -> str:
    """A count in a downloaded file: '' when there is no record, '<5' for a published 0, else digits."""
    if value is None:
        return ""
    return SMALL if not exact and int(value) == 0 else str(int(value))


def max_deviation(cells: int) -> int:
    """The furthest a sum of `cells` published base cells can be from the true sum."""
    return MAX_CELL_DEVIATION * cells


def typical_deviation(cells: int) -> float:
    """Two standard deviations of a sum of `cells` published base cells (unbiased; variance <= 6.25 a cell)."""
    return 2 * math.sqrt(6.25 * cells)


def caption(lang: str, exact: bool) -> str:
    """The line under a published figure that says what was done to it (or that it is exact)."""
    return t("disclosure.exact" if exact else "disclosure.caption", lang)
