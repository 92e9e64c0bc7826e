"""Badges for creators' sites and READMEs: an SVG with the name and this month's supporters
(and what waits, for a recipient nobody has claimed). Plain SVG text, escaped; the width
follows the text (a fixed advance per character of the 11 px sans-serif it is drawn in)."""

from __future__ import annotations

from html import escape

CHAR_PX = 7  # a generous advance for 11 px Verdana/DejaVu Sans: text never overflows
PAD_PX = 10


def _width(text: str) -> int:
    return len(text) * CHAR_PX + 2 * PAD_PX


def badge(label: str, value: str) -> str:
    """A two-part badge, "label | value", as an accessible SVG image."""
    left, right = _width(label), _width(value)
    title = escape(f"{label}: {value}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + right}" height="20" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<rect width="{left}" height="20" rx="3" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" rx="3" fill="#0b5cad"/>'
        f'<rect x="{left}" width="4" height="20" fill="#0b5cad"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{PAD_PX}" y="14">{escape(label)}</text>'
        f'<text x="{left + PAD_PX}" y="14">{escape(value)}</text></g></svg>'
    )


def supporters_text(count: int) -> str:
    return f"{count} supporter{'' if count == 1 else 's'} this month"
