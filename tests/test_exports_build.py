"""Building export files (exports.builder, exports.writers) on both engines: the file sums to
stats to the cent, no data cell is a formula, a selection only narrows the query, the row
limit of a sheet, a build interrupted midway, a task run twice."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from data_access import breakdowns, details, export_tasks
from data_access.details import DETAIL_COLUMN_KEYS
from data_access.query import ExpenditureQuery, Scope
from data_access.users import Role, User
from exports import builder
from exports.builder import build_export
from exports.writers import FileHeader, write_xlsx
from tests.helpers.builders import load
from tests.helpers.files import HEADERS, PAYLOADS, exact, random_records, read_csv, read_xlsx
from tests.helpers.spreadsheets import libreoffice_sheets


def as_values(rows: list[dict]) -> list[list]:
    """Rows as details.detail_values gives them to the writers."""
    return [[row[key] for key in DETAIL_COLUMN_KEYS] for row in rows]


@pytest.fixture
def dataset(engine):
    """Partner P1: managers and customers whose names are formula payloads; partner P2 with
    records that no P1 export may contain."""
    customers = [("c1", "=1+1"), ("c2", "+cmd"), ("c3", "-2+3"), ("c4", "@SUM(A1)"), ("c5", "plain")]
    load(engine, "P1", managers=[("m1", "=HYPERLINK(\"http://evil\")"), ("m2", "Li Na")],
         customers=customers, assignments=[("c1", "m1", "2025-01-01"), ("c2", "m2", "2025-02-01")],
         records=random_records(600, [c for c, _ in customers]), name="Partner One", currency="CNY")
    load(engine, "P2", customers=[("c1", "other")],
         records=[{"record_id": "P2-R1", "customer_id": "c1", "day": "2025-01-05", "amount": "999.99"}])
    return engine


def query(**params) -> ExpenditureQuery:
    return ExpenditureQuery(Scope("P1"), **{"start": "2025-01-01", "end": "2025-03-31", **params})


def new_task(engine, q: ExpenditureQuery, file_format="xlsx", record_ids=None, owner="admin@p1") -> str:
    with engine.begin() as conn:
        return export_tasks.create(conn, owner, q, "test export", file_format, timedelta(days=7),
                                   record_ids)


def task(engine, task_id):
    with engine.connect() as conn:
        return export_tasks.get(conn, task_id)


def overview_total(engine, q):
    with engine.connect() as conn:
        return breakdowns.overview(conn, q).total


# --- the file equals the screen ----------------------------------------------------------------

@pytest.mark.parametrize("params", [{}, {"search": "Li Na"}, {"include": {"service_type": ["Elastic IP"]},
                                                            "hide_zero": False}])
def test_xlsx_sums_to_stats_to_the_cent(dataset, tmp_path, params):
    q = query(**params)
    task_id = new_task(dataset, q)
    assert build_export(dataset, task_id, tmp_path) == export_tasks.COMPLETED
    done = task(dataset, task_id)
    assert done.status == export_tasks.COMPLETED and done.file_name == f"{task_id}.xlsx"
    content = read_xlsx(tmp_path / done.file_name)
    expected = overview_total(dataset, q)
    with dataset.connect() as conn:
        assert done.rows == len(content["rows"]) == details.count_rows(conn, q) > 0
    for header, value in (("Amount", expected.amount), ("Cash coupons used", expected.cash_coupon),
                          ("Amount paid", expected.amount_paid)):
        assert exact(content["totals"][header]) == value
        assert sum(exact(row[header]) for row in content["rows"]) == value


def test_xlsx_cells_are_typed(dataset, tmp_path):
    task_id = new_task(dataset, query())
    build_export(dataset, task_id, tmp_path)
    content = read_xlsx(tmp_path / f"{task_id}.xlsx")
    sheet = content["workbook"]["Expenditures"]
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Day")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.column_dimensions["C"].width >= 20
    row = content["rows"][0]
    assert isinstance(row["Day"], datetime) and row["Day"].time() == datetime.min.time()
    by_header = {cell.column: cell for cell in content["cells"][:len(HEADERS)]}
    assert by_header[1].number_format == "yyyy-mm-dd"
    assert by_header[HEADERS.index("Amount") + 1].number_format == '#,##0.00 "CNY"'
    about = content["about"]
    assert about["Partner"] == "Partner One (P1)" and about["Time zone"] == "UTC+08:00"
    assert about["Query"] == query().describe() and about["Currency"] == "CNY"
    assert about["Records"] == "All records matching the query"
    assert isinstance(about["Generated"], datetime)


def test_csv_has_the_same_rows_with_plain_numbers(dataset, tmp_path):
    q = query()
    task_id = new_task(dataset, q, file_format="csv")
    build_export(dataset, task_id, tmp_path)
    rows = read_csv(tmp_path / f"{task_id}.csv")
    assert list(rows[0]) == HEADERS
    assert sum(Decimal(row["Amount paid"]) for row in rows) == overview_total(dataset, q).amount_paid
    assert all(row["Day"] == date.fromisoformat(row["Day"]).isoformat() for row in rows)
    assert any(row["Amount"].startswith("-") for row in rows)  # negative numbers stay numbers


# --- formula injection ----------------------------------------------------------------------------

def test_no_data_cell_is_a_formula(dataset, tmp_path):
    xlsx, csv_ = new_task(dataset, query()), new_task(dataset, query(), file_format="csv")
    build_export(dataset, xlsx, tmp_path)
    build_export(dataset, csv_, tmp_path)
    content = read_xlsx(tmp_path / f"{xlsx}.xlsx")
    assert not [cell for cell in content["cells"] if cell.data_type == "f"]
    texts = {cell.value for cell in content["cells"] if cell.data_type == "s"}
    # Typed as text, the payloads stay exactly as they are: nothing to neutralise.
    for payload in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "=1+1 Ltd", '=HYPERLINK("http://evil")', *PAYLOADS):
        assert payload in texts and "'" + payload not in texts
    for row in read_csv(tmp_path / f"{csv_}.csv"):
        for header in ("Customer", "Account name", "Account manager", "Resource ID"):
            assert not row[header].startswith(("=", "+", "-", "@", "\t", "\r"))
    assert {"'=1+1", "'-2+3", "'@SUM(A1)", "'+cmd"} <= {row["Account name"]
                                                       for row in read_csv(tmp_path / f"{csv_}.csv")}


def test_the_databases_csv_drops_control_characters_and_quotes_what_they_hid(engine, tmp_path):
    """The .csv is written by the database: a control character goes wherever it stands, and a
    formula character it stood before is quoted like any other leading one."""
    names = {"c1": "\x07=1+1", "c2": "a\x07b\x1b", "c3": "\x01\x02plain", "c4": "\x0b", "c5": "-\x07x"}
    load(engine, "P1", customers=list(names.items()),
         records=[{"record_id": f"r{index}", "customer_id": customer, "day": "2025-01-05", "amount": "1.00"}
                  for index, customer in enumerate(names)])
    task_id = new_task(engine, query(), file_format="csv")
    build_export(engine, task_id, tmp_path)
    accounts = {row["Record ID"]: row["Account name"] for row in read_csv(tmp_path / f"{task_id}.csv")}
    assert accounts == {"r0": "'=1+1", "r1": "ab", "r2": "plain", "r3": "", "r4": "'-x"}


# --- a selection only narrows ---------------------------------------------------------------------

def test_selected_ids_only_narrow_the_query(dataset, tmp_path):
    q = query(end="2025-01-31")
    with dataset.connect() as conn:
        in_range = [row["record_id"] for row in details.detail_rows(conn, q)][:5]
        out_of_range = [row["record_id"] for row in details.detail_rows(conn, query(start="2025-03-01"))][:3]
    chosen = in_range + out_of_range + ["P2-R1", "no-such-record"]
    task_id = new_task(dataset, q, record_ids=chosen)
    build_export(dataset, task_id, tmp_path)
    content = read_xlsx(tmp_path / f"{task_id}.xlsx")
    assert sorted(row["Record ID"] for row in content["rows"]) == sorted(in_range)
    assert content["about"]["Records"] == f"{len(set(chosen))} selected records"
    assert task(dataset, task_id).rows == len(in_range)


def test_an_account_manager_export_holds_only_their_spend(dataset, tmp_path):
    q = ExpenditureQuery(Scope("P1", "m2"), start="2025-01-01", end="2025-03-31")
    task_id = new_task(dataset, q, owner="li@p1")
    build_export(dataset, task_id, tmp_path)
    rows = read_xlsx(tmp_path / f"{task_id}.xlsx")["rows"]
    assert rows and {row["Account manager"] for row in rows} == {"Li Na"}


# --- the row limit of a sheet ---------------------------------------------------------------------

def test_rows_past_a_sheet_continue_on_the_next_with_headers(tmp_path):
    rows = [{"day": date(2025, 1, 1), "record_id": f"r{i}", "customer_name": "c", "account_name": "a",
             "association_type": "Reseller", "account_manager": "m", "service_type": "s",
             "billing_mode": "Pay-per-use", "bill_type": "Expenditure", "region": "r",
             "resource_id": "x", "amount": Decimal("1.01"), "cash_coupon": Decimal("0.01"),
             "amount_paid": Decimal("1.00")} for i in range(25)]
    header = FileHeader("P (P1)", "q", "All", datetime(2025, 1, 1), "UTC+08:00", "CNY")
    assert write_xlsx(tmp_path / "x.xlsx", header, as_values(rows), max_sheet_rows=13) == 25
    content = read_xlsx(tmp_path / "x.xlsx")
    assert content["sheets"] == ["Expenditures", "Expenditures (2)", "Expenditures (3)"]
    assert [row["Record ID"] for row in content["rows"]] == [f"r{i}" for i in range(25)]
    assert exact(content["totals"]["Amount"]) == Decimal("25.25")
    for sheet in content["workbook"].worksheets:
        assert sheet.max_row <= 13
    second = content["workbook"].worksheets[1]
    assert [cell.value for cell in second[1]] == HEADERS and second.freeze_panes == "A2"


def test_large_amounts_round_trip_to_the_cent(tmp_path):
    amounts = [Decimal("9999999999.99"), Decimal("-123456789.07"), Decimal("0.01"), Decimal("1234567.89")]
    rows = [{"day": date(2025, 1, 1), "record_id": f"r{i}", "customer_name": "c", "account_name": "a",
             "association_type": "Reseller", "account_manager": "m", "service_type": "s",
             "billing_mode": "Pay-per-use", "bill_type": "Expenditure", "region": "r",
             "resource_id": "x", "amount": amount, "cash_coupon": Decimal("0.00"),
             "amount_paid": amount} for i, amount in enumerate(amounts)]
    header = FileHeader("P (P1)", "q", "All", datetime(2025, 1, 1), "UTC+08:00", "CNY")
    write_xlsx(tmp_path / "x.xlsx", header, as_values(rows))
    content = read_xlsx(tmp_path / "x.xlsx")
    assert [exact(row["Amount"]) for row in content["rows"]] == amounts
    assert exact(content["totals"]["Amount"]) == sum(amounts)


# --- interruptions, retries, double runs ----------------------------------------------------------

class Crash(BaseException):
    """Stands for the process dying: not an Exception, so the builder cannot record it."""


def test_a_build_beats_while_the_database_is_silent_and_stops_when_its_attempt_is_over(dataset, tmp_path,
                                                                                       monkeypatch):
    """Before its first row a build may wait a minute on the database (counting, sorting): its
    heartbeat goes on meanwhile. Declared stale during that wait, the build gives up."""
    task_id = new_task(dataset, query())
    real_count, waited = details.count_rows, []

    def silent_count(conn, q, record_ids=None):
        claimed = task(dataset, task_id).heartbeat_at
        time.sleep(1.5)
        waited.append(task(dataset, task_id).heartbeat_at - claimed)
        return real_count(conn, q, record_ids)

    monkeypatch.setattr(builder.details, "count_rows", silent_count)
    assert build_export(dataset, task_id, tmp_path, heartbeat_seconds=0.3) == export_tasks.COMPLETED
    assert waited[0] >= timedelta(seconds=0.9)  # beaten during the wait, not only before it

    stale_id = new_task(dataset, query())

    def count_until_stale(conn, q, record_ids=None):
        with dataset.begin() as other:  # the stale check of another process, during the wait
            assert export_tasks.fail_stale(other, now=export_tasks.utc_now() + timedelta(minutes=5)) == 1
        time.sleep(1)  # the heartbeat finds the attempt over
        return real_count(conn, q, record_ids)

    monkeypatch.setattr(builder.details, "count_rows", count_until_stale)
    assert build_export(dataset, stale_id, tmp_path, heartbeat_seconds=0.3) is None  # given up
    assert task(dataset, stale_id).status == export_tasks.FAILED and not list(tmp_path.glob(f"{stale_id}.*"))


def test_the_heartbeat_records_the_latest_rows_the_build_has_told(dataset, tmp_path, monkeypatch):
    """Rows that slow down between two records: the thread's record carries the rows done so
    far, not those of the build's last record (a progress stuck at 0% for a whole build)."""
    task_id = new_task(dataset, query())
    real_rows, recorded = details.detail_values, []

    def slowing_rows(conn, q, record_ids=None, **options):
        for index, row in enumerate(real_rows(conn, q, record_ids, **options)):
            if index == 150:  # told 100 rows done, too soon after the last record to record them
                time.sleep(1.2)
                recorded.append(task(dataset, task_id).rows_done)
            yield row

    monkeypatch.setattr(builder.details, "detail_values", slowing_rows)
    monkeypatch.setattr(builder._Progress, "CHECK_EVERY_ROWS", 100)
    assert build_export(dataset, task_id, tmp_path, heartbeat_seconds=0.5) == export_tasks.COMPLETED
    assert recorded == [100]


def test_a_build_killed_midway_ends_failed_and_a_retry_completes(dataset, tmp_path, monkeypatch):
    q = query()
    task_id = new_task(dataset, q)
    real_rows = details.detail_values

    def dying_rows(conn, q, record_ids=None, **options):
        for index, row in enumerate(real_rows(conn, q, record_ids, **options)):
            if index == 300:
                raise Crash
            yield row

    monkeypatch.setattr(builder.details, "detail_values", dying_rows)
    monkeypatch.setattr(builder._Progress, "CHECK_EVERY_ROWS", 100)
    with pytest.raises(Crash):
        build_export(dataset, task_id, tmp_path, heartbeat_seconds=0)
    stuck = task(dataset, task_id)
    assert stuck.status == export_tasks.PROCESSING and 0 < stuck.rows_done <= 300
    assert not list(tmp_path.glob(f"{task_id}.xlsx"))  # nothing under the final name

    with dataset.begin() as conn:  # the heartbeat check, before and after the stale limit
        assert export_tasks.fail_stale(conn, now=stuck.heartbeat_at + timedelta(seconds=30)) == 0
        assert export_tasks.fail_stale(conn, now=stuck.heartbeat_at + timedelta(minutes=3)) == 1
    failed = task(dataset, task_id)
    assert (failed.status, failed.error) == (export_tasks.FAILED, export_tasks.INTERRUPTED)

    monkeypatch.setattr(builder.details, "detail_values", real_rows)
    viewer = User("admin@p1", "P1", Role.ACCOUNT_MANAGER)
    with dataset.begin() as conn:
        assert export_tasks.retry(conn, viewer, task_id, timedelta(days=7))
    assert build_export(dataset, task_id, tmp_path) == export_tasks.COMPLETED
    content = read_xlsx(tmp_path / f"{task_id}.xlsx")
    assert sum(exact(row["Amount"]) for row in content["rows"]) == overview_total(dataset, q).amount


def test_an_error_midway_fails_the_task_with_a_reason_and_leaves_no_file(dataset, tmp_path, monkeypatch):
    task_id = new_task(dataset, query())

    def broken_rows(conn, q, record_ids=None, **options):
        yield from ()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(builder.details, "detail_values", broken_rows)
    assert build_export(dataset, task_id, tmp_path) == export_tasks.FAILED
    failed = task(dataset, task_id)
    assert failed.error == "the file could not be written: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_a_stale_builder_cannot_finish_a_task_that_was_retried(dataset, tmp_path):
    task_id = new_task(dataset, query())
    with dataset.begin() as conn:
        first = export_tasks.claim(conn, task_id, now=datetime(2025, 1, 1, 0, 0))
        assert export_tasks.fail_stale(conn, now=datetime(2025, 1, 1, 0, 5)) == 1
        assert export_tasks.retry(conn, User("admin@p1", "P1", Role.ACCOUNT_MANAGER), task_id, timedelta(days=7))
        second = export_tasks.claim(conn, task_id)
        assert not export_tasks.heartbeat(conn, task_id, first, 10)
        assert not export_tasks.complete(conn, task_id, first, "x.xlsx", 10)
        assert export_tasks.heartbeat(conn, task_id, second, 10)


def test_running_a_task_twice_builds_one_file(dataset, tmp_path):
    task_id = new_task(dataset, query())
    results = []
    threads = [threading.Thread(target=lambda: results.append(build_export(dataset, task_id, tmp_path)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [export_tasks.COMPLETED, None]
    assert [path.name for path in tmp_path.iterdir()] == [f"{task_id}.xlsx"]
    assert build_export(dataset, task_id, tmp_path) is None  # done: nothing to claim


# --- money at the provider's precision ------------------------------------------------------------

def eight_decimal_rows(count: int) -> list[dict]:
    """Amounts at 8 decimals near a million each: the sum needs more digits than a spreadsheet
    number holds."""
    rows = []
    for index in range(count):
        amount = Decimal("999999.12345678") + Decimal(index) / 10 ** 8
        coupon = Decimal("0.83822466") if index % 2 else Decimal("0E-8")
        rows.append({"day": date(2025, 1, 1) + timedelta(days=index % 28), "record_id": f"r{index:03d}",
                     "customer_name": "中文客户 & <Co> \"x\" 'y' \U0001f4b0", "account_name": "a\x07b",
                     "association_type": "Reseller", "account_manager": "=m", "service_type": "s",
                     "billing_mode": "Pay-per-use", "bill_type": "Expenditure", "region": "r",
                     "resource_id": "x", "amount": amount, "cash_coupon": coupon, "amount_paid": amount - coupon})
    return rows


def test_xlsx_holds_eight_decimals_exactly_and_keeps_too_long_sums_as_exact_text(tmp_path):
    rows = eight_decimal_rows(21)
    header = FileHeader("P (P1)", "q", "All", datetime(2025, 1, 1), "UTC+08:00", "CNY")
    write_xlsx(tmp_path / "x.xlsx", header, as_values(rows))
    content = read_xlsx(tmp_path / "x.xlsx")
    for row, read in zip(rows, content["rows"], strict=True):
        for key, title in (("amount", "Amount"), ("cash_coupon", "Cash coupons used"), ("amount_paid", "Amount paid")):
            assert Decimal(repr(read[title])) == row[key]  # 15 significant digits: a number, exact
    total = sum(row["amount"] for row in rows)
    assert total == Decimal("20999981.59259448") and content["totals"]["Amount"] == "20999981.59259448"
    cell = next(c for c in content["workbook"]["Expenditures"][content["workbook"]["Expenditures"].max_row]
                if c.value == "20999981.59259448")
    assert cell.alignment.horizontal == "right" and cell.data_type == "s"
    assert "more than 15 significant digits" in content["about"]["Amounts"]
    assert content["rows"][0]["Customer"] == rows[0]["customer_name"] and content["rows"][0]["Account name"] == "ab"
    assert content["rows"][0]["Account manager"] == "=m"  # text, exactly: no formula


def test_libreoffice_reads_every_sheet_row_and_total_of_an_export(tmp_path):
    """A sheet limit of 15 rows stands for 1,048,576: the rows past it, on further sheets, and
    the totals (exact text past 15 digits) read back exactly in LibreOffice too."""
    rows = eight_decimal_rows(21)
    header = FileHeader("P (P1)", "q", "All", datetime(2025, 1, 1), "UTC+08:00", "CNY")
    assert write_xlsx(tmp_path / "x.xlsx", header, as_values(rows), max_sheet_rows=15) == 21
    sheets = libreoffice_sheets(tmp_path / "x.xlsx")
    assert set(sheets) == {"Expenditures", "Expenditures (2)", "Expenditures (3)"}
    read = [line for title in ("Expenditures", "Expenditures (2)", "Expenditures (3)") for line in sheets[title]
            if line and line[1].startswith("r")]
    assert [len(sheets[title]) for title in ("Expenditures", "Expenditures (2)", "Expenditures (3)")] == [15, 15, 4]
    assert [line[1] for line in read] == [row["record_id"] for row in rows]
    amount = HEADERS.index("Amount")
    assert [Decimal(line[amount]) for line in read] == [row["amount"] for row in rows]
    assert {line[0] for line in read} == {row["day"].isoformat() for row in rows}
    assert read[0][2] == rows[0]["customer_name"] and read[0][3] == "ab"
    totals = sheets["Expenditures (3)"][-1]
    assert totals[0] == "Total of 21 records" and Decimal(totals[amount]) == sum(row["amount"] for row in rows)
