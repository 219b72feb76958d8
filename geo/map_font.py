"""The app's map font in images drawn on the server (the saved map view, geo.map_image): the variable Source Sans
that Streamlit serves and the maps' text uses (geo.map_text.FONT), never matplotlib's default DejaVu Sans.

Streamlit serves it as WOFF2, which matplotlib's FreeType cannot open; fontTools (with brotli) unpacks it once into
static TrueType instances at the maps' weights (semibold text, bold names), kept in a cache folder beside the
process's temporary files, keyed by the served file's content.
"""

from __future__ import annotations

import hashlib
import importlib.util
import tempfile
import uuid
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path

import matplotlib

FAMILY = "CA4 Map Sans"  # the instances' family name in matplotlib (not a system font's)
WEIGHTS = (600, 700)  # semibold (geo.map_text.MIN_TEXT_WEIGHT: every map text), bold (country names, titles)


def served_font() -> Path:
    """The upright variable Source Sans that Streamlit serves (its static media folder)."""
    spec = importlib.util.find_spec("streamlit")  # its files only: the domain layer never imports Streamlit
    if spec is None or spec.origin is None:
        raise FileNotFoundError("Streamlit is not installed: no map font to read")
    media = Path(spec.origin).parent / "static" / "static" / "media"
    found = sorted(media.glob("SourceSansVF-Upright*.woff2"))
    if not found:
        raise FileNotFoundError(f"Streamlit serves no SourceSansVF-Upright font in {media}")
    return found[0]


# The characters a map image prints: Latin-1 and Latin Extended-A (Spanish and English names, accents, ñ), dashes,
# quotes, the bullet, the ellipsis, the arrow of a route and the euro. Subset first: instancing the whole font's
# 2,478 glyphs took ~45 s here, its 777 Latin ones ~1.5 s a weight.
CHARACTERS = [*range(0x20, 0x180), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x2192, 0x20AC,
              0x2212]


def _latin(source: Path):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)  # WOFF2: fontTools decompresses it (brotli)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=CHARACTERS)
    subsetter.subset(font)
    return font


def _instance(font, weight: int, out: Path) -> Path:
    from fontTools.varLib import instancer

    static = instancer.instantiateVariableFont(font, {"wght": weight})  # a new font; `font` stays variable
    static.flavor = None  # plain TrueType
    static["OS/2"].usWeightClass = weight
    for record in static["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (2, 17):
            record.string = {600: "SemiBold", 700: "Bold"}.get(weight, str(weight))
    tmp = out.with_name(f"{out.stem}.{uuid.uuid4().hex}.part")
    static.save(tmp)
    tmp.replace(out)  # whole or not at all: another process may be reading the folder
    return out


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, ...]:
    """The static TrueType instances of the served font at WEIGHTS, made once per font file and machine, and
    registered with matplotlib."""
    from matplotlib import font_manager

    source = served_font()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / "ca4-map-font"
    folder.mkdir(exist_ok=True)
    files = [folder / f"source-sans-{digest}-{weight}.ttf" for weight in WEIGHTS]
    if not all(path.exists() for path in files):
        latin = _latin(source)
        files = [path if path.exists() else _instance(latin, weight, path)
                 for weight, path in zip(WEIGHTS, files, strict=True)]
    for path in files:
        font_manager.fontManager.addfont(str(path))
    return tuple(files)


def map_font() -> AbstractContextManager:
    """matplotlib's settings under which every text drawn is in the map font (semibold; bold where asked)."""
    font_files()
    return matplotlib.rc_context({"font.family": [FAMILY], "font.weight": 600})
