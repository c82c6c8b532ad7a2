"""A group's colour, the same on every chart and tab: chosen from its key, not its rank."""
from __future__ import annotations

import zlib
from collections.abc import Iterable

from data_access.query import OTHERS_KEY

# Twelve hues from Paul Tol's and Okabe & Ito's colour-blind-safe schemes, chosen so that every
# two stay apart (CIELAB distance at least 11) in normal vision and as deuteranopes, protanopes
# and tritanopes see them (Machado et al. 2009), and from the grey of "Others"; none so light
# that a line vanishes on white. tests/test_dashboard_colors.py checks it.
PALETTE = (
    "#332288", "#CC3311", "#56B4E9", "#228833", "#EE8866", "#882255",
    "#0072B2", "#CCBB44", "#EE3377", "#999933", "#CC79A7", "#AA3377",
)
OTHERS_COLOR = "#bab0ac"


def _slot(key: str) -> int:
    # crc32, not hash(): Python salts str hashes per process, and every worker must agree.
    return zlib.crc32(key.encode()) % len(PALETTE)


def group_colors(keys: Iterable[str]) -> dict[str, str]:
    """{key: colour}. Each key takes the palette slot its hash names; when two keys of the same
    chart want one slot, the later key in sorted order moves to the next free one, so the
    result depends on the set of keys shown, never on their order. "Others" is grey."""
    keys = set(keys)
    colors, taken = {}, set()
    for key in sorted(keys - {OTHERS_KEY}):
        slot = _slot(key)
        if len(taken) < len(PALETTE):
            while slot in taken:
                slot = (slot + 1) % len(PALETTE)
        taken.add(slot)
        colors[key] = PALETTE[slot]
    if OTHERS_KEY in keys:
        colors[OTHERS_KEY] = OTHERS_COLOR
    return colors
