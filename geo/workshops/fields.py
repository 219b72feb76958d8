"""A training workshop as files carry it: types, ranges (participants per agency and sex), aliases and key."""

from __future__ import annotations

from geo.io.schema import Field, KindSpec
from geo.kinds.fields import POST_CODE, SAMPLE
from geo.models import AGENCIES, SEXES, WORKSHOP_SCOPES

MAX_PARTICIPANTS = 100_000  # people of one agency and sex at one workshop
MAX_GEONAMEID = 2_147_483_647  # the column is a 32-bit integer on PostgreSQL (GeoNames ids are ~13 million)

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
    Field("posts", "codes", False, ("posts", "puestos", "post_codes", "codigos_puestos"), "#loc+code+list", 4000,
          pattern=POST_CODE),
    SAMPLE,
), key=("code",), point=("venue_lon", "venue_lat"))

