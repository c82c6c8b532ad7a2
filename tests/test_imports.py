"""File import on both engines: valid .csv and .xlsx files of each kind, idempotent re-import,
and every kind of bad input refused with its file:line:field message, changing nothing."""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from data_access import imports
from data_access.imports import ImportFileError, import_file
from data_access.schema import assignments, customers, expenditures, managers, partners
from tests.helpers.apps import cli_invoker, make_app

HANDCASE = Path(__file__).parent / "data" / "handcase"
KINDS = ("managers", "customers", "assignments", "expenditures")
EXPENDITURE_HEADER = ("record_id,customer_id,day,service_type,billing_mode,bill_type,region,"
                      "resource_id,amount,cash_coupon")


def run(engine, kind, path, partner_id="P1", partner_name=None):
    with engine.begin() as conn:
        return import_file(conn, kind, path, partner_id, partner_name).text()


def import_handcase(engine):
    return [run(engine, kind, HANDCASE / f"{kind}.csv") for kind in KINDS]


def snapshot(engine) -> dict:
    """Every stored row of the data tables, partners' cache versions included."""
    with engine.connect() as conn:
        return {table.name: sorted(tuple(row) for row in conn.execute(sa.select(table)))
                for table in (partners, managers, customers, assignments, expenditures)}


def write(path: Path, *lines: str, encoding="utf-8") -> Path:
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def write_xlsx(path: Path, rows) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(path)
    return path


def stored_records(engine) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(expenditures.c.record_id, expenditures.c.amount,
                                      expenditures.c.cash_coupon, expenditures.c.manager_id))
        return {row.record_id: (row.amount, row.cash_coupon, row.manager_id) for row in rows}


# --- valid files ------------------------------------------------------------------------------

def test_csv_files_of_each_kind_are_imported_and_attributed(engine):
    assert import_handcase(engine) == [
        "managers: 2 rows read, 2 new, 0 changed, 0 unchanged",
        "customers: 2 rows read, 2 new, 0 changed, 0 unchanged",
        "assignments: 4 rows read, 4 new, 0 changed, 0 unchanged; 0 records re-attributed",
        "expenditures: 8 rows read, 8 new, 0 already stored",
    ]
    with engine.connect() as conn:
        assert conn.execute(sa.select(partners.c.partner_id, partners.c.name)).all() == [("P1", "P1")]
        assert sorted(conn.execute(sa.select(managers.c.manager_id, managers.c.name)).all()) == [
            ("m1", "Li Na"), ("m2", "Wang Wei")]
        assert sorted(conn.execute(sa.select(customers.c.customer_id, customers.c.account_name,
                                             customers.c.association_type)).all()) == [
            ("c1", "acme01", "Reseller"), ("c2", "globex02", "Referral")]
        assert sorted(conn.execute(sa.select(assignments.c.customer_id, assignments.c.start_day,
                                             assignments.c.manager_id)).all()) == [
            ("c1", date(2025, 1, 10), "m1"), ("c1", date(2025, 2, 1), "m2"),
            ("c2", date(2025, 1, 1), "m2"), ("c2", date(2025, 3, 1), None)]
    records = stored_records(engine)
    assert records["e1"] == (Decimal("100.00"), Decimal("0.00"), None)  # before c1's assignment
    assert records["e2"] == (Decimal("200.00"), Decimal("20.00"), "m1")  # on its first day
    assert records["e5"] == (Decimal("-30.00"), Decimal("0.00"), "m2")   # a refund
    assert records["e7"] == (Decimal("5.00"), Decimal("0.00"), None)     # c2 unassigned 03-01


def test_reimporting_the_same_files_changes_nothing(engine):
    import_handcase(engine)
    before = snapshot(engine)
    assert import_handcase(engine) == [
        "managers: 2 rows read, 0 new, 0 changed, 2 unchanged",
        "customers: 2 rows read, 0 new, 0 changed, 2 unchanged",
        "assignments: 4 rows read, 0 new, 0 changed, 4 unchanged; 0 records re-attributed",
        "expenditures: 8 rows read, 0 new, 8 already stored",
    ]
    after = snapshot(engine)
    # Only the partner's cache version may move (a no-op insert still invalidates the cache).
    assert {name: rows for name, rows in after.items() if name != "partners"} == \
        {name: rows for name, rows in before.items() if name != "partners"}
    assert [row[:2] for row in after["partners"]] == [row[:2] for row in before["partners"]]


def test_changed_rows_are_updated_and_a_backdated_assignment_reattributes(engine, tmp_path):
    import_handcase(engine)
    renamed = write(tmp_path / "customers.csv",
                    "customer_id,customer_name,account_name,association_type",
                    "c1,Acme Ltd,acme01,Reseller",
                    "c2,Globex Corporation,globex02,Reseller")
    assert run(engine, "customers", renamed) == "customers: 2 rows read, 0 new, 1 changed, 1 unchanged"
    backdated = write(tmp_path / "assignments.csv", "customer_id,manager_id,start_day",
                      "c1,m2,2025-01-01")
    assert run(engine, "assignments", backdated) == \
        "assignments: 1 rows read, 1 new, 0 changed, 0 unchanged; 1 records re-attributed"
    assert stored_records(engine)["e1"][2] == "m2"  # e1 (01-09) now falls in the new stretch
    with engine.connect() as conn:
        assert conn.execute(sa.select(customers.c.customer_name, customers.c.association_type)
                            .where(customers.c.customer_id == "c2")).one() == \
            ("Globex Corporation", "Reseller")


def test_xlsx_files_with_typed_cells_are_imported_exactly(engine, tmp_path):
    write_xlsx(tmp_path / "managers.xlsx", [("manager_id", "name"), (101, "Li Na")])
    write_xlsx(tmp_path / "customers.xlsx", [
        ("account_name", "customer_id", "customer_name", "association_type"),  # any column order
        ("acme01", "c1", "Acme Ltd", "Referral")])
    write_xlsx(tmp_path / "assignments.xlsx", [
        ("customer_id", "manager_id", "start_day"),
        ("c1", 101, datetime(2025, 1, 10)),
        (None, None, None),  # a blank row in the middle is skipped
        ("c1", None, "2025-02-01")])
    write_xlsx(tmp_path / "expenditures.xlsx", [
        EXPENDITURE_HEADER.split(","),
        ("x1", "c1", datetime(2025, 1, 9), "Elastic IP", "Pay-per-use", "Expenditure",
         "cn-north-4", "eip-1", 0.1 + 0.7, 0),     # the float 0.7999999999999999
        ("x2", "c1", datetime(2025, 1, 10), "Elastic IP", "Pay-per-use", "Expenditure",
         None, None, 1234567.89, 0.83822466),   # eight decimals, as the provider bills
        ("x3", "c1", "2025-02-01", "Elastic IP", "Yearly/Monthly", "Refund",
         "cn-north-4", "eip-1", -12, "-0.5"),
    ])
    assert run(engine, "managers", tmp_path / "managers.xlsx") == \
        "managers: 1 rows read, 1 new, 0 changed, 0 unchanged"
    assert run(engine, "customers", tmp_path / "customers.xlsx").startswith("customers: 1 rows read, 1 new")
    assert run(engine, "assignments", tmp_path / "assignments.xlsx").startswith("assignments: 2 rows read, 2 new")
    with pytest.raises(ImportFileError) as refused:
        run(engine, "expenditures", tmp_path / "expenditures.xlsx")
    assert str(refused.value) == (f"{tmp_path / 'expenditures.xlsx'}:2: field 'amount': "
                                  "'0.7999999999999999' has more than 8 decimals")

    rows = list(openpyxl.load_workbook(tmp_path / "expenditures.xlsx").active.values)
    rows[1] = rows[1][:8] + (0.8, 0)
    write_xlsx(tmp_path / "expenditures.xlsx", rows)
    assert run(engine, "expenditures", tmp_path / "expenditures.xlsx") == \
        "expenditures: 3 rows read, 3 new, 0 already stored"
    assert stored_records(engine) == {
        "x1": (Decimal("0.80"), Decimal("0.00"), None),
        "x2": (Decimal("1234567.89"), Decimal("0.83822466"), "101"),
        "x3": (Decimal("-12.00"), Decimal("-0.50"), None),
    }


def test_amounts_with_up_to_eight_decimals_are_kept_exactly(engine, tmp_path):
    import_handcase(engine)
    path = write(tmp_path / "expenditures.csv", EXPENDITURE_HEADER,
                 "p1,c1,2025-01-05,Elastic IP,Pay-per-use,Expenditure,cn-north-4,eip-1,0.83822466,0.00000001",
                 "p2,c1,2025-01-05,Elastic IP,Pay-per-use,Expenditure,cn-north-4,eip-2,9999999999.99999999,0",
                 "p3,c1,2025-01-05,Elastic IP,Pay-per-use,Refund,cn-north-4,eip-3,-0.1234567800,-0.1")
    assert run(engine, "expenditures", path) == "expenditures: 3 rows read, 3 new, 0 already stored"
    stored = stored_records(engine)
    assert [stored[record][:2] for record in ("p1", "p2", "p3")] == [
        (Decimal("0.83822466"), Decimal("0.00000001")),
        (Decimal("9999999999.99999999"), Decimal(0)),
        (Decimal("-0.12345678"), Decimal("-0.1"))]
    assert [str(stored[record][0]) for record in ("p1", "p3")] == ["0.83822466", "-0.12345678"]


def test_csv_with_bom_crlf_quotes_and_a_new_named_partner(engine, tmp_path):
    path = tmp_path / "managers.csv"
    path.write_bytes(b"\xef\xbb\xbfmanager_id,name\r\nm1,\"Zhang, Min\"\r\nm2,\xe6\x9d\x8e\xe5\xa8\x9c\r\n")
    assert run(engine, "managers", path, "P9", "Nine Partners") == \
        "managers: 2 rows read, 2 new, 0 changed, 0 unchanged"
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.select(managers.c.manager_id, managers.c.name)
                                   .where(managers.c.partner_id == "P9")).all()) == [
            ("m1", "Zhang, Min"), ("m2", "\u674e\u5a1c")]
        assert conn.execute(sa.select(partners.c.name).where(partners.c.partner_id == "P9")
                            ).scalar() == "Nine Partners"


# --- bad files --------------------------------------------------------------------------------

GOOD = "n1,c1,2025-01-05,Elastic IP,Pay-per-use,Expenditure,cn-north-4,eip-1,1.00,0.00"


def expenditure_file(*rows):
    return ("expenditures", (EXPENDITURE_HEADER, GOOD, *rows))


BAD_FILES = {
    "bad day": (expenditure_file(GOOD.replace("n1,", "n2,").replace("2025-01-05", "2025-02-30")),
                "3: field 'day': '2025-02-30' is not a day (YYYY-MM-DD)"),
    "compact day": (expenditure_file(GOOD.replace("n1,", "n2,").replace("2025-01-05", "20250105")),
                    "3: field 'day': '20250105' is not a day (YYYY-MM-DD)"),
    "nine decimals": (expenditure_file(GOOD.replace("n1,", "n2,").replace("1.00,", "12.345678901,")),
                      "3: field 'amount': '12.345678901' has more than 8 decimals"),
    "nine decimals of coupon": (expenditure_file(GOOD.replace("n1,", "n2,").replace(",0.00", ",0.000000001")),
                                "3: field 'cash_coupon': '0.000000001' has more than 8 decimals"),
    "not an amount": (expenditure_file(GOOD.replace("n1,", "n2,").replace(",0.00", ",1e3")),
                      "3: field 'cash_coupon': '1e3' is not an amount"),
    "too large": (expenditure_file(GOOD.replace("n1,", "n2,").replace("1.00,", "10000000000,")),
                  "3: field 'amount': '10000000000' is too large (at most 10 digits before the point)"),
    "unknown billing mode": (expenditure_file(GOOD.replace("n1,", "n2,").replace("Pay-per-use", "Monthly")),
                             "3: field 'billing_mode': 'Monthly' is not one of: Yearly/Monthly, "
                             "Pay-per-use, Reserved instance, Savings plan"),
    "unknown bill type": (expenditure_file(GOOD.replace("n1,", "n2,").replace("Expenditure", "refund")),
                          "3: field 'bill_type': 'refund' is not one of: Expenditure, Refund, Adjustment"),
    "positive refund": (expenditure_file(GOOD.replace("n1,", "n2,").replace("Expenditure", "Refund")),
                        "3: field 'amount': '1.00' is positive, but a Refund's amount is 0 or less"),
    # The rules of SPEC.md "Import rules made explicit".
    "negative expenditure": (expenditure_file(GOOD.replace("n1,", "n2,").replace("1.00,", "-1.00,")),
                             "3: field 'amount': '-1.00' is negative, but an Expenditure's amount is 0 or more"),
    "coupon of the other sign": (expenditure_file(GOOD.replace("n1,", "n2,").replace(",0.00", ",-0.50")),
                                 "3: field 'cash_coupon': '-0.50' is not zero and has not the sign of the "
                                 "amount '1.00'"),
    "coupon on nothing": (expenditure_file(GOOD.replace("n1,", "n2,").replace("1.00,0.00", "0.00,0.50")),
                          "3: field 'cash_coupon': '0.50' is not zero and has not the sign of the amount '0.00'"),
    "coupon over the amount": (expenditure_file(GOOD.replace("n1,", "n2,").replace(",0.00", ",1.50")),
                               "3: field 'cash_coupon': '1.50' is more than the amount '1.00'"),
    "refund coupon over the amount": (expenditure_file(GOOD.replace("n1,", "n2,").replace("Expenditure", "Refund")
                                                       .replace("1.00,0.00", "-1.00,-2.00")),
                                      "3: field 'cash_coupon': '-2.00' is more than the amount '-1.00'"),
    "day before 2000": (expenditure_file(GOOD.replace("n1,", "n2,").replace("2025-01-05", "1999-12-31")),
                        "3: field 'day': '1999-12-31' is not between 2000-01-01 and 2099-12-31"),
    "day after 2099": (("assignments", ("customer_id,manager_id,start_day", "c1,m1,2100-01-01")),
                       "2: field 'start_day': '2100-01-01' is not between 2000-01-01 and 2099-12-31"),
    "NUL in a name": (("managers", ("manager_id,name", "m9,Hu\x00Jun")),
                      "2: field 'name': 'Hu\\x00Jun' holds the control character U+0000"),
    "escape in an id": (expenditure_file(GOOD.replace("n1,", "n\x1b[31m2,")),
                        "3: field 'record_id': 'n\\x1b[31m2' holds the control character U+001B"),
    "unknown customer": (expenditure_file(GOOD.replace("n1,c1", "n2,c9")),
                         "3: field 'customer_id': 'c9' is not a customer of partner 'P1' "
                         "(import customers first)"),
    "duplicate record": (expenditure_file(GOOD.replace("n1,", "n2,"), GOOD),
                         "4: field 'record_id': 'n1' repeats line 2"),
    "empty record id": (expenditure_file(GOOD.replace("n1,", ",")),
                        "3: field 'record_id': is empty"),
    "id too long": (expenditure_file(GOOD.replace("n1,", "n" * 65 + ",")),
                    "3: field 'record_id': '" + "n" * 40 + "\u2026' is longer than 64 characters"),
    "too few values": (expenditure_file("n2,c1,2025-01-05"),
                       "3: 3 values, but the header has 10 columns"),
    "missing column": (("expenditures", (EXPENDITURE_HEADER.replace(",cash_coupon", ""),)),
                       "1: missing column 'cash_coupon' (the columns of expenditures: "
                       f"{EXPENDITURE_HEADER})"),
    "misnamed column": (("managers", ("manager_id,manager_name", "m9,Hu Jun")),
                        "1: unknown column 'manager_name' (the columns of managers: manager_id,name)"),
    "repeated column": (("managers", ("manager_id,name,name", "m9,Hu Jun,Hu Jun")),
                        "1: column 'name' appears twice"),
    "empty customer id": (("customers", ("customer_id,customer_name,account_name,association_type",
                                         "c7,Initech,initech07,Referral", ",Hooli,hooli,Reseller")),
                          "3: field 'customer_id': is empty"),
    "unknown association type": (("customers", ("customer_id,customer_name,account_name,association_type",
                                                "c7,Initech,initech07,Partner")),
                                 "2: field 'association_type': 'Partner' is not one of: Referral, Reseller"),
    "unknown manager": (("assignments", ("customer_id,manager_id,start_day", "c1,m1,2025-03-01",
                                         "c2,m7,2025-03-01")),
                        "3: field 'manager_id': 'm7' is not a manager of partner 'P1' "
                        "(import managers first)"),
    "assignment of unknown customer": (("assignments", ("customer_id,manager_id,start_day", "c9,m1,2025-03-01")),
                                       "2: field 'customer_id': 'c9' is not a customer of partner 'P1' "
                                       "(import customers first)"),
    "duplicate assignment": (("assignments", ("customer_id,manager_id,start_day", "c1,m1,2025-03-01",
                                              "c2,m1,2025-03-01", "c1,m2,2025-03-01")),
                             "4: field 'start_day': '2025-03-01' repeats line 2 (same customer_id and start_day)"),
    # Physical lines: a blank line counts.
    "line numbers": (("managers", ("manager_id,name", "m8,Hu Jun", "", "m9,")),
                     "4: field 'name': is empty"),
    # A quoted field may span lines in CSV, but a line break is a control character in a name.
    "line break in a name": (("managers", ("manager_id,name", 'm8,"Hu', 'Jun"', "m9,")),
                             "2: field 'name': 'Hu\\nJun' holds the control character U+000A"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_csv_is_refused_with_file_line_field_and_changes_nothing(engine, tmp_path, case):
    (kind, lines), message = BAD_FILES[case]
    import_handcase(engine)
    before = snapshot(engine)
    path = write(tmp_path / f"{kind}.csv", *lines)
    with pytest.raises(ImportFileError) as refused:
        run(engine, kind, path)
    assert str(refused.value) == f"{path}:{message}"
    assert snapshot(engine) == before


def test_a_bad_row_after_full_batches_leaves_none_of_them(engine, tmp_path, monkeypatch):
    import_handcase(engine)
    before = snapshot(engine)
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    good = [GOOD.replace("n1,", f"n{number},") for number in range(1, 6)]
    path = write(tmp_path / "expenditures.csv", EXPENDITURE_HEADER, *good, "n6,c1,2025-01-05")
    with pytest.raises(ImportFileError, match=r":7: 3 values, but the header has 10 columns$"):
        run(engine, "expenditures", path)
    assert snapshot(engine) == before
    assert run(engine, "expenditures", write(path, EXPENDITURE_HEADER, *good)) == \
        "expenditures: 5 rows read, 5 new, 0 already stored"


@pytest.mark.parametrize("name, content, message", [
    ("managers.csv", b"manager_id,name\nm9,Hu \xe9\n", "{path}:2: not UTF-8 text"),
    ("managers.csv", b"", "{path}: empty file; the first row must be the header: manager_id,name"),
    ("managers.csv", b'manager_id,name\nm9,"Hu" Jun\n', "{path}:2: ',' expected after '\"'"),
    ("managers.txt", b"manager_id,name\n", "{path}: not a .csv or .xlsx file"),
    ("managers.xlsx", b"manager_id,name\n", "{path}: not a readable .xlsx workbook (File is not a zip file)"),
])
def test_unreadable_files_are_refused(engine, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        run(engine, "managers", path)
    assert str(refused.value) == message.format(path=path)
    assert snapshot(engine)["partners"] == []  # not even the partner was created


@pytest.mark.parametrize("cell, message", [
    (0.123456789, "field 'amount': '0.123456789' has more than 8 decimals"),
    (True, "field 'amount': 'True' is not an amount"),
    (1e16, "field 'amount': '10000000000000000' is too large (at most 10 digits before the point)"),
])
def test_bad_xlsx_cells_are_refused_with_their_row_number(engine, tmp_path, cell, message):
    import_handcase(engine)
    before = snapshot(engine)
    row = GOOD.split(",")
    path = write_xlsx(tmp_path / "expenditures.xlsx", [
        EXPENDITURE_HEADER.split(","), row, (), (), ["n2", *row[1:8], cell, 0]])
    with pytest.raises(ImportFileError) as refused:
        run(engine, "expenditures", path)
    assert str(refused.value) == f"{path}:5: {message}"
    assert snapshot(engine) == before


def test_a_date_cell_with_a_time_is_not_a_day(engine, tmp_path):
    import_handcase(engine)
    path = write_xlsx(tmp_path / "assignments.xlsx", [("customer_id", "manager_id", "start_day"),
                                                      ("c1", "m1", datetime(2025, 3, 1, 12, 30))])
    with pytest.raises(ImportFileError) as refused:
        run(engine, "assignments", path)
    assert str(refused.value) == f"{path}:2: field 'start_day': '2025-03-01 12:30:00' is not a day (YYYY-MM-DD)"


# --- the command ------------------------------------------------------------------------------

@pytest.fixture
def cli(engine, tmp_path):
    return cli_invoker(make_app(engine, tmp_path))


def test_import_command_prints_a_one_line_summary(cli, engine):
    for kind in KINDS:
        code, output = cli("import", kind, str(HANDCASE / f"{kind}.csv"), "--partner", "P1",
                           "--partner-name", "Aurora Cloud Partners")
        assert code == 0, output
    assert output == "expenditures: 8 rows read, 8 new, 0 already stored\n"
    with engine.connect() as conn:
        assert conn.execute(sa.select(partners.c.name)).scalar() == "Aurora Cloud Partners"
        assert conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar() == 8


def test_import_command_refuses_bad_input_with_one_line_and_exit_code(cli, engine, tmp_path):
    for kind in ("managers", "customers"):
        assert cli("import", kind, str(HANDCASE / f"{kind}.csv"), "--partner", "P1")[0] == 0
    before = snapshot(engine)
    path = write(tmp_path / "expenditures.csv", EXPENDITURE_HEADER, GOOD,
                 GOOD.replace("n1,", "n2,").replace("1.00,", "12.345678901,"))
    code, output = cli("import", "expenditures", str(path), "--partner", "P1")
    assert code != 0
    assert output.strip().splitlines()[-1] == \
        f"Error: {path}:3: field 'amount': '12.345678901' has more than 8 decimals"
    assert snapshot(engine) == before


def test_import_command_checks_its_arguments(cli, tmp_path):
    code, output = cli("import", "invoices", str(HANDCASE / "managers.csv"), "--partner", "P1")
    assert code != 0 and "'invoices' is not one of" in output
    code, output = cli("import", "managers", str(tmp_path / "missing.csv"), "--partner", "P1")
    assert code != 0 and "does not exist" in output
    code, output = cli("import", "managers", str(HANDCASE / "managers.csv"), "--partner", "p" * 65)
    assert code != 0 and output.strip().splitlines()[-1] == \
        "Error: partner: '" + "p" * 40 + "\u2026' is longer than 64 characters"


# --- workbooks that are not plain tables of values --------------------------------------------------

def bomb(path: Path, unpacked: int) -> Path:
    """A small zip whose one sheet part unpacks to `unpacked` bytes of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * unpacked)
    return path


def test_a_workbook_that_unpacks_far_beyond_its_size_is_refused_before_opening(engine, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: opened.append(args))
    path = bomb(tmp_path / "expenditures.xlsx", 8 * 1024 ** 2)  # 8 KB on disk
    with pytest.raises(ImportFileError) as refused:
        run(engine, "expenditures", path)
    assert re.fullmatch(re.escape(f"{path}: refused before opening it: its part 'xl/worksheets/sheet1.xml' "
                                  "unpacks ") + r"1,0\d\d" + re.escape(" times its size (at most 100); save "
                                                                      "it again from the spreadsheet program"),
                        str(refused.value))
    monkeypatch.setattr(imports, "MAX_XLSX_UNPACKED", 1000)
    with pytest.raises(ImportFileError, match=r"its parts unpack to 8,388,608 bytes \(at most 1,000\)$"):
        run(engine, "expenditures", path)
    assert opened == [] and snapshot(engine)["partners"] == []


def test_a_formula_in_the_sheet_is_refused_by_its_cell(engine, tmp_path):
    import_handcase(engine)
    before = snapshot(engine)
    row = GOOD.split(",")
    path = write_xlsx(tmp_path / "expenditures.xlsx", [
        EXPENDITURE_HEADER.split(","), row, ["n2", *row[1:8], "=1+1", 0]])
    with pytest.raises(ImportFileError) as refused:
        run(engine, "expenditures", path)
    assert str(refused.value) == (f"{path}:3: cell I3 holds a formula ('=1+1'); import values only "
                                  "(paste as values)")
    assert snapshot(engine) == before


def test_merged_cells_in_the_sheet_are_refused_by_their_range(engine, tmp_path):
    import_handcase(engine)
    before = snapshot(engine)
    workbook = openpyxl.Workbook()
    for row in ("manager_id,name".split(","), ["m8", "Hu Jun"], ["m9", ""]):
        workbook.active.append(row)
    workbook.active.merge_cells("A3:B3")
    workbook.save(path := tmp_path / "managers.xlsx")
    with pytest.raises(ImportFileError) as refused:
        run(engine, "managers", path)
    assert str(refused.value) == (f"{path}:3: merged cells A3:B3: an imported sheet holds one value per "
                                  "cell; unmerge them")
    assert snapshot(engine) == before
