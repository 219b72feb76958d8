"""A border post's fields as files carry them: types, limits, aliases (English, Spanish, HXL) and key."""

from __future__ import annotations

from geo.io.schema import Field, KindSpec
from geo.kinds.fields import POST_CODE, SAMPLE
from geo.models import POST_TYPES

POSTS = KindSpec("posts", (
    Field("code", "code", True, ("code", "codigo", "post_code", "codigo_puesto", "cod"), "#loc+code", 16,
          pattern=POST_CODE),
    Field("name", "text", True, ("name", "nombre", "post_name", "nombre_puesto", "puesto", "post"), "#loc+name",
          120),
    Field("country_iso3", "iso3", True, ("country_iso3", "country", "pais", "iso3", "country_code",
                                         "codigo_pais", "pais_iso3"), "#country+code"),
    Field("type", "choice", True, ("type", "tipo", "post_type", "tipo_puesto", "tipo_de_puesto"), "#loc+type",
          choices=POST_TYPES, labels="post_type.",
          spellings=(("terrestre", "land"), ("tierra", "land"), ("aereo", "air"), ("aeropuerto", "air"),
                     ("maritimo", "sea"), ("puerto", "sea"), ("mar", "sea"), ("road", "land"))),
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
    # Not stored: a row's declaration that its new lon/lat corrects the post's place (a move beyond
    # geo.posts.records.MAX_MOVE_KM is refused without it, and audited as a correction with it).
    Field("moved", "bool", False, ("moved", "movido", "correccion", "correction", "position_corrected",
                                   "ubicacion_corregida"), "#meta+moved"),
    SAMPLE,
), key=("code",), point=("lon", "lat"))

