"""What the user asked for: one immutable, validated query used by every tab, export and command.

The query says nothing about drawing; `data_access.breakdowns`, `details` and `options` answer
it. It is hashable, so it is its own cache key, and it carries the caller's scope (partner, and the manager of an
account-manager sign-in), which the server sets and the browser never does.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from data_access.errors import Message, UserError
from data_access.periods import Compare, comparison_range


class QueryError(UserError):
    """A query that cannot be answered; the message says what is wrong, for the user."""


# The names of the query's fields, as its errors say them (the command line's options).
FIELD_NAMES = {
    "start": Message.in_context("field", "from"), "end": Message.in_context("field", "to"),
    "search": Message.in_context("field", "search"), "group_by": Message.in_context("field", "group by"),
    "granularity": Message.in_context("field", "granularity"), "sort_by": Message.in_context("field", "sort by"),
    "top_n": Message.in_context("field", "top N"), "descending": Message.in_context("field", "descending"),
    "hide_zero": Message.in_context("field", "hide zero"), "compare": Message.in_context("field", "compare"),
    "include": Message.in_context("field", "include"), "exclude": Message.in_context("field", "exclude"),
}


EXCERPT_LENGTH = 40


def shortened(text: str) -> str:
    """At most the start of `text` an error message may quote: the input can be a megabyte
    long, and is the asker's, not ours to repeat."""
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH - 1] + "\u2026"


def excerpt(value) -> str:
    """`value` quoted in an error message, shortened."""
    return shortened(repr(value))


class Basis(StrEnum):
    SERVICE_TYPE = "service_type"
    BILLING_MODE = "billing_mode"
    ASSOCIATION_TYPE = "association_type"
    ACCOUNT_MANAGER = "account_manager"
    CUSTOMER_ACCOUNT = "customer_account"

    @property
    def label(self) -> str:
        return BASIS_LABELS[self]


BASIS_LABELS = {
    Basis.SERVICE_TYPE: "Service type",
    Basis.BILLING_MODE: "Billing mode",
    Basis.ASSOCIATION_TYPE: "Association type",
    Basis.ACCOUNT_MANAGER: "Account manager",
    Basis.CUSTOMER_ACCOUNT: "Customer account",
}


class Granularity(StrEnum):
    DAY = "day"
    MONTH = "month"

    def period_text(self, period: date) -> str:
        """'YYYY-MM-DD' or 'YYYY-MM', as the command line writes periods."""
        text = period.isoformat()  # ten times faster than strftime, on charts of thousands of points
        return text[:7] if self is Granularity.MONTH else text


class SortKey(StrEnum):
    AMOUNT = "amount"
    AMOUNT_PAID = "amount_paid"
    CASH_COUPON = "cash_coupon"
    NAME = "name"
    # The change of Amount against the comparison period (data_access.comparison orders the
    # groups by it). Like name, they pick the top N by Amount; rows, and groups without a
    # comparison, are in Amount order.
    CHANGE = "change"
    CHANGE_PERCENT = "change_percent"

    @property
    def measure(self) -> str:
        """The money measure that ranks the top N groups and orders detail rows."""
        return self.value if self in (SortKey.AMOUNT, SortKey.AMOUNT_PAID, SortKey.CASH_COUPON) else "amount"


ASSOCIATION_TYPES = ("Referral", "Reseller")
BILLING_MODES = ("Yearly/Monthly", "Pay-per-use", "Reserved instance", "Savings plan")
BILL_TYPES = ("Expenditure", "Refund", "Adjustment")

UNASSIGNED_LABEL = "Unassigned"
UNASSIGNED_KEY = ""  # the group key of spend with no account manager; manager ids are never empty
OTHERS_LABEL = "Others"
OTHERS_KEY = "__others__"

MAX_TOP_N = 50
MAX_SEARCH_LENGTH = 100
MAX_FILTER_VALUES = 500
MAX_FILTER_VALUE_LENGTH = 200  # the widest stored name or id
MAX_RANGE_YEARS = 3
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # as imports accept them


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose data a query may see: set on the server from the sign-in, never from the browser."""
    partner_id: str
    manager_id: str | None = None  # set for an account-manager sign-in: only their spend

    def __post_init__(self):
        if not isinstance(self.partner_id, str) or not self.partner_id:
            raise QueryError("partner is required")


Filters = tuple[tuple[Basis, tuple[str, ...]], ...]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _parse_day(value, field: Message) -> date:
    day = value if isinstance(value, date) else None
    if isinstance(value, str) and len(value) <= 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
    if day is None:
        raise QueryError("%(field)s: %(value)s is not a day (YYYY-MM-DD)", field=field, value=excerpt(value))
    if not FIRST_DAY <= day <= LAST_DAY:
        raise QueryError("%(field)s: %(day)s is not between %(first)s and %(last)s", field=field, day=day,
                         first=FIRST_DAY, last=LAST_DAY)
    return day


def _parse_enum(enum, value, field: Message):
    try:
        return enum(value)
    except (ValueError, TypeError):
        choices = ", ".join(member.value for member in enum)
        raise QueryError("%(field)s: unknown value %(value)s (one of %(choices)s)", field=field,
                         value=excerpt(value), choices=choices) from None


def _check_text(value: str, field: Message, max_length: int) -> str:
    if len(value) > max_length:
        raise QueryError("%(field)s is longer than %(count)s characters", field=field, count=max_length)
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        raise QueryError("%(field)s holds a control character", field=field)
    return value


def _parse_filters(value, field: Message) -> Filters:
    """{basis: [keys]} (or its normalised tuple form) -> sorted tuple of (Basis, sorted keys)."""
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, (list, tuple)) and all(isinstance(item, (list, tuple)) and len(item) == 2
                                                  for item in value):
        items = list(value)
    elif value is None:
        items = []
    else:
        raise QueryError("%(field)s: filters must map a dimension to a list of values", field=field)
    parsed = {}
    for basis, keys in items:
        basis = _parse_enum(Basis, basis, Message("%(field)s dimension", field=field))
        if not isinstance(keys, (list, tuple)) or not all(isinstance(key, str) for key in keys):
            raise QueryError("%(field)s %(basis)s: values must be a list of texts", field=field, basis=basis.value)
        if len(keys) > MAX_FILTER_VALUES:
            raise QueryError("%(field)s %(basis)s: at most %(count)s values", field=field, basis=basis.value,
                             count=MAX_FILTER_VALUES)
        for key in keys:
            _check_text(key, Message("%(field)s %(basis)s: a value", field=field, basis=basis.value),
                        MAX_FILTER_VALUE_LENGTH)
        if keys:
            parsed[basis] = tuple(sorted(set(keys)))
    return tuple(sorted(parsed.items()))


@dataclasses.dataclass(frozen=True)
class ExpenditureQuery:
    scope: Scope
    start: date
    end: date
    search: str = ""
    group_by: Basis = Basis.SERVICE_TYPE
    granularity: Granularity = Granularity.DAY
    top_n: int = 10
    sort_by: SortKey = SortKey.AMOUNT
    descending: bool = True
    include: Filters = ()
    exclude: Filters = ()
    hide_zero: bool = True
    compare: Compare = Compare.NONE

    def __post_init__(self):
        # Normalise in place (frozen: through object.__setattr__) so that equal questions are
        # equal queries, whichever spelling they came in.
        if not isinstance(self.scope, Scope):
            raise QueryError("scope is required")
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("start", _parse_day(self.start, FIELD_NAMES["start"]))
        set_("end", _parse_day(self.end, FIELD_NAMES["end"]))
        if self.start > self.end:
            raise QueryError("from (%(start)s) is after to (%(end)s)", start=self.start, end=self.end)
        if self.end > _add_years(self.start, MAX_RANGE_YEARS):
            raise QueryError("the time range is longer than %(count)s years", count=MAX_RANGE_YEARS)
        if not isinstance(self.search, str):
            raise QueryError("search must be a text")
        set_("search", _check_text(" ".join(self.search.split()), FIELD_NAMES["search"], MAX_SEARCH_LENGTH))
        for name, enum in (("group_by", Basis), ("granularity", Granularity), ("sort_by", SortKey)):
            set_(name, _parse_enum(enum, getattr(self, name), FIELD_NAMES[name]))
        if isinstance(self.top_n, bool) or not isinstance(self.top_n, int):
            raise QueryError("top N must be a whole number, not %(value)s", value=excerpt(self.top_n))
        if not 1 <= self.top_n <= MAX_TOP_N:
            raise QueryError("top N must be between 1 and %(most)s, not %(value)s", most=MAX_TOP_N,
                             value=self.top_n)
        for flag in ("descending", "hide_zero"):
            if not isinstance(getattr(self, flag), bool):
                raise QueryError("%(field)s must be true or false", field=FIELD_NAMES[flag])
        set_("compare", _parse_enum(Compare, self.compare, FIELD_NAMES["compare"]))
        set_("include", _parse_filters(self.include, FIELD_NAMES["include"]))
        set_("exclude", _parse_filters(self.exclude, FIELD_NAMES["exclude"]))

    def replace(self, **changes) -> ExpenditureQuery:
        return dataclasses.replace(self, **changes)

    def comparison(self) -> ExpenditureQuery | None:
        """The same question over the comparison period (same scope, search, filters and
        hide-zero setting), or None without a comparison."""
        period = comparison_range(self.start, self.end, self.compare)
        if period is None:
            return None
        return self.replace(start=period[0], end=period[1], compare=Compare.NONE)

    @classmethod
    def from_params(cls, scope: Scope, params: Mapping) -> ExpenditureQuery:
        """Build from plain values (URL, JSON of an export task, command line): the inverse of
        `to_params`. Unknown keys are an error, so a typo never silently widens a query."""
        if not isinstance(params, Mapping):
            raise QueryError("the query is not readable")
        known = {field.name for field in dataclasses.fields(cls)} - {"scope"}
        unknown = set(params) - known
        if unknown:
            raise QueryError("unknown query parameter(s): %(names)s",
                             names=shortened(", ".join(sorted(map(str, unknown)))))
        values = dict(params)
        if "top_n" in values and isinstance(values["top_n"], str):
            if not re.fullmatch(r"\s*-?[0-9]{1,9}\s*", values["top_n"]):
                raise QueryError("top N must be a whole number, not %(value)s", value=excerpt(values["top_n"]))
            values["top_n"] = int(values["top_n"])
        for flag in ("descending", "hide_zero"):
            if isinstance(values.get(flag), str):
                values[flag] = {"true": True, "1": True, "false": False, "0": False}.get(
                    values[flag].lower(), values[flag])
        if "start" not in values or "end" not in values:
            raise QueryError("from and to are required")
        return cls(scope=scope, **values)

    def to_params(self) -> dict:
        """Plain JSON-able values, without the scope (which the server supplies again)."""
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(), "search": self.search,
            "group_by": self.group_by.value, "granularity": self.granularity.value,
            "top_n": self.top_n, "sort_by": self.sort_by.value, "descending": self.descending,
            "include": {basis.value: list(keys) for basis, keys in self.include},
            "exclude": {basis.value: list(keys) for basis, keys in self.exclude},
            "hide_zero": self.hide_zero, "compare": self.compare.value,
        }

    def describe(self) -> str:
        """Which records the query selects, in words, for the export history and file headers
        (the grouping and granularity shape the charts, not which records match)."""
        parts = [f"{self.start} to {self.end}"]
        if self.search:
            parts.append(f"search \u201c{self.search}\u201d")
        for word, filters in (("only", self.include), ("excluding", self.exclude)):
            for basis, keys in filters:
                parts.append(f"{word} {basis.label.lower()}: {', '.join(keys) or UNASSIGNED_LABEL}")
        if not self.hide_zero:
            parts.append("zero expenditures shown")
        if (period := comparison_range(self.start, self.end, self.compare)) is not None:
            parts.append(f"compared with {period[0]} to {period[1]}")
        return "; ".join(parts)
