"""Strings of the infrastructure page: upgrades, budget, information exchange, changes, the edit form."""

STRINGS = {
    "infra.title": {"es": "Infraestructura de los puestos", "en": "Infrastructure of the posts"},
    "infra.scope_note": {
        "es": "El programa moderniza los puestos de los países CA4 (Guatemala, El Salvador, Honduras y "
        "Nicaragua). Los puestos de los países vecinos se muestran como contexto, sin componentes.",
        "en": "The programme upgrades the posts of the CA4 countries (Guatemala, El Salvador, Honduras and "
        "Nicaragua). Posts of neighbouring countries are shown for context, with no components.",
    },
    "infra.as_of": {"es": "Fecha de referencia", "en": "Reference date"},
    "infra.as_of.help": {
        "es": "Un componente está vencido si su fecha meta es anterior a esta fecha y no está operativo.",
        "en": "A component is overdue when its target date is before this date and it is not operational.",
    },
    "infra.filter.components": {"es": "Componentes", "en": "Components"},
    # headline figures
    "infra.kpi.operational": {"es": "Operativos", "en": "Operational"},
    "infra.kpi.operational.help": {"es": "Componentes operativos / todos los componentes.",
                                   "en": "Operational components / all components."},
    "infra.kpi.progress": {"es": "Avance medio", "en": "Mean progress"},
    "infra.kpi.progress.help": {"es": "Media del avance (%) de los componentes.",
                                "en": "Mean progress (%) of the components."},
    "infra.kpi.overdue": {"es": "Vencidos", "en": "Overdue"},
    "infra.kpi.overdue.help": {"es": "Componentes con la fecha meta pasada y no operativos.",
                               "en": "Components whose target date has passed and are not operational."},
    "infra.kpi.spent": {"es": "Ejecutado", "en": "Spent"},
    "infra.kpi.spent.help": {"es": "Presupuesto ejecutado / planificado.", "en": "Budget spent / planned."},
    "infra.kpi.connected": {"es": "Enlace nacional", "en": "National link"},
    "infra.kpi.connected.help": {
        "es": "Puestos del programa conectados a su sistema migratorio nacional / puestos del programa.",
        "en": "Programme posts connected to their national migration system / programme posts.",
    },
    "infra.kpi.interconnected": {"es": "Cruces enlazados", "en": "Crossings linked"},
    "infra.kpi.interconnected.help": {
        "es": "Cruces entre países CA4 con la interconexión operativa en ambos lados / cruces entre países CA4.",
        "en": "Crossings between CA4 countries with the interconnection operational on both sides / "
        "crossings between CA4 countries.",
    },
    # tabs
    "infra.tab.map": {"es": "Mapa", "en": "Map"},
    "infra.tab.matrix": {"es": "Matriz puesto × componente", "en": "Post × component matrix"},
    "infra.tab.timeline": {"es": "Cronograma", "en": "Timeline"},
    "infra.tab.budget": {"es": "Presupuesto", "en": "Budget"},
    "infra.tab.exchange": {"es": "Intercambio de información", "en": "Information exchange"},
    "infra.tab.changes": {"es": "Cambios recientes", "en": "Recent changes"},
    "infra.tab.edit": {"es": "Editar", "en": "Edit"},
    # map
    "infra.map.caption": {
        "es": "Color: estado general del puesto (el componente menos avanzado; retrasado o suspendido si "
        "alguno lo está). Tamaño: flujo de los últimos 3 meses.",
        "en": "Colour: the post's overall status (its least advanced component; delayed or suspended if any "
        "component is). Size: flow over the last 3 months.",
    },
    "infra.map.lines": {"es": "Mostrar el intercambio de información", "en": "Show information exchange"},
    "infra.map.status_counts": {"es": "Puestos por estado general", "en": "Posts by overall status"},
    "infra.col.posts": {"es": "Puestos", "en": "Posts"},
    # matrix
    "infra.matrix.country": {"es": "País de la matriz", "en": "Country of the matrix"},
    "infra.matrix.title": {"es": "Estado por puesto y componente — {country}",
                           "en": "Status by post and component — {country}"},
    "infra.matrix.empty": {"es": "Sin componentes para este país.", "en": "No components for this country."},
    "infra.matrix.hover": {"es": "Puesto", "en": "Post"},
    "infra.matrix.not_in_programme": {"es": "No incluido", "en": "Not included"},
    # timeline
    "infra.gantt.title": {"es": "Cronograma de las mejoras", "en": "Upgrade timeline"},
    "infra.gantt.country": {"es": "País del cronograma", "en": "Country of the timeline"},
    "infra.gantt.only_overdue": {"es": "Solo vencidos", "en": "Overdue only"},
    "infra.gantt.today": {"es": "Referencia", "en": "Reference"},
    "infra.gantt.overdue": {
        "es": "Vencido (meta pasada, no operativo)",
        "en": "Overdue (target passed, not operational)",
    },
    "infra.gantt.axis": {"es": "Fecha", "en": "Date"},
    "infra.gantt.empty": {"es": "Ningún componente coincide.", "en": "No component matches."},
    "infra.gantt.note": {
        "es": "Barra: del inicio a la meta (o a la finalización si está operativo). Borde rojo y ⚠ tras la "
        "barra: vencido.",
        "en": "Bar: from start to target (or to completion when operational). Red outline and ⚠ after the "
        "bar: overdue.",
    },
    "infra.overdue.title": {"es": "Componentes vencidos", "en": "Overdue components"},
    "infra.overdue.none": {"es": "Ningún componente vencido.", "en": "No overdue component."},
    "infra.col.days_overdue": {"es": "Días de retraso", "en": "Days overdue"},
    # budget
    "infra.budget.by": {"es": "Ejecución por", "en": "Execution by"},
    "infra.budget.by.country": {"es": "País", "en": "Country"},
    "infra.budget.by.component": {"es": "Componente", "en": "Component"},
    "infra.budget.by.project": {"es": "Proyecto", "en": "Project"},
    "infra.budget.title": {"es": "Ejecución presupuestaria por {by} (EUR)", "en": "Budget execution by {by} (EUR)"},
    "infra.budget.planned": {"es": "Planificado", "en": "Planned"},
    "infra.budget.committed": {"es": "Comprometido", "en": "Committed"},
    "infra.budget.spent": {"es": "Ejecutado", "en": "Spent"},
    "infra.budget.flag": {"es": "Justificación de sobrecosto", "en": "Overspend explanation"},
    "infra.budget.eur": {"es": "EUR", "en": "EUR"},
    "infra.budget.committed_rate": {"es": "% comprometido", "en": "% committed"},
    "infra.budget.spent_rate": {"es": "% ejecutado", "en": "% spent"},
    "infra.budget.components": {"es": "Componentes", "en": "Components"},
    "infra.budget.total": {"es": "Total", "en": "Total"},
    "infra.budget.no_project": {"es": "Sin proyecto", "en": "No project"},
    # information exchange
    "infra.exchange.intro": {
        "es": "Un puesto está conectado a su sistema nacional cuando su componente «Conexión al sistema "
        "migratorio nacional» está operativo. Un cruce está interconectado cuando la interconexión regional "
        "está operativa en sus dos lados. Las líneas van de cada puesto conectado al sistema nacional de su "
        "país (dibujado en la capital); un cruce interconectado se une además a los dos sistemas nacionales "
        "con una línea gruesa y se marca con un anillo: sus dos lados, a unos 500 m, no se distinguen a "
        "escala regional.",
        "en": "A post is connected to its national system when its 'Connection to the national migration "
        "system' component is operational. A crossing is interconnected when the regional interconnection is "
        "operational on both sides. Lines run from each connected post to its country's national system "
        "(drawn at the capital); an interconnected crossing is also joined to both national systems by a "
        "thick line and marked with a ring: its two sides, about 500 m apart, cannot be told apart at "
        "regional zoom.",
    },
    "infra.exchange.legend.national": {"es": "Puesto conectado → sistema nacional",
                                       "en": "Connected post → national system"},
    "infra.exchange.legend.cross": {"es": "Cruce interconectado (ambos lados)",
                                    "en": "Interconnected crossing (both sides)"},
    "infra.exchange.legend.hub": {"es": "Sistema nacional (capital)", "en": "National system (capital)"},
    "infra.exchange.legend.post": {
        "es": "Puntos: verde = conectado; gris = no conectado; contorno = sin componentes",
        "en": "Dots: green = connected; grey = not connected; outline = no components",
    },
    "infra.exchange.crossings": {"es": "Cruces terrestres", "en": "Land crossings"},
    "infra.exchange.posts": {"es": "Conexión de los puestos al sistema nacional",
                             "en": "Posts' connection to the national system"},
    "infra.col.crossing": {"es": "Cruce", "en": "Crossing"},
    "infra.col.sides": {"es": "Lados", "en": "Sides"},
    "infra.col.regional_sides": {
        "es": "Lados con interconexión operativa",
        "en": "Sides with interconnection operational",
    },
    "infra.col.interconnected": {"es": "Interconectado", "en": "Interconnected"},
    "infra.col.national": {"es": "Conectado al sistema nacional", "en": "Connected to the national system"},
    "infra.col.national_status": {"es": "Estado de la conexión nacional", "en": "National link status"},
    "infra.col.regional_status": {"es": "Estado de la interconexión", "en": "Interconnection status"},
    "infra.yes": {"es": "Sí", "en": "Yes"},
    "infra.no": {"es": "No", "en": "No"},
    "infra.tooltip.hub": {"es": "Sistema nacional", "en": "National system"},
    "infra.tooltip.crossing": {"es": "Cruce interconectado", "en": "Interconnected crossing"},
    "infra.tooltip.national": {"es": "Conexión nacional", "en": "National link"},
    # changes since
    "infra.changes.since": {"es": "Cambios desde", "en": "Changes since"},
    "infra.changes.count": {"es": "{n} cambios desde el {date}", "en": "{n} changes since {date}"},
    "infra.changes.none": {"es": "Ningún cambio desde el {date}.", "en": "No change since {date}."},
    "infra.col.when": {"es": "Cuándo (UTC)", "en": "When (UTC)"},
    "infra.col.who": {"es": "Quién", "en": "Who"},
    "infra.col.action": {"es": "Acción", "en": "Action"},
    "infra.col.field": {"es": "Campo", "en": "Field"},
    "infra.col.old": {"es": "Valor anterior", "en": "Old value"},
    "infra.col.new": {"es": "Valor nuevo", "en": "New value"},
    "infra.action.update": {"es": "Modificación", "en": "Update"},
    "infra.action.create": {"es": "Alta", "en": "Added"},
    # columns shared by tables
    "infra.col.post": {"es": "Puesto", "en": "Post"},
    "infra.col.country": {"es": "País", "en": "Country"},
    "infra.col.component": {"es": "Componente", "en": "Component"},
    "infra.col.project": {"es": "Proyecto", "en": "Project"},
    "infra.col.sample": {"es": "Muestra", "en": "Sample"},
    # fields (form labels, audit list, error messages)
    "infra.field.status": {"es": "Estado", "en": "Status"},
    "infra.field.progress": {"es": "Avance (%)", "en": "Progress (%)"},
    "infra.field.budget_planned": {"es": "Presupuesto planificado (EUR)", "en": "Budget planned (EUR)"},
    "infra.field.budget_committed": {"es": "Presupuesto comprometido (EUR)", "en": "Budget committed (EUR)"},
    "infra.field.budget_spent": {"es": "Presupuesto ejecutado (EUR)", "en": "Budget spent (EUR)"},
    "infra.field.budget_flag": {"es": "Justificación de sobrecosto", "en": "Overspend explanation"},
    "infra.field.start_date": {"es": "Fecha de inicio", "en": "Start date"},
    "infra.field.target_date": {"es": "Fecha meta", "en": "Target date"},
    "infra.field.completion_date": {"es": "Fecha de finalización", "en": "Completion date"},
    "infra.field.agency": {"es": "Institución responsable", "en": "Responsible agency"},
    "infra.field.notes": {"es": "Notas", "en": "Notes"},
    "infra.field.project_id": {"es": "Proyecto", "en": "Project"},
    "infra.field.component_code": {"es": "Componente", "en": "Component"},
    "infra.field.code": {"es": "Código", "en": "Code"},
    "infra.field.name_en": {"es": "Nombre en inglés", "en": "Name in English"},
    "infra.field.name_es": {"es": "Nombre en español", "en": "Name in Spanish"},
    "infra.field.category": {"es": "Categoría", "en": "Category"},
    "infra.field.sort_order": {"es": "Orden", "en": "Order"},
    "infra.category.equipment": {"es": "Equipamiento", "en": "Equipment"},
    "infra.category.connectivity": {"es": "Conectividad", "en": "Connectivity"},
    "infra.category.facility": {"es": "Instalaciones", "en": "Facility"},
    "infra.category.other": {"es": "Otro", "en": "Other"},
    # validation problems
    "infra.err.status": {"es": "elija un estado del flujo de trabajo.", "en": "choose a status of the workflow."},
    "infra.err.transition": {
        "es": "este cambio de estado no está permitido: el flujo avanza planificado → adquisición → instalación "
        "→ operativo; cualquier etapa sin terminar puede pasar a retrasado o suspendido y retomarse.",
        "en": "this status change is not allowed: the workflow moves forward planned → procurement → "
        "installation → operational; any unfinished stage can become delayed or suspended and resume.",
    },
    "infra.err.operational_final": {
        "es": "un componente operativo está terminado; solo un administrador puede corregir su estado.",
        "en": "an operational component is finished; only an admin can correct its status.",
    },
    "infra.err.progress_range": {"es": "debe ser un número entero entre 0 y 100.",
                                 "en": "must be a whole number from 0 to 100."},
    "infra.err.progress_operational": {"es": "un componente operativo tiene 100 % de avance.",
                                       "en": "an operational component is 100 % complete."},
    "infra.err.progress_planned": {"es": "un componente planificado tiene 0 % de avance.",
                                   "en": "a planned component is 0 % complete."},
    "infra.err.budget_negative": {"es": "debe ser un importe de 0 o más.", "en": "must be an amount of 0 or more."},
    "infra.err.committed_over_planned": {
        "es": "el comprometido supera lo planificado: corríjalo o explique el sobrecosto.",
        "en": "committed exceeds planned: correct it or explain the overspend.",
    },
    "infra.err.spent_over_committed": {
        "es": "lo ejecutado supera lo comprometido: corríjalo o explique el sobrecosto.",
        "en": "spent exceeds committed: correct it or explain the overspend.",
    },
    "infra.err.date_invalid": {"es": "no es una fecha válida.", "en": "is not a valid date."},
    "infra.err.start_required": {"es": "un componente en curso necesita fecha de inicio.",
                                 "en": "a component under way needs a start date."},
    "infra.err.target_before_start": {"es": "la fecha meta es anterior a la de inicio.",
                                      "en": "the target date is before the start date."},
    "infra.err.completion_required": {"es": "un componente operativo necesita fecha de finalización.",
                                      "en": "an operational component needs a completion date."},
    "infra.err.completion_only_operational": {
        "es": "solo un componente operativo tiene fecha de finalización.",
        "en": "only an operational component has a completion date.",
    },
    "infra.err.completion_before_start": {"es": "la finalización es anterior al inicio.",
                                          "en": "the completion date is before the start date."},
    "infra.err.completion_future": {"es": "la finalización no puede estar en el futuro.",
                                    "en": "the completion date cannot be in the future."},
    "infra.err.component_unknown": {"es": "componente desconocido.", "en": "unknown component."},
    "infra.err.component_exists": {"es": "el puesto ya tiene este componente.",
                                   "en": "the post already has this component."},
    "infra.err.type_code": {
        "es": "de 2 a 24 caracteres: minúsculas, cifras y _, empezando por una letra.",
        "en": "2 to 24 characters: lower-case letters, digits and _, starting with a letter.",
    },
    "infra.err.type_name": {"es": "es obligatorio.", "en": "is required."},
    "infra.err.type_category": {"es": "elija una categoría.", "en": "choose a category."},
    "infra.err.type_exists": {"es": "ya existe un componente con este código.",
                              "en": "a component with this code already exists."},
    # edit form
    "infra.form.title": {"es": "Actualizar un componente", "en": "Update a component"},
    "infra.form.sign_in": {
        "es": "Inicie sesión como editor para actualizar componentes. Los cambios quedan en el registro de "
        "auditoría.",
        "en": "Sign in as an editor to update components. Changes are recorded in the audit log.",
    },
    "infra.form.post": {"es": "Puesto", "en": "Post"},
    "infra.form.component": {"es": "Componente", "en": "Component"},
    "infra.form.version": {
        "es": "Versión {version} · última modificación: {by}, {at}",
        "en": "Version {version} · last changed by {by}, {at}",
    },
    "infra.form.save": {"es": "Guardar cambios", "en": "Save changes"},
    "infra.form.reload": {"es": "Descartar y recargar", "en": "Discard and reload"},
    "infra.form.saved": {"es": "Guardado: {item} (versión {version}).", "en": "Saved: {item} (version {version})."},
    "infra.form.unchanged": {
        "es": "Nada que guardar: no cambió ningún valor.",
        "en": "Nothing to save: no value changed.",
    },
    "infra.form.invalid": {
        "es": "No se guardó: corrija lo siguiente.",
        "en": "Not saved: please correct the following.",
    },
    "infra.form.stale": {
        "es": "No se guardó: {by} modificó este componente mientras usted lo editaba. Esto cambió entretanto; "
        "recargue, revise y vuelva a aplicar sus cambios.",
        "en": "Not saved: {by} changed this component while you were editing it. This is what changed "
        "meanwhile; reload, review and apply your changes again.",
    },
    "infra.form.stale.someone": {"es": "otra persona", "en": "someone else"},
    "infra.form.stale.seen": {"es": "Cuando lo abrió", "en": "When you opened it"},
    "infra.form.stale.now": {"es": "Ahora", "en": "Now"},
    "infra.form.denied": {"es": "Su rol no permite esta acción.", "en": "Your role does not allow this action."},
    "infra.form.gone": {"es": "El componente ya no existe.", "en": "The component no longer exists."},
    "infra.form.no_components": {"es": "Este puesto no tiene componentes.", "en": "This post has no components."},
    "infra.form.completion_none": {"es": "Sin fecha de finalización", "en": "No completion date"},
    "infra.form.transition_hint": {
        "es": "Estados permitidos desde «{status}»: {allowed}.",
        "en": "Statuses allowed from '{status}': {allowed}.",
    },
    "infra.add.title": {"es": "Añadir un componente a {post}", "en": "Add a component to {post}"},
    "infra.add.none": {"es": "El puesto ya tiene todos los componentes del catálogo.",
                       "en": "The post already has every component of the catalogue."},
    "infra.add.submit": {"es": "Añadir (estado: planificado)", "en": "Add (status: planned)"},
    "infra.add.added": {"es": "Añadido: {item}.", "en": "Added: {item}."},
    "infra.admin.title": {"es": "Catálogo de componentes (administradores)", "en": "Component catalogue (admins)"},
    "infra.admin.add": {"es": "Añadir al catálogo", "en": "Add to the catalogue"},
    "infra.admin.added": {
        "es": "Componente «{code}» añadido al catálogo.",
        "en": "Component '{code}' added to the catalogue.",
    },
}
