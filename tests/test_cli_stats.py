"""The command line on a hand-computed case: import CSVs, then `stats` must print exactly the
figures worked out by hand from SPEC.md's attribution rule (see tests/data/handcase/)."""
import json
from pathlib import Path

import pytest

from tests.helpers import cli_invoker, make_app

HANDCASE = Path(__file__).parent / "data" / "handcase"


@pytest.fixture
def cli(engine, tmp_path):
    run = cli_invoker(make_app(engine, tmp_path))
    for kind in ("managers", "customers", "assignments", "expenditures"):
        code, output = run("import", kind, str(HANDCASE / f"{kind}.csv"), "--partner", "P1")
        assert code == 0, output
    return run


def stats(cli, view, *options):
    code, output = cli("stats", view, "--partner", "P1", "--from", "2025-01-01", "--to", "2025-03-31",
                       "--format", "json", *options)
    assert code == 0, output
    return json.loads(output)


def test_overview_by_month(cli):
    document = stats(cli, "overview", "--granularity", "month")
    assert document == {
        "partner": "P1", "from": "2025-01-01", "to": "2025-03-31", "currency": "CNY",
        "group_by": "service_type", "granularity": "month",
        "total": {"amount": "636.86", "cash_coupon": "20.75", "amount_paid": "616.11"},
        "series": [{"period": "2025-01", "amount": "360.75", "amount_paid": "340.00"},
                   {"period": "2025-02", "amount": "271.11", "amount_paid": "271.11"},
                   {"period": "2025-03", "amount": "5.00", "amount_paid": "5.00"}],
    }


def test_trend_by_account_manager_follows_the_attribution_rule(cli):
    document = stats(cli, "trend", "--group-by", "account_manager", "--granularity", "month")
    assert [(g["label"], g["amount"], g["cash_coupon"], g["amount_paid"], g["share"])
            for g in document["groups"]] == [
        ("Wang Wei", "281.36", "0.25", "281.11", "0.4418"),   # c1 from 02-01 (same day), c2 until 02-28
        ("Li Na", "250.50", "20.50", "230.00", "0.3933"),     # c1 from 01-10 (same day) to 01-31
        ("Unassigned", "105.00", "0.00", "105.00", "0.1649"),  # c1 before 01-10, c2 unassigned 03-01
    ]
    wang_wei = document["groups"][0]["series"]
    assert [(p["period"], p["amount"], p["amount_paid"]) for p in wang_wei] == [
        ("2025-01", "10.25", "10.00"), ("2025-02", "271.11", "271.11"), ("2025-03", "0.00", "0.00")]


def test_next_day_attribution_moves_the_assignment_days(cli):
    code, output = cli("partner", "set-attribution", "P1", "next-day")
    assert code == 0 and "3 records re-attributed" in output
    document = stats(cli, "distribution", "--group-by", "account_manager")
    assert {g["label"]: g["amount"] for g in document["groups"]} == {
        "Li Na": "350.50", "Unassigned": "300.00", "Wang Wei": "-13.64"}


def test_top_and_search(cli):
    document = stats(cli, "distribution", "--group-by", "customer_account", "--top", "1",
                     "--search", "wang")
    assert [(g["label"], g["amount"]) for g in document["groups"]] == [("acme01", "270.00"),
                                                                        ("Others", "11.36")]
    assert document["total"]["amount"] == "281.36"


def test_eight_decimal_amounts_sum_exactly(cli):
    """The provider's precision, by hand: partner P2 holds the handcase's people and, in April
    2025, the five records of expenditures-8-decimals.csv. c1 is Wang Wei's from 02-01, c2
    Unassigned from 03-01."""
    for kind in ("managers", "customers", "assignments"):
        assert cli("import", kind, str(HANDCASE / f"{kind}.csv"), "--partner", "P2")[0] == 0
    code, output = cli("import", "expenditures", str(HANDCASE / "expenditures-8-decimals.csv"),
                       "--partner", "P2")
    assert code == 0, output
    code, output = cli("stats", "trend", "--partner", "P2", "--from", "2025-04-01", "--to", "2025-04-30",
                       "--group-by", "account_manager", "--granularity", "month", "--format", "json")
    assert code == 0, output
    document = json.loads(output)
    # 0.83822466 + 1.00500001 + 2.33333333 + 100.10 - 0.005; coupons 0.1 + 0.33333333
    assert document["total"] == {"amount": "104.271558", "cash_coupon": "0.43333333",
                                 "amount_paid": "103.83822467"}
    assert document["series"] == [{"period": "2025-04", "amount": "104.271558", "amount_paid": "103.83822467"}]
    assert [(g["label"], g["amount"], g["cash_coupon"], g["amount_paid"], g["share"])
            for g in document["groups"]] == [
        ("Unassigned", "102.42833333", "0.33333333", "102.095", "0.9823"),  # q3, q4, q5
        ("Wang Wei", "1.84322467", "0.10", "1.74322467", "0.0177"),        # q1, q2
    ]
    code, output = cli("stats", "overview", "--partner", "P2", "--from", "2025-04-01", "--to", "2025-04-02",
                       "--format", "json")
    assert json.loads(output)["series"] == [
        {"period": "2025-04-01", "amount": "3.17155799", "amount_paid": "2.73822466"},  # q1 + q3
        {"period": "2025-04-02", "amount": "1.00500001", "amount_paid": "1.00500001"}]


@pytest.mark.parametrize("options, message", [
    (("--from", "2025-04-01"), "Error: from (2025-04-01) is after to (2025-03-31)"),
    (("--top", "0"), "Error: top N must be between 1 and 50, not 0"),
    (("--partner", "NOPE"), "Error: unknown partner 'NOPE'"),
])
def test_bad_questions_exit_non_zero_with_one_line(cli, options, message):
    code, output = cli("stats", "overview", "--partner", "P1", "--from", "2025-01-01",
                       "--to", "2025-03-31", *options)
    assert code != 0 and output.strip().splitlines()[-1] == message


def test_compare_with_the_previous_month_by_hand(cli):
    """February against January, by account manager (see the attribution comments above):
    January is Unassigned 100.00, Li Na 250.50 (coupons 20.50), Wang Wei 10.25 (coupons 0.25);
    February is Wang Wei's alone, 300.00 − 30.00 + 1.11. Li Na and Unassigned spent nothing in
    February: matched by key, they count as zero there."""
    document = stats(cli, "trend", "--from", "2025-02-01", "--to", "2025-02-28", "--group-by",
                     "account_manager", "--granularity", "month", "--compare", "previous")
    assert document["compare"] == {
        "from": "2025-01-01", "to": "2025-01-31",
        "total": {"amount": "360.75", "cash_coupon": "20.75", "amount_paid": "340.00"},
        "series": [{"period": "2025-01", "amount": "360.75", "amount_paid": "340.00"}]}
    assert document["total"] == {
        "amount": "271.11", "cash_coupon": "0.00", "amount_paid": "271.11",
        "previous": {"amount": "360.75", "cash_coupon": "20.75", "amount_paid": "340.00"},
        # -89.64 / 360.75 = -24.848 %
        "change": {"amount": "-89.64", "amount_paid": "-68.89", "percent": "-24.85"}}
    assert [(g["label"], g["amount"], g["previous"]["amount"], g["change"]) for g in document["groups"]] == [
        ("Wang Wei", "271.11", "10.25", {"amount": "260.86", "amount_paid": "261.11", "percent": "2544.98"}),
        ("Li Na", "0.00", "250.50", {"amount": "-250.50", "amount_paid": "-230.00", "percent": "-100.00"}),
        ("Unassigned", "0.00", "100.00", {"amount": "-100.00", "amount_paid": "-100.00", "percent": "-100.00"}),
    ]


def test_others_is_compared_as_the_remainder_of_the_current_top(cli):
    document = stats(cli, "distribution", "--from", "2025-02-01", "--to", "2025-02-28", "--group-by",
                     "account_manager", "--top", "1", "--compare", "previous")
    others = document["groups"][-1]
    assert [g["label"] for g in document["groups"]] == ["Wang Wei", "Others"]
    # January's 360.75 less Wang Wei's 10.25 (coupons 20.75 − 0.25)
    assert (others["previous"], others["change"]) == (
        {"amount": "350.50", "cash_coupon": "20.50", "amount_paid": "330.00"},
        {"amount": "-350.50", "amount_paid": "-330.00", "percent": "-100.00"})


def test_a_range_cut_mid_month_compares_with_as_many_days_before(cli):
    # 16 days, 02-14..03-01: 1.11 + 5.00; before them 01-29..02-13: 50.50 (coupons 0.50) + 300.00 − 30.00
    document = stats(cli, "overview", "--from", "2025-02-14", "--to", "2025-03-01", "--compare", "previous")
    assert (document["compare"]["from"], document["compare"]["to"]) == ("2025-01-29", "2025-02-13")
    assert len(document["compare"]["series"]) == 16 and len(document["series"]) == 16
    assert document["compare"]["series"][3] == {"period": "2025-02-01", "amount": "300.00", "amount_paid": "300.00"}
    assert document["total"]["change"] == {"amount": "-314.39", "amount_paid": "-313.89", "percent": "-98.09"}


def test_a_zero_previous_period_has_no_percentage(cli):
    document = stats(cli, "overview", "--granularity", "month", "--compare", "year")
    assert document["compare"] == {
        "from": "2024-01-01", "to": "2024-03-31",
        "total": {"amount": "0.00", "cash_coupon": "0.00", "amount_paid": "0.00"},
        "series": [{"period": f"2024-0{month}", "amount": "0.00", "amount_paid": "0.00"} for month in (1, 2, 3)]}
    assert document["total"]["change"] == {"amount": "636.86", "amount_paid": "616.11", "percent": None}


def test_without_compare_the_document_is_unchanged(cli):
    document = stats(cli, "trend", "--group-by", "account_manager")
    assert "compare" not in document and "previous" not in document["total"]
    assert all("change" not in group for group in document["groups"])


def movers(cli, start, end, *options):
    code, output = cli("stats", "movers", "--partner", "P1", "--from", start, "--to", end,
                       "--format", "json", *options)
    assert code == 0, output
    return json.loads(output)


def test_movers_of_february_against_january(cli):
    # acme01 (c1) moved from Li Na to Wang Wei on 02-01: January's 350.50 (100.00 Unassigned,
    # 250.50 Li Na, 20.50 coupons) against February's 300.00 − 30.00 refund; globex02 (c2):
    # 10.25 (0.25 coupon) against the 1.11 adjustment. Both are Wang Wei's on 02-28.
    assert movers(cli, "2025-02-01", "2025-02-28") == {
        "partner": "P1", "from": "2025-02-01", "to": "2025-02-28",
        "compare": {"from": "2025-01-01", "to": "2025-01-31"},
        "counts": {"new": 0, "lost": 0, "growing": 0, "shrinking": 2, "steady": 0},
        "movers": [
            {"customer_id": "c1", "account_name": "acme01", "account_manager": "Wang Wei",
             "status": "shrinking",
             "current": {"amount": "270.00", "cash_coupon": "0.00", "amount_paid": "270.00"},
             "previous": {"amount": "350.50", "cash_coupon": "20.50", "amount_paid": "330.00"},
             "change": "-80.50"},
            {"customer_id": "c2", "account_name": "globex02", "account_manager": "Wang Wei",
             "status": "shrinking",
             "current": {"amount": "1.11", "cash_coupon": "0.00", "amount_paid": "1.11"},
             "previous": {"amount": "10.25", "cash_coupon": "0.25", "amount_paid": "10.00"},
             "change": "-9.14"},
        ],
    }


def test_movers_of_march_lost_and_growing_with_the_manager_of_the_last_day(cli):
    document = movers(cli, "2025-03-01", "2025-03-31", "--compare", "previous", "--top", "1")
    assert document["compare"] == {"from": "2025-02-01", "to": "2025-02-28"}
    assert document["counts"] == {"new": 0, "lost": 1, "growing": 1, "shrinking": 0, "steady": 0}
    # Only the first mover: acme01 lost 270.00 (|change| above globex02's +3.89).
    assert [(m["account_name"], m["status"], m["change"], m["account_manager"])
            for m in document["movers"]] == [("acme01", "lost", "-270.00", "Wang Wei")]
    everyone = movers(cli, "2025-03-01", "2025-03-31")
    # globex02 was unassigned from 03-01.
    assert [(m["account_name"], m["status"], m["change"], m["account_manager"])
            for m in everyone["movers"]] == [("acme01", "lost", "-270.00", "Wang Wei"),
                                              ("globex02", "growing", "3.89", "Unassigned")]


def test_movers_against_last_year_are_all_new(cli):
    document = movers(cli, "2025-01-01", "2025-01-31", "--compare", "year", "--search", "acme")
    assert document["compare"] == {"from": "2024-01-01", "to": "2024-01-31"}
    assert document["counts"] == {"new": 1, "lost": 0, "growing": 0, "shrinking": 0, "steady": 0}
    assert [(m["account_name"], m["status"], m["change"], m["account_manager"], m["previous"]["amount"])
            for m in document["movers"]] == [("acme01", "new", "350.50", "Li Na", "0.00")]
