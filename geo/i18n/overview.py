"""Strings of the overview page (the home) and of the one-page brief."""

STRINGS = {
    "ov.title": {"es": "Resumen del programa", "en": "Programme overview"},
    "ov.intro": {
        "es": "Las cifras clave del monitoreo de los puestos fronterizos del CA4, con su período y su fuente.",
        "en": "The key figures of the monitoring of the CA4 border posts, with their period and source.",
    },
    "ov.period": {"es": "Período", "en": "Period"},
    "ov.period.current": {"es": "situación al {date}", "en": "status as of {date}"},
    "ov.countries": {"es": "Países del CA4", "en": "CA4 countries"},
    "ov.kpi.posts": {"es": "Puestos monitoreados", "en": "Posts monitored"},
    "ov.kpi.operational": {"es": "Componentes operativos", "en": "Components operational"},
    "ov.kpi.operational.detail": {"es": "{n} de {total} componentes", "en": "{n} of {total} components"},
    "ov.kpi.budget": {"es": "Presupuesto ejecutado", "en": "Budget executed"},
    "ov.kpi.budget.detail": {"es": "EUR {spent} gastados de {planned} planificados",
                             "en": "EUR {spent} spent of {planned} planned"},
    "ov.kpi.workshops": {"es": "Talleres realizados", "en": "Workshops held"},
    "ov.kpi.workshops.detail": {"es": "binacionales, nacionales y regionales",
                                "en": "binational, national and regional"},
    "ov.kpi.trained": {"es": "Funcionarios capacitados", "en": "Officials trained"},
    "ov.kpi.trained.detail": {"es": "Mujeres {women} ({pct}) · hombres {men} · {agencies}",
                              "en": "Women {women} ({pct}) · men {men} · {agencies}"},
    "ov.kpi.covered": {"es": "Puestos cubiertos por capacitación", "en": "Posts covered by training"},
    "ov.kpi.covered.detail": {"es": "{n} de {total} puestos del programa",
                              "en": "{n} of {total} programme posts"},
    "ov.kpi.flows": {"es": "Cruces registrados", "en": "Crossings recorded"},
    "ov.kpi.flows.detail": {"es": "Entradas {entry} · salidas {exit}", "en": "Entries {entry} · exits {exit}"},
    "ov.flows.change": {"es": "{pct} % frente a {previous}", "en": "{pct} % on {previous}"},
    "ov.flows.no_prev": {"es": "sin datos del período anterior", "en": "no data for the previous period"},
    "ov.kpi.returns": {"es": "Personas asistidas para retornar", "en": "Persons assisted to return"},
    "ov.kpi.period": {"es": "Período", "en": "Period"},
    "ov.kpi.source": {"es": "Fuente", "en": "Source"},
    "ov.source.posts": {"es": "Registro de puestos fronterizos del monitor (nombres y ubicaciones reales).",
                        "en": "The monitor's register of border posts (real names and locations)."},
    "ov.source.upgrades": {"es": "Componentes de infraestructura.", "en": "Infrastructure components."},
    "ov.source.workshops": {"es": "Registro de talleres.", "en": "Workshop records."},
    "ov.source.flows": {"es": "Conteos de flujo (resumen mensual).", "en": "Flow counts (monthly roll-up)."},
    "ov.source.returns": {"es": "Conteos agregados, redondeados al azar a múltiplos de 5 (cada mes y país a menos "
                                "de 5 de su valor real); «<5»: de 0 a 4.",
                          "en": "Aggregate counts, randomly rounded to multiples of 5 (each month and country within "
                                "4 of its true value); \u201c<5\u201d: 0 to 4."},
    "ov.source.sample": {"es": "Datos de muestra (semilla {seed}).", "en": "Sample data (seed {seed})."},
    "ov.map.title": {"es": "Estado de la infraestructura por puesto", "en": "Infrastructure status by post"},
    "ov.map.caption": {
        "es": "Color: estado de la infraestructura; tamaño: flujo de los últimos 3 meses; forma: tipo de puesto.",
        "en": "Colour: infrastructure status; size: flow over the last 3 months; shape: post type.",
    },
    "ov.brief": {"es": "Resumen de una página", "en": "One-page brief"},
    "ov.brief.help": {
        "es": "Descargue esta vista (mapa, leyenda, cifras, filtros, fecha y fuente) en el idioma elegido.",
        "en": "Download this view (map, legend, figures, filters, date and source) in the chosen language.",
    },
    "ov.brief.pdf": {"es": "Descargar PDF", "en": "Download PDF"},
    "ov.brief.png": {"es": "Descargar PNG", "en": "Download PNG"},
    "ov.present": {"es": "Modo presentación", "en": "Presentation mode"},
    "ov.present.help": {
        "es": "Diapositivas a pantalla completa para proyector (sin menús, letra grande).",
        "en": "Full-screen slides for a projector (no menus, large type).",
    },
    "brief.view.overview": {"es": "Resumen del programa", "en": "Programme overview"},
    "brief.view.projects": {"es": "Proyectos y retornos asistidos", "en": "Projects and assisted returns"},
    "brief.generated": {"es": "Generado el {date}", "en": "Generated on {date}"},
    "brief.source": {
        "es": "Fuentes: registro de puestos fronterizos del monitor (ubicaciones reales); "
        "límites Natural Earth 1:10m (dominio público); "
        "lugares GeoNames (CC BY 4.0); componentes, talleres, flujos y retornos del Monitor de Fronteras CA4.",
        "en": "Sources: the monitor's register of border posts (real locations); "
        "boundaries Natural Earth 1:10m (public domain); places "
        "GeoNames (CC BY 4.0); components, workshops, flows and returns from the CA4 Border Monitor.",
    },
    "brief.source.projects": {
        "es": "Fuentes: proyecto OIM Q36-805 y nota de prensa del proyecto financiado por la UE (registros reales); "
        "límites Natural Earth 1:10m (dominio público); retornos asistidos: conteos agregados, «<5» para cifras "
        "menores que 5.",
        "en": "Sources: IOM project Q36-805 and the news item on the EU-financed project (real records); "
        "boundaries Natural Earth 1:10m (public domain); assisted returns: aggregate counts, \u201c<5\u201d for "
        "figures below 5.",
    },
}
