"""Charts as SVG (hand-made, small) and maps rendered on the server (matplotlib to SVG).

Every chart is returned as SVG text; templates embed it as an ``<img>`` with a data URI and an
``alt`` text from the message table, so the HTML stays accessible and WeasyPrint draws it as
vectors in the PDF. The numbers of a chart are always also printed in a table next to it.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd

INK = "#1b3a2f"
ACCENT = "#1f7a4d"
MUTED = "#9bb5a7"
RANGE = "#d9e8df"
BREACH = "#b3261e"


@dataclass(frozen=True)
class Point:
    """One year of a trend: value and its 95 % interval (NaN when it has none)."""

    year: int
    value: float
    lower: float = math.nan
    upper: float = math.nan


def _tick(v: float) -> str:
    """An axis label: whole numbers with thousands separators from 1,000, else 3 digits."""
    return f"{v:,.0f}".replace(",", " ") if abs(v) >= 1000 else f"{v:.3g}"


def data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,...`` of an SVG document."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _svg(width: int, height: int, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
            f'font-size="10">{body}</svg>')


def trend_svg(points: Sequence[Point], width: int = 220, height: int = 90) -> str:
    """A small trend chart: dots per year, whiskers for the 95 % intervals, a joining line.

    Parameters
    ----------
    points : sequence of Point
        Years in any order; at least one with a finite value.
    width, height : int
        Size in CSS pixels.
    """
    pts = sorted((p for p in points if math.isfinite(p.value)), key=lambda p: p.year)
    if not pts:
        return _svg(width, height, "")
    lows = [p.lower if math.isfinite(p.lower) else p.value for p in pts]
    highs = [p.upper if math.isfinite(p.upper) else p.value for p in pts]
    lo, hi = min(lows), max(highs)
    pad = (hi - lo) * 0.1 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    y0, y1 = pts[0].year, pts[-1].year
    left, right, top, bottom = 46, 16, 8, 18

    def x(year: int) -> float:
        if y1 == y0:
            return (left + width - right) / 2
        return left + (year - y0) / (y1 - y0) * (width - left - right)

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * (height - top - bottom)

    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" '
             f'y2="{height - bottom}" stroke="{MUTED}"/>',
             f'<text x="{left - 3}" y="{y(hi - pad) + 3:.1f}" text-anchor="end">'
             f'{_tick(hi - pad)}</text>',
             f'<text x="{left - 3}" y="{y(lo + pad) + 3:.1f}" text-anchor="end">'
             f'{_tick(lo + pad)}</text>']
    if len(pts) > 1:
        line = " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in pts)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" '
                     'stroke-width="1.5"/>')
    for p, low, high in zip(pts, lows, highs, strict=True):
        cx = x(p.year)
        parts.append(f'<line x1="{cx:.1f}" y1="{y(low):.1f}" x2="{cx:.1f}" y2="{y(high):.1f}" '
                     f'stroke="{INK}"/>')
        parts.append(f'<circle cx="{cx:.1f}" cy="{y(p.value):.1f}" r="2.5" fill="{ACCENT}"/>')
        anchor = "start" if cx <= left + 1 else "end" if cx >= width - right - 1 else "middle"
        parts.append(f'<text x="{cx:.1f}" y="{height - 5}" text-anchor="{anchor}">{p.year}'
                     '</text>')
    return _svg(width, height, "".join(parts))


@dataclass(frozen=True)
class Bar:
    """One bar against an allowed range (shares 0-1)."""

    label: str
    share: float
    low: float
    high: float


def range_bars_svg(bars: Sequence[Bar], width: int = 560, row: int = 26) -> str:
    """Horizontal bars of shares (0-1), each over its allowed range (shaded); red outside it."""
    left, right = 200, 50
    height = row * len(bars) + 24
    scale = width - left - right

    def x(share: float) -> float:
        return left + max(0.0, min(share, 1.0)) * scale

    parts = []
    for i, b in enumerate(bars):
        top = 6 + i * row
        ok = b.low <= b.share <= b.high
        parts.append(f'<rect x="{x(b.low):.1f}" y="{top}" width="{x(b.high) - x(b.low):.1f}" '
                     f'height="{row - 8}" fill="{RANGE}"/>')
        parts.append(f'<rect x="{left}" y="{top + 5}" width="{x(b.share) - left:.1f}" '
                     f'height="{row - 18}" fill="{ACCENT if ok else BREACH}"/>')
        parts.append(f'<text x="{left - 6}" y="{top + 12}" text-anchor="end">{_esc(b.label)}'
                     '</text>')
        parts.append(f'<text x="{x(b.share) + 4:.1f}" y="{top + 12}">{b.share * 100:.1f}%'
                     '</text>')
    for tick in (0.0, 0.25, 0.5):
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 4}" text-anchor="middle">'
                     f'{tick * 100:.0f}%</text>')
    return _svg(width, height, "".join(parts))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def area_map_svg(areas: gpd.GeoDataFrame, code: str, width_in: float = 5.0) -> str:
    """Map of one area (filled) among its siblings (the areas with the same parent).

    Parameters
    ----------
    areas : GeoDataFrame
        The region's areas (``code``, ``level``, ``parent``, geometry in EPSG:28992).
    code : str
        The area to highlight.
    width_in : float
        Width of the figure in inches.

    Returns
    -------
    str
        SVG text (no XML declaration), drawn with matplotlib's Agg-free SVG backend.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    row = areas[areas["code"] == code].iloc[0]
    parent = row.get("parent")
    siblings = areas[(areas["level"] == row["level"]) & (areas["parent"] == parent)] \
        if isinstance(parent, str) else areas[areas["code"] == code]
    minx, miny, maxx, maxy = siblings.total_bounds
    ratio = (maxy - miny) / (maxx - minx) if maxx > minx else 1.0
    fig = Figure(figsize=(width_in, max(2.0, min(width_in * ratio, 6.0))))
    ax = fig.add_axes((0, 0, 1, 1))
    siblings.plot(ax=ax, facecolor="#eef3ef", edgecolor=MUTED, linewidth=0.5)
    areas[areas["code"] == code].plot(ax=ax, facecolor=ACCENT, edgecolor=INK, linewidth=1.0)
    ax.set_axis_off()
    ax.set_aspect("equal")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def scenario_map_svg(areas: gpd.GeoDataFrame, geometries: Sequence[object],
                     touched: set[str] | None = None, width_in: float = 5.0,
                     margin_m: float = 400.0) -> str:
    """Map of a plan: its interventions over the buurten around them (those with an effect
    shaded), framed on the plan plus ``margin_m`` metres (EPSG:28992).

    Returns
    -------
    str
        SVG text (no XML declaration).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import shapely
    from matplotlib.figure import Figure

    plan = gpd.GeoSeries(list(geometries), crs=areas.crs)
    minx, miny, maxx, maxy = plan.total_bounds
    minx, miny, maxx, maxy = minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m
    buurten = areas[areas["level"] == "buurt"]
    near = buurten[buurten.intersects(shapely.box(minx, miny, maxx, maxy))]
    ratio = (maxy - miny) / (maxx - minx) if maxx > minx else 1.0
    fig = Figure(figsize=(width_in, max(2.0, min(width_in * ratio, 6.0))))
    ax = fig.add_axes((0, 0, 1, 1))
    if len(near):
        near.plot(ax=ax, facecolor="#f4f7f5", edgecolor=MUTED, linewidth=0.5)
        hit = near[near["code"].isin(touched or set())]
        if len(hit):
            hit.plot(ax=ax, facecolor=RANGE, edgecolor=MUTED, linewidth=0.5)
    polys = plan[plan.geom_type.isin(["Polygon", "MultiPolygon"])]
    lines = plan[plan.geom_type.isin(["LineString", "MultiLineString"])]
    points = plan[plan.geom_type.isin(["Point", "MultiPoint"])]
    if len(polys):
        polys.plot(ax=ax, facecolor=ACCENT, edgecolor=INK, linewidth=1.0, alpha=0.85)
    if len(lines):
        lines.plot(ax=ax, color=INK, linewidth=2.5)
    if len(points):
        points.plot(ax=ax, color=ACCENT, markersize=6, edgecolor=INK, linewidth=0.3)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_axis_off()
    ax.set_aspect("equal")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]
