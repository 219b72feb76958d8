"""An assisted-returns count (month, country of return, category) as files carry it."""

from __future__ import annotations

from geo.io.schema import Field, KindSpec
from geo.kinds.fields import MAX_COUNT, SAMPLE
from geo.models import RETURN_CATEGORIES

ASSISTANCE = KindSpec("assistance", (
    Field("month", "month", True, ("month", "mes", "periodo", "fecha"), "#date+month"),
    Field("country_iso3", "iso3", True, ("country_iso3", "country", "pais", "pais_de_retorno", "iso3"),
          "#country+code"),
    Field("category", "choice", True, ("category", "categoria"), "#category", choices=RETURN_CATEGORIES,
          labels="data.category."),
    Field("count", "int", True, ("count", "cantidad", "total", "retornos", "personas"), "#affected+returned",
          minimum=0, maximum=MAX_COUNT),
    Field("project_code", "text", False, ("project_code", "project", "proyecto", "codigo_proyecto"),
          "#activity+code", 24),
    SAMPLE,
), key=("month", "country_iso3", "category"))

