"""The palette stays readable for colour-blind people: every two colours, and each against the
grey of "Others", stay apart as people with each kind of colour blindness see them."""
import itertools

import numpy as np

from dashboard.colors import OTHERS_COLOR, PALETTE

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
VISIONS = {
    "normal": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])
MIN_DISTANCE = 11  # CIE76; about 2.3 is "just noticeable"


def linear(hex_color: str) -> np.ndarray:
    channels = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    t = SRGB_TO_XYZ @ np.clip(rgb, 0, 1) / WHITE
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_palette_has_twelve_colours_apart_in_every_vision():
    assert len(set(PALETTE)) >= 12
    for vision, matrix in VISIONS.items():
        seen = {color: lab(matrix @ linear(color)) for color in (*PALETTE, OTHERS_COLOR)}
        for a, b in itertools.combinations(seen, 2):
            distance = np.linalg.norm(seen[a] - seen[b])
            assert distance >= MIN_DISTANCE, f"{a} and {b} look alike in {vision} ({distance:.1f})"


def test_no_colour_is_too_light_to_see_as_a_line_on_white():
    assert all(lab(linear(color))[0] < 80 for color in PALETTE)
