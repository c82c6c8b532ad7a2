"""Drill-down (SPEC.md, "Drill-down"): clicking a group narrows the view to it (an include
filter) and switches the grouping to the next basis; clicking "Others" shows the groups it
holds (the top N excluded, the grouping kept: the following page of groups). Each step is
remembered in the URL with what it replaced, so the breadcrumb can go back to any step.

Pure functions of the query: the callbacks check that the clicked group is one on screen.
"""
from __future__ import annotations

import dataclasses
import json

from data_access.query import OTHERS_KEY, Basis, ExpenditureQuery, Filters, QueryError, excerpt
from i18n import _
from i18n.terms import lower, term

NEXT_BASIS = {
    Basis.ACCOUNT_MANAGER: Basis.CUSTOMER_ACCOUNT,
    Basis.CUSTOMER_ACCOUNT: Basis.SERVICE_TYPE,
    Basis.SERVICE_TYPE: Basis.CUSTOMER_ACCOUNT,
    Basis.BILLING_MODE: Basis.SERVICE_TYPE,
    Basis.ASSOCIATION_TYPE: Basis.ACCOUNT_MANAGER,
}
# Past a basis already narrowed to one group (drilled into), the path goes on in this order:
# manager → customer account → service type → billing mode.
PATH = (Basis.ACCOUNT_MANAGER, Basis.CUSTOMER_ACCOUNT, Basis.SERVICE_TYPE, Basis.BILLING_MODE)
INCLUDE, EXCLUDE = "include", "exclude"
MAX_STEPS = 20


@dataclasses.dataclass(frozen=True)
class Step:
    """One drill: grouped by `basis`, the view kept the groups `keys` (include) or left them
    out ("Others": exclude); the filter of that kind on `basis` was `previous` before."""
    basis: Basis
    kind: str
    keys: tuple[str, ...]
    previous: tuple[str, ...] = ()

    @property
    def is_others(self) -> bool:
        return self.kind == EXCLUDE

    def to_text(self) -> str:
        return json.dumps([self.basis.value, self.kind, list(self.keys), list(self.previous)],
                          separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_text(cls, text) -> Step:
        """The step a URL names; QueryError when it is not one."""
        try:
            basis, kind, keys, previous = json.loads(text)
            step = cls(Basis(basis), kind, tuple(keys), tuple(previous))
        except (TypeError, ValueError):
            raise QueryError("drill: %(step)s is not a drill-down step", step=excerpt(text)) from None
        if kind not in (INCLUDE, EXCLUDE) or not step.keys or not all(
                isinstance(key, str) for key in (*step.keys, *step.previous)):
            raise QueryError("drill: %(step)s is not a drill-down step", step=excerpt(text))
        return step


def _filters(q: ExpenditureQuery, kind: str) -> Filters:
    return q.include if kind == INCLUDE else q.exclude


def _with_filter(q: ExpenditureQuery, kind: str, basis: Basis, keys) -> ExpenditureQuery:
    filters = {**dict(_filters(q, kind)), basis: tuple(keys)}
    return q.replace(**{kind: filters})


def next_basis(q: ExpenditureQuery) -> Basis:
    """The grouping after `q`'s: NEXT_BASIS, unless the view is already narrowed to one group of
    it (service type within one customer goes on to billing mode, not back to customers)."""
    narrowed = {basis for basis, keys in q.include if len(keys) == 1}
    candidates = (NEXT_BASIS[q.group_by], *PATH)
    return next((basis for basis in candidates if basis is not q.group_by and basis not in narrowed),
                NEXT_BASIS[q.group_by])


def drill(q: ExpenditureQuery, key: str, top_keys: list[str]) -> tuple[ExpenditureQuery, Step]:
    """The view of group `key` of `q`'s grouping, and the step that leads there. `top_keys`:
    the groups shown before "Others", which "Others" leaves out."""
    basis = q.group_by
    if key == OTHERS_KEY:
        previous = dict(q.exclude).get(basis, ())
        step = Step(basis, EXCLUDE, tuple(top_keys), previous)
        return _with_filter(q, EXCLUDE, basis, {*previous, *top_keys}), step
    step = Step(basis, INCLUDE, (key,), dict(q.include).get(basis, ()))
    narrowed = _with_filter(q, INCLUDE, basis, [key])
    return narrowed.replace(group_by=next_basis(narrowed)), step


def back(q: ExpenditureQuery, steps: tuple[Step, ...], level: int) -> tuple[ExpenditureQuery, tuple[Step, ...]]:
    """The view before step `level` (0: before the first drill), and the steps left."""
    if not 0 <= level < len(steps):
        raise QueryError("drill: no step %(level)s", level=level)
    for step in reversed(steps[level:]):
        q = _with_filter(q, step.kind, step.basis, step.previous).replace(group_by=step.basis)
    return q, steps[:level]


def crumb_text(step: Step, labels: dict[str, str]) -> str:
    """A step in the breadcrumb: the group chosen, or "Others" of the grouping."""
    if step.is_others:
        return _("Others (%(basis)s)", basis=lower(step.basis.label))
    return ", ".join(term(labels.get(key, key)) for key in step.keys)
