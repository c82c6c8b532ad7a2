"""A group's colour, the same on every chart and tab: chosen from its key, not its rank."""
from __future__ import annotations

import zlib
from collections.abc import Iterable

from data_access.query import OTHERS_KEY

# Tableau 10, then darker and lighter hues that stay apart from them; no greys ("Others").
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#17becf", "#bcbd22", "#6b6ecf", "#e377c2", "#a0cbe8", "#ffbe7d", "#8cd17d",
    "#393b79", "#843c39", "#637939", "#d4a6c8",
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
