"""Small datasets for data-layer tests, written through data_access.loading (the real path)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa

from data_access import loading
from data_access.loading import EXPENDITURE_ARROW_SCHEMA


def expenditure_table(records) -> pa.Table:
    """records: dicts with at least record_id, customer_id, day, amount; the rest defaulted."""
    defaults = {"service_type": "Elastic Cloud Server", "billing_mode": "Pay-per-use",
                "bill_type": "Expenditure", "region": "cn-north-4", "resource_id": "res-1",
                "cash_coupon": "0"}
    rows = [{**defaults, **record} for record in records]
    for row in rows:
        row["day"] = row["day"] if isinstance(row["day"], date) else date.fromisoformat(row["day"])
        row["amount"], row["cash_coupon"] = Decimal(row["amount"]), Decimal(row["cash_coupon"])
    return pa.Table.from_pylist(rows, schema=EXPENDITURE_ARROW_SCHEMA)


def load(engine, partner_id="P1", managers=(), customers=(), assignments=(), records=(), **partner):
    """Load a small dataset. managers: (id, name); customers: (id, account_name[, association]);
    assignments: (customer_id, manager_id or None, 'YYYY-MM-DD'); records: dicts."""
    with engine.begin() as conn:
        loading.ensure_partner(conn, partner_id, **partner)
        loading.upsert_managers(conn, partner_id, [{"manager_id": i, "name": n} for i, n in managers])
        loading.upsert_customers(conn, partner_id, [
            {"customer_id": c[0], "customer_name": f"{c[1]} Ltd", "account_name": c[1],
             "association_type": c[2] if len(c) > 2 else "Reseller"} for c in customers])
        if assignments:
            loading.upsert_assignments(conn, partner_id, [
                {"customer_id": c, "manager_id": m, "start_day": date.fromisoformat(d)}
                for c, m, d in assignments])
        if records:
            loading.insert_expenditures(conn, partner_id, expenditure_table(records))
