// The Evaluator's charts: the event study (effect per wave with its 95% interval) reuses the
// Monitor's line chart; treated against comparison is a two-line SVG chart. Suppressed points
// are marked, never drawn as 0.

import type { EvalSeriesRow, EventRow } from "./api";
import { lineChart } from "./chart";

const SVG = "http://www.w3.org/2000/svg";

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Event-study coefficients against event time (waves since the intervention). */
export function eventChart(rows: EventRow[], label: string, format: (v: number) => string, suppressedLabel: string): SVGSVGElement {
  const points = rows.map((r) => ({ year: r.e, value: r.coef, lower: r.ci_low, upper: r.ci_high, suppressed: r.suppressed }));
  const svg = lineChart(points, { label, format, suppressedLabel, zeroLine: true });
  svg.id = "ev-event-chart";
  return svg;
}

/** The treated mean and the comparison (mean or synthetic control) per year. */
export function seriesChart(rows: EvalSeriesRow[], opts: { label: string; treated: string; comparison: string; format: (v: number) => string }): SVGSVGElement {
  const w = 300, h = 160, left = 44, right = 18, top = 10, bottom = 40;
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": opts.label, class: "chart", id: "ev-series-chart" }) as SVGSVGElement;
  const values = rows.flatMap((r) => [r.treated, r.comparison]).filter((v): v is number => v !== null);
  if (!rows.length || !values.length) return svg;
  let y0 = Math.min(...values), y1 = Math.max(...values);
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.08;
  y0 -= pad; y1 += pad;
  const years = rows.map((r) => r.time);
  const xMin = Math.min(...years), xMax = Math.max(...years);
  const x = (yr: number) => left + (xMax === xMin ? 0.5 : (yr - xMin) / (xMax - xMin)) * (w - left - right);
  const y = (v: number) => top + (1 - (v - y0) / (y1 - y0)) * (h - top - bottom);
  svg.append(el("line", { x1: left, x2: w - right, y1: h - bottom, y2: h - bottom, class: "axis" }));
  for (const v of [y0 + pad, (y0 + y1) / 2, y1 - pad]) {
    svg.append(el("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end", class: "tick" }, opts.format(v)));
    svg.append(el("line", { x1: left, x2: w - right, y1: y(v), y2: y(v), class: "grid" }));
  }
  for (const yr of years) svg.append(el("text", { x: x(yr), y: h - bottom + 14, "text-anchor": "middle", class: "tick" }, String(yr)));
  const lines: Array<[keyof EvalSeriesRow, string, string, string]> = [
    ["treated", "#2b7a3d", "", opts.treated],
    ["comparison", "#555555", "4 3", opts.comparison],
  ];
  lines.forEach(([key, colour, dash, name], i) => {
    const shown = rows.filter((r) => r[key] !== null) as Array<EvalSeriesRow & Record<string, number>>;
    if (shown.length >= 2) {
      const d = shown.map((r, j) => `${j ? "L" : "M"}${x(r.time)},${y(r[key] as number)}`).join("");
      svg.append(el("path", { d, fill: "none", stroke: colour, "stroke-width": 2, "stroke-dasharray": dash || "none" }));
    }
    for (const r of shown) {
      const dot = el("circle", { cx: x(r.time), cy: y(r[key] as number), r: 3.5, fill: colour, "data-series": String(key) });
      dot.append(el("title", {}, `${name} ${r.time}: ${opts.format(r[key] as number)}`));
      svg.append(dot);
    }
    const lx = left + i * 120;
    svg.append(el("line", { x1: lx, x2: lx + 16, y1: h - 8, y2: h - 8, stroke: colour, "stroke-width": 2, "stroke-dasharray": dash || "none" }));
    svg.append(el("text", { x: lx + 20, y: h - 4, class: "tick" }, name));
  });
  return svg;
}
