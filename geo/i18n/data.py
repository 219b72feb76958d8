"""Strings of data import/export, the validation report, sign-in, users, the audit log and data quality."""

STRINGS = {
    "data.export_public_returns": {
        "es": "Los retornos asistidos se publican en la página Proyectos y retornos, redondeados a múltiplos de 5; "
              "los archivos de flujos no incluyen menores no acompañados. Los conteos exactos son para el personal "
              "con sesión.",
        "en": "Assisted returns are published on the Projects and returns page, rounded to multiples of 5; flows "
              "files carry no unaccompanied minors. Exact counts are for signed-in staff.",
    },
    "data.export_exact": {
        "es": "RESTRINGIDO: sus archivos llevan conteos exactos de personas vulnerables (retornos asistidos, menores "
              "no acompañados). Solo para el personal del programa; no los comparta.",
        "en": "RESTRICTED: your files carry exact counts of vulnerable people (assisted returns, unaccompanied "
              "minors). For programme staff only; do not share them.",
    },
    # ---------------------------------------------------------------- kinds and categories
    "data.kind.posts": {"es": "Puestos", "en": "Posts"},
    "data.kind.upgrades": {"es": "Componentes", "en": "Upgrades"},
    "data.kind.workshops": {"es": "Talleres", "en": "Workshops"},
    "data.kind.flows": {"es": "Flujos", "en": "Flows"},
    "data.kind.assistance": {"es": "Retornos asistidos", "en": "Assisted returns"},
    "data.kind.projects": {"es": "Proyectos", "en": "Projects"},
    "data.category.trafficking_victim": {"es": "Víctima de trata", "en": "Trafficking victim"},
    "data.category.unaccompanied_minor": {"es": "Menor no acompañado", "en": "Unaccompanied minor"},
    "data.category.other_vulnerable": {"es": "Otra situación vulnerable", "en": "Other vulnerable"},
    "data.format.csv": {"es": "CSV", "en": "CSV"},
    "data.format.xlsx": {"es": "Excel (XLSX)", "en": "Excel (XLSX)"},
    "data.format.geojson": {"es": "GeoJSON", "en": "GeoJSON"},
    "data.format.gpkg": {"es": "GeoPackage (QGIS)", "en": "GeoPackage (QGIS)"},
    # ---------------------------------------------------------------- report
    "data.report.row": {"es": "fila {row}", "en": "row {row}"},
    "data.report.column": {"es": "columna «{column}»", "en": "column “{column}”"},
    "data.report.h_file": {"es": "Archivo", "en": "File"},
    "data.report.h_row": {"es": "Fila", "en": "Row"},
    "data.report.h_column": {"es": "Columna", "en": "Column"},
    "data.report.h_message": {"es": "Problema", "en": "Problem"},
    "data.report.more": {"es": "… y otros problemas: {n}", "en": "… and more problems: {n}"},
    "data.report.summary": {
        "es": "{file}: {rows} filas; {added} agregadas, {updated} actualizadas, {unchanged} sin cambios.",
        "en": "{file}: {rows} rows; {added} added, {updated} updated, {unchanged} unchanged.",
    },
    "data.report.summary_dry": {
        "es": "Prueba sin guardar — {file}: {rows} filas; se agregarían {added}, se actualizarían {updated}, "
        "{unchanged} sin cambios.",
        "en": "Dry run, nothing saved — {file}: {rows} rows; would add {added}, update {updated}, "
        "{unchanged} unchanged.",
    },
    "data.report.rejected": {
        "es": "Archivo rechazado (problemas: {n}). No se guardó nada.",
        "en": "File rejected (problems: {n}). Nothing was saved.",
    },
    "data.report.ignored": {"es": "Columnas no reconocidas (ignoradas): {columns}",
                            "en": "Columns not recognised (ignored): {columns}"},
    # ---------------------------------------------------------------- problems
    "data.err.not_text": {
        "es": "no es un archivo de texto legible: guárdelo desde Excel como CSV UTF-8 o como XLSX e inténtelo "
              "de nuevo",
        "en": "not a readable text file: save it from Excel as CSV UTF-8 or as XLSX and try again",
    },
    "data.err.not_table": {
        "es": "el archivo no es una tabla (CSV, XLSX, GeoJSON o GeoPackage): guárdelo desde Excel como CSV o "
              "XLSX, o desde QGIS como GeoJSON o GeoPackage, e inténtelo de nuevo",
        "en": "the file is not a table (CSV, XLSX, GeoJSON or GeoPackage): save it from Excel as CSV or XLSX, "
              "or from QGIS as GeoJSON or GeoPackage, and try again",
    },
    "data.err.unreadable_row": {"es": "fila ilegible ({detail})", "en": "unreadable row ({detail})"},
    "data.err.too_many_rows": {
        "es": "demasiadas filas (límite {limit}): divida el archivo (p. ej. uno por año) e impórtelos uno a uno",
        "en": "too many rows (limit {limit}): split the file (e.g. one per year) and import the parts one by one",
    },
    "data.err.too_many_columns": {
        "es": "demasiadas columnas ({n}; límite {limit}): deje solo las columnas de la plantilla e inténtelo de "
              "nuevo",
        "en": "too many columns ({n}; limit {limit}): keep only the template's columns and try again",
    },
    "data.err.empty": {
        "es": "el archivo está vacío: expórtelo de nuevo desde su programa, con la fila de encabezados, y "
              "súbalo otra vez",
        "en": "the file is empty: export it again from its program, with the header row, and upload it again",
    },
    "data.err.no_rows": {
        "es": "el archivo tiene encabezados pero ninguna fila de datos: agregue las filas debajo de los "
              "encabezados y súbalo otra vez",
        "en": "the file has headers but no data rows: add the rows below the headers and upload it again",
    },
    "data.err.not_spreadsheet": {
        "es": "no es una hoja de cálculo XLSX legible: ábrala en Excel y guárdela de nuevo como .xlsx (o como "
              "CSV UTF-8)",
        "en": "not a readable XLSX spreadsheet: open it in Excel and save it again as .xlsx (or as CSV UTF-8)",
    },
    "data.err.too_large": {
        "es": "archivo demasiado grande ({size} MB; límite {limit} MB): divídalo en archivos más pequeños "
              "(p. ej. uno por año) o pida a un administrador que suba CA4_IMPORT_MAX_MB",
        "en": "file too large ({size} MB; limit {limit} MB): split it into smaller files (e.g. one per year) "
              "or ask an administrator to raise CA4_IMPORT_MAX_MB",
    },
    "data.err.xlsx_too_large": {
        "es": "la hoja de cálculo ocupa {size} MB una vez descomprimida (límite {limit} MB): guárdela como "
              "CSV UTF-8 (admite archivos mayores) o divídala",
        "en": "the spreadsheet takes {size} MB once unpacked (limit {limit} MB): save it as CSV UTF-8 (larger "
              "files are fine there) or split it",
    },
    "data.err.not_geojson": {
        "es": "no es un GeoJSON con una colección de entidades (FeatureCollection): expórtelo de nuevo desde "
              "QGIS como GeoJSON",
        "en": "not a GeoJSON FeatureCollection: export it again from QGIS as GeoJSON",
    },
    "data.err.crs": {"es": "sistema de coordenadas no admitido ({crs}); use WGS84 (EPSG:4326)",
                     "en": "unsupported coordinate system ({crs}); use WGS84 (EPSG:4326)"},
    "data.err.not_feature": {"es": "esta entidad no es un Feature con propiedades",
                             "en": "this entry is not a Feature with properties"},
    "data.err.not_gpkg": {
        "es": "no es un GeoPackage legible: expórtelo de nuevo desde QGIS como GeoPackage",
        "en": "not a readable GeoPackage: export it again from QGIS as GeoPackage",
    },
    "data.err.short_row": {
        "es": "la fila tiene {n} valores y el encabezado {m} columnas: parece cortada; revise esta fila y "
              "súbalo de nuevo (no se completa con vacíos)",
        "en": "the row has {n} values but the header has {m} columns: it looks cut short; check this row and "
              "upload again (it is not padded with blanks)",
    },
    "data.err.unclosed_quote": {
        "es": "unas comillas (\") abiertas en esta fila no se cierran: el archivo parece cortado o mal "
              "guardado; guárdelo de nuevo",
        "en": "a quote (\") opened in this row is never closed: the file looks cut short or badly saved; "
              "save it again",
    },
    "data.err.bad_quote": {
        "es": "comillas (\") mal puestas en esta fila: un valor entre comillas debe ir seguido del separador",
        "en": "misplaced quotes (\") in this row: a quoted value must be followed by the separator",
    },
    "data.err.cell_too_long": {
        "es": "un valor de esta fila supera {max} caracteres (¿unas comillas sin cerrar?)",
        "en": "a value in this row is longer than {max} characters (an unclosed quote?)",
    },
    "data.err.mixed_encoding": {
        "es": "esta línea no está en UTF-8 como el resto del archivo (¿se pegó texto de otro archivo?): "
              "guarde todo el archivo en una sola codificación (CSV UTF-8) y súbalo de nuevo",
        "en": "this line is not UTF-8 like the rest of the file (text pasted from another file?): save the "
              "whole file in one encoding (CSV UTF-8) and upload it again",
    },
    "data.err.mixed_encoding_more": {"es": "… y otras {n} líneas en otra codificación",
                                     "en": "… and {n} more lines in another encoding"},
    "data.err.formula_no_value": {
        "es": "la celda {cell} tiene una fórmula sin resultado guardado: ábrala en Excel, deje que calcule, "
              "guarde y súbala de nuevo (o pegue solo los valores)",
        "en": "cell {cell} holds a formula with no saved result: open the file in Excel, let it calculate, "
              "save and upload it again (or paste values only)",
    },
    "data.err.geometry_coordinates": {
        "es": "un punto necesita dos números [longitud, latitud]; el archivo tiene {value}",
        "en": "a point needs two numbers [longitude, latitude]; the file has {value}",
    },
    "data.err.internal": {
        "es": "error interno al leer el archivo; no se guardó nada: avise al administrador (queda en el "
              "registro del servidor) e inténtelo más tarde",
        "en": "internal error while reading the file; nothing was saved: tell the administrator (it is in the "
              "server log) and try again later",
    },
    "data.err.busy": {
        "es": "otra importación estaba escribiendo en la base de datos; no se guardó nada: inténtelo de nuevo "
              "en un momento",
        "en": "another import was writing to the database; nothing was saved: try again in a moment",
    },
    "data.err.concurrent": {
        "es": "estas filas acaban de ser importadas por otra importación simultánea; no se guardó nada: "
              "revise los datos y, si hace falta, inténtelo de nuevo",
        "en": "these rows were just imported by another import running at the same time; nothing was saved: "
              "check the data and try again if needed",
    },
    "data.err.unknown_iso3": {"es": "«{value}» no es un código de país ISO 3166 (p. ej. VEN, HTI, USA)",
                              "en": "“{value}” is not an ISO 3166 country code (e.g. VEN, HTI, USA)"},
    "data.err.return_country": {
        "es": "los retornos asistidos son a {allowed}; «{value}» no es uno de ellos",
        "en": "assisted returns are to {allowed}; “{value}” is not one of them",
    },
    "data.err.crossing_partner_far": {
        "es": "está a {km} km de {partner}, su par del otro lado del cruce {crossing} (límite {limit} km)",
        "en": "lies {km} km from {partner}, its partner across crossing {crossing} (limit {limit} km)",
    },
    "data.err.venue_not_on_land": {
        "es": "la sede ({lon}, {lat}) no está en tierra firme de un país de la región",
        "en": "the venue ({lon}, {lat}) is not on land in a country of the region",
    },
    "data.err.column_twice": {"es": "la columna repite «{field}» (ya dada por «{other}»)",
                              "en": "this column repeats “{field}” (already given by “{other}”)"},
    "data.err.no_known_columns": {
        "es": "ninguna columna reconocida para {kind}; se esperan al menos: {expected}",
        "en": "no recognised column for {kind}; expected at least: {expected}",
    },
    "data.err.column_missing": {"es": "falta la columna obligatoria (p. ej. {names})",
                                "en": "required column missing (e.g. {names})"},
    "data.err.required": {"es": "valor obligatorio vacío", "en": "required value is empty"},
    "data.err.control": {"es": "contiene caracteres de control o invisibles",
                         "en": "contains control or invisible characters"},
    "data.err.formula": {
        "es": "«{value}» empieza como una fórmula de hoja de cálculo (=, +, -, @): si es texto, escríbalo con "
              "un apóstrofo delante ('{value})",
        "en": "“{value}” begins like a spreadsheet formula (=, +, -, @): if it is text, put an apostrophe "
              "before it ('{value})",
    },
    "data.err.too_long": {"es": "texto demasiado largo (máximo {max} caracteres)",
                          "en": "text too long (at most {max} characters)"},
    "data.err.code_format": {"es": "código no válido: «{value}»", "en": "invalid code: “{value}”"},
    "data.err.iso3": {"es": "«{value}» no es un código de país ISO de 3 letras (p. ej. GTM)",
                      "en": "“{value}” is not a 3-letter ISO country code (e.g. GTM)"},
    "data.err.integer": {"es": "«{value}» no es un número entero", "en": "“{value}” is not a whole number"},
    "data.err.number": {"es": "«{value}» no es un número", "en": "“{value}” is not a number"},
    "data.err.negative": {"es": "«{value}» es negativo; se espera 0 o más",
                          "en": "“{value}” is negative; 0 or more expected"},
    "data.err.range": {"es": "«{value}» fuera del rango {min} a {max}", "en": "“{value}” outside {min} to {max}"},
    "data.err.date": {"es": "«{value}» no es una fecha (use dd/mm/aaaa o aaaa-mm-dd)",
                      "en": "“{value}” is not a date (use dd/mm/yyyy or yyyy-mm-dd)"},
    "data.err.date_impossible": {"es": "«{value}» no es un día que exista (el día va primero: dd/mm/aaaa)",
                                 "en": "“{value}” is not a real day (the day comes first: dd/mm/yyyy)"},
    "data.err.date_range": {"es": "«{value}»: año fuera de 1900–2100", "en": "“{value}”: year outside 1900–2100"},
    "data.err.month": {"es": "«{value}» no es un mes (use aaaa-mm o mm/aaaa)",
                       "en": "“{value}” is not a month (use yyyy-mm or mm/yyyy)"},
    "data.err.bool": {"es": "«{value}»: use sí/no o true/false", "en": "“{value}”: use yes/no or true/false"},
    "data.err.choice": {"es": "«{value}» no es un valor admitido ({allowed})",
                        "en": "“{value}” is not an accepted value ({allowed})"},
    "data.err.extra_values": {"es": "la fila tiene {n} valores y el encabezado {m} columnas",
                              "en": "the row has {n} values but the header has {m} columns"},
    "data.err.geometry_unreadable": {"es": "geometría ilegible ({detail})", "en": "unreadable geometry ({detail})"},
    "data.err.geometry_empty": {"es": "geometría vacía y sin columnas de longitud/latitud",
                                "en": "empty geometry and no longitude/latitude columns"},
    "data.err.geometry_not_point": {"es": "se espera un punto, no {type}", "en": "a point is expected, not {type}"},
    "data.err.geometry_invalid": {"es": "geometría no válida ({detail})", "en": "invalid geometry ({detail})"},
    "data.err.geometry_disagrees": {
        "es": "la geometría ({lon}, {lat}) no coincide con las columnas de longitud/latitud",
        "en": "the geometry ({lon}, {lat}) disagrees with the longitude/latitude columns",
    },
    "data.err.duplicate": {"es": "repite la fila {first} (misma clave)", "en": "repeats row {first} (same key)"},
    "data.err.unknown_country": {"es": "país desconocido: «{value}»", "en": "unknown country: “{value}”"},
    "data.err.not_found": {"es": "el registro al que se refiere esta fila no existe.",
                           "en": "the record this row refers to does not exist."},
    "data.err.unknown_post": {"es": "puesto desconocido: «{value}»", "en": "unknown post: “{value}”"},
    "data.err.unknown_component": {"es": "componente desconocido: «{value}»", "en": "unknown component: “{value}”"},
    "data.err.unknown_project": {"es": "proyecto desconocido: «{value}»", "en": "unknown project: “{value}”"},
    "data.err.swapped": {
        "es": "longitud {lon} y latitud {lat} parecen intercambiadas: ¿quiso decir longitud {lat}, latitud {lon}?",
        "en": "longitude {lon} and latitude {lat} look swapped: did you mean longitude {lat}, latitude {lon}?",
    },
    "data.err.lon_sign": {"es": "longitud {lon} fuera de la región: ¿falta el signo menos ({fixed})?",
                          "en": "longitude {lon} is outside the region: is the minus sign missing ({fixed})?"},
    "data.err.outside_region": {"es": "coordenadas ({lon}, {lat}) fuera de la región",
                                "en": "coordinates ({lon}, {lat}) are outside the region"},
    "data.err.land_needs_neighbour": {"es": "un puesto terrestre necesita el país vecino",
                                      "en": "a land post needs its neighbour country"},
    "data.err.land_needs_crossing": {"es": "un puesto terrestre necesita el código de cruce",
                                     "en": "a land post needs its crossing code"},
    "data.err.neighbour_only_land": {"es": "solo los puestos terrestres tienen país vecino",
                                     "en": "only land posts have a neighbour country"},
    "data.err.neighbour_same": {"es": "el país vecino es el mismo país", "en": "the neighbour is the same country"},
    "data.err.post_rule": {"es": "la ubicación no cumple la regla de frontera: {detail}",
                           "en": "the location breaks the border rule: {detail}"},
    "data.err.crossing": {"es": "cruce {crossing}: {detail}", "en": "crossing {crossing}: {detail}"},
    "data.err.crossing_side_taken": {"es": "el cruce {crossing} ya tiene un puesto de {country}",
                                     "en": "crossing {crossing} already has a post of {country}"},
    "data.err.minors_over_count": {"es": "más menores no acompañados que personas en la fila",
                                   "en": "more unaccompanied minors than people in the row"},
    "data.err.future": {"es": "fecha futura ({value})", "en": "date in the future ({value})"},
    "data.err.too_old": {"es": "fecha {value} anterior a {earliest}", "en": "date {value} before {earliest}"},
    "data.err.database": {"es": "la base de datos rechazó el archivo ({detail}); no se guardó nada",
                          "en": "the database refused the file ({detail}); nothing was saved"},
    # ---------------------------------------------------------------- settings (geo/config.py)
    "config.err.setting": {
        "es": "Configuración no válida: {variable} = «{value}». Valores aceptados: {accepted}. Corrija la "
              "variable de entorno y vuelva a iniciar.",
        "en": "Invalid setting: {variable} = “{value}”. Accepted: {accepted}. Fix the environment variable "
              "and start again.",
    },
    "config.accepts.import_max_mb": {"es": "un número de megabytes mayor que 0 y hasta 2000 (p. ej. 50)",
                                     "en": "a number of megabytes above 0 and at most 2000 (e.g. 50)"},
    "config.accepts.database_url": {
        "es": "vacío (la base SQLite incluida), sqlite:///ruta/archivo.sqlite o "
              "postgresql+psycopg://usuario:clave@servidor:5432/base",
        "en": "empty (the embedded SQLite file), sqlite:///path/file.sqlite or "
              "postgresql+psycopg://user:password@host:5432/database",
    },
    "config.accepts.lang": {"es": "{languages}", "en": "{languages}"},  # the catalogs present, listed
    "config.accepts.flag": {"es": "1, true, yes (sí) o 0, false, no (o sin definir)",
                            "en": "1, true, yes or 0, false, no (or unset)"},
    # ---------------------------------------------------------------- data page
    "data.title": {"es": "Importar y exportar datos", "en": "Import and export data"},
    "data.tab.import": {"es": "Importar", "en": "Import"},
    "data.tab.export": {"es": "Exportar", "en": "Export"},
    "data.tab.quality": {"es": "Calidad de los datos", "en": "Data quality"},
    "data.kind": {"es": "Tipo de datos", "en": "Kind of data"},
    "data.format": {"es": "Formato", "en": "Format"},
    "data.upload": {"es": "Archivo (CSV, XLSX, GeoJSON o GeoPackage)",
                    "en": "File (CSV, XLSX, GeoJSON or GeoPackage)"},
    "data.upload_help": {
        "es": "Encabezados en español, inglés o etiquetas HXL. CSV en UTF-8 o Windows-1252, separado por coma, "
        "punto y coma o tabulador; fechas dd/mm/aaaa o aaaa-mm-dd. Límite: {limit} MB.",
        "en": "Headers in Spanish, English or HXL hashtags. CSV in UTF-8 or Windows-1252, separated by comma, "
        "semicolon or tab; dates dd/mm/yyyy or yyyy-mm-dd. Limit: {limit} MB.",
    },
    "data.check": {"es": "Revisar (sin guardar)", "en": "Check (dry run)"},
    "data.import": {"es": "Importar", "en": "Import"},
    "data.viewer_no_import": {
        "es": "Para importar datos inicie sesión con una cuenta de editor o administrador.",
        "en": "Sign in with an editor or administrator account to import data.",
    },
    "data.progress": {"es": "Importando…", "en": "Importing…"},
    # Progress of a long import (the page's bar and the CLI's stderr lines).
    "data.progress_detail": {
        "es": "{stage}: {read} filas leídas, {checked} revisadas, {written} guardadas ({seconds} s)",
        "en": "{stage}: {read} rows read, {checked} checked, {written} written ({seconds} s)"},
    "data.stage.reading": {"es": "Leyendo, revisando y guardando", "en": "Reading, checking and writing"},
    "data.stage.rollups": {"es": "Recalculando los totales mensuales", "en": "Recomputing the monthly totals"},
    "data.stage.saving": {"es": "Guardando", "en": "Saving"},
    "data.stage.done": {"es": "Terminado", "en": "Done"},
    "cli.import_progress": {
        "es": "importación {percent} % · {stage}: {read} filas leídas, {checked} revisadas, {written} guardadas, "
              "{seconds} s",
        "en": "import {percent} % · {stage}: {read} rows read, {checked} checked, {written} written, {seconds} s"},
    "data.done": {"es": "Importación guardada.", "en": "Import saved."},
    "data.download_report": {"es": "Descargar el informe (CSV)", "en": "Download the report (CSV)"},
    "data.hxl": {"es": "Agregar fila de etiquetas HXL (CSV)", "en": "Add an HXL hashtag row (CSV)"},
    "data.prepare": {"es": "Preparar archivo", "en": "Prepare file"},
    "data.download": {"es": "Descargar {name}", "en": "Download {name}"},
    "data.export_help": {
        "es": "Las exportaciones usan las mismas columnas que la importación: un archivo exportado se puede "
        "volver a importar. GeoPackage y GeoJSON en WGS84 (EPSG:4326).",
        "en": "Exports use the import columns: an exported file can be imported again. GeoPackage and GeoJSON "
        "in WGS84 (EPSG:4326).",
    },
    "data.export_rows": {"es": "{n} filas", "en": "{n} rows"},
    # ---------------------------------------------------------------- quality panel
    "quality.last_update": {"es": "Última actualización por tipo de datos", "en": "Last update per kind of data"},
    "quality.h_kind": {"es": "Tipo", "en": "Kind"},
    "quality.h_updated": {"es": "Actualizado (UTC)", "en": "Updated (UTC)"},
    "quality.h_source": {"es": "Origen", "en": "Source"},
    "quality.h_real": {"es": "Reales", "en": "Real"},
    "quality.h_sample": {"es": "De muestra", "en": "Sample"},
    "quality.h_post": {"es": "Puesto", "en": "Post"},
    "quality.h_name": {"es": "Nombre", "en": "Name"},
    "quality.h_problem": {"es": "Problema", "en": "Problem"},
    "quality.h_component": {"es": "Componente", "en": "Component"},
    "quality.h_status": {"es": "Estado", "en": "Status"},
    "quality.h_target": {"es": "Fecha meta", "en": "Target date"},
    "quality.h_days": {"es": "Días de atraso", "en": "Days overdue"},
    "quality.never": {"es": "nunca", "en": "never"},
    "quality.counts": {"es": "Registros reales y de muestra", "en": "Real and sample records"},
    "quality.posts": {"es": "Puestos sin coordenadas o lejos de su frontera",
                      "en": "Posts without coordinates or far from their border"},
    "quality.posts_ok": {"es": "Todos los puestos tienen coordenadas y están junto a su frontera.",
                         "en": "Every post has coordinates and lies at its border."},
    "quality.overdue": {"es": "Componentes atrasados ({n})", "en": "Overdue components ({n})"},
    "quality.overdue_none": {"es": "Ningún componente atrasado.", "en": "No component is overdue."},
    # ---------------------------------------------------------------- audit page
    "audit.title": {"es": "Registro de auditoría", "en": "Audit log"},
    "audit.editors_only": {"es": "El registro de auditoría es visible para editores y administradores.",
                           "en": "The audit log is visible to editors and administrators."},
    "audit.since": {"es": "Desde", "en": "Since"},
    "audit.until": {"es": "Hasta", "en": "Until"},
    "audit.entity": {"es": "Objeto", "en": "Record type"},
    "audit.user": {"es": "Usuario", "en": "User"},
    "audit.action": {"es": "Acción", "en": "Action"},
    "audit.search": {"es": "Clave contiene", "en": "Key contains"},
    "audit.count": {"es": "{n} entradas", "en": "{n} entries"},
    "audit.none": {"es": "Ninguna entrada con estos filtros.", "en": "No entry matches these filters."},
    "audit.h_at": {"es": "Fecha (UTC)", "en": "When (UTC)"},
    "audit.h_user": {"es": "Usuario", "en": "User"},
    "audit.h_action": {"es": "Acción", "en": "Action"},
    "audit.h_entity": {"es": "Objeto", "en": "Record type"},
    "audit.h_key": {"es": "Clave", "en": "Key"},
    "audit.h_field": {"es": "Campo", "en": "Field"},
    "audit.h_old": {"es": "Antes", "en": "Before"},
    "audit.h_new": {"es": "Después", "en": "After"},
    "audit.h_details": {"es": "Detalles", "en": "Details"},
    "audit.action.create": {"es": "creación", "en": "create"},
    "audit.action.update": {"es": "cambio", "en": "update"},
    "audit.action.delete": {"es": "borrado", "en": "delete"},
    "audit.action.import": {"es": "importación", "en": "import"},
    "audit.action.seed": {"es": "datos de muestra", "en": "sample data"},
    "audit.action.user": {"es": "usuarios", "en": "users"},
    # ---------------------------------------------------------------- sign-in
    "signin.title": {"es": "Iniciar sesión", "en": "Sign in"},
    "signin.user": {"es": "Usuario", "en": "User name"},
    "signin.password": {"es": "Contraseña", "en": "Password"},
    "signin.submit": {"es": "Entrar", "en": "Sign in"},
    "signin.failed": {"es": "Usuario o contraseña incorrectos.", "en": "Wrong user name or password."},
    "signin.wait": {"es": "Demasiados intentos fallidos: espere {seconds} s.",
                    "en": "Too many failed attempts: wait {seconds} s."},
    "signin.as": {"es": "Sesión: **{user}** ({role})", "en": "Signed in: **{user}** ({role})"},
    "signin.out": {"es": "Cerrar sesión", "en": "Sign out"},
    "signin.required": {"es": "Inicie sesión en la barra lateral para usar el monitor.",
                        "en": "Sign in in the sidebar to use the monitor."},
    "role.viewer": {"es": "lector", "en": "viewer"},
    "role.editor": {"es": "editor", "en": "editor"},
    "role.admin": {"es": "administrador", "en": "admin"},
    # ---------------------------------------------------------------- admin page
    "admin.title": {"es": "Administración de usuarios", "en": "User administration"},
    "admin.only": {"es": "Esta página es solo para administradores.", "en": "This page is for administrators only."},
    "admin.add": {"es": "Agregar usuario", "en": "Add a user"},
    "admin.name": {"es": "Usuario", "en": "User name"},
    "admin.role": {"es": "Rol", "en": "Role"},
    "admin.password": {"es": "Contraseña (mínimo {n} caracteres)", "en": "Password (at least {n} characters)"},
    "admin.create": {"es": "Crear", "en": "Create"},
    "admin.created": {"es": "Usuario {name} creado.", "en": "User {name} created."},
    "admin.change": {"es": "Cambiar un usuario", "en": "Change a user"},
    "admin.user": {"es": "Usuario", "en": "User"},
    "admin.set_role": {"es": "Cambiar rol", "en": "Change role"},
    "admin.disable": {"es": "Desactivar", "en": "Disable"},
    "admin.enable": {"es": "Reactivar", "en": "Enable"},
    "admin.unlock": {"es": "Reiniciar intentos fallidos", "en": "Reset failed attempts"},
    "admin.new_password": {"es": "Nueva contraseña", "en": "New password"},
    "admin.set_password": {"es": "Cambiar contraseña", "en": "Set password"},
    "admin.saved": {"es": "Guardado.", "en": "Saved."},
    "admin.h_user": {"es": "Usuario", "en": "User"},
    "admin.h_role": {"es": "Rol", "en": "Role"},
    "admin.h_active": {"es": "Activo", "en": "Active"},
    "admin.h_failed": {"es": "Intentos fallidos", "en": "Failed attempts"},
    "admin.h_created": {"es": "Creado (UTC)", "en": "Created (UTC)"},
    "admin.no_users": {"es": "Aún no hay usuarios. Cree el primero con `python -m geo users add NOMBRE --role admin`.",
                       "en": "No users yet. Create the first with `python -m geo users add NAME --role admin`."},
    # ---------------------------------------------------------------- user errors
    "users.err.name": {"es": "usuario: 2 a 80 letras, cifras, . _ @ o -",
                       "en": "user name: 2 to 80 letters, digits, . _ @ or -"},
    "users.err.role": {"es": "rol desconocido", "en": "unknown role"},
    "users.err.password": {"es": "la contraseña necesita al menos {n} caracteres",
                           "en": "the password needs at least {n} characters"},
    "users.err.exists": {"es": "ese usuario ya existe", "en": "that user already exists"},
    "users.err.unknown": {"es": "usuario desconocido", "en": "unknown user"},
    "datasets.title": {"es": "Conjuntos de datos: procedencia y actualidad", "en": "Datasets: origin and freshness"},
    "datasets.caption": {
        "es": "Cada carga (semilla o importación) queda registrada. Vigente: dentro del intervalo esperado; "
              "pendiente: hasta la mitad de un intervalo más; atrasado: después. Flujos y retornos se miden por el "
              "último día que cubren sus datos (se esperan a más tardar 15 días después de fin de mes); los demás, "
              "por su última carga.",
        "en": "Every load (seed or import) is recorded. Fresh: within the expected interval; due: up to half an "
              "interval more; overdue: after that. Flows and returns are dated by the last day their data covers "
              "(expected at most 15 days after the month ends); the others by their last load.",
    },
    "datasets.h_dataset": {"es": "Conjunto de datos", "en": "Dataset"},
    "datasets.h_as_of": {"es": "Datos al", "en": "Data as of"},
    "datasets.h_loaded": {"es": "Última carga", "en": "Last load"},
    "datasets.h_by": {"es": "Por", "en": "By"},
    "datasets.h_rows": {"es": "Filas", "en": "Rows"},
    "datasets.h_expected": {"es": "Se espera", "en": "Expected"},
    "datasets.h_state": {"es": "Estado", "en": "State"},
    "datasets.every": {"es": "cada {n} días", "en": "every {n} days"},
    "datasets.sample": {"es": "datos de muestra", "en": "sample data"},
    "datasets.state.fresh": {"es": "vigente", "en": "fresh"},
    "datasets.state.due": {"es": "pendiente", "en": "due"},
    "datasets.state.overdue": {"es": "atrasado", "en": "overdue"},
    "datasets.state.none": {"es": "sin datos", "en": "no data"},
    "users.err.countries": {"es": "países: códigos ISO3 de la CA4 (GTM, SLV, HND, NIC) separados por comas",
                            "en": "countries: ISO3 codes of the CA4 (GTM, SLV, HND, NIC) separated by commas"},
    "users.err.disabled": {"es": "ese usuario está desactivado", "en": "that user is disabled"},
    "users.err.last_admin": {"es": "debe quedar al menos un administrador activo",
                             "en": "at least one active administrator must remain"},
    "users.err.denied": {"es": "no tiene permiso para esta acción", "en": "you are not allowed to do this"},
}
