"""What each kind of file holds: its fields, their types, limits, aliases (English, Spanish, HXL) and key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo import reference
from geo.i18n import has, t
from geo.models import (
    AGE_BANDS,
    AGENCIES,
    COMPONENT_STATUSES,
    DIRECTIONS,
    POST_TYPES,
    RETURN_CATEGORIES,
    SEXES,
    WORKSHOP_SCOPES,
)

KINDS = ("posts", "upgrades", "workshops", "flows", "assistance")
FORMATS = ("csv", "xlsx", "geojson", "gpkg")


# ------------------------------------------------------------------------------------------ fields
@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text code iso3 choice int number coord money date month bool codes
    required: bool = False
    aliases: tuple[str, ...] = ()
    hxl: str = ""
    max_len: int = 200
    choices: tuple[str, ...] = ()
    labels: str | None = None  # i18n prefix whose es/en labels are accepted for a choice
    minimum: float | None = None
    maximum: float | None = None
    multiline: bool = False
    pattern: str | None = None


@dataclass(frozen=True)
class KindSpec:
    kind: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    point: tuple[str, str] | None = None  # fields a point geometry fills (lon, lat)
    # A partial file names the key and the columns it updates; the others keep their stored values (records
    # with a form). Without it (flows: whole aggregate rows) every required column must be there.
    partial: bool = True

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


POST_CODE = r"[A-Z0-9][A-Z0-9_-]{1,15}"
# Ranges that fit each column and its meaning (every int and money field has both bounds; tests check it):
MAX_COUNT = 1_000_000  # people in one row (a day, post, direction and group; or a month of returns)
MAX_PARTICIPANTS = 100_000  # people of one agency and sex at one workshop
MAX_MONEY = 10_000_000_000  # USD for one component: far above any real budget, far below Numeric(14, 2)
MAX_GEONAMEID = 2_147_483_647  # the column is a 32-bit integer on PostgreSQL (GeoNames ids are ~13 million)
_SAMPLE = Field("is_sample", "bool", aliases=("is_sample", "sample", "muestra", "es_muestra", "datos_de_muestra"),
                hxl="#meta+sample")

POSTS = KindSpec("posts", (
    Field("code", "code", True, ("code", "codigo", "post_code", "codigo_puesto", "cod"), "#loc+code", 16,
          pattern=POST_CODE),
    Field("name", "text", True, ("name", "nombre", "post_name", "nombre_puesto", "puesto", "post"), "#loc+name",
          120),
    Field("country_iso3", "iso3", True, ("country_iso3", "country", "pais", "iso3", "country_code",
                                         "codigo_pais", "pais_iso3"), "#country+code"),
    Field("type", "choice", True, ("type", "tipo", "post_type", "tipo_puesto", "tipo_de_puesto"), "#loc+type",
          choices=POST_TYPES, labels="post_type."),
    Field("crossing_code", "code", False, ("crossing_code", "crossing", "cruce", "codigo_cruce",
                                           "codigo_de_cruce"), "#loc+code+crossing", 16, pattern=POST_CODE),
    Field("neighbour_iso3", "iso3", False, ("neighbour_iso3", "neighbor_iso3", "neighbour", "neighbor",
                                            "pais_vecino", "vecino", "neighbour_country"),
          "#country+code+neighbour"),
    Field("road", "text", False, ("road", "ruta", "carretera", "via"), "#loc+road", 20),
    # No range here: coordinate_problem() tells swapped or sign-less coordinates from plain wrong ones.
    Field("lon", "coord", True, ("lon", "longitude", "longitud", "lng", "long", "x"), "#geo+lon"),
    Field("lat", "coord", True, ("lat", "latitude", "latitud", "y"), "#geo+lat"),
    Field("placement", "text", False, ("placement", "ubicacion", "emplazamiento", "location_note",
                                       "nota_de_ubicacion"), "#meta+placement", 4000, multiline=True),
    _SAMPLE,
), key=("code",), point=("lon", "lat"))

UPGRADES = KindSpec("upgrades", (
    Field("post_code", "code", True, ("post_code", "post", "puesto", "codigo_puesto", "code", "codigo"),
          "#loc+code", 16, pattern=POST_CODE),
    Field("component_code", "text", True, ("component_code", "component", "componente", "codigo_componente"),
          "#item+code", 24),
    Field("project_code", "text", False, ("project_code", "project", "proyecto", "codigo_proyecto"),
          "#activity+code", 24),
    Field("status", "choice", True, ("status", "estado"), "#status", choices=COMPONENT_STATUSES,
          labels="status."),
    Field("progress", "int", False, ("progress", "avance", "progreso", "porcentaje", "progress_pct", "avance_pct"),
          "#indicator+pct+progress", minimum=0, maximum=100),
    Field("budget_planned", "money", False, ("budget_planned", "planned", "presupuesto_planificado",
                                             "presupuesto", "planificado"), "#value+planned", minimum=0,
          maximum=MAX_MONEY),
    Field("budget_committed", "money", False, ("budget_committed", "committed", "comprometido",
                                               "presupuesto_comprometido"), "#value+committed", minimum=0,
          maximum=MAX_MONEY),
    Field("budget_spent", "money", False, ("budget_spent", "spent", "ejecutado", "gastado",
                                           "presupuesto_ejecutado"), "#value+spent", minimum=0,
          maximum=MAX_MONEY),
    Field("budget_flag", "text", False, ("budget_flag", "budget_note", "nota_presupuesto",
                                         "justificacion_presupuesto"), "#meta+budget", 200),
    Field("start_date", "date", False, ("start_date", "start", "inicio", "fecha_inicio", "fecha_de_inicio"),
          "#date+start"),
    Field("target_date", "date", False, ("target_date", "target", "fecha_meta", "fecha_prevista",
                                         "fecha_objetivo"), "#date+target"),
    Field("completion_date", "date", False, ("completion_date", "completed", "fecha_fin", "fecha_finalizacion",
                                             "fecha_de_finalizacion"), "#date+completed"),
    Field("agency", "text", False, ("agency", "institucion", "agencia", "responsable"), "#org+agency", 120),
    Field("notes", "text", False, ("notes", "notas", "observaciones", "comentarios"), "#description", 4000,
          multiline=True),
    _SAMPLE,
), key=("post_code", "component_code"))

_PARTICIPANTS = tuple(
    Field(f"participants_{a}_{s}", "int", False, (f"participants_{a}_{s}", f"participantes_{a}_{s}"),
          f"#reached+{a}+{s.lower()}", minimum=0, maximum=MAX_PARTICIPANTS)
    for a in AGENCIES for s in SEXES
)
WORKSHOPS = KindSpec("workshops", (
    Field("code", "code", True, ("code", "codigo", "workshop_code", "codigo_taller"), "#activity+code+workshop",
          24, pattern=r"[A-Z0-9][A-Z0-9-]{2,23}"),
    Field("title", "text", True, ("title", "titulo", "nombre", "name"), "#activity+name", 300),
    Field("topic", "text", False, ("topic", "tema"), "#sector+topic", 120),
    Field("start_date", "date", True, ("start_date", "start", "inicio", "fecha_inicio", "fecha_de_inicio"),
          "#date+start"),
    Field("end_date", "date", True, ("end_date", "end", "fin", "fecha_fin", "fecha_de_fin"), "#date+end"),
    Field("venue_name", "text", False, ("venue_name", "venue", "sede", "lugar", "localidad"), "#loc+name+venue",
          120),
    Field("venue_geonameid", "int", False, ("venue_geonameid", "geonameid", "geonames_id"), "#loc+code+geonames",
          minimum=1, maximum=MAX_GEONAMEID),
    Field("venue_country_iso3", "iso3", False, ("venue_country_iso3", "venue_country", "pais_sede", "pais"),
          "#country+code+venue"),
    Field("venue_lon", "coord", False, ("venue_lon", "lon", "longitud", "longitude"), "#geo+lon"),
    Field("venue_lat", "coord", False, ("venue_lat", "lat", "latitud", "latitude"), "#geo+lat"),
    Field("scope", "choice", True, ("scope", "alcance", "ambito"), "#activity+scope", choices=WORKSHOP_SCOPES,
          labels="ws.scope."),
    Field("pair_a", "iso3", False, ("pair_a", "pais_a", "country_a"), "#country+code+pair_a"),
    Field("pair_b", "iso3", False, ("pair_b", "pais_b", "country_b"), "#country+code+pair_b"),
    Field("organisers", "text", False, ("organisers", "organizers", "organizadores", "organiza"), "#org+organiser",
          300),
    Field("project_code", "text", False, ("project_code", "project", "proyecto", "codigo_proyecto"),
          "#activity+code+project", 24),
    *_PARTICIPANTS,
    Field("posts", "codes", False, ("posts", "puestos", "post_codes", "codigos_puestos"), "#loc+code+list", 4000),
    _SAMPLE,
), key=("code",), point=("venue_lon", "venue_lat"))

FLOWS = KindSpec("flows", (
    Field("day", "date", True, ("day", "date", "dia", "fecha"), "#date"),
    Field("post_code", "code", True, ("post_code", "post", "puesto", "codigo_puesto", "punto_de_control"),
          "#loc+code", 16, pattern=POST_CODE),
    Field("direction", "choice", True, ("direction", "direccion", "sentido", "flujo"), "#indicator+direction",
          choices=DIRECTIONS, labels="direction."),
    Field("nationality", "iso3", True, ("nationality", "nacionalidad", "nationality_iso3"),
          "#country+code+nationality"),
    Field("sex", "choice", True, ("sex", "sexo", "gender", "genero"), "#gender", choices=SEXES, labels="sex."),
    Field("age_band", "choice", True, ("age_band", "age", "edad", "grupo_de_edad", "grupo_edad", "rango_edad"),
          "#age+band", choices=AGE_BANDS, labels="age."),
    Field("prev_country", "iso3", False, ("prev_country", "previous_country", "pais_anterior", "pais_de_origen",
                                          "procedencia"), "#country+code+previous"),
    Field("next_country", "iso3", False, ("next_country", "pais_siguiente", "pais_de_destino", "destino"),
          "#country+code+next"),
    Field("count", "int", True, ("count", "cantidad", "conteo", "total", "personas", "numero"), "#affected+total",
          minimum=0, maximum=MAX_COUNT),
    Field("unaccompanied_minors", "int", False, ("unaccompanied_minors", "uam", "menores_no_acompanados",
                                                 "nna_no_acompanados"), "#affected+minors+unaccompanied",
          minimum=0, maximum=MAX_COUNT),
    _SAMPLE,
), key=("day", "post_code", "direction", "nationality", "sex", "age_band", "prev_country", "next_country"),
   partial=False)

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
    _SAMPLE,
), key=("month", "country_iso3", "category"))

SPECS: dict[str, KindSpec] = {s.kind: s for s in (POSTS, UPGRADES, WORKSHOPS, FLOWS, ASSISTANCE)}

# Spellings people use for choice values besides the codes and the app's own es/en labels.
_CHOICE_EXTRA = {
    "type": {"terrestre": "land", "tierra": "land", "aereo": "air", "aeropuerto": "air", "maritimo": "sea",
             "puerto": "sea", "mar": "sea", "road": "land"},
    "direction": {"entrada": "entry", "ingreso": "entry", "in": "entry", "entradas": "entry", "salida": "exit",
                  "egreso": "exit", "out": "exit", "salidas": "exit"},
    "sex": {"f": "F", "mujer": "F", "female": "F", "woman": "F", "femenino": "F", "m": "M", "hombre": "M",
            "male": "M", "man": "M", "masculino": "M", "u": "U", "desconocido": "U", "unknown": "U",
            "sin dato": "U", "nr": "U"},
    "age_band": {"0-17": "0-17", "18-29": "18-29", "30-44": "30-44", "45-59": "45-59", "60+": "60+",
                 "60 +": "60+", "60 y mas": "60+", "desconocida": "unknown", "desconocido": "unknown",
                 "sin dato": "unknown", "unknown": "unknown"},
}


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


def _fold(text: object) -> str:
    return reference.fold(str(text)).replace("–", "-").replace("—", "-")


def header_key(name: object) -> str:
    """Comparable form of a column header: folded snake_case, or a canonical HXL tag (#tag+attrs sorted)."""
    text = str(name).strip().lstrip("\ufeff")
    if text.startswith("#"):
        parts = [p for p in re.sub(r"\s+", "", text.lower()).split("+") if p]
        return "+".join([parts[0], *sorted(parts[1:])]) if parts else "#"
    return re.sub(r"[^a-z0-9]+", "_", _fold(text)).strip("_")

def _choice_lookup(spec_field: Field) -> dict[str, str]:
    lookup = {_fold(v): v for v in spec_field.choices}
    if spec_field.labels:
        for value in spec_field.choices:
            for lang in ("es", "en"):
                key = f"{spec_field.labels}{value}"
                if has(key):
                    lookup.setdefault(_fold(t(key, lang)), value)
    for alias, value in _CHOICE_EXTRA.get(spec_field.name, {}).items():
        lookup.setdefault(_fold(alias), value)
    return lookup
