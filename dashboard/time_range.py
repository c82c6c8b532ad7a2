"""The time range presets, as pure arithmetic on "today" in the partner's time zone."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from data_access.export_tasks import local_time
from i18n import N_, _


class Preset(StrEnum):
    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    LAST_3_MONTHS = "last_3_months"
    LAST_6_MONTHS = "last_6_months"
    LAST_12_MONTHS = "last_12_months"
    THIS_YEAR = "this_year"

    @property
    def label(self) -> str:
        return _(PRESET_LABELS[self])


PRESET_LABELS = {
    Preset.LAST_7_DAYS: N_("Last 7 days"), Preset.LAST_30_DAYS: N_("Last 30 days"),
    Preset.THIS_MONTH: N_("This month"), Preset.LAST_MONTH: N_("Last month"),
    Preset.LAST_3_MONTHS: N_("Last 3 months"), Preset.LAST_6_MONTHS: N_("Last 6 months"),
    Preset.LAST_12_MONTHS: N_("Last 12 months"), Preset.THIS_YEAR: N_("This year"),
}


CUSTOM = "custom"  # the time range is the days chosen, not a preset
CUSTOM_LABEL = N_("Custom range")
DEFAULT_PRESET = Preset.LAST_30_DAYS


def today_in(time_zone: str, now: datetime) -> date:
    """The calendar day it is in the partner's time zone (an offset such as "+08:00") at `now`,
    a naive UTC time."""
    return local_time(now, time_zone).date()


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def preset_range(preset: Preset, today: date) -> tuple[date, date]:
    """First and last day of the preset, both included. "Last N days" ends today; "last N
    months" are whole calendar months ending with this one (so monthly charts get N bars);
    "last month" is the whole previous calendar month."""
    preset = Preset(preset)
    if preset is Preset.LAST_7_DAYS:
        return today - timedelta(days=6), today
    if preset is Preset.LAST_30_DAYS:
        return today - timedelta(days=29), today
    if preset is Preset.THIS_MONTH:
        return _month_start(today), today
    if preset is Preset.LAST_MONTH:
        return _month_start(today, 1), _month_start(today) - timedelta(days=1)
    if preset is Preset.THIS_YEAR:
        return date(today.year, 1, 1), today
    months = {Preset.LAST_3_MONTHS: 3, Preset.LAST_6_MONTHS: 6, Preset.LAST_12_MONTHS: 12}[preset]
    return _month_start(today, months - 1), today
