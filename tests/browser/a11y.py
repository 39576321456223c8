"""Accessibility and layout checks shared by the browser tests: unnamed controls in an ARIA
snapshot, focus indicators, sideways overflow."""

from __future__ import annotations

import re
from typing import Any

#: Roles a user operates: each must have an accessible name.
INTERACTIVE = ("button", "checkbox", "combobox", "slider", "link", "textbox", "spinbutton", "radio", "switch",
               "tab", "menuitem", "searchbox", "listbox")  # fmt: skip
_LINE = re.compile(r"^\s*- '?(?P<role>[a-z]+)(?P<rest>.*)$")


def unnamed(snapshot: str) -> list[str]:
    """Lines of a Playwright ARIA snapshot (``locator.aria_snapshot()``) whose interactive
    element has no accessible name: ``- button`` / ``- button: text`` rather than ``- button "Name"``."""
    out = []
    for line in snapshot.splitlines():
        m = _LINE.match(line)
        if m and m["role"] in INTERACTIVE and not m["rest"].lstrip().startswith('"'):
            out.append(line.strip())
    return out


def interactive_count(snapshot: str) -> int:
    return sum(1 for line in snapshot.splitlines() if (m := _LINE.match(line)) and m["role"] in INTERACTIVE)


def overflow(page: Any) -> tuple[int, int]:
    """(document width, viewport width): the page overflows sideways when the first is larger."""
    w, v = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    return int(w), int(v)


def focus_ring(page: Any) -> str:
    """The focused element's visible focus indicator ('' when it has none)."""
    return str(page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
            const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? `outline ${s.outlineWidth}` : '';
            return ring || (s.boxShadow !== 'none' ? `shadow ${s.boxShadow}` : ''); }"""
    ))  # fmt: skip
