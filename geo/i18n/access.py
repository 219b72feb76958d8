"""Strings of staying signed in (geo.access.sessions, ui.sign_in_box)."""

STRINGS = {
    "signin.kept": {
        "es": "La sesión sigue abierta en este navegador hasta {hours} h, también al recargar la página.",
        "en": "You stay signed in on this browser for up to {hours} h, across reloads.",
    },
}
