// Monitor view: choose an indicator, year and level; choropleth with legend; click (or pick)
// an area for its values, interval, trend and rank; the health gap and its trend.

import type maplibregl from "maplibre-gl";
import { api, type AreaDoc, type IndicatorInfo, type InequalityDoc, type ValuesDoc } from "./api";
import { lineChart } from "./chart";
import { gradientCss, hatchImage, NO_DATA, placeholderHatchImage, rampExpression, SUPPRESSED } from "./colour";
import { fmt, lang, nameOf, onLangChange, t } from "./i18n";
import { h } from "./dom";

const LEVELS = ["buurt", "wijk", "gemeente"] as const;


function digits(ind: IndicatorInfo): number {
  return /eur/i.test(ind.unit) || ind.id === "inhabitants" || ind.id === "households" ? 0 : 1;
}

function directionText(ind: IndicatorInfo): string {
  return ind.good_direction === "higher" ? t("higherBetter") : ind.good_direction === "lower" ? t("lowerBetter") : t("neutral");
}

function trendText(direction: string): string {
  return ({ rising: t("trendRising"), falling: t("trendFalling"), no_significant_change: t("trendNone") } as Record<string, string>)[direction] ?? t("trendInsufficient");
}

export class MonitorView {
  private indicators: IndicatorInfo[] = [];
  private indicator: IndicatorInfo | null = null;
  private level: string = "buurt";
  private year = 0;
  private selected: string | null = null;
  private shapes = new Map<string, GeoJSON.FeatureCollection>();
  private root: HTMLElement | null = null;
  private layersAdded = false;
  private requestId = 0;
  private placeholders = 0;
  private placeholderCodes = new Set<string>();

  constructor(private readonly map: maplibregl.Map, private readonly panel: HTMLElement, private readonly onReady: (v: ValuesDoc) => void = () => {}) {
    onLangChange(() => { if (this.root?.isConnected) void this.rebuild(); });
  }

  async activate(): Promise<void> {
    this.addLayers();
    this.setVisible(true);
    if (!this.indicators.length) {
      const list = await api.indicators();
      this.indicators = list.indicators;
      this.indicator = this.indicators.find((i) => i.id === list.default) ?? this.indicators[0] ?? null;
      this.year = this.indicator?.years.at(-1) ?? 0;
    }
    await this.rebuild();
  }

  deactivate(): void {
    this.setVisible(false);
  }

  private setVisible(on: boolean): void {
    for (const id of ["areas-fill", "areas-suppressed", "areas-placeholder", "areas-line", "areas-selected"]) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    }
  }

  private addLayers(): void {
    if (this.layersAdded) return;
    this.layersAdded = true;
    this.map.addImage("hatch", hatchImage());
    this.map.addSource("areas", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    this.map.addLayer({ id: "areas-fill", type: "fill", source: "areas", paint: { "fill-color": NO_DATA, "fill-opacity": 0.85 } });
    this.map.addLayer({ id: "areas-suppressed", type: "fill", source: "areas", filter: ["==", ["get", "suppressed"], true], paint: { "fill-pattern": "hatch", "fill-opacity": 0.9 } });
    // Areas whose polygon is a placeholder (their parent's): cross-hatched over their colour.
    this.map.addImage("placeholder-hatch", placeholderHatchImage());
    this.map.addLayer({ id: "areas-placeholder", type: "fill", source: "areas", filter: ["==", ["get", "geometry_quality"], "placeholder"], paint: { "fill-pattern": "placeholder-hatch", "fill-opacity": 0.9 } });
    this.map.addLayer({ id: "areas-line", type: "line", source: "areas", paint: { "line-color": "#ffffff", "line-width": 0.8 } });
    this.map.addLayer({ id: "areas-selected", type: "line", source: "areas", filter: ["==", ["get", "code"], ""], paint: { "line-color": "#111111", "line-width": 3 } });
    this.map.on("click", "areas-fill", (e) => {
      const code = e.features?.[0]?.properties?.code as string | undefined;
      if (code) void this.selectArea(code);
    });
    this.map.on("mouseenter", "areas-fill", () => { this.map.getCanvas().style.cursor = "pointer"; });
    this.map.on("mouseleave", "areas-fill", () => { this.map.getCanvas().style.cursor = ""; });
  }

  private async rebuild(): Promise<void> {
    this.panel.replaceChildren();
    const root = h("div", { class: "view monitor" });
    this.root = root;
    root.append(h("h2", {}, t("monitorTitle")));
    if (!this.indicator) {
      root.append(h("p", {}, t("noData")));
      this.panel.append(root);
      return;
    }
    const ind = this.indicator;
    const controls = h("div", { class: "controls" });
    const indSelect = h("select", { id: "indicator-select" });
    const byDomain = new Map<string, IndicatorInfo[]>();
    for (const i of this.indicators) byDomain.set(i.domain, [...(byDomain.get(i.domain) ?? []), i]);
    for (const [domain, items] of byDomain) {
      const group = h("optgroup", { label: domain });
      for (const i of items) {
        const opt = h("option", { value: i.id }, nameOf(i));
        if (i.id === ind.id) opt.selected = true;
        group.append(opt);
      }
      indSelect.append(group);
    }
    indSelect.addEventListener("change", () => {
      this.indicator = this.indicators.find((i) => i.id === indSelect.value) ?? ind;
      if (!this.indicator.years.includes(this.year)) this.year = this.indicator.years.at(-1) ?? 0;
      if (!this.indicator.levels.includes(this.level)) this.level = "buurt";
      void this.rebuild();
    });
    const yearSelect = h("select", { id: "year-select" });
    for (const y of ind.years) {
      const opt = h("option", { value: String(y) }, String(y));
      if (y === this.year) opt.selected = true;
      yearSelect.append(opt);
    }
    yearSelect.addEventListener("change", () => { this.year = Number(yearSelect.value); void this.refresh(); });
    const levelSelect = h("select", { id: "level-select" });
    for (const lv of LEVELS.filter((l) => ind.levels.includes(l))) {
      const opt = h("option", { value: lv }, t(lv));
      if (lv === this.level) opt.selected = true;
      levelSelect.append(opt);
    }
    levelSelect.addEventListener("change", () => { this.level = levelSelect.value; this.selected = null; void this.refresh(); });
    const areaSelect = h("select", { id: "area-select" });
    areaSelect.addEventListener("change", () => { if (areaSelect.value) void this.selectArea(areaSelect.value); });
    for (const [label, control] of [["indicator", indSelect], ["year", yearSelect], ["level", levelSelect], ["area", areaSelect]] as const) {
      const wrap = h("label", { class: "field" });
      wrap.append(h("span", {}, t(label)), control);
      controls.append(wrap);
    }
    root.append(controls);
    root.append(h("div", { class: "legend", id: "legend" }));
    root.append(h("section", { class: "area-panel", id: "area-panel", hidden: "" }));
    root.append(h("section", { class: "gap-panel", id: "gap-panel" }));
    this.panel.append(root);
    await this.refresh();
  }

  private async shapesOf(level: string): Promise<GeoJSON.FeatureCollection> {
    let fc = this.shapes.get(level);
    if (!fc) {
      fc = await api.areasGeoJSON(level);
      this.shapes.set(level, fc);
    }
    return fc;
  }

  private async refresh(): Promise<void> {
    const ind = this.indicator;
    if (!ind) return;
    const id = ++this.requestId;
    const [shapes, values] = await Promise.all([this.shapesOf(this.level), api.values(ind.id, this.level, this.year)]);
    if (id !== this.requestId) return;
    const byCode = new Map(values.values.map((v) => [v.area_code, v]));
    const data: GeoJSON.FeatureCollection = {
      type: "FeatureCollection",
      features: shapes.features.map((f) => {
        const v = byCode.get(String(f.id));
        return { ...f, properties: { ...f.properties, value: v?.value ?? null, suppressed: v?.suppressed ?? false, quality: v?.quality ?? "real" } };
      }),
    };
    this.placeholders = shapes.features.filter((f) => f.properties?.geometry_quality === "placeholder").length;
    this.placeholderCodes = new Set(shapes.features.filter((f) => f.properties?.geometry_quality === "placeholder").map((f) => String(f.id)));
    (this.map.getSource("areas") as maplibregl.GeoJSONSource).setData(data);
    const min = values.min ?? 0, max = values.max ?? 1;
    this.map.setPaintProperty("areas-fill", "fill-color", [
      "case",
      ["==", ["get", "suppressed"], true], SUPPRESSED,
      ["==", ["typeof", ["get", "value"]], "number"], rampExpression(["get", "value"], min, max),
      NO_DATA,
    ] as unknown as maplibregl.ExpressionSpecification);
    this.renderLegend(values);
    this.fillAreaSelect(values);
    if (this.selected && byCode.has(this.selected)) await this.selectArea(this.selected, false);
    else this.hideArea();
    await this.renderGap(ind);
    this.onReady(values);
  }

  private fillAreaSelect(values: ValuesDoc): void {
    const select = this.root?.querySelector<HTMLSelectElement>("#area-select");
    if (!select) return;
    select.replaceChildren(h("option", { value: "" }, t("chooseArea")));
    const sorted = [...values.values].sort((a, b) => a.name.localeCompare(b.name, lang()));
    for (const v of sorted) {
      const opt = h("option", { value: v.area_code }, `${v.name} (${v.area_code})`);
      if (v.area_code === this.selected) opt.selected = true;
      select.append(opt);
    }
  }

  private renderLegend(values: ValuesDoc): void {
    const legend = this.root?.querySelector<HTMLElement>("#legend");
    if (!legend) return;
    const ind = values.indicator;
    const d = digits(ind);
    legend.replaceChildren(
      h("div", { class: "legend-title" }, `${nameOf(ind)} (${ind.unit}), ${values.year}`),
      Object.assign(h("div", { class: "legend-bar", role: "img", "aria-label": `${fmt(values.min, d)} – ${fmt(values.max, d)}` }), {}),
      (() => {
        const row = h("div", { class: "legend-scale" });
        row.append(h("span", {}, fmt(values.min, d)), h("span", {}, directionText(ind)), h("span", {}, fmt(values.max, d)));
        return row;
      })(),
      (() => {
        const row = h("div", { class: "legend-swatches" });
        const sup = h("span", { class: "swatch suppressed" });
        const none = h("span", { class: "swatch nodata" });
        row.append(sup, h("span", {}, `${t("suppressed")} (${values.n_suppressed})`), none, h("span", {}, t("noData")));
        if (this.placeholders > 0) {
          row.append(h("span", { class: "swatch placeholder", id: "legend-placeholder" }), h("span", {}, t("placeholderArea", { n: this.placeholders })));
        }
        return row;
      })(),
    );
    const flagged = values.values.filter((v) => v.quality === "placeholder").length;
    if (flagged > 0) legend.append(h("p", { class: "quality-mark", id: "legend-quality" }, t("placeholderValues", { n: flagged, of: values.values.length })));
    (legend.querySelector(".legend-bar") as HTMLElement).style.background = gradientCss();
  }

  private hideArea(): void {
    const panel = this.root?.querySelector<HTMLElement>("#area-panel");
    if (panel) panel.hidden = true;
    this.map.setFilter("areas-selected", ["==", ["get", "code"], ""]);
  }

  async selectArea(code: string, fly = true): Promise<void> {
    const ind = this.indicator;
    if (!ind) return;
    this.selected = code;
    this.map.setFilter("areas-selected", ["==", ["get", "code"], code]);
    const select = this.root?.querySelector<HTMLSelectElement>("#area-select");
    if (select) select.value = code;
    const doc = await api.area(ind.id, code);
    this.renderArea(doc);
    if (fly) {
      const feature = (await this.shapesOf(this.level)).features.find((f) => String(f.id) === code);
      if (feature && !this.isVisible(feature)) this.map.easeTo({ center: centreOf(feature), duration: 400 });
    }
  }

  private isVisible(feature: GeoJSON.Feature): boolean {
    const [lon, lat] = centreOf(feature);
    return this.map.getBounds().contains([lon, lat]);
  }

  private renderArea(doc: AreaDoc): void {
    const panel = this.root?.querySelector<HTMLElement>("#area-panel");
    if (!panel) return;
    const ind = doc.indicator;
    const d = digits(ind);
    const now = doc.series.find((p) => p.year === this.year);
    panel.replaceChildren();
    const head = h("div", { class: "area-head" });
    head.append(h("h3", {}, `${doc.area.name}`), h("span", { class: "code" }, `${doc.area.code} · ${t(doc.area.level as "buurt")}`));
    const close = h("button", { type: "button", class: "close", "aria-label": t("close") }, "×");
    close.addEventListener("click", () => { this.selected = null; this.hideArea(); });
    head.append(close);
    panel.append(head);
    if (this.placeholderCodes.has(doc.area.code)) panel.append(h("p", { class: "quality-mark", id: "placeholder-note" }, t("placeholderAreaNote")));
    else if (now?.quality === "placeholder") panel.append(h("p", { class: "quality-mark", id: "placeholder-note" }, t("placeholderValue")));
    if (!now || now.suppressed) {
      panel.append(h("p", { class: "value suppressed-text" }, now ? t("suppressedWhy", { reason: now.suppression_reason }) : t("noData")));
    } else {
      panel.append(h("p", { class: "value" }, `${fmt(now.value, d)} ${ind.unit}`));
      if (now.lower !== null && now.upper !== null) panel.append(h("p", { class: "interval" }, t("interval", { lower: fmt(now.lower, d), upper: fmt(now.upper, d) })));
      panel.append(h("p", { class: "rank" }, now.rank ? t("rank", { rank: now.rank, of: now.of ?? "?", year: now.year }) : t("notRanked")));
    }
    if (doc.trend) {
      const tr = doc.trend;
      const slope = tr.slope_per_year !== null ? ` (${t("perYear", { value: fmt(tr.slope_per_year, 2) })})` : "";
      panel.append(h("p", { class: `trend trend-${tr.colour}` }, `${t("trend")}: ${tr.arrow} ${trendText(tr.direction)}${slope}`));
    }
    panel.append(lineChart(doc.series, { label: `${t("trend")} ${doc.area.name}`, format: (v) => fmt(v, d), suppressedLabel: t("suppressed") }));
    panel.hidden = false;
  }

  private async renderGap(ind: IndicatorInfo): Promise<void> {
    const panel = this.root?.querySelector<HTMLElement>("#gap-panel");
    if (!panel) return;
    let doc: InequalityDoc;
    try {
      doc = await api.inequality(ind.id, this.level);
    } catch {
      panel.replaceChildren(h("h3", {}, t("gapTitle")), h("p", {}, t("noGap")));
      return;
    }

    const d = digits(ind);
    panel.replaceChildren(h("h3", {}, t("gapTitle")));
    const row = doc.series.find((r) => r.year === this.year) ?? doc.series.at(-1);
    const dl = h("dl", { class: "gap" });
    const add = (term: string, desc: string) => dl.append(h("dt", {}, term), h("dd", {}, desc));
    if (row && !row.suppressed && row.sii !== null) {
      add(`${t("sii")} ${row.year}`, `${fmt(row.sii, d)} (${fmt(row.sii_lower, d)} – ${fmt(row.sii_upper, d)})`);
      add(t("rii"), `${fmt(row.rii, 3)} (${fmt(row.rii_lower, 3)} – ${fmt(row.rii_upper, 3)})`);
      add(t("quintileGap"), `${fmt(row.gap, d)} (${fmt(row.gap_lower, d)} – ${fmt(row.gap_upper, d)})`);
    }
    const bw = doc.best_worst.find((r) => r.year === this.year) ?? doc.best_worst.at(-1);
    if (bw && !bw.suppressed) {
      add(t("bestWorst", { level: t(this.level as "buurt").toLowerCase() }),
        `${bw.best_name} ${fmt(bw.best_value, d)} – ${bw.worst_name} ${fmt(bw.worst_value, d)} = ${fmt(bw.gap, d)} (${fmt(bw.gap_lower, d)} – ${fmt(bw.gap_upper, d)})`);
    }
    if (doc.not_computable) {
      // No SII: say why, in the UI's words for the engine's key (never a blank or 0).
      const why = doc.not_computable.key === "monitor.no_ranking" ? t("ncNoRanking") : t("ncTooFewAreas");
      panel.append(h("p", { class: "not-computable", id: "sii-not-computable" }, `${t("sii")}: ${t("notComputable", { reason: why })}`));
    }
    if (!dl.childElementCount) {
      if (!doc.not_computable) panel.append(h("p", {}, t("noGap")));
      return;
    }
    panel.append(dl);
    const change = { narrowing: t("gapNarrowing"), widening: t("gapWidening"), no_significant_change: t("gapNoChange") }[doc.best_worst_change] ?? t("gapInsufficient");
    panel.append(h("p", { class: `gap-change gap-${doc.best_worst_change}` }, change));
    if (doc.ranking) panel.append(h("p", { class: "note" }, t("rankedBy", { indicator: nameOf(this.indicators.find((i) => i.id === doc.ranking) ?? { name_nl: doc.ranking, name_en: doc.ranking }) })));
    const series = doc.series.map((r) => ({ year: r.year, value: r.sii, lower: r.sii_lower, upper: r.sii_upper, suppressed: r.suppressed }));
    if (series.length) panel.append(h("p", { class: "chart-title" }, t("siiTrend")), lineChart(series, { label: t("siiTrend"), format: (v) => fmt(v, d), suppressedLabel: t("suppressed"), zeroLine: true }));
  }
}

function centreOf(feature: GeoJSON.Feature): [number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1] as number); maxY = Math.max(maxY, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  visit((feature.geometry as GeoJSON.Polygon).coordinates);
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}
