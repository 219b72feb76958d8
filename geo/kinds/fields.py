"""Field pieces several kinds share (geo.io.schema is the language; each kind's spec is in its package)."""

from __future__ import annotations

from geo.io.schema import Field

POST_CODE = r"[A-Z0-9][A-Z0-9_-]{1,15}"
# Ranges that fit each column and its meaning (every int and money field has both bounds; tests check it):
MAX_COUNT = 1_000_000  # people in one row (a day, post, direction and group; or a month of returns)
SAMPLE = Field("is_sample", "bool", aliases=("is_sample", "sample", "muestra", "es_muestra", "datos_de_muestra"),
               hxl="#meta+sample")
