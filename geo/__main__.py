"""Entry point of `python -m geo`. A setting the app cannot use ends with its message and exit code 2
(a usage error), never a traceback."""

import sys

from geo.cli import main
from geo.config import SettingsError

try:
    code = main()
except SettingsError as error:
    lang = "es" if "--lang=es" in sys.argv or " ".join(sys.argv).find("--lang es") >= 0 else "en"
    print(error.message(lang), file=sys.stderr)
    code = 2
sys.exit(code)
