// Monitor helpers without DOM: area names qualified by municipality, stable class breaks,
// the areas left out of the best–worst pair, and the CSV of the shown table.

import { api, type AreaRow, type AreaValue, type IndicatorInfo } from "./api";

export const CLASSES = 5;
/** Best and worst areas are chosen among areas whose 95% interval is at most this many times
 * the median width (mirrors RELIABLE_WIDTH in groengezond.services.monitor). */
export const RELIABLE_WIDTH = 2;

/** Decimal places shown for an indicator's values. */
export function digits(ind: IndicatorInfo): number {
  return /eur/i.test(ind.unit) || ind.id === "inhabitants" || ind.id === "households" ? 0 : 1;
}

/**
 * Names of every area, qualified by municipality where a name repeats within its level:
 * "Binnenstad (Amersfoort)". A name that still repeats inside one municipality gets its wijk
 * as well ("Zuid (Oost, Utrecht)"), and if even that repeats, its code.
 */
export async function qualifiedNames(): Promise<Map<string, string>> {
  const levels = ["gemeente", "wijk", "buurt"] as const;
  const lists = await Promise.all(levels.map((lv) => api.areas(lv).then((d) => d.areas).catch(() => [] as AreaRow[])));
  return qualify(lists);
}

/** The names of areas given per level (each list one level), qualified as qualifiedNames does. */
export function qualify(lists: AreaRow[][]): Map<string, string> {
  const byCode = new Map<string, AreaRow>();
  lists.flat().forEach((a) => byCode.set(a.code, a));
  const gemeenteOf = (a: AreaRow): AreaRow | null => {
    let cur: AreaRow | undefined = a;
    for (let i = 0; cur && i < 6; i++) {
      if (cur.level === "gemeente") return cur;
      cur = cur.parent ? byCode.get(cur.parent) : undefined;
    }
    return null;
  };
  const out = new Map<string, string>();
  for (const list of lists) {
    const count = new Map<string, number>();
    list.forEach((a) => count.set(a.name, (count.get(a.name) ?? 0) + 1));
    const qualified = new Map<string, number>();
    const names = list.map((a) => {
      if ((count.get(a.name) ?? 0) < 2) return a.name;
      const gm = gemeenteOf(a);
      const q = gm && gm.code !== a.code ? `${a.name} (${gm.name})` : a.name;
      qualified.set(q, (qualified.get(q) ?? 0) + 1);
      return q;
    });
    // still the same within one municipality: name the wijk as well, else the code
    const second = list.map((a, i) => {
      if ((qualified.get(names[i]) ?? 0) < 2) return names[i];
      const wk = a.parent ? byCode.get(a.parent) : undefined;
      const gm = gemeenteOf(a);
      return wk && wk.level === "wijk" && gm ? `${a.name} (${wk.name}, ${gm.name})` : names[i];
    });
    const seen = new Map<string, number>();
    second.forEach((n) => seen.set(n, (seen.get(n) ?? 0) + 1));
    list.forEach((a, i) => out.set(a.code, (seen.get(second[i]) ?? 0) > 1 ? `${second[i]} ${a.code}` : second[i]));
  }
  return out;
}

/**
 * Class breaks (at most ``n - 1`` inner breaks) from the quantiles of every published value of
 * one indicator and level over all its years, rounded to the shown precision, so that a colour
 * means the same value range in every year.
 */
export function classBreaks(values: number[], places: number, n = CLASSES): number[] {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const out: number[] = [];
  if (v.length < 2) return out;
  const scale = 10 ** places;
  for (let i = 1; i < n; i++) {
    const q = Math.round(v[Math.min(v.length - 1, Math.floor((i * v.length) / n))] * scale) / scale;
    if (q > v[0] && (!out.length || q > out[out.length - 1])) out.push(q);
  }
  return out;
}

/** Index of the class a value falls in (a value equal to a break belongs to the upper class). */
export function classOf(value: number, breaks: number[]): number {
  let k = 0;
  while (k < breaks.length && value >= breaks[k]) k++;
  return k;
}

/** Areas left out of the best–worst choice: published values whose interval is wider than
 * RELIABLE_WIDTH times the median width of the level and year. */
export function tooUncertain(values: AreaValue[]): AreaValue[] {
  const shown = values.filter((v) => !v.suppressed && v.value !== null && v.lower !== null && v.upper !== null);
  const widths = shown.map((v) => (v.upper as number) - (v.lower as number)).sort((a, b) => a - b);
  if (!widths.length) return [];
  const mid = widths.length % 2 ? widths[(widths.length - 1) / 2] : (widths[widths.length / 2 - 1] + widths[widths.length / 2]) / 2;
  return shown.filter((v) => (v.upper as number) - (v.lower as number) > RELIABLE_WIDTH * mid);
}

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV (comma-separated, decimal point, UTF-8 with BOM) of rows under a header. */
export function toCsv(header: string[], rows: Array<Array<string | number | boolean | null>>): Blob {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(","));
  return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
}

/** Save a blob as a file (a temporary link; nothing leaves the browser). */
export function saveBlob(name: string, blob: Blob): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}

const CHART_CSS = `.axis,.grid{stroke:#bbb;stroke-width:1}.grid{stroke:#eee}.zero{stroke:#555;stroke-dasharray:3 3}
.tick{font:10px sans-serif;fill:#444}.band{fill:#31688e;fill-opacity:.15}.whisker{stroke:#31688e;stroke-opacity:.5}
.line{fill:none;stroke:#31688e;stroke-width:2}.dot{fill:#31688e}.suppressed-mark{font:12px sans-serif;fill:#888}`;

/** A chart as a standalone SVG file (its styles written in). */
export function svgBlob(svg: SVGSVGElement): Blob {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", "600");
  copy.setAttribute("height", "300");
  const style = document.createElementNS("http://www.w3.org/2000/svg", "style");
  style.textContent = CHART_CSS;
  copy.prepend(style);
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  for (const [k, v] of [["width", "100%"], ["height", "100%"], ["fill", "#ffffff"]]) bg.setAttribute(k, v);
  style.after(bg);
  return new Blob([new XMLSerializer().serializeToString(copy)], { type: "image/svg+xml" });
}

/** A chart as a PNG (the SVG drawn onto a canvas at 2× size). */
export async function svgPng(svg: SVGSVGElement): Promise<Blob> {
  const url = URL.createObjectURL(svgBlob(svg));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = 1200;
    canvas.height = 600;
    canvas.getContext("2d")!.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await canvasPng(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("png"))), "image/png"));
}

/** A file name part from free text. */
export function slug(text: string): string {
  return text.normalize("NFKD").replace(/[^\w-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase();
}

/** A feature's bounding box as [[west, south], [east, north]]. */
export function boundsOf(feature: GeoJSON.Feature): [[number, number], [number, number]] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1] as number); maxY = Math.max(maxY, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  visit((feature.geometry as GeoJSON.Polygon).coordinates);
  return [[minX, minY], [maxX, maxY]];
}

/** The middle of a feature's bounding box (lon, lat). */
export function centreOf(feature: GeoJSON.Feature): [number, number] {
  const [[w, s], [e, n]] = boundsOf(feature);
  return [(w + e) / 2, (s + n) / 2];
}
