"""Cells of the CSV and TSV files researchers open in a spreadsheet.

Excel, LibreOffice and Google Sheets read a cell that starts with `=`, `+`, `-` or `@`
(or with a tab, carriage return or spaces in front of one) as a formula: a participant
who answers a free-text question with `=cmd|" /C calc"!A0` runs a program on the
machine of the researcher who opens the export (CSV injection). Such a text cell gets a leading
apostrophe, which spreadsheets take as "this is text". Numbers are data, not formulas,
and stay as they are: `-0.25` is a valence.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BREAKS = re.compile(r"[\t\r\n]")


def cell(value: Any) -> Any:
    """`value` as it is, unless it is text a spreadsheet would run: then with a leading '."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def tsv_cell(value: str) -> str:
    """A cell of a tab-separated file without quoting (iMotions' layout): a tab or line
    break inside would start a new cell or row, and that cell could be a formula, so
    they become spaces first."""
    return cell(_BREAKS.sub(" ", value))


class Writer:
    """`csv.writer` whose every cell goes through `cell` (quoting stays csv's)."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([cell(value) for value in row])


def csv_line(values: Iterable[Any]) -> str:
    """One CSV row of `cell`s, quoted as needed, without its line end."""
    buf = io.StringIO()
    Writer(buf).writerow(values)
    return buf.getvalue().rstrip("\r\n")
