"""Strings of the monthly highlights (overview, first slide, brief, `python -m geo highlights`)."""

STRINGS = {
    "present.slide.highlights": {"es": "Lo más destacado del mes", "en": "Highlights of the month"},
    "hl.title": {"es": "Lo que cambió en {month}", "en": "What changed in {month}"},
    "hl.scope": {"es": "Puestos de: {countries}.", "en": "Posts of: {countries}."},
    "hl.see": {"es": "Ver los datos", "en": "See the data"},
    "hl.nothing": {"es": "Nada destaca en {month}.", "en": "Nothing stands out in {month}."},
    "hl.no_data": {"es": "No hay datos de flujo para {month}.", "en": "There are no flow data for {month}."},
    "hl.bad_month": {"es": "Mes no válido: «{value}» (use AAAA-MM, p. ej. 2026-10).",
                     "en": "Not a month: \u201c{value}\u201d (use YYYY-MM, e.g. 2026-10)."},
    "hl.rule": {
        "es": "Un alza o una baja se señala solo cuando se aparta del patrón estacional del propio puesto: se compara "
        "con el mismo mes de años anteriores y debe superar en 3 desviaciones robustas (MAD) su variación anual "
        "habitual y en 50 % (alza) o un tercio (baja) lo esperado. Nunca se señala un puesto con menos de dos años "
        "de datos. Cifras de retornos y de menores por debajo de 5 se muestran como «<5».",
        "en": "A surge or a drop is flagged only when it departs from the post's own seasonal pattern: it is "
        "compared with the same month in past years and must exceed its usual year-on-year change by 3 robust "
        "deviations (MAD) and what was expected by 50 % (surge) or a third (drop). A post with under two years of "
        "data is never flagged. Return and minor counts below 5 are shown as \u201c<5\u201d.",
    },
    "hl.vs": {"es": "{pct} frente a {month}", "en": "{pct} on {month}"},
    "hl.vs.none": {"es": "sin datos de {month}", "en": "no data for {month}"},
    "hl.more": {"es": "{items} y {n} más", "en": "{items} and {n} more"},
    "hl.none": {"es": "ninguno", "en": "none"},
    "hl.hidden": {"es": "no se muestra", "en": "not shown"},
    "hl.at": {"es": "{component} en {post} ({code})", "en": "{component} at {post} ({code})"},
    # Surges and drops. {what}: the subject in words, below.
    "hl.flow_surge.post": {
        "es": "Alza en {name} ({code}): {count} cruces en {month}, {ratio} veces el nivel habitual en esta época "
        "del año (se esperaban unos {expected}); {vs_prev}, {vs_year}.",
        "en": "Surge at {name} ({code}): {count} crossings in {month}, {ratio} times the usual level for this time "
        "of year (about {expected} expected); {vs_prev}, {vs_year}.",
    },
    "hl.flow_drop.post": {
        "es": "Baja en {name} ({code}): {count} cruces en {month}, {pct} por debajo del nivel habitual en esta época "
        "del año (se esperaban unos {expected}); {vs_prev}, {vs_year}.",
        "en": "Drop at {name} ({code}): {count} crossings in {month}, {pct} below the usual level for this time of "
        "year (about {expected} expected); {vs_prev}, {vs_year}.",
    },
    "hl.flow_surge.group": {
        "es": "Alza de {what}: {count} en {month}, {ratio} veces el nivel habitual en esta época del año (se "
        "esperaban unos {expected}); {vs_prev}, {vs_year}.",
        "en": "Surge in {what}: {count} in {month}, {ratio} times the usual level for this time of year (about "
        "{expected} expected); {vs_prev}, {vs_year}.",
    },
    "hl.flow_drop.group": {
        "es": "Baja de {what}: {count} en {month}, {pct} por debajo del nivel habitual en esta época del año (se "
        "esperaban unos {expected}); {vs_prev}, {vs_year}.",
        "en": "Drop in {what}: {count} in {month}, {pct} below the usual level for this time of year (about "
        "{expected} expected); {vs_prev}, {vs_year}.",
    },
    "hl.what.country": {"es": "los cruces en los puestos de {country}", "en": "crossings at the posts of {country}"},
    "hl.what.entry": {"es": "las entradas", "en": "entries"},
    "hl.what.exit": {"es": "las salidas", "en": "exits"},
    "hl.what.nationality": {"es": "los cruces de nacionales de {country}", "en": "crossings by nationals of {country}"},
    "hl.flow_total": {
        "es": "{count} cruces en {month} ({entry} entradas, {exit} salidas): {vs_prev}, {vs_year}.",
        "en": "{count} crossings in {month} ({entry} entries, {exit} exits): {vs_prev}, {vs_year}.",
    },
    "hl.silent_posts.one": {
        "es": "{posts} no reportó cruces en {month}, aunque reportó en al menos {need} de los {window} meses "
        "anteriores: revise si falta un envío de datos.",
        "en": "{posts} reported no crossings in {month}, although it reported in at least {need} of the previous "
        "{window} months: check for a missing data delivery.",
    },
    "hl.silent_posts.many": {
        "es": "{n} puestos no reportaron cruces en {month}, aunque suelen hacerlo (al menos {need} de los {window} "
        "meses anteriores): {posts}.",
        "en": "{n} posts reported no crossings in {month}, although they usually do (at least {need} of the "
        "previous {window} months): {posts}.",
    },
    "hl.minors": {
        "es": "Menores no acompañados registrados en los puestos en {month}: {count} ({prev_month}: {prev}; "
        "{year_month}: {year}).",
        "en": "Unaccompanied minors recorded at the posts in {month}: {count} ({prev_month}: {prev}; "
        "{year_month}: {year}).",
    },
    "hl.returns": {
        "es": "Personas asistidas para retornar en {month}: {total} ({categories}); {prev_month}: {prev}.",
        "en": "Persons assisted to return in {month}: {total} ({categories}); {prev_month}: {prev}.",
    },
    "hl.upgrade_operational.one": {"es": "1 componente entró en operación en {month}: {items}.",
                                   "en": "1 component became operational in {month}: {items}."},
    "hl.upgrade_operational.many": {"es": "{n} componentes entraron en operación en {month}: {items}.",
                                    "en": "{n} components became operational in {month}: {items}."},
    "hl.upgrade_overdue.one": {
        "es": "1 componente quedó atrasado en {month} (pasó su fecha meta sin estar en operación): {items}.",
        "en": "1 component fell overdue in {month} (its target date passed before it was operational): {items}.",
    },
    "hl.upgrade_overdue.many": {
        "es": "{n} componentes quedaron atrasados en {month} (pasó su fecha meta sin estar en operación): {items}.",
        "en": "{n} components fell overdue in {month} (their target date passed before they were operational): "
        "{items}.",
    },
    "hl.upgrade_suspended.one": {"es": "1 componente fue suspendido en {month}: {items}.",
                                 "en": "1 component was suspended in {month}: {items}."},
    "hl.upgrade_suspended.many": {"es": "{n} componentes fueron suspendidos en {month}: {items}.",
                                  "en": "{n} components were suspended in {month}: {items}."},
    "hl.workshops.one": {
        "es": "1 taller realizado en {month} con {participants} participantes; puestos cubiertos por primera vez: "
        "{posts}.",
        "en": "1 workshop held in {month} with {participants} participants; posts covered for the first time: "
        "{posts}.",
    },
    "hl.workshops.many": {
        "es": "{n} talleres realizados en {month} con {participants} participantes; puestos cubiertos por primera "
        "vez: {posts}.",
        "en": "{n} workshops held in {month} with {participants} participants; posts covered for the first time: "
        "{posts}.",
    },
    "hl.where_next": {
        "es": "Dónde capacitar ahora: la frontera {pair}, con {n} puestos aún sin capacitación ({posts}){venue}.",
        "en": "Where to train next: the {pair} border, with {n} posts still without training ({posts}){venue}.",
    },
    "hl.where_next.venue": {"es": "; sede sugerida: {venue}", "en": "; suggested venue: {venue}"},
}
