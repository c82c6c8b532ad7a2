"""`flask --app app stats overview|trend|distribution`: the numbers the tabs show."""
import json

import click
from flask.cli import with_appcontext

from data_access import breakdowns
from data_access.errors import UserError
from data_access.money import money_text
from data_access.query import Basis, ExpenditureQuery, Granularity, Scope, SortKey
from runtime import current_runtime


def series_json(series, granularity: Granularity) -> list[dict]:
    return [{"period": granularity.period_text(point.period),
             "amount": money_text(point.money.amount),
             "amount_paid": money_text(point.money.amount_paid)} for point in series]


def stats_json(view: str, query: ExpenditureQuery, currency: str, result) -> dict:
    document = {
        "partner": query.scope.partner_id, "from": query.start.isoformat(),
        "to": query.end.isoformat(), "currency": currency, "group_by": query.group_by.value,
        "granularity": query.granularity.value, "total": result.total.as_text(),
        "series": series_json(result.series, query.granularity),
    }
    if view != "overview":
        document["groups"] = [{"label": group.label, **group.money.as_text(),
                               "share": str(group.share),
                               "series": series_json(group.series, query.granularity)}
                              for group in result.groups]
    return document


def stats_text(document: dict) -> str:
    total = document["total"]
    lines = [f"{document['partner']}  {document['from']} to {document['to']}  ({document['currency']})",
             f"Amount {total['amount']}  Cash coupons used {total['cash_coupon']}  "
             f"Amount paid {total['amount_paid']}"]
    if "groups" in document:
        width = max([len(group["label"]) for group in document["groups"]] + [5])
        lines.append(f"{'Group':<{width}}  {'Amount':>16}  {'Coupons':>14}  {'Amount paid':>16}  Share")
        lines += [f"{group['label']:<{width}}  {group['amount']:>16}  {group['cash_coupon']:>14}  "
                  f"{group['amount_paid']:>16}  {float(group['share']):.2%}" for group in document["groups"]]
    return "\n".join(lines)


def query_options(command):
    """The options of a query, shared by `stats` and `export`."""
    options = [
        click.option("--partner", "partner_id", required=True),
        click.option("--from", "start", required=True, help="First day, YYYY-MM-DD."),
        click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD."),
        click.option("--search", default="", help="Account manager or customer account name."),
        click.option("--group-by", type=click.Choice([basis.value for basis in Basis]),
                     default=Basis.SERVICE_TYPE.value),
        click.option("--granularity", type=click.Choice([g.value for g in Granularity]), default="day"),
        click.option("--top", "top_n", type=int, default=10),
        click.option("--sort-by", type=click.Choice([key.value for key in SortKey]), default="amount"),
        click.option("--ascending", is_flag=True, help="Sort groups ascending."),
        click.option("--show-zero", is_flag=True, help="Keep zero expenditures."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def query_of(scope: Scope, start, end, search, group_by, granularity, top_n, sort_by, ascending,
             show_zero) -> ExpenditureQuery:
    try:
        return ExpenditureQuery.from_params(scope, dict(
            start=start, end=end, search=search, group_by=group_by, granularity=granularity,
            top_n=top_n, sort_by=sort_by, descending=not ascending, hide_zero=not show_zero))
    except UserError as error:
        raise click.ClickException(error.message) from None


@click.command("stats")
@click.argument("view", type=click.Choice(["overview", "trend", "distribution"]))
@query_options
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def stats(view, partner_id, output, **options) -> None:
    """The same numbers the dashboard's tabs show, for the partner's whole data."""
    query = query_of(Scope(partner_id), **options)
    answers = current_runtime().answers
    partner = answers.partner(query.scope)
    if partner is None:
        raise click.ClickException(f"unknown partner {partner_id!r}")
    result = answers.compute(breakdowns.overview if view == "overview" else breakdowns.breakdown, query)
    document = stats_json(view, query, partner.currency, result)
    click.echo(json.dumps(document, ensure_ascii=False) if output == "json" else stats_text(document))
