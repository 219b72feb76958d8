"""Strings shared by every page: app frame, navigation, sample-data notices, country and code labels."""

STRINGS = {
    "disclosure.no_data": {"es": "sin datos", "en": "no data"},
    "disclosure.caption": {
        "es": "Cifras de personas vulnerables redondeadas al azar a múltiplos de 5 (cada mes y país, o mes y "
        "puesto, a menos de 5 de su valor real; los totales son la suma de sus partes); «<5»: de 0 a 4.",
        "en": "Counts of vulnerable people randomly rounded to multiples of 5 (each month and country, or month "
        "and post, within 4 of its true value; totals are the sum of their parts); \u201c<5\u201d: 0 to 4.",
    },
    "disclosure.exact": {
        "es": "RESTRINGIDO: cifras exactas, solo para el personal del programa. No las comparta.",
        "en": "RESTRICTED: exact figures, for programme staff only. Do not share them.",
    },
    "disclosure.toggle": {"es": "Mostrar cifras exactas (restringido)", "en": "Show exact figures (restricted)"},
    "disclosure.detail": {
        "es": "No se publica con filtros de dirección o nacionalidad (solo por puesto y mes).",
        "en": "Not published with direction or nationality filters (only by post and month).",
    },
    "app.title": {"es": "Monitor de Fronteras CA4", "en": "CA4 Border Monitor"},
    "app.subtitle": {
        "es": "Puestos fronterizos de Guatemala, El Salvador, Honduras y Nicaragua",
        "en": "Border posts of Guatemala, El Salvador, Honduras and Nicaragua",
    },
    "app.language": {"es": "Idioma", "en": "Language"},
    "app.sample_notice": {
        "es": "Datos de muestra: los flujos, estados de infraestructura, talleres y retornos mostrados son "
        "generados por código (semilla {seed}) para demostración; no son cifras reales.",
        "en": "Sample data: the flows, infrastructure statuses, workshops and returns shown are generated "
        "by code (seed {seed}) for demonstration; they are not real figures.",
    },
    "app.sample_badge": {"es": "DATOS DE MUESTRA", "en": "SAMPLE DATA"},
    "app.real_posts_notice": {
        "es": "Ubicaciones de puestos: reales (ver procedencia). Límites: Natural Earth 1:10m. "
        "Lugares: GeoNames, geonames.org (CC BY 4.0).",
        "en": "Post locations: real (see provenance). Boundaries: Natural Earth 1:10m. "
        "Places: GeoNames, geonames.org (CC BY 4.0).",
    },
    "app.first_start": {
        "es": "Preparando la base de datos por primera vez…",
        "en": "Preparing the database for the first time…",
    },
    "app.db_error": {
        "es": "No se pudo abrir la base de datos ({error}). Revise DATABASE_URL.",
        "en": "The database could not be opened ({error}). Check DATABASE_URL.",
    },
    "nav.overview": {"es": "Resumen", "en": "Overview"},
    "nav.map": {"es": "Mapa", "en": "Map"},
    "nav.flows": {"es": "Flujos", "en": "Flows"},
    "nav.infrastructure": {"es": "Infraestructura", "en": "Infrastructure"},
    "nav.workshops": {"es": "Talleres", "en": "Workshops"},
    "nav.projects": {"es": "Proyectos y retornos", "en": "Projects and returns"},
    "nav.data": {"es": "Importar / exportar", "en": "Import / export"},
    "nav.audit": {"es": "Auditoría", "en": "Audit log"},
    "nav.admin": {"es": "Administración", "en": "Administration"},
    "nav.section.monitor": {"es": "Monitoreo", "en": "Monitoring"},
    "filter.country": {"es": "País", "en": "Country"},
    "filter.post_type": {"es": "Tipo de puesto", "en": "Post type"},
    "filter.status": {"es": "Estado", "en": "Status"},
    "filter.all": {"es": "Todos", "en": "All"},
    "post_type.land": {"es": "Terrestre", "en": "Land"},
    "post_type.air": {"es": "Aéreo", "en": "Air"},
    "post_type.sea": {"es": "Marítimo", "en": "Sea"},
    "status.planned": {"es": "Planificado", "en": "Planned"},
    "status.procurement": {"es": "Adquisición", "en": "Procurement"},
    "status.installation": {"es": "Instalación", "en": "Installation"},
    "status.operational": {"es": "Operativo", "en": "Operational"},
    "status.delayed": {"es": "Retrasado", "en": "Delayed"},
    "status.suspended": {"es": "Suspendido", "en": "Suspended"},
    "status.none": {"es": "Sin componentes", "en": "No components"},
    "direction.entry": {"es": "Entrada", "en": "Entry"},
    "direction.exit": {"es": "Salida", "en": "Exit"},
    "sex.F": {"es": "Mujeres", "en": "Women"},
    "sex.M": {"es": "Hombres", "en": "Men"},
    "sex.U": {"es": "No registrado", "en": "Not recorded"},
    "agency.migration": {"es": "Migración", "en": "Migration"},
    "agency.police": {"es": "Policía", "en": "Police"},
    "agency.customs": {"es": "Aduanas", "en": "Customs"},
    "agency.other": {"es": "Otras", "en": "Other"},
    "age.0-17": {"es": "0–17", "en": "0–17"},
    "age.18-29": {"es": "18–29", "en": "18–29"},
    "age.30-44": {"es": "30–44", "en": "30–44"},
    "age.45-59": {"es": "45–59", "en": "45–59"},
    "age.60+": {"es": "60+", "en": "60+"},
    "age.unknown": {"es": "Desconocida", "en": "Unknown"},
    "common.none": {"es": "Ninguno", "en": "None"},
    "common.yes": {"es": "Sí", "en": "Yes"},
    "common.no": {"es": "No", "en": "No"},
    "common.download_csv": {"es": "Descargar CSV", "en": "Download CSV"},
    "common.data_as_of": {"es": "Datos al {date}", "en": "Data as of {date}"},
    "guard.editor_only": {
        "es": "Esta página es para editores y administradores: inicie sesión con una cuenta de editor.",
        "en": "This page is for editors and administrators: sign in with an editor account."},
    "edit.someone": {"es": "otra persona", "en": "someone else"},
    "edit.err.out_of_scope": {
        "es": "fuera de su ámbito: usted edita registros de {scope}; este es de {countries}.",
        "en": "outside your scope: you edit records of {scope}; this one is of {countries}.",
    },
    "edit.err.exists": {"es": "ya existe un registro con esta clave.", "en": "a record with this key already exists."},
    "guard.admin_only": {"es": "Esta página es solo para administradores.",
                         "en": "This page is for administrators only."},
}
