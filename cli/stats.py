"""`flask --app app stats overview|trend|distribution|movers|forecast`: the numbers the tabs show."""
import json

import click
from flask.cli import with_appcontext

from answers.partner import data_up_to
from data_access import comparison, forecast, movers
from data_access.errors import UserError
from data_access.money import money_text
from data_access.periods import Compare
from data_access.query import Basis, ExpenditureQuery, Granularity, Scope, SortKey
from runtime import current_runtime


def series_json(series, granularity: Granularity) -> list[dict]:
    return [{"period": granularity.period_text(point.period),
             "amount": money_text(point.money.amount),
             "amount_paid": money_text(point.money.amount_paid)} for point in series]


def change_json(change: comparison.Change) -> dict:
    return {"amount": money_text(change.amount), "amount_paid": money_text(change.amount_paid),
            "percent": None if change.percent is None else str(change.percent)}


def compared_json(compared: comparison.Comparison | None, current, key: str | None = None) -> dict:
    """The "previous" and "change" of the total (no key) or of a group, with a comparison."""
    if compared is None:
        return {}
    previous = compared.total if key is None else compared.previous(key)
    return {"previous": previous.as_text(), "change": change_json(compared.change(current, key))}


def stats_json(view: str, query: ExpenditureQuery, currency: str, result) -> dict:
    compared = result.comparison
    document = {
        "partner": query.scope.partner_id, "from": query.start.isoformat(),
        "to": query.end.isoformat(), "currency": currency, "group_by": query.group_by.value,
        "granularity": query.granularity.value,
        "total": {**result.total.as_text(), **compared_json(compared, result.total)},
        "series": series_json(result.series, query.granularity),
    }
    if compared is not None:
        document["compare"] = {"from": compared.start.isoformat(), "to": compared.end.isoformat(),
                               "total": compared.total.as_text(),
                               "series": series_json(compared.series, query.granularity)}
    if view != "overview":
        document["groups"] = [{"label": group.label, **group.money.as_text(),
                               **compared_json(compared, group.money, group.key),
                               "share": str(group.share),
                               "series": series_json(group.series, query.granularity)}
                              for group in result.groups]
    return document


def movers_json(query: ExpenditureQuery, result: movers.Movers) -> dict:
    """SPEC.md's `stats movers` document: the first `query.top_n` movers."""
    return {
        "partner": query.scope.partner_id, "from": query.start.isoformat(), "to": query.end.isoformat(),
        "compare": {"from": result.compare_start.isoformat(), "to": result.compare_end.isoformat()},
        "counts": {status.value: count for status, count in result.counts.items()},
        "movers": [{"customer_id": mover.customer_id, "account_name": mover.account_name,
                    "account_manager": mover.account_manager, "status": mover.status.value,
                    "current": mover.current.as_text(), "previous": mover.previous.as_text(),
                    "change": money_text(mover.change)} for mover in result.movers[:query.top_n]],
    }


def movers_text(document: dict) -> str:
    compare = document["compare"]
    lines = [f"{document['partner']}  {document['from']} to {document['to']}  "
             f"compared with {compare['from']} to {compare['to']}",
             "  ".join(f"{status} {count}" for status, count in document["counts"].items())]
    if document["movers"]:
        width = max(len(mover["account_name"]) for mover in document["movers"])
        lines.append(f"{'Customer account':<{width}}  {'Status':<9}  {'Current':>16}  {'Previous':>16}  "
                     f"{'Change':>16}  Account manager")
        lines += [f"{mover['account_name']:<{width}}  {mover['status']:<9}  {mover['current']['amount']:>16}  "
                  f"{mover['previous']['amount']:>16}  {mover['change']:>16}  {mover['account_manager']}"
                  for mover in document["movers"]]
    return "\n".join(lines)


def stats_text(document: dict) -> str:
    total = document["total"]
    lines = [f"{document['partner']}  {document['from']} to {document['to']}  ({document['currency']})",
             f"Amount {total['amount']}  Cash coupons used {total['cash_coupon']}  "
             f"Amount paid {total['amount_paid']}"]
    if "compare" in document:
        change = total["change"]
        percent = "" if change["percent"] is None else f" ({change['percent']}%)"
        lines.append(f"Compared with {document['compare']['from']} to {document['compare']['to']}: "
                     f"Amount {total['previous']['amount']}, change {change['amount']}{percent}")
    if "groups" in document:
        width = max([len(group["label"]) for group in document["groups"]] + [5])
        lines.append(f"{'Group':<{width}}  {'Amount':>16}  {'Coupons':>14}  {'Amount paid':>16}  Share")
        lines += [f"{group['label']:<{width}}  {group['amount']:>16}  {group['cash_coupon']:>14}  "
                  f"{group['amount_paid']:>16}  {float(group['share']):.2%}" for group in document["groups"]]
    return "\n".join(lines)


def landing_json(landing: forecast.Landing) -> dict:
    return {"actual": money_text(landing.actual), "forecast": money_text(landing.forecast),
            "low": money_text(landing.low), "high": money_text(landing.high)}


def forecast_json(query: ExpenditureQuery, currency: str, result: forecast.Forecast) -> dict:
    return {"partner": query.scope.partner_id, "currency": currency, "month": result.month.isoformat()[:7],
            "data_up_to": result.data_up_to.isoformat(), "group_by": query.group_by.value,
            "total": {"amount": landing_json(result.total.amount),
                      "amount_paid": landing_json(result.total.amount_paid)},
            "groups": [{"label": group.label, "amount": landing_json(group.amount),
                        "amount_paid": landing_json(group.amount_paid)} for group in result.groups]}


def forecast_text(document: dict) -> str:
    rows = [("Total", document["total"]), *((group["label"], group) for group in document["groups"])]
    width = max(len(label) for label, _ in rows)
    lines = [f"{document['partner']}  forecast for {document['month']}, data up to {document['data_up_to']}  "
             f"({document['currency']})",
             f"{'':<{width}}  {'Amount to date':>16}  {'Forecast':>16}  {'Low':>16}  {'High':>16}"]
    lines += [f"{label:<{width}}  " + "  ".join(f"{row['amount'][key]:>16}"
                                               for key in ("actual", "forecast", "low", "high"))
              for label, row in rows]
    return "\n".join(lines)


def query_options(command):
    """The options of a query, shared by `stats` and `export`."""
    options = [
        click.option("--partner", "partner_id", required=True),
        click.option("--from", "start", help="First day, YYYY-MM-DD (not for forecast: its month is data up to's)."),
        click.option("--to", "end", help="Last day, YYYY-MM-DD (not for forecast)."),
        click.option("--search", default="", help="Account manager or customer account name."),
        click.option("--group-by", type=click.Choice([basis.value for basis in Basis]),
                     default=Basis.SERVICE_TYPE.value),
        click.option("--granularity", type=click.Choice([g.value for g in Granularity]), default="day"),
        click.option("--top", "top_n", type=int, default=None,
                     help="Groups before Others (default 10); movers listed (default 20)."),
        click.option("--sort-by", type=click.Choice([key.value for key in SortKey]), default="amount"),
        click.option("--ascending", is_flag=True, help="Sort groups ascending."),
        click.option("--show-zero", is_flag=True, help="Keep zero expenditures."),
        click.option("--compare", type=click.Choice([c.value for c in Compare]), default=Compare.NONE.value,
                     help="Compare with the period before, or the same days a year earlier (movers: the "
                          "period before unless given)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def query_of(scope: Scope, start, end, search, group_by, granularity, top_n, sort_by, ascending, show_zero,
             compare, default_top: int = 10) -> ExpenditureQuery:
    """The query of query_options' values; a click error saying what is wrong."""
    if not (start and end):
        raise click.ClickException("--from and --to are required")
    try:
        return ExpenditureQuery.from_params(scope, dict(
            start=start, end=end, search=search, group_by=group_by, granularity=granularity,
            top_n=top_n if top_n is not None else default_top, sort_by=sort_by,
            descending=not ascending, hide_zero=not show_zero, compare=compare))
    except UserError as error:
        raise click.ClickException(error.message) from None


@click.command("stats")
@click.argument("view", type=click.Choice(["overview", "trend", "distribution", "movers", "forecast"]))
@query_options
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def stats(view, partner_id, output, **options) -> None:
    """The same numbers the dashboard's tabs show, for the partner's whole data; the movers
    between the range and its comparison period; or the forecast of the month of its latest
    day loaded."""
    answers = current_runtime().answers
    scope = Scope(partner_id)
    partner = answers.partner(scope)
    if partner is None:
        raise click.ClickException(f"unknown partner {partner_id!r}")
    if view == "forecast":
        if options["start"] or options["end"]:
            raise click.ClickException("forecast takes no --from or --to: it forecasts the month of data up to")
        options["start"] = options["end"] = data_up_to(answers, scope)
        if options["start"] is None:
            raise click.ClickException(f"no expenditure of partner {partner_id!r} is loaded")
    query = query_of(scope, **options, default_top=20 if view == "movers" else 10)
    if view == "forecast":
        document = forecast_json(query, partner.currency, answers.compute(forecast.month_forecast, query))
    elif view == "movers":
        document = movers_json(query, answers.compute(movers.movers, movers.with_comparison(query)))
    else:
        result = answers.compute(comparison.overview if view == "overview" else comparison.breakdown, query)
        document = stats_json(view, query, partner.currency, result)
    text = {"forecast": forecast_text, "movers": movers_text}.get(view, stats_text)
    click.echo(json.dumps(document, ensure_ascii=False) if output == "json" else text(document))
