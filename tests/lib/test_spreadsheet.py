"""Spreadsheet cells: text that would run as a formula is made inert, numbers stay numbers."""

import csv
import io

import pytest

from affectweb.lib.spreadsheet import Writer, cell, csv_line, tsv_cell

ATTACK = '=cmd|" /C calc"!A0'


@pytest.mark.parametrize("text", [ATTACK, "+1+cmd", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "  =1+1",
                                  "-", "--5", "-e5", "-inf", "-nan", "-1,5"])
def test_it_neutralises_text_a_spreadsheet_would_run(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-0.25", "-12", "+3", "-1e-05", "-.5", "-7.5E+3", "0", "joy", "", "a=b",
                                   " note", -0.25, -12, None])
def test_it_leaves_numbers_and_plain_text_alone(value):
    assert cell(value) == value


def test_it_turns_tabs_and_line_breaks_into_spaces_in_tsv_cells():
    # Else "x<TAB>=cmd" would be two cells, the second a formula.
    assert tsv_cell("x\t=cmd\r\n@y") == "x =cmd  @y"
    assert tsv_cell("\t=1+1") == "' =1+1"
    assert tsv_cell("-0.5") == "-0.5"


def test_its_csv_rows_keep_quoting_and_read_back_as_text():
    line = csv_line([ATTACK, "Paris, FR", -0.5, "-0.5"])
    assert line == '"\'=cmd|"" /C calc""!A0","Paris, FR",-0.5,-0.5'
    assert next(csv.reader([line])) == ["'" + ATTACK, "Paris, FR", "-0.5", "-0.5"]
    buf = io.StringIO()
    Writer(buf, lineterminator="\n").writerow(["@x", 1])
    assert buf.getvalue() == "'@x,1\n"
