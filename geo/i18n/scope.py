"""Strings of the scope and period every headline figure states."""

STRINGS = {
    "period.range": {"es": "{first} – {last} ({months} meses)", "en": "{first} – {last} ({months} months)"},
    "scope.programme": {
        "es": "los puestos del programa (Guatemala, El Salvador, Honduras y Nicaragua)",
        "en": "the programme's posts (Guatemala, El Salvador, Honduras and Nicaragua)"},
    "scope.all": {
        "es": "todos los puestos del mapa, incluidos los de México, Belice y Costa Rica (contexto)",
        "en": "every post on the map, including those of Mexico, Belize and Costa Rica (context)"},
    "scope.countries": {"es": "los puestos de {countries}", "en": "the posts of {countries}"},
    "scope.caption": {"es": "Cifras de {scope}, {period}.", "en": "Figures for {scope}, {period}."},
    "scope.choose": {"es": "Puestos contados", "en": "Posts counted"},
    "scope.option.programme": {"es": "Programa (CA4)", "en": "Programme (CA4)"},
    "scope.option.all": {"es": "Con vecinos (contexto)", "en": "With neighbours (context)"},
}
