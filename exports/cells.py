"""What a value from the data becomes in a file, the same for every export.

Text is never left where a spreadsheet would read it as a formula (OWASP "CSV injection"): in a
.csv, text starting with = + - @, a tab or a carriage return gets a leading single quote, and so
does text starting with their full-width forms, which spreadsheets in CJK locales also accept.
(An .xlsx types its text cells as text, so there it stays exactly as it is.) Numbers are written
as numbers, never as text, so they need no such guard. Money is written exactly.
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell_text(value) -> str:
    """Safe text: control characters a spreadsheet cannot hold are dropped, and a leading
    formula character is neutralised with a single quote."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text
