"""How one file writes numbers and dates (FileStyle), decided for the whole file, never cell by cell: its
decimal mark, its one thousands mark, day-first or month-first dates. geo.io.parsers reads a file's style
(file_style) and reads each cell with it."""

from __future__ import annotations

from dataclasses import dataclass

Evidence = tuple[int, str, str]  # (row as the person sees it, column, the cell as written)


@dataclass(frozen=True)
class FileStyle:
    """How one file writes numbers and dates, decided for the whole file (a file read in chunks: from its
    first chunk, each later chunk adding its evidence, geo.io.imports), never cell by cell:

    - decimal_comma: decimals written 12,5 (see _decimal_comma);
    - the thousands mark of whole-number columns: "." when its whole numbers show only 1.000-style grouping
      and its decimal columns do not write decimals with a point, "," likewise; both marks in one file, or
      the mark its decimals use, leave every grouped cell reported ("1.000" is never read as 1);
    - dates such as 03/04/2025: day first (the region's way) unless its unambiguous dates (a part above 12)
      show the month first; a file with unambiguous dates both ways is reported (dates_mixed); a file
      whose dates could all be read either way is read day first and says so in a note (dates_assumed)."""

    decimal_comma: bool = False
    dot_grouped: Evidence | None = None  # the first whole number written 1.000
    comma_grouped: Evidence | None = None  # the first written 1,000
    point_decimal: bool = False  # a decimal column writes 12.5
    comma_decimal: bool = False  # a decimal column writes 12,5
    day_first: Evidence | None = None  # the first date that can only be read day first (25/03/2025)
    month_first_seen: Evidence | None = None  # ... only month first (03/25/2025)
    either_way: Evidence | None = None  # the first date that reads either way (03/04/2025)

    @property
    def grouping_mixed(self) -> bool:
        return self.dot_grouped is not None and self.comma_grouped is not None

    @property
    def grouping(self) -> str | None:
        if self.grouping_mixed:
            return None
        if self.dot_grouped is not None and not self.point_decimal:
            return "."
        if self.comma_grouped is not None and not self.comma_decimal:
            return ","
        return None

    @property
    def dates_mixed(self) -> bool:
        return self.day_first is not None and self.month_first_seen is not None

    @property
    def dates_assumed(self) -> bool:
        """Dates that read either way and none that shows the order: read day first, said in a note."""
        return self.either_way is not None and self.day_first is None and self.month_first_seen is None

    @property
    def month_first(self) -> bool:
        return self.month_first_seen is not None and self.day_first is None

    def adding(self, later: FileStyle) -> FileStyle:
        """This file's style with a later chunk's evidence added (the decimal mark stays the first chunk's)."""
        return FileStyle(self.decimal_comma, self.dot_grouped or later.dot_grouped,
                         self.comma_grouped or later.comma_grouped, self.point_decimal or later.point_decimal,
                         self.comma_decimal or later.comma_decimal, self.day_first or later.day_first,
                         self.month_first_seen or later.month_first_seen, self.either_way or later.either_way)
