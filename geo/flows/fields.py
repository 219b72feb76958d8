"""A flow row (one day, post, direction and group of people) as files carry it, and the codes a nationality
or a previous/next country may be."""

from __future__ import annotations

from geo.io.schema import Field, KindSpec
from geo.kinds.fields import MAX_COUNT, POST_CODE, SAMPLE
from geo.models import AGE_BANDS, DIRECTIONS, SEXES

FLOWS = KindSpec("flows", (
    Field("day", "date", True, ("day", "date", "dia", "fecha"), "#date"),
    Field("post_code", "code", True, ("post_code", "post", "puesto", "codigo_puesto", "punto_de_control"),
          "#loc+code", 16, pattern=POST_CODE),
    Field("direction", "choice", True, ("direction", "direccion", "sentido", "flujo"), "#indicator+direction",
          choices=DIRECTIONS, labels="direction.",
          spellings=(("entrada", "entry"), ("ingreso", "entry"), ("in", "entry"), ("entradas", "entry"),
                     ("salida", "exit"), ("egreso", "exit"), ("out", "exit"), ("salidas", "exit"))),
    Field("nationality", "iso3", True, ("nationality", "nacionalidad", "nationality_iso3"),
          "#country+code+nationality"),
    Field("sex", "choice", True, ("sex", "sexo", "gender", "genero"), "#gender", choices=SEXES, labels="sex.",
          spellings=(("f", "F"), ("mujer", "F"), ("female", "F"), ("woman", "F"), ("femenino", "F"), ("m", "M"),
                     ("hombre", "M"), ("male", "M"), ("man", "M"), ("masculino", "M"), ("u", "U"),
                     ("desconocido", "U"), ("unknown", "U"), ("sin dato", "U"), ("nr", "U"))),
    Field("age_band", "choice", True, ("age_band", "age", "edad", "grupo_de_edad", "grupo_edad", "rango_edad"),
          "#age+band", choices=AGE_BANDS, labels="age.",
          spellings=(("60 +", "60+"), ("60 y mas", "60+"), ("desconocida", "unknown"), ("desconocido", "unknown"),
                     ("sin dato", "unknown"))),
    Field("prev_country", "iso3", False, ("prev_country", "previous_country", "pais_anterior", "pais_de_origen",
                                          "procedencia"), "#country+code+previous"),
    Field("next_country", "iso3", False, ("next_country", "pais_siguiente", "pais_de_destino", "destino"),
          "#country+code+next"),
    Field("count", "int", True, ("count", "cantidad", "conteo", "total", "personas", "numero"), "#affected+total",
          minimum=0, maximum=MAX_COUNT),
    Field("unaccompanied_minors", "int", False, ("unaccompanied_minors", "uam", "menores_no_acompanados",
                                                 "nna_no_acompanados"), "#affected+minors+unaccompanied",
          minimum=0, maximum=MAX_COUNT),
    SAMPLE,
), key=("day", "post_code", "direction", "nationality", "sex", "age_band", "prev_country", "next_country"),
   partial=False)

def _iso3_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes of today's countries and territories (CLDR, through Babel): what a
    nationality or a previous/next country may be. Private-use codes (QQQ, XXA, ZZZ ...) are not."""
    from babel import Locale
    from babel.core import get_global

    territories = {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}
    private = {"AA", "ZZ", "EU", "EZ", "UN", "QO"} | {f"Q{c}" for c in "MNOPQRSTUVWXYZ"} \
        | {f"X{c}" for c in "ABCDEFGHIJLMNOPQRSTUVWXYZ"}  # XK (Kosovo) stays
    return frozenset(alias for alias, targets in get_global("territory_aliases").items()
                     if len(alias) == 3 and alias.isalpha() and alias.isupper() and len(targets) == 1
                     and targets[0] in territories and targets[0] not in private)


# Nationalities that are not a country but are written on travel documents (ICAO 9303): stateless, refugee
# (1951 convention), other refugee, unspecified; and ZZZ, ISO's "unknown".
STATELESS_OR_UNKNOWN = frozenset({"XXA", "XXB", "XXC", "XXX", "ZZZ"})
ISO3_COUNTRIES = _iso3_countries()
NATIONALITY_CODES = ISO3_COUNTRIES | STATELESS_OR_UNKNOWN


