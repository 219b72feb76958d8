"""Strings of the map page."""

STRINGS = {
    "map.title": {"es": "Mapa de puestos fronterizos", "en": "Border posts map"},
    "map.caption": {
        "es": "Haga clic en un puesto para ver su ficha. Color: estado de la infraestructura; tamaño: "
        "flujo de los últimos 3 meses; forma: tipo de puesto.",
        "en": "Click a post to see its profile. Colour: infrastructure status; size: flow over the last "
        "3 months; shape: post type.",
    },
    "map.layers": {"es": "Capas", "en": "Layers"},
    "map.layer.posts": {"es": "Puestos", "en": "Posts"},
    "map.layer.post_labels": {"es": "Nombres de puestos", "en": "Post names"},
    "map.layer.arcs": {"es": "Arcos de flujo (3 meses)", "en": "Flow arcs (3 months)"},
    "map.legend.arcs": {
        "es": "Arcos: de dónde vienen las entradas de cada puesto y adónde van sus salidas en los últimos 3 meses; "
              "ancho según el volumen.",
        "en": "Arcs: where each post's entries came from and where its exits went over the last 3 months; "
              "width by volume.",
    },
    "map.layer.venues": {"es": "Sedes de talleres", "en": "Workshop venues"},
    "map.layer.reach": {"es": "Alcance de los talleres ({km} km)", "en": "Workshop reach ({km} km)"},
    "map.legend.workshops": {
        "es": "Puntos oscuros: sedes de los talleres del programa; discos azules: {km} km alrededor de cada sede.",
        "en": "Dark dots: venues of the programme's workshops; blue discs: {km} km around each venue.",
    },
    "map.layer.basemap": {"es": "Mapa base en línea (requiere internet)", "en": "Online basemap (needs internet)"},
    "map.tooltip.status": {"es": "Infraestructura", "en": "Infrastructure"},
    "map.tooltip.flow": {"es": "Flujo (3 meses)", "en": "Flow (3 months)"},
    "map.legend.status": {"es": "Estado de la infraestructura", "en": "Infrastructure status"},
    "map.legend.shape": {"es": "Forma: ● terrestre ▲ aéreo ◆ marítimo", "en": "Shape: ● land ▲ air ◆ sea"},
    "map.legend.size": {"es": "Tamaño: flujo de los últimos 3 meses", "en": "Size: flow over the last 3 months"},
    "map.legend.neighbours": {
        "es": "Círculos huecos grises: puestos de los países vecinos (contexto).",
        "en": "Hollow grey marks: the neighbouring countries' posts (context).",
    },
    "map.count": {"es": "{n} puestos mostrados", "en": "{n} posts shown"},
    "map.no_posts": {"es": "Ningún puesto coincide con los filtros.", "en": "No post matches the filters."},
    "panel.hint": {
        "es": "Seleccione un puesto en el mapa o en la lista para ver su ficha.",
        "en": "Select a post on the map or in the list to see its profile.",
    },
    "panel.choose": {"es": "Puesto", "en": "Post"},
    "panel.clear": {"es": "Cerrar ficha", "en": "Close profile"},
    "panel.country": {"es": "País", "en": "Country"},
    "panel.field": {"es": "Dato", "en": "Field"},
    "panel.value": {"es": "Valor", "en": "Value"},
    "panel.crossing": {"es": "Cruce", "en": "Crossing"},
    "panel.neighbour": {"es": "País vecino", "en": "Neighbour country"},
    "panel.type": {"es": "Tipo", "en": "Type"},
    "panel.road": {"es": "Carretera", "en": "Road"},
    "panel.coords": {"es": "Coordenadas", "en": "Coordinates"},
    "panel.components": {"es": "Componentes de infraestructura", "en": "Infrastructure components"},
    "panel.no_components": {
        "es": "El programa no tiene componentes registrados en este puesto.",
        "en": "The programme has no components recorded at this post.",
    },
    "panel.component": {"es": "Componente", "en": "Component"},
    "panel.progress": {"es": "Avance %", "en": "Progress %"},
    "panel.target": {"es": "Fecha meta", "en": "Target date"},
    "panel.workshops": {"es": "Talleres que lo cubrieron", "en": "Workshops that covered it"},
    "panel.no_workshops": {"es": "Ningún taller ha cubierto este puesto.", "en": "No workshop has covered this post."},
    "panel.workshop": {"es": "Taller", "en": "Workshop"},
    "panel.date": {"es": "Fecha", "en": "Date"},
    "panel.venue": {"es": "Sede", "en": "Venue"},
    "panel.flows": {"es": "Flujos mensuales recientes", "en": "Recent monthly flows"},
    "panel.dates.title": {"es": "Fechas", "en": "Dates"},
    "panel.dates.target": {"es": "meta: {date}", "en": "target: {date}"},
    "panel.dates.done": {"es": "terminado: {date}", "en": "completed: {date}"},
    "panel.crossings": {"es": "Cruces en los últimos 12 meses", "en": "Crossings in the last 12 months"},
    "panel.crossings.help": {
        "es": "Personas que cruzaron por este puesto (entradas y salidas); el cambio compara con los 12 meses "
              "anteriores ({previous} personas).",
        "en": "Persons who crossed at this post (entries and exits); the change compares with the 12 months "
              "before ({previous} persons).",
    },
    "panel.crossings.no_previous": {
        "es": "Personas que cruzaron por este puesto (entradas y salidas). Los datos no alcanzan 12 meses "
              "anteriores para comparar.",
        "en": "Persons who crossed at this post (entries and exits). The data do not reach back 12 more "
              "months to compare.",
    },
    "panel.period": {"es": "{start} – {end}", "en": "{start} – {end}"},
    "panel.link.flows": {"es": "Flujos de {country} ({type})", "en": "Flows of {country} ({type})"},
    "panel.link.infrastructure": {"es": "Infraestructura de {country}", "en": "Infrastructure of {country}"},
    "panel.links": {"es": "Ver en otras páginas", "en": "See on other pages"},
    "panel.more_labels": {
        "es": "Los demás nombres aparecen al pasar el cursor o al acercar el mapa a un puesto.",
        "en": "Other names show on hover, or when the map comes closer to a post.",
    },
    "panel.no_flows": {"es": "Sin datos de flujo para este puesto.", "en": "No flow data for this post."},
    "panel.month": {"es": "Mes", "en": "Month"},
    "panel.persons": {"es": "Personas", "en": "Persons"},
    "panel.direction": {"es": "Dirección", "en": "Direction"},
}
