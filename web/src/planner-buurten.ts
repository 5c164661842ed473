// A scenario's effects per buurt (the API's ScenarioResult.buurten): a sortable table and an
// effect map of one measure (Δ share within 300 m, Δ NDVI, Δ °C, deaths or depression cases
// prevented). Every number is the API's; a figure the API could not compute reads so, and its
// buurt is grey on the map, never 0.

import type maplibregl from "maplibre-gl";
import { api, type BuurtEffect } from "./api";
import { gradientCss, NO_DATA, rampExpression } from "./colour";
import { h } from "./dom";
import { boundsOf } from "./monitor-data";
import { formatSig } from "./format";
import { lang, t, type Key } from "./i18n";

export type BuurtMeasure = "access" | "ndvi" | "heat" | "deaths" | "depression";
export const MEASURES: BuurtMeasure[] = ["access", "ndvi", "heat", "deaths", "depression"];
type SortKey = "name" | "residents" | BuurtMeasure;

const LABEL: Record<SortKey, Key> = {
  name: "buurtName", residents: "buurtResidents", access: "buurtAccess", ndvi: "buurtNdvi",
  heat: "buurtHeat", deaths: "buurtDeaths", depression: "buurtDepression",
};

/** One measure of one buurt (null: not computable). Access in percentage points. */
export function buurtValue(b: BuurtEffect, m: BuurtMeasure): number | null {
  switch (m) {
    case "access": return 100 * (b.within_300m_after - b.within_300m_before);
    case "ndvi": return b.d_ndvi_500m;
    case "heat": return b.d_t_air_c;
    case "deaths": return b.deaths_prevented?.median ?? null;
    case "depression": return b.depression_cases_prevented?.median ?? null;
  }
}

/** A buurt figure as shown: 2 significant digits, "niet te berekenen" when null. */
export function buurtText(v: number | null): string {
  return v === null ? t("buurtNotComputable") : formatSig(v, 2, lang());
}

function sortValue(b: BuurtEffect, key: SortKey): number | string | null {
  if (key === "name") return b.name;
  if (key === "residents") return b.residents;
  return buurtValue(b, key);
}

export function sortBuurten(rows: BuurtEffect[], key: SortKey, ascending: boolean): BuurtEffect[] {
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // not computable last
    const c = typeof x === "string" ? x.localeCompare(String(y), lang()) : x - (y as number);
    return ascending ? c : -c;
  });
}

/** The per-buurt table; a header button sorts by its column (again: the other way). */
export class BuurtTable {
  private key: SortKey = "access";
  private ascending = false;

  constructor(private readonly rows: BuurtEffect[], private readonly onPick: (code: string) => void) {}

  render(): HTMLElement {
    const table = h("table", { id: "buurt-table", class: "compare buurt-table" });
    table.append(h("caption", {}, t("buurtTableCaption")));
    const head = h("tr", {});
    for (const key of ["name", "residents", ...MEASURES] as SortKey[]) {
      const th = h("th", { scope: "col" });
      if (key === this.key) th.setAttribute("aria-sort", this.ascending ? "ascending" : "descending");
      const b = h("button", { type: "button", class: "link", "data-sort": key }, t(LABEL[key]));
      b.addEventListener("click", () => {
        this.ascending = key === this.key ? !this.ascending : key === "name";
        this.key = key;
        (table.parentElement ?? table).replaceWith(this.render());
        document.querySelector<HTMLButtonElement>(`#buurt-table button[data-sort=${key}]`)?.focus();
      });
      th.append(b);
      head.append(th);
    }
    const thead = h("thead", {});
    thead.append(head);
    const tbody = h("tbody", {});
    for (const b of sortBuurten(this.rows, this.key, this.ascending)) {
      const tr = h("tr", { "data-code": b.code });
      const name = h("th", { scope: "row" });
      const link = h("button", { type: "button", class: "link area-link" }, b.name);
      link.addEventListener("click", () => this.onPick(b.code));
      name.append(link);
      tr.append(name, h("td", { class: "num" }, formatSig(b.residents, 3, lang())));
      for (const m of MEASURES) tr.append(h("td", { class: "num", "data-measure": m }, buurtText(buurtValue(b, m))));
      tbody.append(tr);
    }
    table.append(thead, tbody);
    // a region that scrolls sideways on a narrow screen, reachable with the keyboard
    const wrap = h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("buurtTableCaption") });
    wrap.append(table);
    return wrap;
  }
}

const SOURCE = "planner-buurten";
const LAYERS = ["planner-buurten-fill", "planner-buurten-line"];

/** The effect map: buurten coloured by one measure of the last result. */
export class BuurtMap {
  private shapes: GeoJSON.FeatureCollection | null = null;

  constructor(private readonly map: maplibregl.Map) {}

  /** Colour the buurten by ``measure``; returns the legend (or a note when nothing varies). */
  async show(rows: BuurtEffect[], measure: BuurtMeasure): Promise<HTMLElement> {
    this.shapes ??= await api.areasGeoJSON("buurt");
    const byCode = new Map(rows.map((b) => [b.code, buurtValue(b, measure)]));
    const features = this.shapes.features.map((f) => {
      const v = byCode.get(String(f.properties?.code));
      return { ...f, properties: { ...f.properties, value: v ?? null, has: v !== null && v !== undefined } };
    });
    const data: GeoJSON.FeatureCollection = { type: "FeatureCollection", features };
    const values = [...byCode.values()].filter((v): v is number => v !== null);
    const min = values.length ? Math.min(...values) : 0;
    const max = values.length ? Math.max(...values) : 0;
    const src = this.map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined;
    if (src) src.setData(data);
    else {
      this.map.addSource(SOURCE, { type: "geojson", data });
      // under the cooling blocks and the drawings, which stay readable on top
      const before = ["cooling-fill", "drawn-fill"].find((id) => this.map.getLayer(id));
      this.map.addLayer({ id: LAYERS[0], type: "fill", source: SOURCE, paint: { "fill-opacity": 0.7, "fill-color": NO_DATA } }, before);
      this.map.addLayer({ id: LAYERS[1], type: "line", source: SOURCE, paint: { "line-color": "#ffffff", "line-width": 1 } }, before);
    }
    const ramp = rampExpression(["get", "value"], min, max) as maplibregl.ExpressionSpecification;
    this.map.setPaintProperty(LAYERS[0], "fill-color", ["case", ["get", "has"], ramp, NO_DATA]);
    for (const id of LAYERS) this.map.setLayoutProperty(id, "visibility", "visible");
    const legend = h("div", { class: "legend", id: "buurt-legend", "data-measure": measure });
    legend.append(h("div", { class: "legend-title" }, t(LABEL[measure])));
    const bar = h("div", { class: "legend-bar", "aria-hidden": "true" });
    bar.style.background = gradientCss();
    const scale = h("div", { class: "legend-scale" });
    scale.append(h("span", { "data-end": "min" }, buurtText(min)), h("span", { "data-end": "max" }, buurtText(max)));
    legend.append(bar, scale);
    if (values.length < rows.length) legend.append(h("p", { class: "note" }, t("buurtGrey")));
    return legend;
  }

  /** Fit the map to one buurt (a click on its name in the table). */
  focus(code: string): void {
    const f = this.shapes?.features.find((x) => x.properties?.code === code);
    if (f) this.map.fitBounds(boundsOf(f), { padding: 60, duration: 300 });
  }

  clear(): void {
    for (const id of LAYERS) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, "visibility", "none");
  }
}
