"""What the controls offer and the header shows: the data's freshness, the values a filter can
take, search suggestions, and the partner's row."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from data_access.dimensions import c, key_column, labelled, m, source
from data_access.facts import all_rows, conditions, facts_for, like_pattern
from data_access.query import Basis, Scope
from data_access.schema import partners


def freshness(conn: sa.Connection, scope: Scope) -> date | None:
    """The latest day loaded: the data's freshness shown in the header."""
    facts = facts_for(scope)
    return conn.execute(sa.select(sa.func.max(facts.t.c.day)).where(*conditions(scope, facts=facts))).scalar()


def dimension_values(conn: sa.Connection, scope: Scope, basis: Basis) -> list[tuple[str, str]]:
    """(key, label) pairs a filter on `basis` can take, in label order."""
    basis = Basis(basis)
    facts = facts_for(scope, None, basis, by_day=False)
    keys = (sa.select(key_column(basis, facts.t).label("key")).distinct()
            .select_from(source(facts.t, basis)).where(*conditions(scope, facts=facts)).subquery("keys"))
    rows = all_rows(conn, labelled(keys, basis, scope.partner_id))
    return sorted(((row.key, row.label) for row in rows), key=lambda kl: (kl[1].casefold(), kl[0]))


def search_suggestions(conn: sa.Connection, scope: Scope, text: str, limit: int = 10) -> list[str]:
    """Manager names and customer account names containing `text`, for the search box."""
    text = " ".join((text or "").split())
    if not text:
        return []
    pattern = like_pattern(text)
    names = sa.select(m.c.name.label("name")).where(m.c.partner_id == scope.partner_id,
                                                     m.c.name.ilike(pattern, escape="\\"))
    accounts = sa.select(c.c.account_name.label("name")).where(
        c.c.partner_id == scope.partner_id, c.c.account_name.ilike(pattern, escape="\\"))
    if scope.manager_id is not None:
        names = names.where(m.c.manager_id == scope.manager_id)
        facts = facts_for(scope, None, Basis.CUSTOMER_ACCOUNT, by_day=False)
        accounts = accounts.where(c.c.customer_id.in_(
            sa.select(facts.t.c.customer_id).where(*conditions(scope, facts=facts))))
    union = sa.union(names, accounts).subquery()
    rows = all_rows(conn, sa.select(union.c.name).order_by(sa.func.lower(union.c.name), union.c.name).limit(limit))
    return [row.name for row in rows]


def partner(conn: sa.Connection, partner_id: str):
    """The partner's row (name, time zone, currency, attribution delay), or None."""
    return conn.execute(sa.select(partners).where(partners.c.partner_id == partner_id)).first()


def manager_name(conn: sa.Connection, scope: Scope) -> str | None:
    """The name of the account manager an account-manager sign-in is scoped to, for the header;
    None for an admin (or a manager not loaded yet)."""
    if scope.manager_id is None:
        return None
    return conn.execute(sa.select(m.c.name).where(m.c.partner_id == scope.partner_id,
                                                  m.c.manager_id == scope.manager_id)).scalar()
