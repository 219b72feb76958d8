"""Strings of the flows page: filters, KPIs, chart titles, axes, legends, map and comparison."""

STRINGS = {
    "flows.title": {"es": "Flujos por los puestos fronterizos", "en": "Flows through the border posts"},
    "flows.caption": {
        "es": "Conteos agregados de personas que cruzan (entradas y salidas), compatibles con los puntos de "
        "monitoreo de flujos de la DTM de la OIM.",
        "en": "Aggregate counts of people crossing (entries and exits), compatible with IOM DTM flow-monitoring "
        "points.",
    },
    "flows.no_data": {
        "es": "No hay datos de flujos en la base de datos. Cárguelos en Importar / exportar o con "
        "`python -m geo seed`.",
        "en": "There is no flow data in the database. Load it in Import / export or with `python -m geo seed`.",
    },
    "flows.empty": {
        "es": "Ningún flujo coincide con los filtros en este periodo.",
        "en": "No flow matches the filters in this period.",
    },
    # filters
    "flows.filter.period": {"es": "Periodo (meses)", "en": "Period (months)"},
    "flows.filter.direction": {"es": "Dirección", "en": "Direction"},
    "flows.filter.nationality": {"es": "Nacionalidad", "en": "Nationality"},
    "flows.filter.grain": {"es": "Serie temporal por", "en": "Time series by"},
    "flows.filter.top": {"es": "Nacionalidades mostradas", "en": "Nationalities shown"},
    "flows.grain.day": {"es": "Día", "en": "Day"},
    "flows.grain.week": {"es": "Semana", "en": "Week"},
    "flows.grain.month": {"es": "Mes", "en": "Month"},
    # animation
    "flows.play.title": {"es": "Animación mes a mes", "en": "Month-by-month animation"},
    "flows.play.toggle": {"es": "▶ Reproducir", "en": "▶ Play"},
    "flows.play.mode": {"es": "Modo", "en": "Mode"},
    "flows.play.cumulative": {"es": "Acumulado", "en": "Cumulative"},
    "flows.play.window": {"es": "Ventana móvil", "en": "Moving window"},
    "flows.play.window_size": {"es": "Meses en la ventana", "en": "Months in the window"},
    "flows.play.frame": {"es": "Animación: {start} – {end}", "en": "Animation: {start} – {end}"},
    # compare
    "flows.compare.toggle": {"es": "Comparar con otro periodo", "en": "Compare with another period"},
    "flows.compare.period": {"es": "Periodo de comparación", "en": "Comparison period"},
    "flows.compare.title": {"es": "Comparación de periodos", "en": "Period comparison"},
    "flows.compare.caption": {
        "es": "Mismos gráficos y mismas escalas para los dos periodos.",
        "en": "Same charts and same scales for both periods.",
    },
    # KPIs
    "flows.kpi.total": {"es": "Cruces totales", "en": "Total crossings"},
    "flows.kpi.entry": {"es": "Entradas", "en": "Entries"},
    "flows.kpi.exit": {"es": "Salidas", "en": "Exits"},
    "flows.kpi.net": {"es": "Saldo", "en": "Balance"},
    "flows.kpi.minors": {"es": "Menores solos", "en": "Minors alone"},
    "flows.kpi.net.help": {"es": "Entradas menos salidas en el periodo.", "en": "Entries minus exits in the period."},
    "flows.kpi.minors.help": {
        "es": "Menores no acompañados registrados. {change}",
        "en": "Unaccompanied minors recorded. {change}",
    },
    "flows.kpi.help": {
        "es": "Cambio frente al periodo anterior de igual duración ({start} – {end}).",
        "en": "Change against the previous period of the same length ({start} – {end}).",
    },
    "flows.kpi.previous": {"es": "Periodo anterior: {value}", "en": "Previous period: {value}"},
    # charts
    "flows.chart.series": {"es": "Personas por {grain}", "en": "Persons per {grain}"},
    "flows.chart.series.day": {"es": "día", "en": "day"},
    "flows.chart.series.week": {"es": "semana (lunes a domingo)", "en": "week (Monday to Sunday)"},
    "flows.chart.series.month": {"es": "mes", "en": "month"},
    "flows.chart.partial": {"es": " (semana incompleta: {days} de {full} días en el período)",
                            "en": " (incomplete week: {days} of {full} days in the period)"},
    "flows.chart.partial.legend": {
        "es": "○ semana incompleta: cuenta solo sus días dentro del período",
        "en": "○ incomplete week: counts only its days inside the period",
    },
    "flows.chart.nationality": {"es": "Nacionalidades", "en": "Nationalities"},
    "flows.chart.sex": {"es": "Sexo", "en": "Sex"},
    "flows.chart.age": {"es": "Grupo de edad", "en": "Age band"},
    "flows.chart.direction": {"es": "Dirección", "en": "Direction"},
    "flows.chart.posts": {"es": "Puestos con más cruces", "en": "Busiest posts"},
    "flows.chart.sankey": {"es": "De país a país", "en": "Country to country"},
    "flows.axis.persons": {"es": "Personas", "en": "Persons"},
    "flows.axis.date": {"es": "Fecha", "en": "Date"},
    "flows.legend.direction": {"es": "Dirección", "en": "Direction"},
    "flows.other": {"es": "Otras", "en": "Other"},
    "flows.unrecorded": {"es": "No registrado", "en": "Not recorded"},
    "flows.sankey.from": {"es": "desde {country}", "en": "from {country}"},
    "flows.sankey.to": {"es": "hacia {country}", "en": "to {country}"},
    "flows.sankey.caption": {
        "es": "Entradas: del país anterior al país del puesto. Salidas: del país del puesto al país siguiente.",
        "en": "Entries: from the previous country to the post's country. Exits: from the post's country to "
        "the next one.",
    },
    # map
    "flows.map.title": {"es": "Mapa de flujos", "en": "Flow map"},
    "flows.tab.breakdowns": {"es": "Nacionalidades y puestos", "en": "Nationalities and posts"},
    "flows.tab.profile": {"es": "Sexo, edad y dirección", "en": "Sex, age and direction"},
    "flows.tab.routes": {"es": "Rutas y mapa", "en": "Routes and map"},
    "flows.map.caption": {
        "es": "Arcos: de dónde vienen las entradas y hacia dónde van las salidas de cada puesto; grosor según "
        "el volumen. Círculos: cruces por puesto (incluye los de origen o destino no registrado).",
        "en": "Arcs: where each post's entries come from and where its exits go; width by volume. Circles: "
        "crossings per post (including those whose origin or destination was not recorded).",
    },
    "flows.map.tooltip.route": {"es": "Ruta", "en": "Route"},
    "flows.map.tooltip.persons": {"es": "Personas", "en": "Persons"},
    # download
    "flows.download": {"es": "Descargar el agregado filtrado (CSV)", "en": "Download the filtered aggregate (CSV)"},
    "flows.download.help": {
        "es": "Una fila por mes, puesto, dirección, nacionalidad y países anterior/siguiente.",
        "en": "One row per month, post, direction, nationality and previous/next country.",
    },
    # nationalities outside the regional reference (the region's own come from geo.reference)
    "nationality.VEN": {"es": "Venezuela", "en": "Venezuela"},
    "nationality.CUB": {"es": "Cuba", "en": "Cuba"},
    "nationality.HTI": {"es": "Haití", "en": "Haiti"},
    "nationality.COL": {"es": "Colombia", "en": "Colombia"},
    "nationality.ECU": {"es": "Ecuador", "en": "Ecuador"},
    "nationality.USA": {"es": "Estados Unidos", "en": "United States"},
    "nationality.CHN": {"es": "China", "en": "China"},
    "nationality.IND": {"es": "India", "en": "India"},
}
