"""A post's upgrade component as files carry it: types, ranges (progress, budgets), aliases and key."""

from __future__ import annotations

from geo.io.schema import Field, KindSpec
from geo.kinds.fields import POST_CODE, SAMPLE
from geo.models import COMPONENT_STATUSES

# EUR (the programme's currency, as everywhere in the app) for one component: far above any real budget, far
# below Numeric(14, 2).
MAX_MONEY = 10_000_000_000

UPGRADES = KindSpec("upgrades", (
    Field("post_code", "code", True, ("post_code", "post", "puesto", "codigo_puesto", "code", "codigo"),
          "#loc+code", 16, pattern=POST_CODE),
    Field("component_code", "text", True, ("component_code", "component", "componente", "codigo_componente"),
          "#item+code", 24),
    Field("project_code", "text", False, ("project_code", "project", "proyecto", "codigo_proyecto"),
          "#activity+code", 24),
    Field("status", "choice", True, ("status", "estado"), "#status", choices=COMPONENT_STATUSES,
          labels="status."),
    Field("progress", "int", False, ("progress", "avance", "progreso", "porcentaje", "progress_pct", "avance_pct"),
          "#indicator+pct+progress", minimum=0, maximum=100),
    Field("budget_planned", "money", False, ("budget_planned", "planned", "presupuesto_planificado",
                                             "presupuesto", "planificado"), "#value+planned", minimum=0,
          maximum=MAX_MONEY),
    Field("budget_committed", "money", False, ("budget_committed", "committed", "comprometido",
                                               "presupuesto_comprometido"), "#value+committed", minimum=0,
          maximum=MAX_MONEY),
    Field("budget_spent", "money", False, ("budget_spent", "spent", "ejecutado", "gastado",
                                           "presupuesto_ejecutado"), "#value+spent", minimum=0,
          maximum=MAX_MONEY),
    Field("budget_flag", "text", False, ("budget_flag", "budget_note", "nota_presupuesto",
                                         "justificacion_presupuesto"), "#meta+budget", 200),
    Field("start_date", "date", False, ("start_date", "start", "inicio", "fecha_inicio", "fecha_de_inicio"),
          "#date+start"),
    Field("target_date", "date", False, ("target_date", "target", "fecha_meta", "fecha_prevista",
                                         "fecha_objetivo"), "#date+target"),
    Field("completion_date", "date", False, ("completion_date", "completed", "fecha_fin", "fecha_finalizacion",
                                             "fecha_de_finalizacion"), "#date+completed"),
    Field("agency", "text", False, ("agency", "institucion", "agencia", "responsable"), "#org+agency", 120),
    Field("notes", "text", False, ("notes", "notas", "observaciones", "comentarios"), "#description", 4000,
          multiline=True),
    SAMPLE,
), key=("post_code", "component_code"))

