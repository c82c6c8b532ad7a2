"""The grouping bases as one table: per basis, the record column it needs, its group key, its
label and how a filter on it reads. A new basis is one entry of DIMENSIONS (and a member of
query.Basis); every question (breakdowns, filters, dimension values, rollup choice) reads it here.

Money is summed before anything is joined to it: the customers' and managers' labels are
joined to the groups (or to a page of records), and filters on them are semi-joins, so a
question reads one table. Joining every record to its labels cost more than the sums.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import sqlalchemy as sa

from data_access.query import UNASSIGNED_KEY, UNASSIGNED_LABEL, Basis, Scope
from data_access.schema import customers, expenditures, managers

# The records, and the labels joined to them or to their groups.
e, c, m = expenditures.alias("e"), customers.alias("c"), managers.alias("m")


def customers_where(scope: Scope, *conditions) -> sa.Select:
    """The ids of the scope's partner's customers that meet `conditions`."""
    return sa.select(customers.c.customer_id).where(customers.c.partner_id == scope.partner_id, *conditions)


def _key_is_label(groups: sa.Subquery, _partner_id: str):
    return groups.c.key, groups


def _label_from(table, id_column: str, name: Callable[[sa.Subquery], sa.ColumnElement]):
    """Labels from `table` (managers, customers), joined to the groups by their key; `name`
    gives the label of a group, also of one the table does not have."""
    def labelled(groups: sa.Subquery, partner_id: str):
        joined = groups.outerjoin(table, sa.and_(table.c.partner_id == partner_id,
                                                 table.c[id_column] == groups.c.key))
        return name(groups), joined
    return labelled


@dataclasses.dataclass(frozen=True)
class Dimension:
    """How one grouping basis reads. `key(t)` is the group key of the facts `t` (the records or
    a rollup). With `customer_attribute`, the key is that column of the customers, joined to the
    facts by customer id. `label(groups, partner_id)` gives (label, source) for a subquery of
    groups with a `key` column."""
    column: str  # the record column the basis needs: a rollup answers when it has it
    key: Callable[[sa.FromClause], sa.ColumnElement]
    label: Callable[[sa.Subquery, str], tuple] = _key_is_label
    customer_attribute: str | None = None


DIMENSIONS: dict[Basis, Dimension] = {
    Basis.SERVICE_TYPE: Dimension("service_type", lambda t: t.c.service_type),
    Basis.BILLING_MODE: Dimension("billing_mode", lambda t: t.c.billing_mode),
    Basis.ASSOCIATION_TYPE: Dimension("customer_id", lambda t: c.c.association_type,
                                      customer_attribute="association_type"),
    Basis.ACCOUNT_MANAGER: Dimension(
        "manager_id", lambda t: sa.func.coalesce(t.c.manager_id, UNASSIGNED_KEY),
        label=_label_from(m, "manager_id", lambda groups: sa.func.coalesce(m.c.name, UNASSIGNED_LABEL))),
    Basis.CUSTOMER_ACCOUNT: Dimension(
        "customer_id", lambda t: t.c.customer_id,
        label=_label_from(c, "customer_id", lambda groups: sa.func.coalesce(c.c.account_name, groups.c.key))),
}
assert set(DIMENSIONS) == set(Basis), "every grouping basis needs its entry"


def key_column(basis: Basis, t) -> sa.ColumnElement:
    return DIMENSIONS[basis].key(t)


def source(t, *bases: Basis):
    """The facts `t`, joined to their customers only when a basis reads an attribute of them."""
    if not any(DIMENSIONS[basis].customer_attribute for basis in bases):
        return t
    return t.join(c, sa.and_(c.c.partner_id == t.c.partner_id, c.c.customer_id == t.c.customer_id))


def filter_condition(scope: Scope, basis: Basis, keys, t, include: bool):
    """The facts `t` whose key on `basis` is among `keys` (`include`), or is not."""
    attribute = DIMENSIONS[basis].customer_attribute
    if attribute is not None:  # a semi-join: the facts are not joined to their customers
        column = customers.c[attribute]
        return t.c.customer_id.in_(customers_where(scope, column.in_(keys) if include else column.not_in(keys)))
    key = key_column(basis, t)
    return key.in_(keys) if include else key.not_in(keys)


def labelled(groups: sa.Subquery, basis: Basis, partner_id: str) -> sa.Select:
    """The groups (a subquery with a `key`) and their labels: the manager's name, or
    Unassigned; the customer's account name; else the key itself."""
    label, joined = DIMENSIONS[basis].label(groups, partner_id)
    return sa.select(*groups.c, label.label("label")).select_from(joined)
