"""Opening a file in LibreOffice, as a second spreadsheet program beside openpyxl.

    sheets = libreoffice_sheets(path)  # {sheet title: rows, each a list of cell texts}

Every sheet is converted to csv (raw values, not as formatted: numbers with all their digits,
dates as their display text) by `soffice --headless`, with a profile of its own, so parallel
runs do not share one. scripts/ensure_services.sh installs Debian's libreoffice-calc-nogui.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# Filter options: comma, double quote, UTF-8, from line 1, default columns, English locale,
# quote text, detect special numbers, cell contents as shown: no (raw values), formulas: no,
# remove spaces: no, sheet: every sheet, each into FILE-SHEET.csv.
CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,false,false,false,-1'


def soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        pytest.skip("LibreOffice is not installed (scripts/ensure_services.sh installs it)")
    return path


def libreoffice_sheets(path: Path) -> dict[str, list[list[str]]]:
    with tempfile.TemporaryDirectory() as directory:
        sheets = {}
        for title, converted in libreoffice_csv(path, Path(directory)).items():
            with open(converted, encoding="utf-8", newline="") as file:
                sheets[title] = list(csv.reader(file))
        return sheets


def libreoffice_csv(path: Path, directory: Path, timeout: float = 600) -> dict[str, Path]:
    """Every sheet of the workbook at `path` as LibreOffice reads it: {sheet title: its csv file
    in `directory`}. (bench.export_bench reads a million rows from them, one row at a time.)"""
    source = directory / "book.xlsx"
    shutil.copyfile(path, source)
    subprocess.run([soffice(), f"-env:UserInstallation=file://{directory / 'profile'}", "--headless",
                    "--convert-to", CSV_FILTER, "--outdir", str(directory / "out"), str(source)],
                   check=True, capture_output=True, timeout=timeout)
    return {converted.stem.removeprefix("book-"): converted for converted in (directory / "out").glob("book-*.csv")}
