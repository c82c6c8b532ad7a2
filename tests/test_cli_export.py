"""`flask --app app export`: the dashboard's export file, built in the foreground; its totals are
exactly `stats overview`'s, on the hand-computed case (tests/data/handcase/)."""
import csv
from decimal import Decimal

import openpyxl

from data_access import users
from tests.test_cli_stats import cli, stats  # noqa: F401 - the fixture, and the stats call

OPTIONS = ("--partner", "P1", "--from", "2025-01-01", "--to", "2025-03-31", "--granularity", "month")


def test_xlsx_totals_equal_stats_overview_exactly(cli, tmp_path):  # noqa: F811
    total = stats(cli, "overview", "--granularity", "month")["total"]
    code, output = cli("export", *OPTIONS, "--format", "xlsx", "--output", str(tmp_path / "out.xlsx"))
    assert code == 0, output
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    details = workbook["Expenditures"]
    rows = list(details.iter_rows(values_only=True))
    totals = rows[-1]
    assert totals[0] == f"Total of {len(rows) - 2} records" and output.startswith(f"{len(rows) - 2} rows written")
    headers = rows[0]  # (the lines about the file are on the first sheet)
    for measure, header in (("amount", "Amount"), ("cash_coupon", "Cash coupons used"),
                            ("amount_paid", "Amount paid")):
        assert Decimal(repr(totals[headers.index(header)])) == Decimal(total[measure])
    assert workbook.sheetnames == ["Groups", "Series", "Expenditures"]
    groups = list(workbook["Groups"].iter_rows(values_only=True))
    assert groups[-1][0] == "Total" and Decimal(repr(groups[-1][1])) == Decimal(total["amount"])


def test_csv_sums_to_stats_overview_exactly(cli, tmp_path):  # noqa: F811
    total = stats(cli, "overview", "--search", "Li Na")["total"]
    code, output = cli("export", *OPTIONS, "--search", "Li Na", "--format", "csv",
                       "--output", str(tmp_path / "out.csv"))
    assert code == 0, output
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert output.startswith(f"{len(rows)} rows written")
    assert sum(Decimal(row["Amount"]) for row in rows) == Decimal(total["amount"])
    assert sum(Decimal(row["Amount paid"]) for row in rows) == Decimal(total["amount_paid"])


def test_an_account_manager_exports_only_their_spend(cli, engine, tmp_path):  # noqa: F811
    with engine.begin() as conn:
        manager = conn.exec_driver_sql("SELECT manager_id FROM managers WHERE name = 'Li Na'").scalar()
        users.add_user(conn, "li@p1", "a-long-password-1", "P1", "account_manager", manager)
    code, output = cli("export", *OPTIONS, "--format", "csv", "--output", str(tmp_path / "li.csv"), "--user", "li@p1")
    assert code == 0, output
    with open(tmp_path / "li.csv", encoding="utf-8-sig", newline="") as file:
        assert {row["Account manager"] for row in csv.DictReader(file)} == {"Li Na"}


def test_bad_input_says_what_is_wrong_and_writes_nothing(cli, tmp_path):  # noqa: F811
    for arguments, message in (((*OPTIONS[:2], "--from", "2025-03-31", "--to", "2025-01-01"), "Error"),
                               (("--partner", "nope", *OPTIONS[2:]), "unknown partner 'nope'"),
                               ((*OPTIONS, "--user", "ghost"), "no user 'ghost'")):
        code, output = cli("export", *arguments, "--format", "csv", "--output", str(tmp_path / "x.csv"))
        assert code != 0 and message in output
    assert list(tmp_path.glob("x.csv*")) == [] and list(tmp_path.glob(".x.csv*")) == []


def test_with_a_comparison_the_groups_carry_previous_figures_and_change(cli, tmp_path):  # noqa: F811
    document = stats(cli, "trend", "--from", "2025-02-01", "--to", "2025-02-28", "--compare", "previous")
    code, output = cli("export", "--partner", "P1", "--from", "2025-02-01", "--to", "2025-02-28",
                       "--compare", "previous", "--format", "xlsx", "--output", str(tmp_path / "out.xlsx"))
    assert code == 0, output
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["Groups"].iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row and row[0] == "Service type")
    columns = rows[header]
    assert columns[-5:] == ("Previous amount", "Previous amount paid", "Change of amount",
                            "Change of amount paid", "Change of amount %")
    by_label = {row[0]: dict(zip(columns, row, strict=True)) for row in rows[header + 1:]}
    for group in [*document["groups"], {"label": "Total", **document["total"]}]:
        read = by_label[group["label"]]
        assert Decimal(repr(read["Previous amount"])) == Decimal(group["previous"]["amount"])
        assert Decimal(repr(read["Change of amount"])) == Decimal(group["change"]["amount"])
        percent = group["change"]["percent"]
        assert read["Change of amount %"] == (None if percent is None else float(Decimal(percent) / 100))
