"""A tiny two-partner dataset with sign-ins, for tests of scope, sign-in and pages."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import sqlalchemy as sa

from data_access.users import add_user
from tests.helpers.builders import load

JANUARY_2025 = date(2025, 1, 1)


@dataclasses.dataclass(frozen=True)
class SignIn:
    login: str
    password: str
    partner_id: str
    role: str
    manager_id: str | None = None


@dataclasses.dataclass(frozen=True)
class SmallData:
    start: date
    end: date
    admin_a: SignIn
    manager_a: SignIn   # account manager A-M1 "Alice Able" of partner A
    admin_b: SignIn
    # Texts found only in partner B's data: no answer to a user of A may contain any of them.
    b_only: tuple[str, ...]
    # Partner B's ids, for forging requests that name B's data.
    b_ids: tuple[str, ...]
    # Texts of partner A that its account manager A-M1 must never see (A-M2's and unassigned
    # spend, and A's totals).
    hidden_from_manager_a: tuple[str, ...]

    @property
    def sign_ins(self) -> tuple[SignIn, ...]:
        return (self.admin_a, self.manager_a, self.admin_b)


def seed_small(engine: sa.Engine, start: date = JANUARY_2025) -> SmallData:
    """Partners A and B, 31 days from `start` (January 2025 unless told; "the 16th" below is
    start + 15 days), amounts chosen so that no two sums look alike.

    A ("Alpha Partners"): managers A-M1 "Alice Able" and A-M2 "Bob Baker"; customers A-C1
    alpha-retail (A-M1), A-C2 alpha-games (A-M2, reassigned to A-M1 from the 16th), A-C3
    alpha-labs (never assigned). Totals: A 12677.82 (coupons 20.00); A-M1 1603.62 (A-R1, A-R3,
    A-R5); A-M2 7771.17 (A-R2); Unassigned 3303.03 (A-R4).
    B ("Bravo Partners"): manager B-M1, customer B-C1, total 106173.99.
    Sign-ins: admin@a, alice@a (account manager A-M1), admin@b."""
    def day(number: int) -> str:
        return (start + timedelta(days=number - 1)).isoformat()

    load(engine, "A", managers=[("A-M1", "Alice Able"), ("A-M2", "Bob Baker")],
         customers=[("A-C1", "alpha-retail"), ("A-C2", "alpha-games", "Referral"),
                    ("A-C3", "alpha-labs")],
         assignments=[("A-C1", "A-M1", day(1)), ("A-C2", "A-M2", day(1)),
                      ("A-C2", "A-M1", day(16))],
         records=[
             {"record_id": "A-R1", "customer_id": "A-C1", "day": day(3), "amount": "1203.41",
              "cash_coupon": "20.00"},
             {"record_id": "A-R2", "customer_id": "A-C2", "day": day(10), "amount": "7771.17",
              "service_type": "Object Storage Service"},
             {"record_id": "A-R3", "customer_id": "A-C2", "day": day(20), "amount": "450.26",
              "billing_mode": "Yearly/Monthly"},
             {"record_id": "A-R4", "customer_id": "A-C3", "day": day(25), "amount": "3303.03"},
             {"record_id": "A-R5", "customer_id": "A-C1", "day": day(28), "amount": "-50.05",
              "bill_type": "Refund"},
         ], name="Alpha Partners")
    load(engine, "B", managers=[("B-M1", "Zelda Bravomanager")],
         customers=[("B-C1", "bravo-secretcorp")],
         assignments=[("B-C1", "B-M1", day(1))],
         records=[
             {"record_id": "B-R1", "customer_id": "B-C1", "day": day(5), "amount": "97531.86",
              "service_type": "Bravo Quantum Service", "resource_id": "bravo-res-1"},
             {"record_id": "B-R2", "customer_id": "B-C1", "day": day(12), "amount": "8642.13",
              "service_type": "Bravo Quantum Service", "resource_id": "bravo-res-2"},
         ], name="Bravo Partners")
    admin_a = SignIn("admin@a", "password-admin-a", "A", "admin")
    manager_a = SignIn("alice@a", "password-alice-a", "A", "account_manager", "A-M1")
    admin_b = SignIn("admin@b", "password-admin-b", "B", "admin")
    with engine.begin() as conn:
        for sign_in in (admin_a, manager_a, admin_b):
            add_user(conn, sign_in.login, sign_in.password, sign_in.partner_id, sign_in.role,
                     sign_in.manager_id)
    return SmallData(
        start, start + timedelta(days=30), admin_a, manager_a, admin_b,
        b_only=("Zelda Bravomanager", "bravo-secretcorp", "Bravo Quantum Service", "bravo-res-",
                "97531.86", "97,531.86", "8642.13", "8,642.13", "106173.99", "106,173.99",
                "Bravo Partners"),
        b_ids=("B", "B-M1", "B-C1", "B-R1", "B-R2"),
        hidden_from_manager_a=("Bob Baker", "alpha-labs", "7771.17", "7,771.17", "3303.03",
                               "3,303.03", "12677.82", "12,677.82"))
