"""The time range presets: calendar arithmetic on today in the partner's time zone."""
from datetime import date, datetime

import pytest

from dashboard.time_range import Preset, preset_range, today_in


@pytest.mark.parametrize("preset, today, start, end", [
    (Preset.LAST_7_DAYS, date(2025, 3, 5), date(2025, 2, 27), date(2025, 3, 5)),
    (Preset.LAST_30_DAYS, date(2025, 3, 5), date(2025, 2, 4), date(2025, 3, 5)),
    (Preset.THIS_MONTH, date(2025, 3, 5), date(2025, 3, 1), date(2025, 3, 5)),
    (Preset.THIS_MONTH, date(2025, 3, 1), date(2025, 3, 1), date(2025, 3, 1)),
    (Preset.LAST_MONTH, date(2025, 3, 31), date(2025, 2, 1), date(2025, 2, 28)),
    (Preset.LAST_MONTH, date(2024, 3, 15), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
    (Preset.LAST_MONTH, date(2025, 1, 10), date(2024, 12, 1), date(2024, 12, 31)),  # across years
    (Preset.LAST_3_MONTHS, date(2025, 2, 14), date(2024, 12, 1), date(2025, 2, 14)),
    (Preset.LAST_6_MONTHS, date(2025, 6, 30), date(2025, 1, 1), date(2025, 6, 30)),
    (Preset.LAST_12_MONTHS, date(2025, 1, 31), date(2024, 2, 1), date(2025, 1, 31)),
    (Preset.THIS_YEAR, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 1)),
    (Preset.THIS_YEAR, date(2025, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
])
def test_preset_range(preset, today, start, end):
    assert preset_range(preset, today) == (start, end)


@pytest.mark.parametrize("preset", list(Preset))
def test_every_preset_ends_by_today_and_starts_before_it(preset):
    for today in (date(2024, 2, 29), date(2025, 1, 1), date(2025, 12, 31)):
        start, end = preset_range(preset, today)
        assert start <= end <= today


def test_presets_are_named_for_people():
    assert [preset.label for preset in Preset] == [
        "Last 7 days", "Last 30 days", "This month", "Last month", "Last 3 months",
        "Last 6 months", "Last 12 months", "This year"]


@pytest.mark.parametrize("offset, now, today", [
    ("+08:00", datetime(2025, 1, 31, 15, 59), date(2025, 1, 31)),
    ("+08:00", datetime(2025, 1, 31, 16, 0), date(2025, 2, 1)),   # midnight in Beijing
    ("-05:00", datetime(2025, 1, 1, 4, 59), date(2024, 12, 31)),
    ("+00:00", datetime(2025, 1, 1, 0, 0), date(2025, 1, 1)),
    ("+05:45", datetime(2025, 1, 1, 18, 15), date(2025, 1, 2)),
])
def test_today_is_the_partners_day(offset, now, today):
    assert today_in(offset, now) == today
