"""Imports: read a file, validate every row into a report, and write all of it or nothing.

Real files are the normal case: CSV typed in Spanish-locale Excel (Windows-1252, `;` separators, decimal
commas, day-first dates), UTF-8 with or without BOM, tab-separated UTF-16 "Unicode text", XLSX, GeoJSON and
GeoPackage. Headers may be English, Spanish or HXL hashtags (a second header row of hashtags is recognised).

    report = import_data(engine, actor, "posts", data, "puestos.csv", dry_run=True)
    report.ok, report.problems, report.added, report.updated, report.unchanged

Records are matched by their code (posts, workshops) or natural key (upgrades, flows, assistance), so the
same file imported twice changes nothing. Validation and writes run in one transaction: a rejected file
(or any database error) leaves the database exactly as it was. Each accepted import writes one audit entry
(action "import", its counts) and updates dataset_state.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from geo import reference
from geo.access.audit import as_text, now, record_changes, record_event
from geo.access.auth import Actor, require
from geo.config import settings
from geo.flows.load import insert_flows, refresh_monthly
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
    AssistedReturn,
    ComponentType,
    Country,
    DatasetState,
    FlowCount,
    Post,
    PostComponent,
    Project,
    Workshop,
    WorkshopParticipants,
    WorkshopPost,
)
from geo.posts.checks import land_post_problem, point_post_problem, post_problems

KINDS = ("posts", "upgrades", "workshops", "flows", "assistance")
FORMATS = ("csv", "xlsx", "geojson", "gpkg")
MAX_PROBLEMS = 1000  # a report lists this many problems, then says how many more there are
MAX_ROWS = 2_000_000
EARLIEST = dt.date(1990, 1, 1)
SWAP_HINT_BOUNDS = reference.REGION_BOUNDS


# ------------------------------------------------------------------------------------------ report
@dataclass
class Problem:
    """One problem: where (file, row as the person sees it, column as written in the file) and what."""

    file: str
    row: int | None
    column: str | None
    key: str  # an i18n key
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        if not has(self.key):  # a rule module's key not (yet) translated: show it rather than fail
            return self.key + (f" ({self.params})" if self.params else "")
        return t(self.key, lang, **self.params)

    def line(self, lang: str = "en") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(t("data.report.row", lang, row=self.row))
        if self.column:
            where.append(t("data.report.column", lang, column=self.column))
        return f"{', '.join(where)}: {self.message(lang)}"


@dataclass
class ImportReport:
    kind: str
    file: str
    format: str | None = None
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # problems found beyond MAX_PROBLEMS
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def problems_frame(self, lang: str = "en") -> pd.DataFrame:
        return pd.DataFrame(
            [(p.file, p.row, p.column, p.message(lang)) for p in self.problems],
            columns=[t("data.report.h_file", lang), t("data.report.h_row", lang),
                     t("data.report.h_column", lang), t("data.report.h_message", lang)],
        ).astype({t("data.report.h_row", lang): "Int64"})

    def problems_csv(self, lang: str = "en") -> bytes:
        frame = self.problems_frame(lang)
        if self.more_problems:
            frame.loc[len(frame)] = [self.file, None, None, t("data.report.more", lang, n=self.more_problems)]
        return frame.to_csv(index=False).encode("utf-8-sig")

    def summary(self, lang: str = "en") -> str:
        key = "data.report.summary_dry" if self.dry_run else "data.report.summary"
        return t(key, lang, file=self.file, rows=self.rows, added=self.added, updated=self.updated,
                 unchanged=self.unchanged)


class _Collector:
    """Collects problems for one file, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report

    def add(self, row: int | None, column: str | None, key: str, **params: Any) -> None:
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(Problem(self.report.file, row, column, key, params))
        else:
            self.report.more_problems += 1

    def __bool__(self) -> bool:
        return bool(self.report.problems)


class Rejected(Exception):
    """Raised inside the transaction to roll it back when the file has problems."""


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

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


POST_CODE = r"[A-Z0-9][A-Z0-9_-]{1,15}"
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
                                             "presupuesto", "planificado"), "#value+planned", minimum=0),
    Field("budget_committed", "money", False, ("budget_committed", "committed", "comprometido",
                                               "presupuesto_comprometido"), "#value+committed", minimum=0),
    Field("budget_spent", "money", False, ("budget_spent", "spent", "ejecutado", "gastado",
                                           "presupuesto_ejecutado"), "#value+spent", minimum=0),
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
          f"#reached+{a}+{s.lower()}", minimum=0, maximum=100_000)
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
          minimum=1),
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
          minimum=0),
    Field("unaccompanied_minors", "int", False, ("unaccompanied_minors", "uam", "menores_no_acompanados",
                                                 "nna_no_acompanados"), "#affected+minors+unaccompanied",
          minimum=0),
    _SAMPLE,
), key=("day", "post_code", "direction", "nationality", "sex", "age_band", "prev_country", "next_country"))

ASSISTANCE = KindSpec("assistance", (
    Field("month", "month", True, ("month", "mes", "periodo", "fecha"), "#date+month"),
    Field("country_iso3", "iso3", True, ("country_iso3", "country", "pais", "pais_de_retorno", "iso3"),
          "#country+code"),
    Field("category", "choice", True, ("category", "categoria"), "#category", choices=RETURN_CATEGORIES,
          labels="data.category."),
    Field("count", "int", True, ("count", "cantidad", "total", "retornos", "personas"), "#affected+returned",
          minimum=0),
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


def _fold(text: object) -> str:
    return reference.fold(str(text)).replace("–", "-").replace("—", "-")


def header_key(name: object) -> str:
    """Comparable form of a column header: folded snake_case, or a canonical HXL tag (#tag+attrs sorted)."""
    text = str(name).strip().lstrip("\ufeff")
    if text.startswith("#"):
        parts = [p for p in re.sub(r"\s+", "", text.lower()).split("+") if p]
        return "+".join([parts[0], *sorted(parts[1:])]) if parts else "#"
    return re.sub(r"[^a-z0-9]+", "_", _fold(text)).strip("_")


_HXL_CELL = re.compile(r"^\s*#[A-Za-z][\w]*(\s*\+\s*[A-Za-z][\w]*)*\s*$")


def _is_hxl_row(values: Iterable[object]) -> bool:
    cells = [v for v in values if not _blank(v)]
    return bool(cells) and all(isinstance(v, str) and _HXL_CELL.match(v) for v in cells)


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


# ------------------------------------------------------------------------------------------ reading
@dataclass
class Table:
    """A file read as rows of raw values: header, values, the row numbers a person sees, geometries."""

    header: list[str]
    values: list[list[Any]]
    rows: list[int]
    fmt: str
    hxl: list[str] | None = None
    geometry: list[Any] | None = None
    text_numbers: bool = True  # numbers arrive as text (CSV) and may use a decimal comma
    separator: str | None = None


def _blank(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def sniff_format(data: bytes, name: str = "") -> str:
    """csv, xlsx, geojson or gpkg, from the content first (offices rename files), then the name."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:1] in (b"{", b"["):
        return "geojson"
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("json", "geojson") and head[:1] in (b"{", b"["):
        return "geojson"
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding that read it: UTF-16 (BOM), UTF-8 (BOM or not), else
    Windows-1252, else Latin-1 (which reads any byte)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters=",;\t").delimiter
    except csv.Error:
        counts = {sep: first.count(sep) for sep in (";", "\t", ",")}
        best = max(counts, key=lambda s: counts[s])
        return best if counts[best] else ","


def _read_csv(data: bytes, out: _Collector) -> Table | None:
    try:
        text, _encoding = decode_text(data)
    except UnicodeDecodeError:
        out.add(None, None, "data.err.not_text")
        return None
    first_line = text.split("\n", 1)[0]
    if text.count("\x00") > len(text) / 100 or "\x00" in first_line:  # binary, not a stray NUL in a cell
        out.add(None, None, "data.err.not_table")
        return None
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header: list[str] | None = None
    values: list[list[Any]] = []
    rows: list[int] = []
    try:
        start = 1
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                continue
            values.append(record)
            rows.append(line)
            if len(values) > MAX_ROWS:
                out.add(None, None, "data.err.too_many_rows", limit=MAX_ROWS)
                return None
    except csv.Error as error:
        out.add(reader.line_num, None, "data.err.unreadable_row", detail=str(error)[:120])
        return None
    if header is None:
        out.add(None, None, "data.err.empty")
        return None
    return Table(header, values, rows, "csv", separator=separator)


def _read_xlsx(data: bytes, kind: str, max_bytes: int, out: _Collector) -> Table | None:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        out.add(None, None, "data.err.not_spreadsheet")
        return None
    if unpacked > max_bytes * 10:  # a zip bomb, or far too big a sheet
        out.add(None, None, "data.err.too_large", size=f"{unpacked / 1e6:.0f}", limit=f"{max_bytes / 1e6:g}")
        return None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or non-Excel zip
        out.add(None, None, "data.err.not_spreadsheet")
        return None
    try:
        sheets = book.worksheets
        if not sheets:
            out.add(None, None, "data.err.empty")
            return None
        wanted = {header_key(kind), header_key(t(f"data.kind.{kind}", "es")), header_key(t(f"data.kind.{kind}", "en"))}
        sheet = next((s for s in sheets if header_key(s.title) in wanted), sheets[0])
        header: list[str] | None = None
        values: list[list[Any]] = []
        rows: list[int] = []
        for number, record in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [v.strip() if isinstance(v, str) else v for v in record]
            if all(_blank(v) for v in cells):
                continue
            if header is None:
                header = ["" if v is None else str(v) for v in cells]
                continue
            values.append(cells)
            rows.append(number)
            if len(values) > MAX_ROWS:
                out.add(None, None, "data.err.too_many_rows", limit=MAX_ROWS)
                return None
    except Exception:
        out.add(None, None, "data.err.not_spreadsheet")
        return None
    finally:
        book.close()
    if header is None:
        out.add(None, None, "data.err.empty")
        return None
    return Table(header, values, rows, "xlsx", text_numbers=False)


def _geometry_or_error(geometry: Any) -> Any:
    """A shapely geometry, None for a null geometry, or an Exception for one that cannot be read."""
    if geometry is None:
        return None
    try:
        return shapely.geometry.shape(geometry)
    except Exception as error:  # malformed coordinates of any sort
        return ValueError(str(error)[:100])


def _read_geojson(data: bytes, out: _Collector) -> Table | None:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        out.add(None, None, "data.err.not_geojson")
        return None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not (isinstance(document, dict) and document.get("type") == "FeatureCollection"
            and isinstance(document.get("features"), list)):
        out.add(None, None, "data.err.not_geojson")
        return None
    crs = document.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not re.search(r"(CRS84|EPSG:{1,2}4326)$", name):
            out.add(None, None, "data.err.crs", crs=name[:60])
            return None
    columns: dict[str, None] = {}
    records, geometries, rows = [], [], []
    for number, feature in enumerate(document["features"], start=1):
        if not isinstance(feature, dict):
            out.add(number, None, "data.err.not_feature")
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            out.add(number, None, "data.err.not_feature")
            continue
        for key in properties:
            columns.setdefault(str(key), None)
        records.append({str(k): v for k, v in properties.items()})
        geometries.append(_geometry_or_error(feature.get("geometry")))
        rows.append(number)
    if out:
        return None
    header = list(columns)
    values = [[_plain(r.get(c)) for c in header] for r in records]
    if not header and not records:
        out.add(None, None, "data.err.empty")
        return None
    return Table(header, values, rows, "geojson", geometry=geometries, text_numbers=False)


def _plain(value: Any) -> Any:
    """Nested JSON values become text (and then fail their column's type check)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:500]
    return value


def _read_gpkg(data: bytes, kind: str, out: _Collector) -> Table | None:
    import pyogrio

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.gpkg"
        path.write_bytes(data)
        try:
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
            if not layers:
                out.add(None, None, "data.err.empty")
                return None
            layer = next((name for name in layers if header_key(name) == kind), layers[0])
            frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
        except Exception:  # GDAL errors come in several classes; all mean "not a usable GeoPackage"
            out.add(None, None, "data.err.not_gpkg")
            return None
    geometries = None
    if "geometry" in frame.columns:
        crs = getattr(frame, "crs", None)
        if crs is not None and crs.to_epsg() != 4326:
            try:
                frame = frame.to_crs("EPSG:4326")
            except Exception:
                out.add(None, None, "data.err.crs", crs=str(crs)[:60])
                return None
        geometries = list(frame.geometry)
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    header = [str(c) for c in frame.columns]
    values = frame.astype(object).where(frame.notna(), None).values.tolist()
    index = [int(i) for i in frame.index] if len(frame) else []
    return Table(header, values, index, "gpkg", geometry=geometries, text_numbers=False)


def read_table(data: bytes, name: str, kind: str, out: _Collector, max_bytes: int | None = None) -> Table | None:
    """Read any supported file into a Table; problems that make it unreadable go to `out`."""
    max_bytes = max_bytes if max_bytes is not None else int(settings().import_max_mb * 1_000_000)
    if len(data) > max_bytes:
        out.add(None, None, "data.err.too_large", size=f"{len(data) / 1e6:.1f}", limit=f"{max_bytes / 1e6:g}")
        return None
    if not data.strip(b" \t\r\n\xef\xbb\xbf\x00"):
        out.add(None, None, "data.err.empty")
        return None
    fmt = sniff_format(data, name)
    out.report.format = fmt
    if fmt == "xlsx":
        table = _read_xlsx(data, kind, max_bytes, out)
    elif fmt == "gpkg":
        table = _read_gpkg(data, kind, out)
    elif fmt == "geojson":
        table = _read_geojson(data, out)
    else:
        table = _read_csv(data, out)
    if table is None:
        return None
    if table.values and _is_hxl_row(table.values[0]):
        table.hxl = ["" if v is None else str(v) for v in table.values[0]]
        table.values, table.rows = table.values[1:], table.rows[1:]
        if table.geometry is not None:
            table.geometry = table.geometry[1:]
    if _is_hxl_row(table.header):
        table.hxl = table.header
    if not table.values:
        out.add(None, None, "data.err.no_rows")
        return None
    return table


# ------------------------------------------------------------------------------------------ columns
def map_columns(spec: KindSpec, table: Table, out: _Collector) -> dict[str, int]:
    """{field name: column index}. Reports missing required columns and columns given twice."""
    aliases = {f.name: {header_key(a) for a in (f.name, *f.aliases)} | ({header_key(f.hxl)} if f.hxl else set())
               for f in spec.fields}
    found: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(table.header):
        keys = {header_key(name)}
        if table.hxl and index < len(table.hxl) and table.hxl[index]:
            keys.add(header_key(table.hxl[index]))
        match = next((f for f, names in aliases.items() if keys & names), None)
        if match is None:
            if str(name).strip():
                ignored.append(str(name))
            continue
        if match in found:
            out.add(None, column_label(table, index), "data.err.column_twice", field=match,
                    other=column_label(table, found[match]))
            continue
        found[match] = index
    out.report.ignored_columns = ignored
    if not found:
        out.add(None, None, "data.err.no_known_columns", kind=spec.kind,
                expected=", ".join(f.name for f in spec.fields if f.required))
        return found
    point_from_geometry = spec.point is not None and table.geometry is not None
    for f in spec.fields:
        if f.required and f.name not in found and not (point_from_geometry and f.name in spec.point):
            out.add(None, f.name, "data.err.column_missing",
                    names=", ".join(dict.fromkeys([f.name, *f.aliases[:3], *(f.hxl,)])))
    return found


def column_label(table: Table, index: int) -> str:
    name = table.header[index] if index < len(table.header) else ""
    return name.strip() or f"#{index + 1}"


# ------------------------------------------------------------------------------------------ cells
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "@", "\t", "\r")
_MONTH_NAMES = {
    **{_fold(n): i for i, n in enumerate(("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                          "septiembre", "octubre", "noviembre", "diciembre"), start=1)},
    **{_fold(n): i for i, n in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                          "september", "october", "november", "december"), start=1)},
    **{_fold(n): i for i, n in enumerate(("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct",
                                          "nov", "dic"), start=1)},
    **{_fold(n): i for i, n in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"), start=1)},
    "sept": 9, "setiembre": 9,
}
CellResult = tuple[Any, tuple[str, dict[str, Any]] | None]


def _err(key: str, **params: Any) -> tuple[None, tuple[str, dict[str, Any]]]:
    return None, (key, params)


def _shown(value: object) -> str:
    text = _CONTROL.sub("?", str(value)).replace("\r", "?").replace("\n", "?")
    return text if len(text) <= 40 else text[:37] + "…"


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):  # pd.Timestamp too
        midnight = value.hour == value.minute == value.second == 0
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(value: object, f: Field) -> CellResult:
    text = _as_text(value)
    if f.multiline:
        text = text.replace("\r\n", "\n")
        if _CONTROL.search(text.replace("\n", "")):
            return _err("data.err.control")
    elif _CONTROL.search(text) or "\n" in text or "\r" in text:
        return _err("data.err.control")
    if text.startswith(_FORMULA_START):
        return _err("data.err.formula", value=_shown(text))
    if len(text) > f.max_len:
        return _err("data.err.too_long", max=f.max_len)
    return text, None


def parse_code(value: object, f: Field) -> CellResult:
    text, error = parse_text(value, f)
    if error:
        return None, error
    text = text.upper()
    if f.pattern and not re.fullmatch(f.pattern, text):
        return _err("data.err.code_format", value=_shown(text))
    return text, None


def parse_iso3(value: object, f: Field) -> CellResult:
    text = _as_text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        return _err("data.err.iso3", value=_shown(text))
    return text, None


def _number_text(value: object) -> str:
    return str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("−", "-")


def parse_number(value: object, decimal_comma: bool, grouping: bool) -> float | None:
    """A float from a cell, or None. `grouping` allows thousands separators (money, counts), never for
    coordinates, where "-89.123" must stay -89.123 in any locale."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    text = _number_text(value)
    if grouping and decimal_comma and re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    elif grouping and not decimal_comma and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"[+-]?\d*,\d+", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_numeric(value: object, f: Field, decimal_comma: bool) -> CellResult:
    number = parse_number(value, decimal_comma, grouping=f.type != "coord")
    if number is None:
        return _err("data.err.integer" if f.type == "int" else "data.err.number", value=_shown(value))
    if f.type == "int":
        if not number.is_integer():
            return _err("data.err.integer", value=_shown(value))
        number = int(number)
    if f.minimum == 0 and number < 0:
        return _err("data.err.negative", value=_shown(value))
    if (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum):
        return _err("data.err.range", value=_shown(value), min=_num(f.minimum), max=_num(f.maximum))
    return number, None


def _num(value: float | None) -> str:
    return "–" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def to_date(value: object, serials: bool) -> dt.date | bool | None:
    """A date, or False when the value is not a date at all, or None when it names an impossible day."""
    if isinstance(value, pd.Timestamp):
        return False if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if serials and isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 20_000 <= value <= 80_000:  # an Excel day number (1954–2119)
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return False
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                         r"(?:Z|[+-]\d{2}:?\d{2})?)?", text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        return _make_date(y, m, d)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?", text)
    if match:  # day first, as written in Central America
        d, m, y = (int(g) for g in match.groups())
        return _make_date(y + 2000 if y < 100 else y, m, d)
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        return _make_date(y, m, d)
    match = re.fullmatch(r"(\d{1,2})(?:\s+de)?[\s-]+([a-z]+)\.?(?:\s+de)?[\s-]+(\d{4})", _fold(text))
    if match and match.group(2) in _MONTH_NAMES:
        return _make_date(int(match.group(3)), _MONTH_NAMES[match.group(2)], int(match.group(1)))
    return False


def parse_date(value: object, f: Field, serials: bool) -> CellResult:
    date = to_date(value, serials)
    if date is False:
        return _err("data.err.date", value=_shown(value))
    if date is None:
        return _err("data.err.date_impossible", value=_shown(value))
    if not (1900 <= date.year <= 2100):
        return _err("data.err.date_range", value=_shown(value))
    return date, None


def parse_month(value: object, f: Field, serials: bool) -> CellResult:
    text = _fold(value) if isinstance(value, str) else ""
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text) if text else None
    if match:
        month = _make_date(int(match.group(1)), int(match.group(2)), 1)
        return (month, None) if month else _err("data.err.date_impossible", value=_shown(value))
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text) if text else None
    if match:
        month = _make_date(int(match.group(2)), int(match.group(1)), 1)
        return (month, None) if month else _err("data.err.date_impossible", value=_shown(value))
    match = re.fullmatch(r"([a-z]+)\.?(?:\s+de)?[\s-]+(\d{4})", text) if text else None
    if match and match.group(1) in _MONTH_NAMES:
        return dt.date(int(match.group(2)), _MONTH_NAMES[match.group(1)], 1), None
    date, error = parse_date(value, f, serials)
    if error:
        return None, ("data.err.month", {"value": _shown(value)})
    return date.replace(day=1), None


_TRUE = {"true", "1", "yes", "si", "verdadero", "x", "y", "s"}
_FALSE = {"false", "0", "no", "falso", "n"}


def parse_bool(value: object, f: Field) -> CellResult:
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    text = _fold(_as_text(value))
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return _err("data.err.bool", value=_shown(value))


def parse_codes(value: object, f: Field) -> CellResult:
    text, error = parse_text(value, f)
    if error:
        return None, error
    codes = [c for c in re.split(r"[;,\s|]+", text.upper()) if c]
    bad = [c for c in codes if not re.fullmatch(POST_CODE, c)]
    if bad:
        return _err("data.err.code_format", value=_shown(bad[0]))
    return tuple(sorted(set(codes))), None


def parse_column(raw: pd.Series, f: Field, *, decimal_comma: bool, serials: bool) -> tuple[pd.Series, pd.Series]:
    """Parse one column. Returns (values, errors); each distinct raw value is parsed once."""
    lookup = _choice_lookup(f) if f.type == "choice" else None

    def one(value: object) -> CellResult:
        if _blank(value):
            return None, None
        if f.type in ("text",):
            return parse_text(value, f)
        if f.type == "code":
            return parse_code(value, f)
        if f.type == "iso3":
            return parse_iso3(value, f)
        if f.type == "choice":
            found = lookup.get(_fold(_as_text(value)))
            if found is None:
                return _err("data.err.choice", value=_shown(value), allowed=", ".join(f.choices))
            return found, None
        if f.type in ("int", "number", "coord", "money"):
            return parse_numeric(value, f, decimal_comma)
        if f.type == "date":
            return parse_date(value, f, serials)
        if f.type == "month":
            return parse_month(value, f, serials)
        if f.type == "bool":
            return parse_bool(value, f)
        if f.type == "codes":
            return parse_codes(value, f)
        raise ValueError(f.type)

    keys = raw.map(_cache_key)
    parsed: dict[Any, CellResult] = {}
    for k, v in zip(keys.tolist(), raw.tolist(), strict=True):
        if k not in parsed:
            parsed[k] = one(v)
    values = pd.Series([parsed[k][0] for k in keys.tolist()], index=raw.index, dtype=object)
    errors = pd.Series([parsed[k][1] for k in keys.tolist()], index=raw.index, dtype=object)
    return values, errors


def _cache_key(value: object) -> Any:
    """A hashable key that keeps 1 (int), 1.0 (float), '1' and True apart where parsing may differ."""
    if _blank(value):
        return ("blank",)
    return (type(value).__name__, value if isinstance(value, str | int | float | bool) else repr(value))


def _decimal_comma(table: Table, columns: dict[str, int], spec: KindSpec) -> bool:
    """Does the file write decimals with a comma? Semicolon and tab CSVs (Spanish Excel) do, and so does
    any file whose decimal columns hold text like "12,5"."""
    if table.text_numbers and table.separator in (";", "\t"):
        return True
    for f in spec.fields:
        if f.type in ("money", "number", "coord") and f.name in columns:
            index = columns[f.name]
            for row in table.values[:2000]:
                value = row[index] if index < len(row) else None
                if isinstance(value, str) and re.fullmatch(r"\s*-?\d+,(\d{1,2}|\d{4,})\s*", value):
                    return True
    return False


# ------------------------------------------------------------------------------------------ validation
@dataclass
class Context:
    """What the database already holds, read inside the import's transaction."""

    countries: set[str]
    posts: pd.DataFrame  # id, code, country_iso3, type, crossing_code, neighbour_iso3, lon, lat
    components: set[str]
    projects: dict[str, int]

    @property
    def post_ids(self) -> dict[str, int]:
        return dict(zip(self.posts["code"], self.posts["id"].astype(int), strict=True))


def load_context(conn: Connection) -> Context:
    posts = pd.read_sql(select(Post.id, Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code,
                               Post.neighbour_iso3, Post.road, Post.lon, Post.lat), conn)
    return Context(
        countries=set(conn.execute(select(Country.iso3)).scalars()),
        posts=posts,
        components=set(conn.execute(select(ComponentType.code)).scalars()),
        projects=dict(conn.execute(select(Project.code, Project.id)).all()),
    )


@dataclass
class Parsed:
    frame: pd.DataFrame  # canonical columns, parsed values; rows with a problem are dropped later
    rows: pd.Series  # row numbers as the person sees them
    labels: dict[str, str]  # field -> column label in the file
    bad: set[int]  # positions (iloc) of rows with a problem


def parse_table(spec: KindSpec, table: Table, columns: dict[str, int], out: _Collector) -> Parsed:
    width = max(len(table.header), *(len(r) for r in table.values)) if table.values else len(table.header)
    padded = [list(r) + [None] * (width - len(r)) for r in table.values]
    raw = pd.DataFrame(padded, columns=range(width), dtype=object)
    rows = pd.Series(table.rows, dtype="int64")
    labels = {name: column_label(table, index) for name, index in columns.items()}
    bad: set[int] = set()
    for position, record in enumerate(table.values):  # values beyond the header, e.g. a stray separator
        extra = [v for v in record[len(table.header):] if not _blank(v)]
        if extra:
            out.add(int(rows.iloc[position]), None, "data.err.extra_values", n=len(record), m=len(table.header))
            bad.add(position)
    decimal_comma = _decimal_comma(table, columns, spec)
    serials = table.fmt == "xlsx"
    frame = pd.DataFrame(index=raw.index)
    for f in spec.fields:
        if f.name not in columns:
            frame[f.name] = pd.Series([None] * len(raw), dtype=object)
            continue
        values, errors = parse_column(raw[columns[f.name]], f, decimal_comma=decimal_comma, serials=serials)
        frame[f.name] = values
        for position in np.flatnonzero(errors.notna().to_numpy()):
            key, params = errors.iloc[position]
            out.add(int(rows.iloc[position]), labels[f.name], key, **params)
            bad.add(int(position))
        if f.required:
            missing = np.flatnonzero((values.isna() & errors.isna()).to_numpy())
            for position in missing:
                out.add(int(rows.iloc[position]), labels[f.name], "data.err.required")
                bad.add(int(position))
    if spec.point and table.geometry is not None:
        _points_from_geometry(spec, table, frame, rows, labels, bad, out)
    return Parsed(frame, rows, labels, bad)


def _points_from_geometry(spec: KindSpec, table: Table, frame: pd.DataFrame, rows: pd.Series,
                          labels: dict[str, str], bad: set[int], out: _Collector) -> None:
    """Fill lon/lat from point geometries; report empty, invalid and non-point geometries."""
    lon_name, lat_name = spec.point
    required = spec.field(lon_name).required
    for position, geometry in enumerate(table.geometry or []):
        row = int(rows.iloc[position])
        has_columns = frame.at[position, lon_name] is not None and frame.at[position, lat_name] is not None
        if isinstance(geometry, Exception):
            out.add(row, "geometry", "data.err.geometry_unreadable", detail=str(geometry))
            bad.add(position)
            continue
        if geometry is None or geometry.is_empty:
            if required and not has_columns and position not in bad:
                out.add(row, "geometry", "data.err.geometry_empty")
                bad.add(position)
            continue
        if geometry.geom_type != "Point":
            out.add(row, "geometry", "data.err.geometry_not_point", type=geometry.geom_type)
            bad.add(position)
            continue
        if not geometry.is_valid or not all(math.isfinite(c) for c in (geometry.x, geometry.y)):
            out.add(row, "geometry", "data.err.geometry_invalid", detail=shapely.is_valid_reason(geometry))
            bad.add(position)
            continue
        lon, lat = float(geometry.x), float(geometry.y)
        if has_columns and (abs(frame.at[position, lon_name] - lon) > 1e-7
                            or abs(frame.at[position, lat_name] - lat) > 1e-7):
            out.add(row, "geometry", "data.err.geometry_disagrees", lon=lon, lat=lat)
            bad.add(position)
            continue
        frame.at[position, lon_name] = lon
        frame.at[position, lat_name] = lat
    for name in spec.point:
        labels.setdefault(name, "geometry")


def _duplicates(parsed: Parsed, key: tuple[str, ...], out: _Collector) -> None:
    frame = parsed.frame
    keyed = frame[list(key)].astype(str)
    duplicated = keyed.duplicated(keep=False).to_numpy()
    if not duplicated.any():
        return
    first_row: dict[tuple, int] = {}
    label = parsed.labels.get(key[0], key[0])
    for position in np.flatnonzero(duplicated):
        value = tuple(keyed.iloc[position])
        row = int(parsed.rows.iloc[position])
        if value not in first_row:
            first_row[value] = row
            continue
        out.add(row, label, "data.err.duplicate", first=first_row[value])
        parsed.bad.add(int(position))


def _exists(parsed: Parsed, name: str, known: Iterable[str], out: _Collector, key: str) -> None:
    known = set(known)
    values = parsed.frame[name]
    unknown = values.notna() & ~values.isin(known)
    for position in np.flatnonzero(unknown.to_numpy()):
        if position in parsed.bad:
            continue
        out.add(int(parsed.rows.iloc[position]), parsed.labels.get(name, name), key,
                value=_shown(values.iloc[position]))
        parsed.bad.add(int(position))


def _in_region(lon: float, lat: float) -> bool:
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    return minx <= lon <= maxx and miny <= lat <= maxy


def coordinate_problem(lon: float, lat: float) -> tuple[str, dict[str, Any]] | None:
    """Outside the region: say so, and suggest the likely typo (swapped, or the minus sign lost)."""
    if _in_region(lon, lat):
        return None
    if _in_region(lat, lon):
        return "data.err.swapped", {"lon": _num(lon), "lat": _num(lat)}
    if _in_region(-abs(lon), lat):
        return "data.err.lon_sign", {"lon": _num(lon), "fixed": _num(-abs(lon))}
    return "data.err.outside_region", {"lon": _num(lon), "lat": _num(lat)}


def coordinate_columns(key: str, labels: Mapping[str, str], lon: str, lat: str) -> str:
    """The column(s) a coordinate problem is about: the longitude for a lost sign, else both."""
    lon_label, lat_label = labels.get(lon, lon), labels.get(lat, lat)
    if key == "data.err.lon_sign" or lon_label == lat_label:
        return lon_label
    return f"{lon_label}, {lat_label}"


def _check_posts(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    frame, labels = parsed.frame, parsed.labels
    _duplicates(parsed, ("code",), out)
    _exists(parsed, "country_iso3", ctx.countries, out, "data.err.unknown_country")
    _exists(parsed, "neighbour_iso3", ctx.countries, out, "data.err.unknown_country")
    for position, row in enumerate(frame.itertuples(index=False)):
        if position in parsed.bad:
            continue
        number = int(parsed.rows.iloc[position])

        def add(column: str, key: str, _number: int = number, _position: int = position, **params: Any) -> None:
            out.add(_number, labels.get(column, column), key, **params)
            parsed.bad.add(_position)

        if row.type == "land":
            if not row.neighbour_iso3:
                add("neighbour_iso3", "data.err.land_needs_neighbour")
            if not row.crossing_code:
                add("crossing_code", "data.err.land_needs_crossing")
        elif row.neighbour_iso3:
            add("neighbour_iso3", "data.err.neighbour_only_land")
        if row.neighbour_iso3 and row.neighbour_iso3 == row.country_iso3:
            add("neighbour_iso3", "data.err.neighbour_same")
        if position in parsed.bad:
            continue
        problem = coordinate_problem(row.lon, row.lat)
        if problem:
            out.add(number, coordinate_columns(problem[0], labels, "lon", "lat"), problem[0], **problem[1])
            parsed.bad.add(position)
            continue
        # The border rule lives in geo.posts.checks: one place for it.
        if row.type == "land":
            message = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, row.lon, row.lat)
        else:
            message = point_post_problem(row.country_iso3, row.lon, row.lat, row.type)
        if message:
            add("lon", "data.err.post_rule", detail=message)
    if out:
        return
    # Crossings: one post on each side, after the file is merged into what the database holds.
    incoming = frame[["code", "country_iso3", "type", "crossing_code", "neighbour_iso3", "lon", "lat"]]
    merged = pd.concat([ctx.posts[~ctx.posts["code"].isin(incoming["code"])][incoming.columns], incoming])
    touched = set(incoming["crossing_code"].dropna())
    land = merged[(merged["type"] == "land") & merged["crossing_code"].isin(touched)]
    first_row = dict(zip(frame["code"], parsed.rows, strict=True))
    for problem in [] if land.empty else _crossing_problems(land):
        crossing = problem.subject.split(" ", 1)[-1]
        codes = frame.loc[frame["crossing_code"] == crossing, "code"]
        out.add(int(first_row[codes.iloc[0]]) if len(codes) else None, labels.get("crossing_code", "crossing_code"),
                "data.err.crossing", crossing=crossing, detail=problem.message)
    for (crossing, country), group in land.groupby(["crossing_code", "country_iso3"]):
        if len(group) > 1:
            codes = frame.loc[(frame["crossing_code"] == crossing) & (frame["country_iso3"] == country), "code"]
            if len(codes):
                out.add(int(first_row[codes.iloc[0]]), labels.get("crossing_code", "crossing_code"),
                        "data.err.crossing_side_taken", crossing=crossing, country=country)


def _crossing_problems(land: pd.DataFrame) -> list:
    """The crossing rule of geo.posts.checks.post_problems, without re-running its per-post checks."""
    # post_problems checks every post too; posts already passed that, so keep only the crossing verdicts.
    return [p for p in post_problems(land) if p.subject.startswith("crossing ")]


def _check_upgrades(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    frame = parsed.frame
    for name, default in (("progress", 0), ("budget_planned", 0.0), ("budget_committed", 0.0),
                          ("budget_spent", 0.0)):
        frame[name] = frame[name].where(frame[name].notna(), default).astype(object)
    _duplicates(parsed, UPGRADES.key, out)
    _exists(parsed, "post_code", ctx.post_ids, out, "data.err.unknown_post")
    _exists(parsed, "component_code", ctx.components, out, "data.err.unknown_component")
    _exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")
    try:  # the component rules live in geo.upgrades.records (one place); DB constraints back them up
        from geo.upgrades.records import validate_component
    except ImportError:  # pragma: no cover - geo.upgrades.records ships with the app
        validate_component = None
    for position, record in enumerate(frame.to_dict("records")):
        if position in parsed.bad or validate_component is None:
            continue
        problems = validate_component(record, today=dt.date.today())
        for name, key in problems.items():
            out.add(int(parsed.rows.iloc[position]), parsed.labels.get(name, name), key)
            parsed.bad.add(position)


def _check_workshops(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    from geo.workshops.records import normalise, validate_workshop

    frame = parsed.frame
    _duplicates(parsed, ("code",), out)
    _exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")
    for name in ("venue_country_iso3", "pair_a", "pair_b"):
        _exists(parsed, name, ctx.countries, out, "data.err.unknown_country")
    known_posts = set(ctx.post_ids)
    for position, record in enumerate(frame.to_dict("records")):
        if position in parsed.bad:
            continue
        number = int(parsed.rows.iloc[position])
        unknown = [c for c in (record.get("posts") or ()) if c not in known_posts]
        if unknown:
            out.add(number, parsed.labels.get("posts", "posts"), "data.err.unknown_post", value=", ".join(unknown[:5]))
            parsed.bad.add(position)
            continue
        if record.get("venue_lon") is not None and record.get("venue_lat") is not None:
            problem = coordinate_problem(record["venue_lon"], record["venue_lat"])
            if problem:
                out.add(number, coordinate_columns(problem[0], parsed.labels, "venue_lon", "venue_lat"), problem[0],
                        **problem[1])
                parsed.bad.add(position)
                continue
            if not record.get("venue_country_iso3"):
                frame.at[position, "venue_country_iso3"] = reference.country_of_point(record["venue_lon"],
                                                                                     record["venue_lat"])
        clean = normalise({k: v for k, v in record.items() if not k.startswith("participants_")})
        frame.at[position, "pair_a"], frame.at[position, "pair_b"] = clean.get("pair_a"), clean.get("pair_b")
        # The workshop rules live in geo.workshops.records (one place).
        for name, key in validate_workshop({**clean, "participants": None}).items():
            column = {"dates": "end_date", "venue": "venue_name", "pair": "pair_a"}.get(name, name)
            out.add(number, parsed.labels.get(column, column), key)
            parsed.bad.add(position)


def _check_flows(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    frame = parsed.frame
    for name in ("prev_country", "next_country"):
        frame[name] = frame[name].where(frame[name].notna(), "")
    _duplicates(parsed, FLOWS.key, out)
    _exists(parsed, "post_code", ctx.post_ids, out, "data.err.unknown_post")
    _dates_in_range(parsed, "day", out)
    counts, minors = frame["count"], frame["unaccompanied_minors"]
    over = (minors.notna() & counts.notna()).to_numpy().copy()
    over[over] = (minors[over].astype(float) > counts[over].astype(float)).to_numpy()
    for position in np.flatnonzero(over):
        if position not in parsed.bad:
            out.add(int(parsed.rows.iloc[position]), parsed.labels.get("unaccompanied_minors"),
                    "data.err.minors_over_count")
            parsed.bad.add(int(position))


def _dates_in_range(parsed: Parsed, name: str, out: _Collector) -> None:
    values = parsed.frame[name]
    today = dt.date.today()
    for position, value in enumerate(values.tolist()):
        if value is None or position in parsed.bad:
            continue
        if value > today:
            out.add(int(parsed.rows.iloc[position]), parsed.labels.get(name, name), "data.err.future",
                    value=value.isoformat())
            parsed.bad.add(position)
        elif value < EARLIEST:
            out.add(int(parsed.rows.iloc[position]), parsed.labels.get(name, name), "data.err.too_old",
                    value=value.isoformat(), earliest=EARLIEST.isoformat())
            parsed.bad.add(position)


def _check_assistance(parsed: Parsed, ctx: Context, out: _Collector) -> None:
    _duplicates(parsed, ASSISTANCE.key, out)
    _exists(parsed, "country_iso3", ctx.countries, out, "data.err.unknown_country")
    _exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")
    _dates_in_range(parsed, "month", out)


CHECKS: dict[str, Callable[[Parsed, Context, _Collector], None]] = {
    "posts": _check_posts, "upgrades": _check_upgrades, "workshops": _check_workshops,
    "flows": _check_flows, "assistance": _check_assistance,
}


# ------------------------------------------------------------------------------------------ writing
Progress = Callable[[float], None]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float | Decimal) or isinstance(b, float | Decimal):
        try:
            return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
        except (TypeError, ValueError):
            return False
    return as_text(a) == as_text(b)


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (old.get(k), v) for k, v in new.items() if not _same(old.get(k), v)
            and not (old.get(k) in (None, "") and v in (None, ""))}


def _sample(value: object, old: Mapping[str, Any] | None = None) -> bool:
    """The sample flag to store: the file's, else (no is_sample column) the record's current one."""
    if value is not None:
        return bool(value)
    return bool(old["is_sample"]) if old is not None else False


def _keep_absent(values: dict[str, Any], old: Mapping[str, Any] | None, frame: pd.DataFrame,
                 renames: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Columns the file does not have keep their stored values (a partial file updates what it gives)."""
    if old is None:
        return values
    present = frame.attrs.get("present", set())
    for name in list(values):
        if (renames or {}).get(name, name) not in present and name in old:
            values[name] = old[name]
    return values


def _apply_posts(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                 write: bool) -> tuple[int, int, int]:
    columns = [n for n in POSTS.names if n != "is_sample"]
    rows = conn.execute(select(*(getattr(Post, c) for c in (*columns, "is_sample")))).mappings().all()
    existing = {r["code"]: dict(r) for r in rows}
    added = updated = unchanged = 0
    stamp = now()
    for record in frame.to_dict("records"):
        values = {c: record.get(c) for c in columns}
        old = existing.get(values["code"])
        values["is_sample"] = _sample(record.get("is_sample"), old)
        values = _keep_absent(values, old, frame)
        if old is None:
            added += 1
            if write:
                conn.execute(insert(Post), {**values, "updated_at": stamp})
            continue
        changes = _diff(old, values)
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(Post).where(Post.code == values["code"]).values(**values, updated_at=stamp))
            record_changes(conn, actor, "post", values["code"], "update", changes, at=stamp)
    return added, updated, unchanged


def _apply_upgrades(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                    write: bool) -> tuple[int, int, int]:
    post_ids = ctx.post_ids
    fields = [n for n in UPGRADES.names if n not in ("post_code", "component_code", "project_code")]
    rows = conn.execute(
        select(PostComponent.id, PostComponent.post_id, PostComponent.component_code, PostComponent.project_id,
               PostComponent.version, *(getattr(PostComponent, f) for f in fields))
    ).mappings().all()
    existing = {(r["post_id"], r["component_code"]): dict(r) for r in rows}
    added = updated = unchanged = 0
    stamp = now()
    for record in frame.to_dict("records"):
        post_id = post_ids[record["post_code"]]
        values = {f: record.get(f) for f in fields}
        values["project_id"] = ctx.projects.get(record.get("project_code")) if record.get("project_code") else None
        old = existing.get((post_id, record["component_code"]))
        values["is_sample"] = _sample(values.get("is_sample"), old)
        values = _keep_absent(values, old, frame, {"project_id": "project_code"})
        key = f"{record['post_code']}/{record['component_code']}"
        if old is None:
            added += 1
            if write:
                conn.execute(insert(PostComponent), {
                    **values, "post_id": post_id, "component_code": record["component_code"], "version": 1,
                    "updated_at": stamp, "updated_by": actor.username})
            continue
        changes = _diff(old, values)
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(PostComponent).where(PostComponent.id == old["id"]).values(
                **values, version=old["version"] + 1, updated_at=stamp, updated_by=actor.username))
            record_changes(conn, actor, "post_component", key, "update", changes, at=stamp)
    return added, updated, unchanged


def _participants_of(record: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    out = {}
    for agency in AGENCIES:
        for sex in SEXES:
            value = record.get(f"participants_{agency}_{sex}")
            if value:
                out[(agency, sex)] = int(value)
    return out


def _participants_text(parts: Mapping[tuple[str, str], int]) -> str:
    return ", ".join(f"{a}.{s}={n}" for (a, s), n in sorted(parts.items()) if n)


def _apply_workshops(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                     write: bool) -> tuple[int, int, int]:
    from geo.workshops.records import EDIT_FIELDS

    post_ids = ctx.post_ids
    fields = [*EDIT_FIELDS, "project_id", "is_sample"]
    rows = conn.execute(select(Workshop.id, Workshop.code, Workshop.version,
                               *(getattr(Workshop, f) for f in fields))).mappings().all()
    existing = {r["code"]: dict(r) for r in rows}
    parts: dict[int, dict[tuple[str, str], int]] = {}
    for workshop_id, agency, sex, count in conn.execute(
            select(WorkshopParticipants.workshop_id, WorkshopParticipants.agency, WorkshopParticipants.sex,
                   WorkshopParticipants.count)):
        if count:
            parts.setdefault(workshop_id, {})[(agency, sex)] = int(count)
    attended: dict[int, list[str]] = {}
    for workshop_id, code in conn.execute(select(WorkshopPost.workshop_id, Post.code)
                                          .join(Post, Post.id == WorkshopPost.post_id)):
        attended.setdefault(workshop_id, []).append(code)
    added = updated = unchanged = 0
    stamp = now()
    for record in frame.to_dict("records"):
        values = {f: record.get(f) for f in EDIT_FIELDS}
        values["project_id"] = ctx.projects.get(record.get("project_code")) if record.get("project_code") else None
        new_parts = _participants_of(record)
        new_posts = sorted(record.get("posts") or ())
        old = existing.get(record["code"])
        values["is_sample"] = _sample(record.get("is_sample"), old)
        values = _keep_absent(values, old, frame, {"project_id": "project_code"})
        present = frame.attrs.get("present", set())
        if old is not None and not any(n.startswith("participants_") for n in present):
            new_parts = parts.get(old["id"], {})
        if old is not None and "posts" not in present:
            new_posts = sorted(attended.get(old["id"], []))
        if old is None:
            added += 1
            if write:
                workshop_id = conn.execute(insert(Workshop).returning(Workshop.id), {
                    **values, "code": record["code"], "version": 1, "updated_at": stamp,
                    "updated_by": actor.username}).scalar_one()
                _write_children(conn, workshop_id, new_parts, new_posts, post_ids)
            continue
        changes = _diff(old, values)
        old_parts, old_posts = parts.get(old["id"], {}), sorted(attended.get(old["id"], []))
        if _participants_text(old_parts) != _participants_text(new_parts):
            changes["participants"] = (_participants_text(old_parts), _participants_text(new_parts))
        if old_posts != new_posts:
            changes["posts"] = (", ".join(old_posts), ", ".join(new_posts))
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(Workshop).where(Workshop.id == old["id"]).values(
                **values, version=old["version"] + 1, updated_at=stamp, updated_by=actor.username))
            conn.execute(delete(WorkshopParticipants).where(WorkshopParticipants.workshop_id == old["id"]))
            conn.execute(delete(WorkshopPost).where(WorkshopPost.workshop_id == old["id"]))
            _write_children(conn, old["id"], new_parts, new_posts, post_ids)
            record_changes(conn, actor, "workshop", record["code"], "update", changes, at=stamp)
    return added, updated, unchanged


def _write_children(conn: Connection, workshop_id: int, parts: Mapping[tuple[str, str], int], posts: list[str],
                    post_ids: Mapping[str, int]) -> None:
    if parts:
        conn.execute(insert(WorkshopParticipants), [
            {"workshop_id": workshop_id, "agency": a, "sex": s, "count": n} for (a, s), n in parts.items()])
    if posts:
        conn.execute(insert(WorkshopPost), [{"workshop_id": workshop_id, "post_id": post_ids[c]} for c in posts])


FLOW_KEY = ("day", "post_id", "direction", "nationality", "sex", "age_band", "prev_country", "next_country")


def _apply_flows(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context, write: bool,
                 progress: Progress | None = None) -> tuple[int, int, int]:
    frame = frame.copy()
    frame["post_id"] = frame["post_code"].map(ctx.post_ids).astype("int64")
    frame["count"] = frame["count"].astype("int64")
    minors = frame["unaccompanied_minors"]
    frame["unaccompanied_minors"] = pd.Series(
        [None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v) for v in minors.tolist()],
        index=frame.index, dtype=object)
    first, last = min(frame["day"]), max(frame["day"])
    post_list = sorted(set(frame["post_id"].tolist()))
    existing = pd.read_sql(
        select(FlowCount.id, *(getattr(FlowCount, c) for c in FLOW_KEY), FlowCount.count.label("old_count"),
               FlowCount.unaccompanied_minors.label("old_minors"), FlowCount.is_sample.label("old_sample"))
        .where(FlowCount.day >= first, FlowCount.day <= last, FlowCount.post_id.in_(post_list)),
        conn,
    )
    existing["day"] = pd.to_datetime(existing["day"]).dt.date
    merged = frame.merge(existing, on=list(FLOW_KEY), how="left", indicator=True)
    no_flag = merged["is_sample"].isna()
    merged["is_sample"] = merged["is_sample"].where(~no_flag, merged["old_sample"])  # no column: keep the flag
    merged["is_sample"] = merged["is_sample"].map(lambda v: bool(v) if v is not None and v == v else False)
    if "unaccompanied_minors" not in frame.attrs.get("present", set()):  # no column: keep what is stored
        matched = merged["_merge"] == "both"
        merged.loc[matched, "unaccompanied_minors"] = merged.loc[matched, "old_minors"].map(
            lambda v: None if v is None or v != v else int(v)).astype(object)
    new = merged[merged["_merge"] == "left_only"]
    old = merged[merged["_merge"] == "both"]
    old_minors = old["old_minors"].map(lambda v: None if v is None or v != v else int(v))
    same = ((old["count"].to_numpy() == old["old_count"].astype("int64").to_numpy())
            & np.array([as_text(a) == as_text(b) for a, b in zip(old["unaccompanied_minors"], old_minors, strict=True)],
                       dtype=bool)
            & (old["is_sample"].astype(bool).to_numpy() == old["old_sample"].astype(bool).to_numpy()))
    changed = old[~same]
    if write:
        months: set[dt.date] = set()
        if len(changed):
            conn.execute(
                update(FlowCount).where(FlowCount.id == bindparam("row_id")).values(
                    count=bindparam("new_count"), unaccompanied_minors=bindparam("new_minors"),
                    is_sample=bindparam("new_sample")),
                [{"row_id": int(r["id"]), "new_count": int(r["count"]), "new_minors": r["unaccompanied_minors"],
                  "new_sample": bool(r["is_sample"])} for r in changed.to_dict("records")],
            )
            months |= {d.replace(day=1) for d in changed["day"]}
        if len(new):
            total = len(new)
            columns = [*FLOW_KEY, "count", "unaccompanied_minors", "is_sample"]
            months |= insert_flows(conn, new[columns].reset_index(drop=True),
                                   progress=(lambda n: progress(0.5 + 0.4 * n / total)) if progress else None)
        refresh_monthly(conn, months)
    return len(new), len(changed), len(old) - len(changed)


def _apply_assistance(conn: Connection, actor: Actor, frame: pd.DataFrame, ctx: Context,
                      write: bool) -> tuple[int, int, int]:
    rows = conn.execute(select(AssistedReturn)).mappings().all()
    existing = {(r["month"], r["country_iso3"], r["category"]): dict(r) for r in rows}
    added = updated = unchanged = 0
    for record in frame.to_dict("records"):
        key = (record["month"], record["country_iso3"], record["category"])
        old = existing.get(key)
        values = {"count": int(record["count"]), "is_sample": _sample(record.get("is_sample"), old),
                  "project_id": ctx.projects.get(record.get("project_code")) if record.get("project_code") else None}
        values = _keep_absent(values, old, frame, {"project_id": "project_code"})
        label = f"{key[0].isoformat()}/{key[1]}/{key[2]}"
        if old is None:
            added += 1
            if write:
                conn.execute(insert(AssistedReturn), {**values, "month": key[0], "country_iso3": key[1],
                                                      "category": key[2]})
            continue
        changes = _diff(old, values)
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if write:
            conn.execute(update(AssistedReturn).where(
                AssistedReturn.month == key[0], AssistedReturn.country_iso3 == key[1],
                AssistedReturn.category == key[2]).values(**values))
            record_changes(conn, actor, "assisted_return", label, "update", changes)
    return added, updated, unchanged


# ------------------------------------------------------------------------------------------ entry point
def import_data(engine: Engine, actor: Actor, kind: str, data: bytes, file_name: str, *, dry_run: bool = False,
                progress: Progress | None = None, max_bytes: int | None = None) -> ImportReport:
    """Validate `data` as a file of `kind` and, unless `dry_run` or rejected, write it in one transaction.

    Never raises for a bad file: every problem is in the report. Raises PermissionDenied for a viewer and
    ValueError for an unknown kind (a programming error, not a file problem).
    """
    require(actor, "editor", "import data")
    if kind not in SPECS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    name = Path(file_name or "upload").name[:120]
    report = ImportReport(kind=kind, file=name, dry_run=dry_run)
    out = _Collector(report)
    step = progress or (lambda _f: None)
    spec = SPECS[kind]
    try:
        table = read_table(data, name, kind, out, max_bytes=max_bytes)
    except (MemoryError, RecursionError):
        out.add(None, None, "data.err.not_table")
        table = None
    if table is None:
        return report
    report.rows = len(table.values)
    step(0.1)
    columns = map_columns(spec, table, out)
    if out:
        return report
    parsed = parse_table(spec, table, columns, out)
    step(0.3)
    try:
        with engine.begin() as conn:
            ctx = load_context(conn)
            CHECKS[kind](parsed, ctx, out)
            step(0.45)
            if out:
                raise Rejected
            clean = parsed.frame.reset_index(drop=True)
            clean.attrs["present"] = set(columns) | (set(spec.point) if spec.point and table.geometry else set())
            write = not dry_run
            if kind == "flows":
                counts = _apply_flows(conn, actor, clean, ctx, write, progress)
            else:
                counts = {"posts": _apply_posts, "upgrades": _apply_upgrades, "workshops": _apply_workshops,
                          "assistance": _apply_assistance}[kind](conn, actor, clean, ctx, write)
            report.added, report.updated, report.unchanged = counts
            if dry_run:
                raise Rejected  # roll back anything a check may have touched
            conn.execute(delete(DatasetState).where(DatasetState.kind == kind))
            conn.execute(insert(DatasetState), {"kind": kind, "updated_at": now(), "source": name[:200], "seed": None})
            record_event(conn, actor, "import", kind, name[:80],
                         f"file={name}; format={report.format}; rows={report.rows}; added={report.added}; "
                         f"updated={report.updated}; unchanged={report.unchanged}")
    except Rejected:
        pass
    except SQLAlchemyError as error:  # a constraint the checks did not foresee: still nothing written
        report.added = report.updated = report.unchanged = 0
        out.add(None, None, "data.err.database", detail=type(getattr(error, "orig", error)).__name__)
        return report
    report.written = not dry_run and report.ok
    step(1.0)
    return report


def kinds_in_order() -> tuple[str, ...]:
    """The order to load a full set of files into an empty database (posts before what refers to them)."""
    return KINDS
