"""The stylesheet's text colours meet WCAG 2.1 AA (4.5:1) on the backgrounds they sit on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()
VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def colour(name: str) -> str:
    return VARS.get(name, name)


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((luminance(colour(fg)), luminance(colour(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


PAIRS = [
    ("ink", "#ffffff"),
    ("ink", "surface"),
    ("ink", "mark"),
    ("ink", "#fff8c5"),  # notices, hit note
    ("ink", "#fbeaea"),  # selected facet option
    ("muted", "#ffffff"),
    ("muted", "surface"),
    ("muted", "#fbeaea"),
    ("link", "#ffffff"),
    ("link", "surface"),
    ("link", "#fff8c5"),
    ("accent", "#ffffff"),
    ("#ffffff", "accent"),  # buttons
    ("#ffffff", "#7d1616"),  # button hover
    ("#ffffff", "ink"),  # current sort and page
    ("a-ink", "a-bg"),
    ("b-ink", "b-bg"),
    ("c-ink", "c-bg"),
    ("sample-ink", "sample-bg"),
]


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_text_contrast_is_aa(fg, bg):
    assert contrast(fg, bg) >= 4.5, f"{fg} on {bg}: {contrast(fg, bg):.2f}"


def test_focus_ring_is_visible_on_white():
    assert contrast("focus", "#ffffff") >= 3  # non-text contrast (1.4.11)
