"""Real programme facts: the component catalogue and the two projects named in the programme documents.

Sources: shared/context (the news item on the EU-financed CA4 border-management project and the
project page of IOM project Q36-805). These are real records, not sample data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from geo.reference import CA4

# (code, name_en, name_es, category, sort order). The programme improves data-collection infrastructure
# at border posts and interconnects national and regional information systems.
COMPONENT_TYPES: tuple[tuple[str, str, str, str, int], ...] = (
    ("workstations", "Data-collection workstations", "Estaciones de registro de datos", "equipment", 10),
    ("doc_readers", "Travel-document readers", "Lectores de documentos de viaje", "equipment", 20),
    ("biometrics", "Biometric capture", "Captura biométrica", "equipment", 30),
    ("national_link", "Connection to the national migration system",
     "Conexión al sistema migratorio nacional", "connectivity", 40),
    ("regional_link", "Interconnection with the neighbour / regional platform",
     "Interconexión con el país vecino / plataforma regional", "connectivity", 50),
    ("power_backup", "Power and backup", "Energía y respaldo", "facility", 60),
    ("integrated_control", "Integrated (binational) control facility",
     "Control integrado (binacional)", "facility", 70),
)

# Components that make information flow: used by the information-exchange view.
NATIONAL_LINK = "national_link"
REGIONAL_LINK = "regional_link"


@dataclass(frozen=True)
class ProjectRecord:
    code: str
    title_en: str
    title_es: str
    start: dt.date | None
    end: dt.date | None
    status: str
    project_type: str | None
    donor: str | None
    budget: float | None
    currency: str
    scope: str
    countries: tuple[str, ...]
    components: tuple[tuple[str, str], ...] = field(default=())
    budget_is_floor: bool = False  # the source gives a lower bound ("over EUR 1 million"), not an amount


EU_PROJECT_CODE = "EU-CA4-MIG"

PROJECTS: tuple[ProjectRecord, ...] = (
    ProjectRecord(
        code="Q36-805",
        title_en="Strengthening of the Migration Components of the Central American Integration Process",
        title_es="Fortalecimiento de los componentes migratorios del proceso de integración centroamericana",
        start=dt.date(2005, 1, 1),
        end=dt.date(2011, 12, 31),
        status="completed",
        project_type="TCMMCB",
        donor=None,
        budget=81_500.0,
        currency="USD",
        scope="regional",
        countries=("BLZ", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "NIC", "PAN"),
        components=(
            ("Central American passport", "Pasaporte centroamericano"),
            ("Central American visa", "Visa centroamericana"),
            ("Border integration", "Integración fronteriza"),
            ("Common technological platform for migration directorates",
             "Plataforma tecnológica común de las direcciones de migración"),
        ),
    ),
    ProjectRecord(
        code=EU_PROJECT_CODE,
        title_en="Support to Regional Integration through Strengthening Migration Management in Central America",
        title_es="Apoyo a la integración regional mediante el fortalecimiento de la gestión migratoria "
        "en Centroamérica",
        start=None,  # the sources give no dates
        end=None,
        status="active",
        project_type=None,
        donor="European Union",
        budget=1_000_000.0,  # "over EUR 1 million": the stated floor, not an exact figure
        budget_is_floor=True,
        currency="EUR",
        scope="CA4",
        countries=CA4,
        components=(
            ("Data-collection infrastructure at border posts",
             "Infraestructura de recolección de datos en puestos fronterizos"),
            ("Information exchange between national and peripheral systems",
             "Intercambio de información entre sistemas nacionales y periféricos"),
            ("Training of officials of countries of origin, transit and destination",
             "Capacitación de funcionarios de países de origen, tránsito y destino"),
            ("Binational workshops at border areas", "Talleres binacionales en zonas fronterizas"),
            ("Humanitarian assistance to vulnerable returning migrants",
             "Asistencia humanitaria a migrantes retornados en situación de vulnerabilidad"),
            ("Legal framework for free movement in the CA4",
             "Marco legal para la libre movilidad en el CA4"),
        ),
    ),
)

# Facts stated in the news item on the EU-financed project: shown beside the (sample) assisted-return figures.
REPORTED_RETURNS = 50  # "So far it has assisted 50 persons in Guatemala, Honduras, El Salvador and Nicaragua"
REPORTED_RETURNS_COUNTRIES = ("GTM", "HND", "SLV", "NIC")
