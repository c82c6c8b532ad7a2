"""Which periods of a chart the data covers. Days after "data up to" (the latest day loaded)
are not zero but unknown: a series stops there. A month that is not complete — the month of
"data up to", or a month the range cuts — is partial, and drawn as such."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from data_access.query import ExpenditureQuery, Granularity


def next_period(period: date, granularity: Granularity) -> date:
    """The first day after `period` (a day, or the first day of a month)."""
    if granularity is Granularity.DAY:
        return period + timedelta(days=1)
    return date(period.year + period.month // 12, period.month % 12 + 1, 1)


@dataclasses.dataclass(frozen=True)
class Coverage:
    start: date
    end: date
    granularity: Granularity
    data_up_to: date | None  # None: nothing loaded (a chart is not drawn then)

    @classmethod
    def of(cls, query: ExpenditureQuery, data_up_to: date | None) -> Coverage:
        return cls(query.start, query.end, query.granularity, data_up_to)

    @property
    def cut(self) -> bool:
        """The range goes past the data."""
        return self.data_up_to is not None and self.data_up_to < self.end

    @property
    def last_day(self) -> date:
        """The last day with data in the range."""
        return min(self.end, self.data_up_to) if self.data_up_to is not None else self.end

    def drawn(self, points: tuple) -> tuple:
        """The points (with a `period`) up to "data up to"."""
        return tuple(point for point in points if point.period <= self.last_day)

    def is_partial(self, period: date) -> bool:
        """A month the range or the data does not cover whole; a day is always whole."""
        if self.granularity is Granularity.DAY:
            return False
        return period < self.start or next_period(period, self.granularity) - timedelta(days=1) > self.last_day

    def partial_periods(self, points: tuple) -> list[date]:
        return [point.period for point in points if self.is_partial(point.period)]
