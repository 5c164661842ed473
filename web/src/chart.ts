// A small SVG line chart with a 95% interval band; suppressed years are marked, not drawn.

export interface ChartPoint {
  year: number;
  value: number | null;
  lower?: number | null;
  upper?: number | null;
  suppressed?: boolean;
}

const SVG = "http://www.w3.org/2000/svg";

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function lineChart(
  points: ChartPoint[],
  opts: { label: string; format: (v: number) => string; suppressedLabel: string; zeroLine?: boolean },
): SVGSVGElement {
  const w = 300, h = 150, left = 44, right = 18, top = 10, bottom = 24;
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": opts.label, class: "chart" }) as SVGSVGElement;
  const shown = points.filter((p) => p.value !== null && !p.suppressed);
  const years = points.map((p) => p.year);
  if (!years.length) return svg;
  const lows = shown.map((p) => p.lower ?? p.value!);
  const highs = shown.map((p) => p.upper ?? p.value!);
  let y0 = Math.min(...lows, ...(opts.zeroLine ? [0] : []));
  let y1 = Math.max(...highs, ...(opts.zeroLine ? [0] : []));
  if (!shown.length) { y0 = 0; y1 = 1; }
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.08;
  y0 -= pad; y1 += pad;
  const xMin = Math.min(...years), xMax = Math.max(...years);
  const x = (yr: number) => left + (xMax === xMin ? 0.5 : (yr - xMin) / (xMax - xMin)) * (w - left - right);
  const y = (v: number) => top + (1 - (v - y0) / (y1 - y0)) * (h - top - bottom);
  svg.append(el("line", { x1: left, x2: w - right, y1: h - bottom, y2: h - bottom, class: "axis" }));
  for (const v of [y0 + pad, (y0 + y1) / 2, y1 - pad]) {
    svg.append(el("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end", class: "tick" }, opts.format(v)));
    svg.append(el("line", { x1: left, x2: w - right, y1: y(v), y2: y(v), class: "grid" }));
  }
  if (opts.zeroLine && y0 < 0 && y1 > 0) svg.append(el("line", { x1: left, x2: w - right, y1: y(0), y2: y(0), class: "zero" }));
  for (const yr of years) svg.append(el("text", { x: x(yr), y: h - 6, "text-anchor": "middle", class: "tick" }, String(yr)));
  const band = shown.filter((p) => p.lower != null && p.upper != null);
  if (band.length >= 2) {
    const d = band.map((p, i) => `${i ? "L" : "M"}${x(p.year)},${y(p.upper!)}`).join("") +
      band.slice().reverse().map((p) => `L${x(p.year)},${y(p.lower!)}`).join("") + "Z";
    svg.append(el("path", { d, class: "band" }));
  }
  for (const p of band) svg.append(el("line", { x1: x(p.year), x2: x(p.year), y1: y(p.lower!), y2: y(p.upper!), class: "whisker" }));
  if (shown.length >= 2) {
    svg.append(el("path", { d: shown.map((p, i) => `${i ? "L" : "M"}${x(p.year)},${y(p.value!)}`).join(""), class: "line" }));
  }
  for (const p of shown) {
    const dot = el("circle", { cx: x(p.year), cy: y(p.value!), r: 3.5, class: "dot" });
    dot.append(el("title", {}, `${p.year}: ${opts.format(p.value!)}`));
    svg.append(dot);
  }
  for (const p of points.filter((q) => q.suppressed)) {
    const mark = el("text", { x: x(p.year), y: top + 12, "text-anchor": "middle", class: "suppressed-mark" }, "×");
    mark.append(el("title", {}, `${p.year}: ${opts.suppressedLabel}`));
    svg.append(mark);
  }
  return svg;
}
