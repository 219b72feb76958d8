"""Strings of the projects portfolio and the assisted-returns section."""

STRINGS = {
    "proj.title": {"es": "Proyectos y retornos asistidos", "en": "Projects and assisted returns"},
    "proj.portfolio": {"es": "Cartera de proyectos", "en": "Projects portfolio"},
    "proj.portfolio.caption": {
        "es": "Los proyectos del programa son registros reales (proyecto OIM Q36-805 y el proyecto financiado "
        "por la Unión Europea). Las mejoras y talleres vinculados a ellos son datos de muestra.",
        "en": "The programme's projects are real records (IOM project Q36-805 and the project financed by the "
        "European Union). The upgrades and workshops linked to them are sample data.",
    },
    "proj.filter": {"es": "Proyectos", "en": "Projects"},
    "proj.col.code": {"es": "Código", "en": "Code"},
    "proj.col.title": {"es": "Título", "en": "Title"},
    "proj.col.period": {"es": "Período", "en": "Period"},
    "proj.col.status": {"es": "Estado", "en": "Status"},
    "proj.col.type": {"es": "Tipo", "en": "Type"},
    "proj.col.donor": {"es": "Donante", "en": "Donor"},
    "proj.col.budget": {"es": "Presupuesto", "en": "Budget"},
    "proj.col.scope": {"es": "Cobertura", "en": "Coverage"},
    "proj.col.countries": {"es": "Estados miembros beneficiarios", "en": "Benefiting member states"},
    "proj.col.upgrades": {"es": "Mejoras vinculadas", "en": "Linked upgrades"},
    "proj.col.workshops": {"es": "Talleres vinculados", "en": "Linked workshops"},
    "proj.col.component": {"es": "Componente", "en": "Component"},
    "proj.col.field": {"es": "Dato", "en": "Field"},
    "proj.col.value": {"es": "Valor", "en": "Value"},
    "proj.status.planned": {"es": "Planificado", "en": "Planned"},
    "proj.status.active": {"es": "En ejecución", "en": "Active"},
    "proj.status.completed": {"es": "Finalizado", "en": "Completed"},
    "proj.status.suspended": {"es": "Suspendido", "en": "Suspended"},
    "proj.scope.regional": {"es": "Regional", "en": "Regional"},
    "proj.scope.CA4": {"es": "CA4", "en": "CA4"},
    "proj.scope.national": {"es": "Nacional", "en": "National"},
    "proj.budget_over": {"es": "más de {amount}", "en": "over {amount}"},
    "proj.period_unknown": {"es": "sin fechas en la fuente", "en": "no dates in the source"},
    "proj.donor_unstated": {"es": "no indicado en la fuente", "en": "not stated in the source"},
    "proj.donor.eu": {"es": "Unión Europea", "en": "European Union"},
    "proj.map.title": {"es": "Estados miembros beneficiarios", "en": "Benefiting member states"},
    "proj.map.caption": {
        "es": "Marco amplio de México a la República Dominicana; límites Natural Earth 1:10m. Pase el cursor "
        "sobre un país para ver sus proyectos.",
        "en": "Wide frame from Mexico to the Dominican Republic; Natural Earth 1:10m boundaries. Hover over a "
        "country to see its projects.",
    },
    "proj.map.tooltip": {"es": "Proyectos", "en": "Projects"},
    "proj.map.none": {"es": "ninguno", "en": "none"},
    "proj.legend.title": {"es": "Beneficiario", "en": "Benefiting"},
    "proj.legend.one": {"es": "de un proyecto", "en": "from one project"},
    "proj.legend.both": {"es": "de varios proyectos", "en": "from several projects"},
    "proj.legend.none": {"es": "no beneficiario", "en": "not benefiting"},
    "proj.components": {"es": "Componentes de {code}", "en": "Components of {code}"},
    "proj.brief.countries": {"es": "{n} estados beneficiarios", "en": "{n} benefiting states"},
    "proj.brief.filters": {"es": "Proyectos: {projects}. Retornos: {period}.",
                           "en": "Projects: {projects}. Returns: {period}."},
    "returns.title": {"es": "Retornos asistidos", "en": "Assisted returns"},
    "returns.caption": {
        "es": "Conteos agregados por mes, país de retorno y categoría; no se guarda ningún dato personal. "
        "Las cifras menores que 5 se muestran como «<5»; «x» oculta otra cifra de la misma fila o columna "
        "para que un total no permita deducirlas.",
        "en": "Aggregate counts by month, country of return and category; no personal data is stored. "
        "Figures below 5 are shown as \u201c<5\u201d; \u201cx\u201d hides one more figure of the same row or "
        "column so that a total cannot give them away.",
    },
    "returns.reported": {
        "es": "Dato real publicado: el proyecto financiado por la UE informó haber asistido a {n} personas a "
        "retornar a sus países de origen (Guatemala, Honduras, El Salvador y Nicaragua).",
        "en": "Published real figure: the EU-financed project reported having assisted {n} persons to return to "
        "their countries of origin (Guatemala, Honduras, El Salvador and Nicaragua).",
    },
    "returns.period": {"es": "Período de los retornos", "en": "Returns period"},
    "returns.category.trafficking_victim": {"es": "Víctimas de trata", "en": "Victims of trafficking"},
    "returns.category.unaccompanied_minor": {"es": "Menores no acompañados", "en": "Unaccompanied minors"},
    "returns.category.other_vulnerable": {"es": "Otros migrantes vulnerables", "en": "Other vulnerable migrants"},
    "returns.total": {"es": "Total", "en": "Total"},
    "returns.by_country": {"es": "Por país de retorno", "en": "By country of return"},
    "returns.by_month": {"es": "Por mes", "en": "By month"},
    "returns.col.country": {"es": "País de retorno", "en": "Country of return"},
    "returns.col.month": {"es": "Mes", "en": "Month"},
    "returns.chart.title": {"es": "Personas asistidas por mes y categoría",
                            "en": "Persons assisted per month and category"},
    "returns.chart.x": {"es": "Mes", "en": "Month"},
    "returns.chart.y": {"es": "Personas", "en": "Persons"},
    "returns.chart.suppressed": {"es": "«<5»: cifra menor que 5, no mostrada · «x»: oculta para proteger otra cifra",
                                 "en": "\u201c<5\u201d: figure below 5, not shown · \u201cx\u201d: hidden to "
                                 "protect another figure"},
    "returns.download": {"es": "Descargar tablas (CSV con HXL)", "en": "Download tables (CSV with HXL)"},
    "returns.none": {"es": "No hay retornos registrados en el período.", "en": "No returns recorded in the period."},
}
