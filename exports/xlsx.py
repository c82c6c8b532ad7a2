"""A streaming .xlsx writer: rows go straight into each sheet's XML inside the zip.

Measured against XlsxWriter's constant_memory mode and the Rust-backed writers on PyPI (see
docs/PERFORMANCE.md), it is the one that writes a million rows well inside 20 s with flat
memory, because it does only what these exports need: no cell objects, no temporary copy of a
sheet (zipfile compresses each sheet as its rows are written), one XML string per row.

    with Workbook(path) as book:
        money = book.style(num_format='#,##0.00 "CNY"')
        sheet = book.sheet("Expenditures", widths=[12, 30, 18])
        sheet.row(["Day", "Customer", "Amount"], style=book.style(bold=True))
        sheet.freeze(rows=1)
        write = sheet.row_writer([DATE, TEXT, MONEY], [date_style, 0, money])
        for values in rows:
            write(values)
        sheet.autofilter(first_row=1, columns=3)

Cells are typed by what they hold: text as inline strings (never formulas, whatever the text
says), numbers as numbers, days and times as serial numbers with a date format. A Decimal is
written as a number only when a spreadsheet's 15 significant digits hold it exactly; otherwise
it is kept as exact text (`Workbook.exact_texts` counts those), so no digit is lost silently.
Characters XML 1.0 cannot carry (control characters) are removed.
"""
from __future__ import annotations

import dataclasses
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Self
from xml.sax.saxutils import quoteattr

MAX_ROWS = 1_048_576  # a sheet's rows in every spreadsheet program
MAX_SIGNIFICANT_DIGITS = 15  # what a spreadsheet number holds
MAX_TITLE = 31
EPOCH_ORDINAL = date(1899, 12, 30).toordinal()  # serial day 0 of the 1900 date system

# Text: the XML specials escaped, the characters XML 1.0 forbids removed (tab, newline and
# carriage return are allowed and kept).
_TEXT = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\r"): "&#13;"}  # (a raw CR reads back as LF)
_TEXT.update({code: None for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)})
_TEXT.update({code: None for code in range(0xD800, 0xE000)})  # lone surrogates
_SPACE = (" ", "\t", "\n", "\r")
_NEEDS_CARE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Kinds of column for row_writer.
TEXT, NUMBER, DATE, DATETIME = "text", "number", "date", "datetime"


def xml_text(value: str) -> str:
    return value.translate(_TEXT)


def _text_cell(value, style: int) -> str:
    text = str(value).translate(_TEXT)
    space = ' xml:space="preserve"' if text and (text[0] in _SPACE or text[-1] in _SPACE) else ""
    return f'<c s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


class _SlowRow(Exception):
    """A row the template cannot take."""


def exact_as_number(value: Decimal) -> str | None:
    """The number text of `value` when a spreadsheet number holds it exactly, else None."""
    if type(value) is not Decimal:
        value = Decimal(value)
    if not value.is_finite():
        return None
    text = format(value, "f")
    if len(text) <= MAX_SIGNIFICANT_DIGITS:  # no more characters than digits allowed: fast path
        return text
    digits = text.lstrip("-").replace(".", "").strip("0")
    return text if len(digits) <= MAX_SIGNIFICANT_DIGITS else None


def serial(value: date | datetime) -> str:
    """The spreadsheet's serial number of a day (or a moment, with the time as a fraction)."""
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return repr(value.toordinal() - EPOCH_ORDINAL + seconds / 86400)
    return str(value.toordinal() - EPOCH_ORDINAL)


@dataclasses.dataclass(frozen=True)
class Style:
    num_format: str | None = None
    bold: bool = False
    size: float | None = None
    fill: str | None = None     # RGB hex, "DDE4EE"
    right: bool = False         # right-aligned (exact amounts kept as text line up with numbers)


class Workbook:
    """One .xlsx file. Sheets are written one after another: opening a sheet finishes the one
    before. Use as a context manager, or call close(); discard() on failure."""

    def __init__(self, path, compresslevel: int = 1):
        # Level 1 deflates about as small as the default here (repetitive XML), at a third of
        # the time; the sheet XML is most of the work.
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.styles: list[Style] = [Style()]
        self.sheets: list[Sheet] = []
        self.exact_texts = 0  # amounts written as exact text (more than 15 significant digits)
        self._open: Sheet | None = None

    def style(self, **fields) -> int:
        """The index of a cell style, added once."""
        style = Style(**fields)
        if style not in self.styles:
            self.styles.append(style)
        return self.styles.index(style)

    def sheet(self, title: str, widths: Sequence[float] = ()) -> Sheet:
        self._finish_sheet()
        title = _sheet_title(title, [sheet.title for sheet in self.sheets])
        sheet = Sheet(self, len(self.sheets) + 1, title, widths)
        self.sheets.append(sheet)
        self._open = sheet
        return sheet

    def _finish_sheet(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None

    def close(self) -> None:
        self._finish_sheet()
        if not self.sheets:
            self.sheet("Sheet1")
            self._finish_sheet()
        for name, xml in self._package_parts():
            self.zip.writestr(name, xml)
        self.zip.close()

    def discard(self) -> None:
        """Stop writing (the caller deletes the file)."""
        if self._open is not None:
            self._open.file.close()
        self.zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is None:
            self.close()
        else:
            self.discard()

    # --- cells ---------------------------------------------------------------------------------

    def cell(self, value, style: int, exact_text_style: int | None = None) -> str:
        """A cell of any value, typed by what it is (None: an empty cell)."""
        if value is None:
            return "<c/>"
        if isinstance(value, str):
            return _text_cell(value, style)
        if isinstance(value, (date, datetime)):
            return f'<c s="{style}"><v>{serial(value)}</v></c>'
        if isinstance(value, (int, Decimal)):
            return self.number_cell(value, style, style if exact_text_style is None else exact_text_style)
        raise TypeError(f"cannot write {type(value).__name__} to a cell")

    def number_cell(self, value, style: int, text_style: int) -> str:
        """A number, or its exact text (in `text_style`) where a spreadsheet number cannot hold it."""
        if value is None:
            return "<c/>"
        number = exact_as_number(value)
        if number is not None:
            return f'<c s="{style}"><v>{number}</v></c>'
        self.exact_texts += 1
        return _text_cell(format(value, "f"), text_style)

    # --- the parts around the sheets ---------------------------------------------------------

    def _package_parts(self) -> list[tuple[str, str]]:
        sheets = self.sheets
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.number}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for s in sheets)
        content_types = (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>')
        root_rels = (
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" Type="{_OFFICE_RELS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        workbook_rels = (
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
            + "".join(f'<Relationship Id="rId{s.number}" Type="{_OFFICE_RELS}/worksheet" '
                      f'Target="worksheets/sheet{s.number}.xml"/>' for s in sheets)
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_OFFICE_RELS}/styles" '
              'Target="styles.xml"/></Relationships>')
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.number - 1}" hidden="1">'
            f"{xml_text(_quoted_title(s.title))}!{s.filter_range(absolute=True)}</definedName>"
            for s in sheets if s.filter is not None)
        workbook = (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE_RELS}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f"<sheet name={quoteattr(s.title)} sheetId=\"{s.number}\" r:id=\"rId{s.number}\"/>"
                      for s in sheets)
            + "</sheets>" + (f"<definedNames>{filters}</definedNames>" if filters else "") + "</workbook>")
        return [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels),
                ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbook_rels),
                ("xl/styles.xml", self._styles_xml())]

    def _styles_xml(self) -> str:
        formats = list(dict.fromkeys(s.num_format for s in self.styles if s.num_format))
        format_ids = {f: 164 + index for index, f in enumerate(formats)}
        fonts = list(dict.fromkeys((s.bold, s.size) for s in self.styles))
        fills = list(dict.fromkeys(s.fill for s in self.styles if s.fill))
        num_fmts = "".join(f'<numFmt numFmtId="{format_ids[f]}" formatCode={quoteattr(f)}/>' for f in formats)
        font_xml = "".join(f'<font>{"<b/>" if bold else ""}<sz val="{size or 11}"/><name val="Calibri"/></font>'
                           for bold, size in fonts)
        fill_xml = ('<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
                    + "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{f}"/></patternFill></fill>'
                              for f in fills))
        xfs = []
        for s in self.styles:
            number = format_ids.get(s.num_format, 0)
            fill = fills.index(s.fill) + 2 if s.fill else 0
            attributes = (f'numFmtId="{number}" fontId="{fonts.index((s.bold, s.size))}" fillId="{fill}" '
                          f'borderId="0" xfId="0"' + (' applyNumberFormat="1"' if number else "")
                          + (' applyFont="1"' if s.bold or s.size else "") + (' applyFill="1"' if fill else ""))
            xfs.append(f'<xf {attributes} applyAlignment="1"><alignment horizontal="right"/></xf>' if s.right
                       else f"<xf {attributes}/>")
        return (f'{_XML}<styleSheet xmlns="{_MAIN}">'
                + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
                + f'<fonts count="{len(fonts)}">{font_xml}</fonts><fills count="{len(fills) + 2}">{fill_xml}</fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


class Sheet:
    """A sheet being written: its settings (widths, frozen rows) come before the first row,
    the autofilter after the last."""

    def __init__(self, book: Workbook, number: int, title: str, widths: Sequence[float]):
        self.book, self.number, self.title, self.widths = book, number, title, list(widths)
        self.rows = 0
        self.frozen = 0
        self.filter: tuple[int, int, int] | None = None  # (first row, columns, last row)
        self.file = None
        self._buffer: list[str] = []

    def freeze(self, rows: int) -> None:
        """Keep the first `rows` rows in view; before the first row is written."""
        if self.file is not None:
            raise RuntimeError("freeze before writing rows")
        self.frozen = rows

    def autofilter(self, first_row: int, columns: int) -> None:
        """A filter on the table whose header is row `first_row` (1-based), down to the last row."""
        self.filter = (first_row, columns, 0)

    def filter_range(self, absolute: bool = False) -> str:
        first, columns, last = self.filter
        letter = column_letter(columns)
        if absolute:
            return f"$A${first}:${letter}${max(last, first)}"
        return f"A{first}:{letter}{max(last, first)}"

    def _start(self) -> None:
        self.file = self.book.zip.open(f"xl/worksheets/sheet{self.number}.xml", "w", force_zip64=True)
        view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if self.number == 1 else "") + ">"
        if self.frozen:
            view += (f'<pane ySplit="{self.frozen}" topLeftCell="A{self.frozen + 1}" activePane="bottomLeft" '
                     'state="frozen"/><selection pane="bottomLeft"/>')
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, start=1))
        self.file.write((f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_OFFICE_RELS}">'
                         f"<sheetViews>{view}</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
                         + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>").encode())

    def _add(self, cells: str) -> None:
        if self.rows >= MAX_ROWS:
            raise ValueError(f"a sheet holds at most {MAX_ROWS:,} rows")
        if self.file is None:
            self._start()
        self.rows += 1
        self._buffer.append(f'<row r="{self.rows}">{cells}</row>')
        if len(self._buffer) >= 512:
            self._flush()

    def _flush(self) -> None:
        self.file.write("".join(self._buffer).encode())
        self._buffer.clear()

    def row(self, values: Sequence = (), style: int | Sequence[int] = 0, exact_text_style: int | None = None) -> None:
        """A row of any values, each typed by what it is (None: an empty cell); a number kept
        as exact text gets `exact_text_style` (default: its own). For a few rows; row_writer is
        the fast way for many."""
        styles = [style] * len(values) if isinstance(style, int) else style
        self._add("".join(self.book.cell(value, s, exact_text_style)
                          for value, s in zip(values, styles, strict=True)))

    def row_writer(self, kinds: Sequence[str], styles: Sequence[int],
                   exact_text_styles: Sequence[int] | None = None) -> Callable[[Sequence], None]:
        """A function writing one row of values of these kinds (TEXT, NUMBER, DATE, DATETIME)
        per call. `exact_text_styles`: per column, the style of a number kept as exact text.

        The fast way for many rows: one XML template per row, filled with %; a row that needs
        more (an empty cell, text to clean or escape, a number kept as text) takes the cell by
        cell way."""
        book, kinds = self.book, list(kinds)
        exact_text_styles = exact_text_styles or styles
        template, slow_cells = [], []
        for kind, style, as_text in zip(kinds, styles, exact_text_styles, strict=True):
            if kind == TEXT:
                template.append(f'<c s="{style}" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>')
                slow_cells.append(lambda v, s=style: "<c/>" if v is None else _text_cell(v, s))
            elif kind == NUMBER:
                template.append(f'<c s="{style}"><v>%s</v></c>')
                slow_cells.append(lambda v, s=style, t=as_text: book.number_cell(v, s, t))
            elif kind in (DATE, DATETIME):
                template.append(f'<c s="{style}"><v>%s</v></c>')
                slow_cells.append(lambda v, s=style: "<c/>" if v is None else f'<c s="{s}"><v>{serial(v)}</v></c>')
            else:
                raise ValueError(f"unknown kind {kind!r}")
        row_template = "".join(template)
        texts = [index for index, kind in enumerate(kinds) if kind == TEXT]
        numbers = [index for index, kind in enumerate(kinds) if kind == NUMBER]
        days = [index for index, kind in enumerate(kinds) if kind == DATE]
        moments = [index for index, kind in enumerate(kinds) if kind == DATETIME]
        add, special = self._add, _NEEDS_CARE.search

        def write(values: Sequence) -> None:
            fields = list(values)
            try:
                if special("".join([fields[i] for i in texts])):
                    raise _SlowRow
                for i in days:
                    fields[i] = fields[i].toordinal() - EPOCH_ORDINAL
                for i in moments:
                    fields[i] = serial(fields[i])
                for i in numbers:
                    text = format(fields[i], "f")  # (exact_as_number's fast path, inline)
                    if len(text) > MAX_SIGNIFICANT_DIGITS and exact_as_number(fields[i]) is None:
                        raise _SlowRow
                    fields[i] = text
            except (_SlowRow, TypeError, AttributeError):  # (None: an empty cell)
                add("".join([cell(value) for cell, value in zip(slow_cells, values, strict=True)]))
                return
            add(row_template % tuple(fields))
        return write

    def close(self) -> None:
        if self.file is None:
            self._start()
        self._flush()
        end = "</sheetData>"
        if self.filter is not None:
            first, columns, _ = self.filter
            self.filter = (first, columns, self.rows)
            end += f'<autoFilter ref="{self.filter_range()}"/>'
        self.file.write((end + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                         'footer="0.3"/></worksheet>').encode())
        self.file.close()




def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sheet_title(title: str, taken: list[str]) -> str:
    """A valid, unique sheet title: no []:*?/\\, at most 31 characters."""
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in xml_text(title)).strip("'") or "Sheet"
    title, base, number = title[:MAX_TITLE], title, 2
    while title.casefold() in (t.casefold() for t in taken):
        suffix = f" ({number})"
        title, number = base[:MAX_TITLE - len(suffix)] + suffix, number + 1
    return title


def _quoted_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
