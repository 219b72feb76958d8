"""Write static/ca4-countries.json and static/ca4-borders.json from data/reference/*_display.geojson.

The map decks load the region's outlines from these files by URL (geo.maps.region_data) rather than resending
them with every rerun. Rebuild after scripts/build_reference.py changes the display geometry:

    python scripts/build_static.py

tests/test_maps.py checks the committed files are what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.maps import STATIC_DIR, write_region_files


def main() -> int:
    for path in write_region_files(STATIC_DIR):
        print(f"{path.relative_to(STATIC_DIR.parent)}: {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
