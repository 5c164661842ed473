"""Render reports: the Jinja2 environment, number formatting, and HTML to tagged PDF.

Templates live in ``templates/`` (autoescaped HTML, ``lang`` on the root element, one ``<h1>``,
tables with ``<th scope>``, images with ``alt``) so that the HTML is accessible as it is and
WeasyPrint can tag the PDF from its structure (PDF/UA-1: ``pdf_variant="pdf/ua-1"``, which
implies ``pdf_tags``; pikepdf finds the StructTreeRoot). No browser and no LaTeX are needed,
only WeasyPrint and Pango.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from groengezond import __version__
from groengezond.errors import InputError
from groengezond.region.store import atomic_file
from groengezond.reports.messages import LANGS, Lang, message, reason, unit

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")
PDF_VARIANT = "pdf/ua-1"
"""PDF/UA-1 (ISO 14289-1): a tagged PDF with a structure tree, title and language."""


def check_lang(lang: str, file: str = "--lang") -> Lang:
    """``lang`` as a :data:`Lang`, or an :class:`InputError` naming the choices."""
    if lang not in LANGS:
        raise InputError.single(file, "", "lang", f"unknown language {lang!r}",
                                "use nl (Dutch) or en (English)")
    return lang  # type: ignore[return-value]


def check_format(fmt: str, file: str = "--format") -> Format:
    """``fmt`` as a :data:`Format`, or an :class:`InputError` naming the choices."""
    if fmt not in FORMATS:
        raise InputError.single(file, "", "format", f"unknown report format {fmt!r}",
                                "use pdf or html")
    return fmt  # type: ignore[return-value]


def number(value: Any, decimals: int = 1, lang: Lang = "nl") -> str:
    """A number as a report prints it: fixed decimals, thousands grouped, Dutch or English.

    ``None`` and NaN print as an en dash; the caller says why a value is missing.

    Examples
    --------
    >>> number(12345.678, 1, "nl")
    '12.345,7'
    >>> number(12345.678, 1, "en")
    '12,345.7'
    """
    if value is None:
        return "–"
    x = float(value)
    if math.isnan(x):
        return "–"
    text = f"{abs(x):,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return "-" + text if x < 0 and any(c in "123456789" for c in text) else text


def euros(value: Any, lang: Lang = "nl") -> str:
    """Whole euros with grouped thousands (``€ 1.250.000`` in Dutch)."""
    return "€ " + number(value, 0, lang)


def sig_decimals(values: list[float], sig: int = 2) -> int:
    """Decimals that give ``sig`` significant digits to the largest of ``values`` (negative:
    round to tens, hundreds, ...; at most 6). The same rule as the web app's ``decimalsFor``
    (``web/src/format.ts``). All zero or no finite value gives 0.

    >>> sig_decimals([0.0184, 0.0059]), sig_decimals([596783.0]), sig_decimals([2.84])
    (3, -4, 1)
    """
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    big = max(finite, default=0.0)
    return 0 if big == 0 else min(6, sig - 1 - math.floor(math.log10(big)))


def _half_up(value: float, decimals: int) -> float:
    """``value`` rounded half away from zero to ``decimals`` (negative: tens, ...), no -0."""
    f = 10.0 ** decimals
    r = math.copysign(math.floor(abs(value) * f + 0.5) / f, value)
    return 0.0 if r == 0 else r


def interval_texts(median: float, lower: float | None, upper: float | None, sig: int = 2,
                   lang: Lang = "nl") -> tuple[str, str, str]:
    """A median and its interval, all three to the same decimals (``sig`` significant digits
    of the largest), as the web app's ``intervalParts`` writes them.

    >>> interval_texts(0.01108, 0.00591, 0.01843, 2, "nl")
    ('0,011', '0,006', '0,018')
    >>> interval_texts(float("nan"), None, None)
    ('–', '–', '–')
    """
    d = sig_decimals([median, lower or 0.0, upper or 0.0], sig)
    out = tuple(number(_half_up(v, d), max(0, d), lang)
                if v is not None and math.isfinite(v) else "–"
                for v in (median, lower, upper))
    return out[0], out[1], out[2]


def euro_sig(value: Any, sig: int = 2, lang: Lang = "nl") -> str:
    """Euros to ``sig`` significant digits; a million and more in words (``€ 13 miljoen``),
    as the web app's ``formatEuro``.

    >>> euro_sig(596783), euro_sig(12917556, 2, "nl"), euro_sig(2_500_000, 1, "en")
    ('€ 600.000', '€ 13 miljoen', '€ 3 million')
    """
    if value is None or not math.isfinite(float(value)):
        return "–"
    x = float(value)
    r = _half_up(x, min(2, sig_decimals([x], sig)))
    sign, a = ("-" if r < 0 else ""), abs(r)
    for size, nl, en in ((1e9, "miljard", "billion"), (1e6, "miljoen", "million")):
        if a >= size:
            m = _half_up(a / size, max(0, sig_decimals([a / size], sig)))
            text = number(m, max(0, sig_decimals([m], sig)), lang)
            if "," in text or "." in text:  # no trailing zeros: "8 miljoen", not "8,0"
                sep = "," if lang == "nl" else "."
                text = text.rstrip("0").rstrip(sep) if sep in text else text
            return f"{sign}€ {text} {nl if lang == 'nl' else en}"
    return f"{sign}€ {number(a, 0 if a >= 100 or a.is_integer() else 2, lang)}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescaped, strict undefined)."""
    env = Environment(loader=PackageLoader("groengezond.reports", "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    return env


def render_html(template: str, context: dict[str, Any], lang: Lang,
                today: date | None = None) -> str:
    """Render ``template`` with ``context``, the language's words and the printed date.

    Parameters
    ----------
    template : str
        File name under ``templates/`` (e.g. ``"area.html"``).
    context : dict
        The report's data (JSON-able).
    lang : {"nl", "en"}
        Language of every word.
    today : date, optional
        Printed date (default today).
    """
    env = environment()

    def t(key: str, **values: object) -> str:
        return message(key, lang, **values)

    def num(value: Any, decimals: int = 1) -> str:
        return number(value, decimals, lang)

    def eur(value: Any) -> str:
        return euros(value, lang)

    def ivs(median: float, lower: float | None, upper: float | None,
            sig: int = 2) -> tuple[str, str, str]:
        return interval_texts(median, lower, upper, sig, lang)

    def eur2(value: Any, sig: int = 2) -> str:
        return euro_sig(value, sig, lang)

    def unit_of(text: str) -> str:
        return unit(text, lang)

    def reason_of(text: str) -> str:
        return reason(text, lang)

    printed = today or date.today()
    return env.get_template(template).render(
        **context, lang=lang, t=t, num=num, eur=eur, ivs=ivs, eur2=eur2, unit=unit_of,
        why=reason_of,
        version=__version__,
        printed=printed.isoformat())


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of ``html``, rendered by WeasyPrint."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return bytes(pdf)


def render(template: str, context: dict[str, Any], lang: Lang, fmt: Format,
           today: date | None = None) -> bytes:
    """The report as bytes: UTF-8 HTML or a tagged PDF."""
    html = render_html(template, context, lang, today)
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def write_report(content: bytes, out: Path) -> Path:
    """Write a rendered report atomically (a temporary name, then rename)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(out) as tmp:
        Path(tmp).write_bytes(content)
    return out
