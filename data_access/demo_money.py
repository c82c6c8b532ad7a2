"""Demo money in exact integer units of 10^-8 (numpy int64), turned into decimals without floats."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from data_access.money import DECIMALS
from data_access.schema import MONEY

CENT_UNITS = 10 ** (DECIMALS - 2)  # money is generated in integer units of 10^-8


def divide_half_up(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """numerator / denominator rounded half up, in integers (numerators are positive)."""
    return (2 * numerator + denominator) // (2 * denominator)


def steps(units: np.ndarray, step: np.ndarray) -> np.ndarray:
    """A fraction of an amount (float, in units), as a whole number of steps, at least one:
    the float only picks which; the result is an exact integer."""
    return np.maximum(1, np.round(units / step)).astype(np.int64) * step


def units_to_decimal(units: np.ndarray) -> pa.Array:
    """Exact decimal128 of MONEY from integer units of 10^-8: the 128-bit unscaled values,
    sign-extended."""
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63
    return pa.Array.from_buffers(pa.decimal128(MONEY.precision, MONEY.scale), len(units),
                                 [None, pa.py_buffer(words)])
