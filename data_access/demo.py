"""Realistic demo data, generated deterministically from a seed and vectorised with numpy.

Two partners, each with a sales team, customers of log-normally skewed size, assignments with
reassignments and unassigned stretches, and cloud resources that bill day by day. A record is
one resource's fee of one day: pay-per-use and savings-plan resources bill daily, yearly/monthly
and reserved-instance resources once a month. Some records are refunds (negative) or
adjustments; customers with coupons pay part of their positive fees with them.

Everything is drawn from generators seeded by (seed, partner, part), so the same seed, sizes and
end day give the same data, whichever chunking the loader uses. The data enters the database
through `data_access.loading`, so the attribution rule is applied by its one implementation.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from data_access import loading, users
from data_access.demo_money import CENT_UNITS, divide_half_up, steps, units_to_decimal
from data_access.demo_vocabulary import (
    ADJUSTMENT,
    BILLING_MODE_PRICE,
    BILLING_MODE_SHARES,
    COMPANY_FORMS,
    COMPANY_TRADES,
    COMPANY_WORDS,
    EXPENDITURE,
    MANAGER_NAMES,
    PAY_PER_USE,
    REFUND,
    REGIONS,
    RESERVED_INSTANCE,
    SAVINGS_PLAN,
    SERVICES,
)
from data_access.query import ASSOCIATION_TYPES, BILL_TYPES, BILLING_MODES
from data_access.schema import expenditures


@dataclasses.dataclass(frozen=True)
class PartnerPlan:
    partner_id: str
    name: str
    customer_share: float
    managers: int


PARTNERS = (PartnerPlan("P1", "Aurora Cloud Partners", 0.8, 12),
            PartnerPlan("P2", "Blue Harbor Solutions", 0.2, 8))

# (login, password, partner, role, index of the partner's manager for an account-manager login)
DEMO_SIGN_INS = (("admin@p1", "demo-admin-1", "P1", "admin", None),
                 ("admin@p2", "demo-admin-2", "P2", "admin", None),
                 ("am@p1", "demo-manager-1", "P1", "account_manager", 0))

SECONDS_A_DAY = 86_400
WINDOW_DAYS = 28  # records are generated window by window, each from its own seeded generator
EPOCH = date(1970, 1, 1).toordinal()


@dataclasses.dataclass(frozen=True, eq=False)
class Resources:
    """A partner's billable resources, one element per resource."""
    customer: np.ndarray      # index into the partner's customers
    service: np.ndarray       # index into SERVICES
    billing_mode: np.ndarray  # index into BILLING_MODES
    region: np.ndarray        # index into REGIONS
    ids: pa.Array             # resource ids
    first: np.ndarray         # first billed day, as an offset from the first day of the data
    last: np.ndarray          # last billed day (inclusive), same offset
    daily_cents: np.ndarray   # the fee of a day at the start, before growth and noise
    billing_day: np.ndarray   # the day (offset mod 30) on which monthly resources bill


@dataclasses.dataclass(frozen=True, eq=False)
class DemoPartner:
    plan: PartnerPlan
    managers: list[dict]
    customers: list[dict]
    assignments: list[dict]
    resources: Resources
    growth: np.ndarray        # per customer: yearly growth rate of its spend
    coupon_share: np.ndarray  # per customer: the share of its positive records paid by coupons


@dataclasses.dataclass(frozen=True)
class DemoData:
    seed: int
    first_day: date
    last_day: date
    partners: tuple[DemoPartner, ...]

    def expenditures(self, partner: DemoPartner, chunk_rows: int = 1_000_000) -> Iterator[pa.Table]:
        """The partner's records as Arrow tables of about chunk_rows rows, day by day."""
        days = (self.last_day - self.first_day).days + 1
        index = self.partners.index(partner)
        pending, pending_rows = [], 0
        for window, start in enumerate(range(0, days, WINDOW_DAYS)):
            rng = np.random.default_rng([self.seed, index, window + 1])
            table = _window_records(rng, partner, self.first_day, start, min(days, start + WINDOW_DAYS))
            pending.append(table)
            pending_rows += table.num_rows
            if pending_rows >= chunk_rows:
                yield pa.concat_tables(pending)
                pending, pending_rows = [], 0
        if pending:
            yield pa.concat_tables(pending)


def generate(customers: int = 300, days: int = 400, seed: int = 1,
             end_day: date | None = None) -> DemoData:
    """Demo data for `customers` customers over the `days` days ending on end_day (today)."""
    if customers < len(PARTNERS):
        raise ValueError(f"at least {len(PARTNERS)} customers are needed")
    if days < 1:
        raise ValueError("at least 1 day is needed")
    last_day = end_day or date.today()
    first_day = last_day - timedelta(days=days - 1)
    counts = [max(1, round(customers * plan.customer_share)) for plan in PARTNERS[1:]]
    counts.insert(0, customers - sum(counts))
    partners = tuple(_partner(np.random.default_rng([seed, index, 0]), plan, count, first_day, days)
                     for index, (plan, count) in enumerate(zip(PARTNERS, counts, strict=True)))
    return DemoData(seed, first_day, last_day, partners)


@dataclasses.dataclass(frozen=True)
class LoadSummary:
    partners: int
    managers: int
    customers: int
    assignments: int
    records: int  # newly stored


def load(engine: sa.Engine, data: DemoData, chunk_rows: int = 1_000_000) -> LoadSummary:
    """Load the demo data. Partners, teams, customers and assignments are one transaction, then
    each chunk of records is one: a single transaction for millions of records holds all their
    index entries in DuckDB's memory until the commit (measured with 10 million: 5 GB, twice
    the time). Records already stored are skipped, so a load that stopped can be run again."""
    with engine.begin() as conn:
        for partner in data.partners:
            partner_id = partner.plan.partner_id
            loading.ensure_partner(conn, partner_id, partner.plan.name)
            loading.upsert_managers(conn, partner_id, partner.managers)
            loading.upsert_customers(conn, partner_id, partner.customers)
            loading.upsert_assignments(conn, partner_id, partner.assignments)
    records = 0
    for partner in data.partners:
        for table in data.expenditures(partner, chunk_rows):
            with engine.begin() as conn:
                records += loading.insert_expenditures(conn, partner.plan.partner_id, table)
    return LoadSummary(len(data.partners), sum(len(p.managers) for p in data.partners),
                       sum(len(p.customers) for p in data.partners),
                       sum(len(p.assignments) for p in data.partners), records)


def has_expenditures(conn: sa.Connection) -> bool:
    return conn.execute(sa.select(expenditures.c.record_id).limit(1)).first() is not None


def sign_ins() -> list[tuple[str, str, str, str]]:
    """The demo sign-ins: (login, password, partner, role)."""
    return [sign_in[:4] for sign_in in DEMO_SIGN_INS]


def add_sign_ins(conn: sa.Connection, data: DemoData) -> None:
    """Create the demo sign-ins; logins that exist are left alone."""
    managers = {partner.plan.partner_id: partner.managers for partner in data.partners}
    for login, password, partner_id, role, manager in DEMO_SIGN_INS:
        if users.get_user(conn, login) is None:
            manager_id = None if manager is None else managers[partner_id][manager]["manager_id"]
            users.add_user(conn, login, password, partner_id, role, manager_id)


# --- generation -------------------------------------------------------------------------------

def _partner(rng: np.random.Generator, plan: PartnerPlan, count: int, first_day: date,
             days: int) -> DemoPartner:
    names = rng.choice(MANAGER_NAMES, size=plan.managers, replace=False)
    managers = [{"manager_id": f"AM{number:03d}", "name": str(name)}
                for number, name in enumerate(names, 1)]
    size = rng.lognormal(0.0, 1.1, count)  # customers' relative sizes: a few large, many small
    # Most customers were there before the data starts; the others join during it.
    joined = np.where(rng.random(count) < 0.75, -days, rng.integers(0, days, count))
    customers = _customers(rng, count)
    assignments = _assignments(rng, [row["customer_id"] for row in customers],
                               [row["manager_id"] for row in managers], joined, first_day, days)
    return DemoPartner(plan, managers, customers, assignments, _resources(rng, size, joined, days),
                       growth=rng.normal(0.15, 0.25, count),
                       coupon_share=np.where(rng.random(count) < 0.3, rng.uniform(0.2, 0.6, count), 0.0))


def _customers(rng: np.random.Generator, count: int) -> list[dict]:
    words = rng.integers(0, len(COMPANY_WORDS), count)
    trades = rng.integers(0, len(COMPANY_TRADES), count)
    forms = rng.integers(0, len(COMPANY_FORMS), count)
    referral = rng.random(count) < 0.6
    seen: dict[str, int] = {}
    rows = []
    for number, (word, trade, form, is_referral) in enumerate(zip(words, trades, forms, referral, strict=True), 1):
        base = f"{COMPANY_WORDS[word]} {COMPANY_TRADES[trade]}"
        seen[base] = seen.get(base, 0) + 1
        name = base if seen[base] == 1 else f"{base} {_roman(seen[base])}"
        slug = re.sub(r"[^a-z]", "", name.lower())[:24]
        rows.append({"customer_id": f"C{number:05d}", "customer_name": f"{name} {COMPANY_FORMS[form]}",
                     "account_name": f"{slug}{number:03d}",
                     "association_type": ASSOCIATION_TYPES[0 if is_referral else 1]})
    return rows


def _roman(number: int) -> str:
    """Distinguishes companies of the same name: 'Summit Games II'."""
    result = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            result, number = result + letters, number - value
    return result


def _assignments(rng: np.random.Generator, customer_ids: list[str], manager_ids: list[str],
                 joined: np.ndarray, first_day: date, days: int) -> list[dict]:
    """Customers are assigned a few weeks after they join (their spend until then is
    Unassigned); older customers mostly before the data starts, some late, a few never. Some
    are reassigned later, and some unassigned again."""
    count = len(customer_ids)
    weight = rng.dirichlet(np.full(len(manager_ids), 1.5))  # some managers carry more customers
    first = rng.choice(len(manager_ids), size=count, p=weight)
    second = (first + rng.integers(1, len(manager_ids), count)) % len(manager_ids)
    never = rng.random(count) < 0.05
    older = np.where(rng.random(count) < 0.9, -rng.integers(1, 366, count), rng.integers(0, days, count))
    starts = np.where(joined < 0, older, joined + rng.integers(0, 45, count))
    later = starts.clip(0) + rng.integers(1, max(2, days), count)
    fate = rng.random(count)  # < 0.3: reassigned later; 0.3 - 0.38: unassigned later
    rows = []
    for index, customer_id in enumerate(customer_ids):
        if never[index]:
            continue
        rows.append({"customer_id": customer_id, "manager_id": manager_ids[first[index]],
                     "start_day": first_day + timedelta(days=int(starts[index]))})
        if fate[index] < 0.38 and later[index] < days:
            manager_id = manager_ids[second[index]] if fate[index] < 0.3 else None
            rows.append({"customer_id": customer_id, "manager_id": manager_id,
                         "start_day": first_day + timedelta(days=int(later[index]))})
    return rows


def _resources(rng: np.random.Generator, size: np.ndarray, joined: np.ndarray, days: int) -> Resources:
    per_customer = 1 + rng.poisson(4.7 * size / size.mean()).clip(0, 200)
    customer = np.repeat(np.arange(len(size)), per_customer)
    count = len(customer)
    weights = np.array([service[2] for service in SERVICES])
    service = rng.choice(len(SERVICES), size=count, p=weights / weights.sum())
    compute = np.array([service[4] for service in SERVICES])[service]
    mode = rng.choice(len(BILLING_MODES), size=count, p=BILLING_MODE_SHARES)
    mode = np.where(~compute & np.isin(mode, (RESERVED_INSTANCE, SAVINGS_PLAN)), PAY_PER_USE, mode)
    region_share = np.array([region[1] for region in REGIONS])
    home = rng.choice(len(REGIONS), size=len(size), p=region_share / region_share.sum())
    region = np.where(rng.random(count) < 0.85, home[customer],
                      rng.choice(len(REGIONS), size=count, p=region_share / region_share.sum()))
    # Lifetimes: many resources run before the data starts, others start during it (not before
    # their customer joins); some end.
    first = np.maximum(rng.integers(-days, days, count), joined[customer])
    last = first + rng.exponential(days * 1.5, count).astype(np.int64)
    median = np.array([service[3] for service in SERVICES])[service]
    daily = (median * rng.lognormal(0.0, 0.7, count) * (size[customer] ** 0.3)
             * np.array(BILLING_MODE_PRICE)[mode])
    # Distinct ids that look random: an odd multiplier permutes 32-bit numbers.
    numbers = (np.arange(count, dtype=np.int64) * 2654435761 + rng.integers(0, 2 ** 32)) % 2 ** 32
    ids = np.array([f"{SERVICES[kind][1]}-{number:08x}"
                    for kind, number in zip(service.tolist(), numbers.tolist(), strict=True)])
    billing_day = rng.integers(0, 30, count)
    # In the order of their ids, so that records come in the order of their ids ("day-resource"):
    # the primary key's index then grows at one end, measurably cheaper to load.
    order = np.argsort(ids)
    return Resources(customer[order], service[order], mode[order], region[order], pa.array(ids[order]),
                     first.clip(0)[order], np.minimum(last, days - 1)[order],
                     np.maximum(1, np.round(daily * 100)).astype(np.int64)[order], billing_day[order])


def _window_records(rng: np.random.Generator, partner: DemoPartner, first_day: date,
                    start: int, stop: int) -> pa.Table:
    """The records of the days [start, stop) (offsets from first_day), all resources at once."""
    res = partner.resources
    offsets = np.arange(start, stop)
    active = (res.first[:, None] <= offsets) & (offsets <= res.last[:, None])
    daily = np.isin(res.billing_mode, (PAY_PER_USE, SAVINGS_PLAN))[:, None]
    billed = active & np.where(daily, True, (offsets % 30) == res.billing_day[:, None])
    # Day by day (DuckDB's zone maps then skip by day), and within a day in resource id order.
    column, resource = np.nonzero(billed.T)
    day = offsets[column]
    count = len(resource)
    customer = res.customer[resource]
    monthly = ~daily[resource, 0]
    # The fee: grows with the customer, dips at weekends for pay-per-use, is noisy day to day.
    years = day / 365.0
    weekday = (first_day.toordinal() + day) % 7  # 0: Sunday, 6: Saturday
    weekend = (res.billing_mode[resource] == PAY_PER_USE) & ((weekday == 0) | (weekday == 6))
    noise = np.where(monthly, 1.0, rng.lognormal(0.0, 0.2, count))
    cents = (res.daily_cents[resource] * np.exp(partner.growth[customer] * years)
             * np.where(weekend, 0.85, 1.0) * np.where(monthly, 30.0, 1.0) * noise)
    # Money in units of the provider's precision, 10^-8, as integers: exact. Pay-per-use bills
    # an hourly price (whole cents) for the seconds used, to eight decimals; the other modes
    # bill whole cents. `step` is a record's smallest unit: refunds and coupons keep to it.
    pay_per_use = res.billing_mode[resource] == PAY_PER_USE
    seconds = rng.integers(SECONDS_A_DAY // 24, SECONDS_A_DAY + 1, count)
    hourly_cents = np.where(pay_per_use, np.maximum(1, np.round(cents * 3600 / seconds)), 0).astype(np.int64)
    used = divide_half_up(hourly_cents * CENT_UNITS * seconds, 3600)
    whole_cents = np.maximum(1, np.round(cents)).astype(np.int64) * CENT_UNITS
    amount = np.where(pay_per_use, np.maximum(1, used), whole_cents)
    step = np.where(pay_per_use, 1, CENT_UNITS)
    # Bill types: refunds give part of a fee back; adjustments correct it either way.
    kind = rng.random(count)
    refund, adjustment = kind < 0.012, (kind >= 0.012) & (kind < 0.02)
    part = rng.uniform(0.05, 1.0, count)
    sign = np.where(rng.random(count) < 0.7, -1, 1)
    amount = np.where(refund, -steps(amount * part, step), amount)
    amount = np.where(adjustment, sign * steps(amount * part * 0.2, step), amount)
    bill_type = np.where(refund, REFUND, np.where(adjustment, ADJUSTMENT, EXPENDITURE))
    # Coupons pay part of some positive fees of the customers that have them, never more.
    share = partner.coupon_share[customer]
    with_coupon = (amount > 0) & (rng.random(count) < share)
    paid_part = np.floor(amount * rng.uniform(0.1, 1.0, count) / step).astype(np.int64) * step
    coupon = np.where(with_coupon, paid_part, 0)

    # One record per resource and day, so "day-resource" is a stable, unique record id.
    day_texts = pa.array([(first_day + timedelta(days=int(offset))).strftime("%Y%m%d") for offset in offsets])
    resource_ids = res.ids.take(pa.array(resource))
    customer_ids = pa.array([row["customer_id"] for row in partner.customers])
    return pa.table({
        "record_id": pc.binary_join_element_wise(day_texts.take(pa.array(column)), resource_ids, "-"),
        "customer_id": customer_ids.take(pa.array(customer)),
        "day": pa.array(first_day.toordinal() - EPOCH + day, pa.int32()).cast(pa.date32()),
        "service_type": _labels([service[0] for service in SERVICES], res.service[resource]),
        "billing_mode": _labels(BILLING_MODES, res.billing_mode[resource]),
        "bill_type": _labels(BILL_TYPES, bill_type),
        "region": _labels([region[0] for region in REGIONS], res.region[resource]),
        "resource_id": resource_ids,
        "amount": units_to_decimal(amount),
        "cash_coupon": units_to_decimal(coupon),
    })


def _labels(labels, indices: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(list(labels)))
