"""Front-end units: the registry's units have Dutch words; web/src/format.ts formats numbers.

Every unit of the indicator registry has its Dutch words in the web app (web/src/i18n.ts).

The engine speaks in keys and units; the UI words them. A unit added to the registry without a
Dutch translation would show English in the Dutch app (the e2e Dutch-words scan finds that
only for the indicators its region has; this checks all of them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from groengezond.indicators.registry import load_registry

WEB = Path(__file__).resolve().parents[1] / "web"
I18N = WEB / "src" / "i18n.ts"


def test_every_registry_unit_has_dutch_words() -> None:
    text = I18N.read_text("utf-8")
    table = text[text.index("const UNITS_NL"):]
    table = table[:table.index("};")]
    keys = set(re.findall(r'^\s*"([^"]+)"\s*:', table, flags=re.M))
    keys |= set(re.findall(r"^\s*([A-Za-z_]+)\s*:", table, flags=re.M))
    units = {ind.unit for ind in load_registry().indicators}
    assert not sorted(units - keys)


# ------------------------------------------------------------------ web/src/format.ts
# format.ts is compiled with the project's tsc and run in node (no test runner needed): every
# case below is a call and the exact text it must give.

FORMAT_CASES: list[tuple[str, str]] = [
    # significant digits: 2–3, the same decimals for the median and both ends
    ('formatSig(1234.5, 3)', "1.230"),
    ('formatSig(1234.5, 3, "en")', "1,230"),
    ('formatSig(0.02345, 2)', "0,023"),
    ('intervalParts(0.0234, 0.0101, 0.0399).join("|")', "0,023|0,010|0,040"),
    ('intervalParts(12.34, 8.1, 17.9, 2, "en").join("|")', "12|8|18"),
    ('intervalParts(-0.0004, -0.03, 0.02).join("|")', "0,000|-0,030|0,020"),
    # never "-0" or "-0,0"
    ('formatFixed(-0.01, 1)', "0,0"),
    ('formatFixed(-0.0001, 0)', "0"),
    ('formatFixed(-0.00001, 2)', "0,00"),
    ('formatSig(-0.00001, 2)', "-0,000010"),
    ('formatFixed(-0.04, 1, "en")', "0.0"),
    ('formatFixed(null, 1)', "–"),
    ('formatSig(NaN, 2)', "–"),
    # euros: € on both ends; an assumption to its order of magnitude
    ('formatEuroRange(1178733, 4714932, true)', "€ 1 miljoen – € 5 miljoen"),
    ('formatEuroRange(1178733, 4714932, true, "en")', "€1 million – €5 million"),
    ('formatEuroRange(1178733, 4714932, false)', "€ 1,2 miljoen – € 4,7 miljoen"),
    ('formatEuroRange(30000, 100000, true)', "€ 30.000 – € 100.000"),
    ('formatEuroRange(31500, 98000, true)', "€ 30.000 – € 100.000"),
    ('formatEuro(12.5)', "€ 13"),
    ('formatEuro(-1500)', "-€ 1.500"),
    ('decimalsFor([0, 0])', "0"),
    ('decimalsFor([1234], 2)', "-2"),
]


def _node_and_tsc() -> tuple[str, Path]:
    node = shutil.which("node")
    tsc = WEB / "node_modules" / ".bin" / "tsc"
    if node is None or not tsc.exists():
        pytest.skip("node and web/node_modules (npm ci in web/) are needed for format.ts")
    return node, tsc


def test_format_ts_gives_locale_numbers_with_sensible_precision(tmp_path: Path) -> None:
    node, tsc = _node_and_tsc()
    out = tmp_path / "js"
    subprocess.run([str(tsc), "--outDir", str(out), "--module", "es2022", "--target", "es2022",
                    "--strict", "--skipLibCheck", str(WEB / "src" / "format.ts")],
                   check=True, capture_output=True, text=True, timeout=120)
    module = out / "format.mjs"
    (out / "format.js").rename(module)
    calls = ", ".join(f"() => String({expr})" for expr, _ in FORMAT_CASES)
    script = (f"import {{ decimalsFor, formatEuro, formatEuroRange, formatFixed, formatSig, "
              f"intervalParts }} from {json.dumps(module.as_uri())};\n"
              f"console.log(JSON.stringify([{calls}].map((f) => f())));\n")
    runner = tmp_path / "run.mjs"
    runner.write_text(script, "utf-8")
    done = subprocess.run([node, str(runner)], check=True, capture_output=True, text=True,
                          timeout=60)
    got = json.loads(done.stdout)
    wrong = [(expr, want, g) for (expr, want), g in zip(FORMAT_CASES, got, strict=True)
             if g != want]
    assert not wrong, wrong
    assert not any(re.search(r"-0([.,]0+)?(?![\d.,])", g) for g in got), got
