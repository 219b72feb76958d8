"""Strings of the integrity rules (geo.posts.checks): `python -m geo check`, imports, the quality panel."""

STRINGS = {
    "check.subject.post": {"es": "puesto {subject}", "en": "post {subject}"},
    "check.subject.crossing": {"es": "cruce {subject}", "en": "crossing {subject}"},
    "check.subject.component": {"es": "componente {subject}", "en": "component {subject}"},
    "check.subject.rollup": {"es": "tabla resumen {subject}", "en": "roll-up {subject}"},
    "rule.no_country": {"es": "ningún país de la región", "en": "no country of the region"},
    "rule.no_coordinates": {"es": "no tiene coordenadas", "en": "has no coordinates"},
    "rule.no_neighbour": {"es": "puesto terrestre sin país vecino", "en": "land post without a neighbour country"},
    "rule.no_border": {"es": "{country} y {neighbour} no comparten frontera en Natural Earth",
                       "en": "{country} and {neighbour} share no border in Natural Earth"},
    "rule.far_from_border": {
        "es": "está a {km} km de la línea fronteriza {country}–{neighbour} (límite {limit} km)",
        "en": "lies {km} km from the {country}–{neighbour} border line (limit {limit} km)"},
    "rule.wrong_side": {
        "es": "está del lado equivocado de la frontera (dentro de {inside}, a {metres} m de la línea)",
        "en": "lies on the wrong side of the border (inside {inside}, {metres} m from the line)"},
    "rule.outside_region": {"es": "las coordenadas ({lon}, {lat}) están fuera de la región",
                            "en": "coordinates ({lon}, {lat}) are outside the region"},
    "rule.not_inside": {"es": "no está dentro de {country}", "en": "is not inside {country}"},
    "rule.crossing_sides": {"es": "necesita un puesto a cada lado; tiene {codes}",
                            "en": "needs one post on each side, has {codes}"},
    "rule.budget_order": {
        "es": "el presupuesto no cumple gastado ≤ comprometido ≤ planificado y no lleva justificación",
        "en": "budget is not spent ≤ committed ≤ planned and carries no flag"},
    "rule.rollup_differs": {
        "es": "{month}, puesto {post}: {count} cruces y {minors} menores, pero {reference} tiene "
              "{reference_count} y {reference_minors}",
        "en": "{month} post {post}: {count} crossings and {minors} minors, but {reference} has "
              "{reference_count} and {reference_minors}"},
    "rule.rollup_more": {"es": "y difieren {n} meses y puestos más", "en": "and {n} more months and posts differ"},
}
