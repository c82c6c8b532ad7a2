"""The streaming .xlsx writer (exports/xlsx.py) as a library: what it writes reads back the same
in openpyxl and in LibreOffice, whatever the text, at the edges of a number's exactness, over
several sheets; and the package is well-formed."""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest

from exports import xlsx
from tests.helpers.spreadsheets import libreoffice_sheets

TEXTS = ["plain", "&<>\"'", "a & b < c > d", "emoji \U0001f4b0\U0001f680", "中文客户 北京有限公司",
         "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "  padded  ", "tab\there", "line\nbreak",
         "#N/A", "TRUE", "0123", "1e5", "'quoted"]
CONTROL = "bell\x07 nul\x00 esc\x1b end"
# Up to 15 significant digits a spreadsheet number holds; past that, exact text.
NUMBERS = [Decimal("0.83822466"), Decimal("9999999.99999999"), Decimal("-9999999.99999999"),
           Decimal("0.00000001"), Decimal("123456789012345"), Decimal("1234567.12345678"),
           Decimal("0E-8"), Decimal("-0.5"), Decimal("100000000000000000000")]
TOO_PRECISE = [Decimal("12345678.12345678"), Decimal("-98765432.10000001"), Decimal("1234567890123456")]


def write_book(path, rows=(), max_rows=None):
    with xlsx.Workbook(path) as book:
        day, money, bold = book.style(num_format="yyyy-mm-dd"), book.style(num_format="#,##0.00"), book.style(bold=True)
        right = book.style(right=True)
        sheet = book.sheet("Data", [12, 40, 20])
        sheet.freeze(2)
        sheet.row(["A title"], bold)
        sheet.row(["Day", "Text", "Amount"], bold)
        sheet.autofilter(2, 3)
        write = sheet.row_writer([xlsx.DATE, xlsx.TEXT, xlsx.NUMBER], [day, 0, money], [0, 0, right])
        for values in rows:
            write(values)
    return book


def test_values_read_back_exactly_in_openpyxl(tmp_path):
    rows = [(date(2025, 1, 1), text, number) for text, number in zip(TEXTS * 2, NUMBERS + TOO_PRECISE, strict=False)]
    rows += [(date(1900, 3, 1), CONTROL, None), (None, None, Decimal("1.5"))]
    book = write_book(tmp_path / "x.xlsx", rows)
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["Data"]
    read = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(read) == len(rows)
    for (day, text, number), (read_day, read_text, read_number) in zip(rows, read, strict=True):
        assert read_day == (datetime.combine(day, datetime.min.time()) if day else None)
        assert read_text == (None if text is None else text.replace("\x07", "").replace("\x00", "").replace("\x1b", ""))
        if number is None:
            assert read_number is None
        elif number in TOO_PRECISE:  # kept as its exact text, right-aligned
            assert read_number == format(number, "f")
        else:
            assert isinstance(read_number, (int, float)) and Decimal(repr(read_number)) == number
    assert book.exact_texts == len(TOO_PRECISE)
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == f"A2:C{len(rows) + 2}"
    assert sheet.column_dimensions["B"].width == 40
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=3) for cell in row}
    assert cells[float(NUMBERS[0])].number_format == "#,##0.00"
    assert cells[format(TOO_PRECISE[0], "f")].alignment.horizontal == "right"
    assert not [cell for cell in cells.values() if cell.data_type == "f"]


def test_values_read_back_exactly_in_libreoffice(tmp_path):
    rows = [(date(2025, 2, 28), text, number) for text, number in zip(TEXTS * 2, NUMBERS + TOO_PRECISE, strict=False)]
    rows.append((date(2025, 3, 1), CONTROL, Decimal("1")))
    write_book(tmp_path / "x.xlsx", rows)
    sheet = libreoffice_sheets(tmp_path / "x.xlsx")["Data"]
    assert sheet[0][0] == "A title" and sheet[1] == ["Day", "Text", "Amount"]
    data = sheet[2:]
    assert [row[1] for row in data] == [text for _, text, _ in rows[:-1]] + ["bell nul esc end"]
    assert {row[0] for row in data} == {"2025-02-28", "2025-03-01"}
    for row, (_, _, number) in zip(data, rows, strict=True):
        assert Decimal(row[2]) == number  # numbers and exact texts alike, every digit


def test_rows_continue_over_sheets_and_titles_stay_unique(tmp_path):
    with xlsx.Workbook(tmp_path / "x.xlsx") as book:
        for part in range(3):
            sheet = book.sheet("Expenditures" if part == 0 else "Expenditures")
            write = sheet.row_writer([xlsx.NUMBER], [0])
            for number in range(part * 100, part * 100 + 100):
                write([number])
        book.sheet("a/b:c*d?[e]\\ and a title longer than thirty-one characters")
    workbook = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert workbook.sheetnames == ["Expenditures", "Expenditures (2)", "Expenditures (3)",
                                   "a_b_c_d__e__ and a title longer"]
    numbers = [row[0] for sheet in workbook.worksheets[:3] for row in sheet.iter_rows(values_only=True)]
    assert numbers == list(range(300))


def test_a_sheet_refuses_more_rows_than_a_spreadsheet_holds(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 5)
    with pytest.raises(ValueError, match="at most 5 rows"), xlsx.Workbook(tmp_path / "x.xlsx") as book:
        sheet = book.sheet("S")
        for number in range(6):
            sheet.row([number])


def test_the_package_is_well_formed(tmp_path):
    write_book(tmp_path / "x.xlsx", [(date(2025, 1, 1), "x", Decimal("1"))])
    with zipfile.ZipFile(tmp_path / "x.xlsx") as package:
        assert package.testzip() is None
        names = set(package.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/styles.xml", "xl/worksheets/sheet1.xml"} <= names
        for name in names:
            ElementTree.fromstring(package.read(name))  # every part parses as XML
        workbook = package.read("xl/workbook.xml").decode()
        assert "_xlnm._FilterDatabase" in workbook and "'Data'!$A$2:$C$3" in workbook


def test_exact_as_number():
    assert xlsx.exact_as_number(Decimal("9999999.99999999")) == "9999999.99999999"
    assert xlsx.exact_as_number(Decimal("12345678.12345678")) is None
    assert xlsx.exact_as_number(Decimal("-0.000000000000001")) == "-0.000000000000001"
    assert xlsx.exact_as_number(Decimal("1234567.123456780000")) == "1234567.123456780000"
    assert xlsx.exact_as_number(Decimal("NaN")) is None
