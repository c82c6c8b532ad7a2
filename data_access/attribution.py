"""The attribution rule, in one place.

Spend of customer C on day D belongs to the manager of C's assignment with the latest start day
on or before D (on or before D - 1 for partners set to "next day"); an unassignment, or no
assignment at all, leaves it Unassigned.

The rule is applied when data changes and stored in `expenditures.manager_id`: measured here, a
temporal join at query time costs about twice a stored column on every dashboard request, while
assignments change rarely. Every change that can move spend goes through `refresh`, so a new or
backdated assignment, or a changed partner setting, is reflected at once.
"""
from datetime import date

import sqlalchemy as sa

from data_access import rollups
from data_access.schema import assignments, customers, expenditures, partners

BEGINNING = date(1, 1, 1)


def periods(partner_id: str, customer_ids=None) -> sa.Subquery:
    """One row per stretch of days with one manager: (customer_id, manager_id, valid_from,
    valid_to), valid_to exclusive and NULL when open. Every customer has a leading Unassigned
    stretch, so every expenditure day falls in exactly one period."""
    delay = (sa.select(partners.c.attribution_delay_days)
             .where(partners.c.partner_id == partner_id).scalar_subquery())
    starts = sa.union_all(
        sa.select(assignments.c.customer_id, assignments.c.manager_id,
                  (assignments.c.start_day + delay).label("valid_from"))
        .where(assignments.c.partner_id == partner_id,
               *_among(assignments.c.customer_id, customer_ids)),
        sa.select(customers.c.customer_id, sa.null().label("manager_id"),
                  sa.literal(BEGINNING, sa.Date).label("valid_from"))
        .where(customers.c.partner_id == partner_id,
               *_among(customers.c.customer_id, customer_ids)),
    ).subquery("starts")
    valid_to = sa.func.lead(starts.c.valid_from).over(
        partition_by=starts.c.customer_id, order_by=starts.c.valid_from)
    return sa.select(starts.c.customer_id, starts.c.manager_id, starts.c.valid_from,
                     valid_to.label("valid_to")).subquery("periods")


def covers(period, day_column) -> sa.ColumnElement[bool]:
    return sa.and_(day_column >= period.c.valid_from,
                   sa.or_(period.c.valid_to.is_(None), day_column < period.c.valid_to))


def refresh(conn: sa.Connection, partner_id: str, customer_ids=None) -> int:
    """Re-apply the rule to the stored spend of a partner (or some of its customers).
    Touches only rows whose manager changes, and the rollups of their days; returns how many
    rows changed."""
    period = periods(partner_id, customer_ids)
    moving = (expenditures.c.partner_id == partner_id,
              expenditures.c.customer_id == period.c.customer_id,
              covers(period, expenditures.c.day),
              expenditures.c.manager_id.is_distinct_from(period.c.manager_id))
    days = conn.execute(sa.select(expenditures.c.day).distinct().where(*moving)).scalars().all()
    if not days:
        return 0
    result = conn.execute(sa.update(expenditures).values(manager_id=period.c.manager_id).where(*moving))
    rollups.rebuild(conn, partner_id, days)
    return result.rowcount


def set_delay(conn: sa.Connection, partner_id: str, next_day: bool) -> int:
    """Switch a partner between "same day" and "next day" attribution, re-attributing its spend."""
    conn.execute(sa.update(partners).where(partners.c.partner_id == partner_id)
                 .values(attribution_delay_days=1 if next_day else 0,
                         data_version=partners.c.data_version + 1))
    return refresh(conn, partner_id)


def _among(column, values):
    return () if values is None else (column.in_(list(values)),)
