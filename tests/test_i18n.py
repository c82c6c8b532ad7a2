"""Chinese and English (SPEC.md, "Languages"): every message of the code has its Chinese
translation, the labels data_access hands out are all in the catalog, formats follow the
locale with money exact, the language is the user's stored choice or else the browser's, an
export speaks its owner's language, and the command line and stored data stay English."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from babel import numbers
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import i18n
from data_access import export_tasks
from data_access.details import DETAIL_COLUMNS
from data_access.errors import UserError
from data_access.export_tasks import INTERRUPTED
from data_access.movers import Status as MoverStatus
from data_access.query import (
    ASSOCIATION_TYPES,
    BILL_TYPES,
    BILLING_MODES,
    OTHERS_LABEL,
    UNASSIGNED_LABEL,
    Basis,
    ExpenditureQuery,
    QueryError,
    Scope,
)
from data_access.users import get_user
from exports.builder import build_export
from exports.runners import WORKER_LOST
from i18n.terms import TERMS, describe, term
from tests.helpers import cli_invoker, client, signed_in_client
from tests.helpers.builders import load
from tests.helpers.files import read_csv

ROOT = Path(__file__).resolve().parents[1]
# The Makefile's: i18n's functions, the Messages of data_access and the errors that say them.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "in_context": ((1, "c"), 2), **dict.fromkeys(("Message", "QueryError", "ExportRefused", "Refusal"))}
MESSAGE_DIRS = ("answers", "auth", "callbacks", "dashboard", "data_access", "exports", "i18n")


def extracted() -> Catalog:
    """The messages of the code, extracted as `make messages` does (babel.cfg)."""
    with open(ROOT / "babel.cfg") as file:
        method_map, options_map = parse_mapping_cfg(file)
    catalog = Catalog()
    for folder in MESSAGE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
                ROOT / folder, method_map, options_map, keywords=KEYWORDS):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


@pytest.mark.parametrize("language", [code for code in i18n.LANGUAGES if code != i18n.ENGLISH])
def test_every_message_of_the_code_has_a_translation(language):
    code = extracted()
    assert len(code) > 150  # the extraction found the code's messages
    with open(i18n.catalog_path(language), "rb") as file:
        catalog = read_po(file)
    missing = [f"{message.id!r} ({message.locations[0][0]})" for message in code if message.id and (
        (found := catalog.get(message.id, message.context)) is None or found.fuzzy
        or not all(found.string if isinstance(found.string, tuple) else (found.string,)))]
    assert not missing, f"{len(missing)} message(s) without a {language} translation; run `make messages` " \
                        f"and translate them (docs/TRANSLATING.md): " + ", ".join(missing)
    # Placeholders of a translation are those of its message (babel's python-format checks).
    problems = [(message.id, errors) for message, errors in catalog.check()]
    assert not problems, problems


def test_every_label_data_access_hands_out_is_a_term():
    labels = {*(basis.label for basis in Basis), *ASSOCIATION_TYPES, *BILLING_MODES, *BILL_TYPES,
              UNASSIGNED_LABEL, OTHERS_LABEL, *(column.header for column in DETAIL_COLUMNS),
              *(status.value for status in export_tasks.Status), *(status.label for status in MoverStatus),
              INTERRUPTED, WORKER_LOST}
    assert labels - TERMS == set()
    with i18n.speaking(i18n.CHINESE):
        assert [term(label) for label in ("Yearly/Monthly", "Referral", "Refund", "Unassigned", "Others")] == \
               ["包年/包月", "推荐", "退款", "未分配", "其他"]
        assert term("Li Na") == "Li Na"  # names from the data stay as they are


@pytest.mark.parametrize("language, money, exact, signed, percent, month", [
    ("en", "CNY -1,234,567.81", "CNY 0.83822466", "+5.00", "+12.35%", "March 2025"),
    ("zh-CN", "-¥1,234,567.81", "¥0.83822466", "+5.00", "+12.35%", "2025年3月"),
])
def test_formats_follow_the_locale_and_keep_money_exact(language, money, exact, signed, percent, month):
    with i18n.speaking(language):
        assert i18n.money(Decimal("-1234567.805"), "CNY") == money  # half up, not Babel's half even
        assert i18n.money(Decimal("0.83822466"), "CNY", exact=True) == exact
        assert i18n.money(Decimal("4.995"), "", signed=True) == signed
        assert i18n.money(Decimal("-0.001"), "") == "0.00"
        assert i18n.percent(Decimal("12.345"), signed=True) == percent
        assert i18n.month(date(2025, 3, 1)) == month
        # 20 significant digits: a float would have lost the last ones
        assert i18n.decimal(Decimal("123456789012345678.91")) == "123,456,789,012,345,678.91"


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_amounts_are_laid_out_as_babel_lays_them_out(language):
    # i18n lays amounts out itself (Babel's patterns are too slow for a chart's hover): the same
    # text as Babel's "#,##0.00" pattern of the value rounded half up, or exact with every decimal
    values = [Decimal(text) for text in ("0", "-0", "-0.001", "0.005", "-0.005", "999.995", "-999.995", "1E+3",
                                         "0.10000000", "-0E-8", "0.83822466", "-1234567.80500001",
                                         "123456789012345678.91", "7", "-12.3")]
    with i18n.speaking(language):
        for value in values:
            for places, exact in ((2, False), (2, True), (0, False), (4, True)):
                shown = value.normalize() if exact else value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
                pattern = "#,##0." + "0" * places if places else "#,##0"
                assert i18n.decimal(value, places, exact=exact) == numbers.format_decimal(
                    abs(shown) if not shown else shown, format=pattern, locale=i18n.locale(),
                    decimal_quantization=False), (value, places, exact)


@pytest.mark.parametrize("header, language", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("zh", "zh-CN"), ("zh-TW", "zh-CN"), ("en-GB,en;q=0.9", "en"),
    ("fr-FR,zh-CN;q=0.5", "zh-CN"), ("fr-FR", "en"), ("", "en")])
def test_before_a_choice_the_browser_decides(app, header, language):
    page = client(app).get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert ("消费统计" in page) == (language == "zh-CN")
    assert ("Sign in to see" in page) == (language == "en")


def test_the_stored_choice_wins_over_the_browser_and_survives_signing_in_again(app, data, engine):
    from callbacks.view import save_language
    admin = data.admin_a
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert save_language(app.extensions["runtime"], admin.login, "zh-CN") == "zh-CN"
    with engine.connect() as conn:
        assert get_user(conn, admin.login).language == "zh-CN"
    browser = signed_in_client(app, admin.login, admin.password)
    page = browser.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' not in page  # Dash's index page: the language shows in its layout
    layout = browser.get("/_dash-layout", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "概览" in layout and "消费趋势" in layout and '"locale"' not in layout
    assert "Expenditure Trend" not in layout


@pytest.mark.parametrize("chosen", ["fr", "", None, 3, ["zh-CN"], "zh-CN; drop table users"])
def test_a_language_not_offered_is_refused(app, data, chosen):
    from dash.exceptions import PreventUpdate

    from callbacks.view import save_language
    with app.test_request_context(), pytest.raises(PreventUpdate):
        save_language(app.extensions["runtime"], data.admin_a.login, chosen)


def test_an_export_speaks_its_owners_language(engine, tmp_path):
    load(engine, "P1", managers=[("m1", "Li Na")], customers=[("c1", "Acme")],
         assignments=[("c1", "m1", "2025-01-01")],
         records=[{"record_id": "R1", "customer_id": "c1", "day": "2025-01-05", "amount": "1234.56789012",
                   "billing_mode": "Pay-per-use", "bill_type": "Refund"}], name="Partner One")
    query = ExpenditureQuery(Scope("P1"), date(2025, 1, 1), date(2025, 1, 31))
    with engine.begin() as conn:
        task_id = export_tasks.create(conn, "admin@p1", query, "name", "xlsx", timedelta(days=7),
                                      language=i18n.CHINESE)
    assert build_export(engine, task_id, tmp_path) == export_tasks.COMPLETED  # no request here
    with engine.connect() as conn:
        task = export_tasks.get(conn, task_id)
    book = openpyxl.load_workbook(tmp_path / task.file_name)
    assert book.sheetnames == ["分组", "趋势", "消费"]  # the view's sheets, then the records
    sheets = {sheet.title: [trimmed([cell.value for cell in row]) for row in sheet.iter_rows()] for sheet in book}
    about = sheets["分组"]
    assert about[0] == ["当前视图的消费"] and ["伙伴", "Partner One (P1)"] in about
    assert ["记录", "查询匹配的全部记录"] in about
    assert next(row for row in about if row[:1] == ["产品类型"]) == ["产品类型", "消费金额", "现金券", "实付金额",
                                                                   "消费金额占比"]
    assert about[-1][0] == "合计"
    values = sheets["消费"]
    header = values[0]
    record = dict(zip(header, values[1], strict=False))
    assert record["计费模式"] == "按需" and record["账单类型"] == "退款" and record["客户经理"] == "Li Na"
    assert Decimal(str(record["消费金额"])) == Decimal("1234.56789012")
    assert values[-1][0] == "共 1 条记录合计"
    with i18n.speaking(i18n.CHINESE):
        assert describe(query) == "2025-01-01 至 2025-01-31"


def test_the_command_line_its_json_and_stored_data_stay_english(engine, tmp_path, app, data):
    """A Chinese user's choice changes nothing of what the command line prints or the
    database stores."""
    from callbacks.view import save_language
    with app.test_request_context():
        save_language(app.extensions["runtime"], data.admin_a.login, "zh-CN")
    run = cli_invoker(app)
    code, output = run("stats", "distribution", "--partner", "A", "--from", data.start.isoformat(),
                       "--to", data.end.isoformat(), "--group-by", "billing_mode", "--format", "json")
    assert code == 0, output
    answer = json.loads(output)
    assert {group["label"] for group in answer["groups"]} <= {*BILLING_MODES, OTHERS_LABEL}
    assert not any("\u4e00" <= character <= "\u9fff" for character in output)  # no Chinese character
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert i18n.current_language() == "zh-CN"
        service = app.extensions["exports"]
        task_id = service.create(get_user_of(engine, data.admin_a.login), ExpenditureQuery(
            Scope("A"), data.start, data.end), "csv", language=i18n.current_language())
    with engine.connect() as conn:
        stored = export_tasks.get(conn, task_id)
    assert stored.parameters["query"]["group_by"] == "service_type" and stored.language == "zh-CN"
    assert stored.status in (export_tasks.PENDING, export_tasks.PROCESSING, export_tasks.COMPLETED)


def trimmed(row: list) -> list:
    """A sheet's row without the empty cells at its end."""
    while row and row[-1] is None:
        row.pop()
    return row


def get_user_of(engine, login):
    with engine.connect() as conn:
        return get_user(conn, login)


def test_db_init_adds_the_error_message_column_to_an_older_export_tasks_table_keeping_its_tasks(engine, tmp_path):
    from data_access.db import init_db, is_duckdb, make_engine
    from data_access.migrations import read_meta
    drop_column = "ALTER TABLE export_tasks DROP COLUMN error_message"
    if is_duckdb(engine):  # DuckDB drops no column of an indexed table: an older database of its own
        engine = make_engine(f"duckdb:///{tmp_path / 'older.duckdb'}")
        init_db(engine)
        index = next(iter(export_tasks.t.indexes))
        for step in (index.drop, lambda conn: conn.exec_driver_sql(drop_column), index.create):
            with engine.begin() as conn:
                step(conn)
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql(drop_column)
    query = ExpenditureQuery(Scope("P1"), date(2025, 1, 1), date(2025, 1, 31))
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM schema_meta WHERE key = 'migration:export-tasks-error-message'")
        task_id = export_tasks.create(conn, "admin@p1", query, "name", "csv", timedelta(days=7))
    init_db(engine)
    init_db(engine)  # twice: harmless
    with engine.connect() as conn:
        assert read_meta(conn, "migration:export-tasks-error-message") is not None
        task = export_tasks.get(conn, task_id)
    assert task.name == "name" and task.error_message is None and task.failure is None


def test_db_init_adds_the_language_column_to_an_older_users_table_keeping_its_users(engine, data):
    from data_access.db import init_db
    from data_access.migrations import read_meta
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE users DROP COLUMN language")
        conn.exec_driver_sql("DELETE FROM schema_meta WHERE key = 'migration:users-language'")
    init_db(engine)
    init_db(engine)  # twice: harmless
    with engine.connect() as conn:
        assert read_meta(conn, "migration:users-language") is not None
        user = get_user(conn, data.admin_a.login)
    assert user.partner_id == "A" and user.language is None


def test_a_csv_export_speaks_its_owners_language_to_its_values_and_the_english_one_stays_as_stored(engine, tmp_path):
    """The database writes a .csv's rows itself (COPY): the labels come out of it translated."""
    load(engine, "P1", managers=[("m1", "Li Na")], customers=[("c1", "Acme", "Referral"), ("c2", "Beta")],
         assignments=[("c1", "m1", "2025-01-01")],
         records=[{"record_id": "R1", "customer_id": "c1", "day": "2025-01-05", "amount": "-1234.56789012",
                   "billing_mode": "Pay-per-use", "bill_type": "Refund"},
                  {"record_id": "R2", "customer_id": "c2", "day": "2025-01-06", "amount": "10.5",
                   "billing_mode": "Yearly/Monthly", "bill_type": "Expenditure"}], name="Partner One")
    query = ExpenditureQuery(Scope("P1"), date(2025, 1, 1), date(2025, 1, 31), sort_by="name", descending=False)
    files = {}
    for language in (i18n.ENGLISH, i18n.CHINESE):
        with engine.begin() as conn:
            task_id = export_tasks.create(conn, "admin@p1", query, "name", "csv", timedelta(days=7),
                                          language=language)
        assert build_export(engine, task_id, tmp_path) == export_tasks.COMPLETED
        with engine.connect() as conn:
            files[language] = read_csv(tmp_path / export_tasks.get(conn, task_id).file_name)
    chinese = [(row["客户经理"], row["关联类型"], row["计费模式"], row["账单类型"], row["消费金额"])
               for row in files[i18n.CHINESE]]
    assert chinese == [("Li Na", "推荐", "按需", "退款", "-1234.56789012"),
                       ("未分配", "转售", "包年/包月", "消费", "10.50")]
    english = [(row["Account manager"], row["Association type"], row["Billing mode"], row["Bill type"],
                row["Amount"]) for row in files[i18n.ENGLISH]]
    assert english == [("Li Na", "Referral", "Pay-per-use", "Refund", "-1234.56789012"),
                       ("Unassigned", "Reseller", "Yearly/Monthly", "Expenditure", "10.50")]


def test_errors_are_said_in_the_users_language_and_in_english_to_the_command_line():
    from callbacks.exports import MAX_SELECTED, Refusal, selected_record_ids
    from dashboard.view_state import from_controls, from_search

    def refusal(make) -> UserError:
        with pytest.raises(UserError) as caught:
            make()
        return caught.value

    scope, today = Scope("P1"), date(2025, 3, 10)
    errors = [
        refusal(lambda: ExpenditureQuery(scope, date(2025, 3, 1), date(2025, 2, 1))),
        refusal(lambda: ExpenditureQuery.from_params(scope, {"start": "2025-01-01", "end": "someday"})),
        refusal(lambda: from_controls(scope, today, {"range": "custom", "from": "2020-01-01", "to": "2025-01-01"})),
        refusal(lambda: selected_record_ids([{"record_id": "R1"}] * (MAX_SELECTED + 1))),
    ]
    assert [type(error) for error in errors] == [QueryError, QueryError, QueryError, Refusal]
    assert [error.message for error in errors] == [  # the command line's and the log's
        "from (2025-03-01) is after to (2025-02-01)", "to: 'someday' is not a day (YYYY-MM-DD)",
        "the time range is longer than 3 years",
        "Select at most 10000 records, or export everything the query matches from the Overview."]
    with i18n.speaking(i18n.CHINESE):
        assert [i18n.translated(error) for error in errors] == [
            "开始日期（2025-03-01）晚于结束日期（2025-02-01）", "结束日期：'someday' 不是日期（YYYY-MM-DD）",
            "时间范围超过 3 年", "最多选择 10,000 条记录，或在概览中导出查询匹配的全部记录。"]
        _view, problems = from_search(scope, today, "?tab=nope&colour=red")
        assert sorted(map(i18n.translated, problems)) == ["未知的设置 'colour'", "标签页：未知的值 'nope'"]
    with i18n.speaking(i18n.ENGLISH):  # the screen's English formats its numbers
        assert i18n.translated(errors[3]).startswith("Select at most 10,000 records")


def test_why_an_export_failed_is_stored_in_english_and_shown_in_the_viewers_language(engine, tmp_path):
    from dashboard.export_history import failure_text
    load(engine, "P1", customers=[("c1", "Acme")],
         records=[{"record_id": "R1", "customer_id": "c1", "day": "2025-01-05", "amount": "1"}])
    query = ExpenditureQuery(Scope("P1"), date(2025, 1, 1), date(2025, 1, 31))
    with engine.begin() as conn:
        task_id = export_tasks.create(conn, "admin@p1", query, "name", "xlsx", timedelta(days=7))
        # A query a later version no longer accepts (stored as another version's rules allowed)
        parameters = export_tasks.get(conn, task_id).parameters
        parameters["query"]["top_n"] = 99
        conn.execute(export_tasks.t.update().where(export_tasks.t.c.task_id == task_id)
                     .values(parameters=json.dumps(parameters)))
        interrupted = export_tasks.create(conn, "admin@p1", query, "name", "xlsx", timedelta(days=7))
        conn.execute(export_tasks.t.update().where(export_tasks.t.c.task_id == interrupted)
                     .values(status=export_tasks.FAILED, error=INTERRUPTED))  # as an older version stored it
    assert build_export(engine, task_id, tmp_path) == export_tasks.FAILED
    with engine.connect() as conn:
        failed, older = export_tasks.get(conn, task_id), export_tasks.get(conn, interrupted)
    assert failed.error == "the query cannot be answered: top N must be between 1 and 50, not 99"
    with i18n.speaking(i18n.CHINESE):
        assert failure_text(failed) == "无法执行该查询：前 N 项必须在 1 到 50 之间，而不是 99"
        assert failure_text(older) == "已中断：处理进程已停止"
    with i18n.speaking(i18n.ENGLISH):
        assert failure_text(failed) == "The query cannot be answered: top N must be between 1 and 50, not 99."
        assert failure_text(older) == "Interrupted: the worker stopped."
