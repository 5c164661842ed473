"""Every unit of the indicator registry has its Dutch words in the web app (web/src/i18n.ts).

The engine speaks in keys and units; the UI words them. A unit added to the registry without a
Dutch translation would show English in the Dutch app (the e2e Dutch-words scan finds that
only for the indicators its region has; this checks all of them).
"""

from __future__ import annotations

import re
from pathlib import Path

from groengezond.indicators.registry import load_registry

I18N = Path(__file__).resolve().parents[1] / "web" / "src" / "i18n.ts"


def test_every_registry_unit_has_dutch_words() -> None:
    text = I18N.read_text("utf-8")
    table = text[text.index("const UNITS_NL"):]
    table = table[:table.index("};")]
    keys = set(re.findall(r'^\s*"([^"]+)"\s*:', table, flags=re.M))
    keys |= set(re.findall(r"^\s*([A-Za-z_]+)\s*:", table, flags=re.M))
    units = {ind.unit for ind in load_registry().indicators}
    assert not sorted(units - keys)
