"""What a value from the data becomes in a spreadsheet cell, the same for .xlsx and .csv.

Text is never left where a spreadsheet would read it as a formula (OWASP "CSV injection"):
text starting with = + - @, a tab or a carriage return gets a leading single quote, and so does
text starting with their full-width forms, which spreadsheets in CJK locales also accept.
Numbers are written as numbers, never as text, so they need no such guard.
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell_text(value) -> str:
    """Safe text: control characters a spreadsheet cannot hold are dropped, and a leading
    formula character is neutralised with a single quote."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text
