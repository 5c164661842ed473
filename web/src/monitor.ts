// Monitor view: choose an indicator, year and level; a classed choropleth whose legend stays the
// same across years, tooltips and labels; a ranked, sortable table with the regional value;
// click (or pick) an area for its values, interval, trend and rank, or compare two areas; the
// gap between areas; green access; downloads of the table (CSV), map (PNG) and chart (PNG/SVG).

import maplibregl from "maplibre-gl";
import { api, type AreaDoc, type AreaValue, type IndicatorInfo, type InequalityDoc, type ValuesDoc } from "./api";
import { lineChart } from "./chart";
import { hatchImage, NO_DATA, placeholderHatchImage, SUPPRESSED, VIRIDIS } from "./colour";
import { fmt, hasKey, nameOf, onLangChange, reasonText, t, unitText, type Key } from "./i18n";
import { h } from "./dom";
import { AccessPanel } from "./monitor-access";
import { compareTable } from "./monitor-compare";
import { boundsOf, canvasPng, centreOf, classBreaks, CLASSES, digits, qualifiedNames, RELIABLE_WIDTH, saveBlob, slug, svgBlob, svgPng, toCsv, tooUncertain } from "./monitor-data";
import { rankedTable, shownName, type SortKey } from "./monitor-table";

const LEVELS = ["buurt", "wijk", "gemeente"] as const;
const MAX_LABELS = 40;

/** What the URL holds of the Monitor. */
export interface MonitorState {
  ind?: string;
  level?: string;
  year?: number;
  area?: string | null;
  compare?: string | null;
}

function directionText(ind: IndicatorInfo): string {
  return ind.good_direction === "higher" ? t("higherBetter") : ind.good_direction === "lower" ? t("lowerBetter") : t("neutral");
}

function trendText(direction: string): string {
  return ({ rising: t("trendRising"), falling: t("trendFalling"), no_significant_change: t("trendNone") } as Record<string, string>)[direction] ?? t("trendInsufficient");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The gap heading that fits the indicator's domain. */
function gapTitle(ind: IndicatorInfo): string {
  return ind.domain === "health" ? t("gapTitle") : ind.domain === "green" ? t("gapTitleGreen") : t("gapTitleOther");
}

/** Colours of the classes: spread over the viridis scale. */
function classColours(n: number): string[] {
  if (n <= 1) return [VIRIDIS[Math.floor(VIRIDIS.length / 2)]];
  return Array.from({ length: n }, (_, i) => VIRIDIS[Math.round((i * (VIRIDIS.length - 1)) / (n - 1))]);
}

export class MonitorView {
  private indicators: IndicatorInfo[] = [];
  private indicator: IndicatorInfo | null = null;
  private level: string = "buurt";
  private year = 0;
  private selected: string | null = null;
  private compare: string | null = null;
  private sort: { key: SortKey; ascending: boolean } = { key: "rank", ascending: true };
  private shapes = new Map<string, GeoJSON.FeatureCollection>();
  private valueCache = new Map<string, Promise<ValuesDoc>>();
  private names = new Map<string, string>();
  private current: ValuesDoc | null = null;
  private regional: AreaValue | null = null;
  private root: HTMLElement | null = null;
  private layersAdded = false;
  private requestId = 0;
  private placeholders = 0;
  private placeholderCodes = new Set<string>();
  private tooltip: maplibregl.Popup | null = null;
  private labels = new Map<string, maplibregl.Marker>();
  private access = new AccessPanel();
  /** False when the region has no addresses (green access cannot be computed). */
  hasAddresses = true;
  /** Called after the person changed what is shown (for the URL). */
  onStateChange: (s: MonitorState) => void = () => {};

  constructor(
    private readonly map: maplibregl.Map,
    private readonly panel: HTMLElement,
    private readonly onReady: (v: ValuesDoc) => void = () => {},
    private readonly announce: (text: string) => void = () => {},
  ) {
    onLangChange(() => { if (this.root?.isConnected) void this.rebuild(); });
  }

  /** The view as the URL holds it. */
  state(): MonitorState {
    return { ind: this.indicator?.id, level: this.level, year: this.year, area: this.selected, compare: this.compare };
  }

  private changed(): void {
    this.onStateChange(this.state());
  }

  /** Show the Monitor; with ``state``, at that indicator, level, year and area. */
  async activate(state: MonitorState = {}): Promise<void> {
    this.addLayers();
    this.setVisible(true);
    if (!this.indicators.length) {
      const [list, names] = await Promise.all([api.indicators(), qualifiedNames()]);
      this.names = names;
      this.indicators = list.indicators;
      this.indicator = this.indicators.find((i) => i.id === list.default) ?? this.indicators[0] ?? null;
      this.year = this.indicator?.years.at(-1) ?? 0;
    }
    this.applyState(state);
    await this.rebuild();
  }

  private applyState(s: MonitorState): void {
    const ind = s.ind ? this.indicators.find((i) => i.id === s.ind) : undefined;
    if (ind) this.indicator = ind;
    const cur = this.indicator;
    if (!cur) return;
    if (s.level && cur.levels.includes(s.level)) this.level = s.level;
    if (!cur.levels.includes(this.level)) this.level = "buurt";
    if (s.year !== undefined && cur.years.includes(s.year)) this.year = s.year;
    if (!cur.years.includes(this.year)) this.year = cur.years.at(-1) ?? 0;
    if (s.area !== undefined) this.selected = s.area;
    if (s.compare !== undefined) this.compare = s.compare;
  }

  deactivate(): void {
    this.setVisible(false);
    this.tooltip?.remove();
    this.labels.forEach((m) => m.remove());
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
      if (code) void this.selectArea(code).then(() => this.changed());
    });
    this.tooltip = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: "area-tooltip", offset: 12 });
    this.map.on("mousemove", "areas-fill", (e) => {
      this.map.getCanvas().style.cursor = "pointer";
      const code = e.features?.[0]?.properties?.code as string | undefined;
      const text = code ? this.tooltipText(code) : null;
      if (text) this.tooltip?.setLngLat(e.lngLat).setText(text).addTo(this.map);
    });
    this.map.on("mouseleave", "areas-fill", () => { this.map.getCanvas().style.cursor = ""; this.tooltip?.remove(); });
    this.map.on("moveend", () => { if (this.root?.isConnected) this.placeLabels(); });
  }

  private tooltipText(code: string): string | null {
    const v = this.current?.values.find((x) => x.area_code === code);
    const ind = this.indicator;
    if (!v || !ind) return null;
    const value = v.suppressed ? t("suppressed") : v.value === null ? t("noData") : `${fmt(v.value, digits(ind))} ${unitText(ind.unit)}`;
    return `${shownName(v, this.names)}: ${value}`;
  }

  private values(id: string, level: string, year: number): Promise<ValuesDoc> {
    const key = `${id}|${level}|${year}`;
    let p = this.valueCache.get(key);
    if (!p) {
      p = api.values(id, level, year);
      p.catch(() => this.valueCache.delete(key));
      this.valueCache.set(key, p);
    }
    return p;
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
      const key = `domain_${domain}`;
      const group = h("optgroup", { label: hasKey(key) ? t(key) : domain });
      for (const i of items) {
        const opt = h("option", { value: i.id }, nameOf(i));
        if (i.id === ind.id) opt.selected = true;
        group.append(opt);
      }
      indSelect.append(group);
    }
    indSelect.addEventListener("change", () => {
      this.applyState({ ind: indSelect.value });
      this.changed();
      void this.rebuild();
    });
    const yearSelect = h("select", { id: "year-select" });
    for (const y of ind.years) {
      const opt = h("option", { value: String(y) }, String(y));
      if (y === this.year) opt.selected = true;
      yearSelect.append(opt);
    }
    yearSelect.addEventListener("change", () => { this.year = Number(yearSelect.value); this.changed(); void this.refresh(); });
    const levelSelect = h("select", { id: "level-select" });
    for (const lv of LEVELS.filter((l) => ind.levels.includes(l))) {
      const opt = h("option", { value: lv }, t(lv));
      if (lv === this.level) opt.selected = true;
      levelSelect.append(opt);
    }
    levelSelect.addEventListener("change", () => {
      this.level = levelSelect.value;
      this.selected = null;
      this.compare = null;
      this.changed();
      void this.refresh();
    });
    const areaSelect = h("select", { id: "area-select" });
    areaSelect.addEventListener("change", () => {
      if (areaSelect.value) void this.selectArea(areaSelect.value).then(() => this.changed());
      else { this.selected = null; this.hideArea(); this.changed(); }
    });
    const compareSelect = h("select", { id: "compare-select" });
    compareSelect.addEventListener("change", () => {
      this.compare = compareSelect.value || null;
      this.changed();
      void this.renderCompare();
    });
    for (const [label, control] of [["indicator", indSelect], ["year", yearSelect], ["level", levelSelect], ["area", areaSelect], ["compareWith", compareSelect]] as const) {
      const wrap = h("label", { class: "field" });
      wrap.append(h("span", {}, t(label)), control);
      controls.append(wrap);
    }
    root.append(controls);
    root.append(h("div", { class: "legend", id: "legend" }));
    const downloads = h("div", { class: "buttons downloads" });
    const dl = (id: string, label: Key, run: () => Promise<void> | void) => {
      const b = h("button", { type: "button", id }, t(label));
      b.addEventListener("click", () => void run());
      downloads.append(b);
    };
    dl("download-csv", "downloadCsv", () => this.downloadCsv());
    dl("download-map", "downloadMapPng", () => this.downloadMap());
    // the map's areas with their values, as GIS software reads them (the server writes the file)
    downloads.append(h("a", { class: "button", id: "download-gpkg", download: "", href: this.gpkgUrl() }, t("downloadMapGpkg")));
    root.append(downloads);
    root.append(h("section", { class: "area-panel", id: "area-panel", hidden: "" }));
    root.append(h("section", { class: "compare-panel", id: "compare-panel", hidden: "" }));
    root.append(h("section", { class: "gap-panel", id: "gap-panel" }));
    const tableSection = h("section", { class: "table-panel" });
    tableSection.append(h("h3", {}, t("tableTitle")), h("div", { id: "table-slot" }));
    root.append(tableSection);
    root.append(h("section", { class: "access-panel", id: "access-panel" }));
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

  /** Class breaks of the indicator at the level over all its years (the same for every year). */
  private async breaksOf(ind: IndicatorInfo, level: string): Promise<number[]> {
    const docs = await Promise.all(ind.years.map((y) => this.values(ind.id, level, y)));
    const all = docs.flatMap((d) => d.values.filter((v) => !v.suppressed && v.value !== null).map((v) => v.value as number));
    return classBreaks(all, digits(ind));
  }

  private async refresh(): Promise<void> {
    const ind = this.indicator;
    if (!ind) return;
    const id = ++this.requestId;
    const regionYear = ind.levels.includes("region") ? this.values(ind.id, "region", this.year).catch(() => null) : Promise.resolve(null);
    const [shapes, values, breaks, region] = await Promise.all([
      this.shapesOf(this.level), this.values(ind.id, this.level, this.year), this.breaksOf(ind, this.level), regionYear]);
    if (id !== this.requestId) return;
    this.current = values;
    this.regional = region?.values[0] ?? null;
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
    const colours = classColours(breaks.length + 1);
    // one class (fewer than two distinct values) is one colour: a step needs a break
    const step: unknown = breaks.length ? ["step", ["get", "value"], colours[0], ...breaks.flatMap((b, i) => [b, colours[i + 1]])] : colours[0];
    this.map.setPaintProperty("areas-fill", "fill-color", [
      "case",
      ["==", ["get", "suppressed"], true], SUPPRESSED,
      ["==", ["typeof", ["get", "value"]], "number"], step,
      NO_DATA,
    ] as unknown as maplibregl.ExpressionSpecification);
    this.renderLegend(values, breaks, colours);
    this.root?.querySelector<HTMLAnchorElement>("#download-gpkg")?.setAttribute("href", this.gpkgUrl());
    this.fillAreaSelects(values);
    this.renderTable();
    this.placeLabels();
    if (this.selected && byCode.has(this.selected)) await this.selectArea(this.selected, false);
    else { this.selected = null; this.hideArea(); }
    await this.renderCompare();
    await this.renderGap(ind);
    void this.renderAccess();
    this.announce(t("announceMap", { indicator: nameOf(ind), level: t(this.level as "buurt").toLowerCase(), year: this.year, n: values.n_areas - values.n_suppressed }));
    this.onReady(values);
  }

  private renderTable(): void {
    const slot = this.root?.querySelector<HTMLElement>("#table-slot");
    const ind = this.indicator, values = this.current;
    if (!slot || !ind || !values) return;
    slot.replaceChildren(rankedTable({
      values: values.values, names: this.names, places: digits(ind), unit: unitText(ind.unit),
      hasInterval: ind.has_interval, regional: this.regional, sort: this.sort, selected: this.selected,
      onSort: (key) => {
        this.sort = { key, ascending: this.sort.key === key ? !this.sort.ascending : key !== "value" };
        this.renderTable();
        this.root?.querySelector<HTMLButtonElement>(`#ranked-table button[data-sort=${key}]`)?.focus();
      },
      onPick: (code) => void this.selectArea(code, true, true).then(() => this.changed()),
    }));
  }

  private placeLabels(): void {
    this.labels.forEach((m) => m.remove());
    const fc = this.shapes.get(this.level);
    if (!fc || !this.current) return;
    const bounds = this.map.getBounds();
    const inView = fc.features.filter((f) => bounds.contains(centreOf(f)));
    if (inView.length > MAX_LABELS) return;
    for (const f of inView) {
      const code = String(f.id);
      let marker = this.labels.get(code);
      if (!marker) {
        const el = h("div", { class: "area-label", "aria-hidden": "true" });
        marker = new maplibregl.Marker({ element: el }).setLngLat(centreOf(f));
        this.labels.set(code, marker);
      }
      marker.getElement().textContent = this.names.get(code) ?? String(f.properties?.name ?? code);
      marker.addTo(this.map);
    }
  }

  private fillAreaSelects(values: ValuesDoc): void {
    const sorted = [...values.values].sort((a, b) => shownName(a, this.names).localeCompare(shownName(b, this.names)));
    for (const [id, current, empty] of [["#area-select", this.selected, "chooseArea"], ["#compare-select", this.compare, "compareNone"]] as const) {
      const select = this.root?.querySelector<HTMLSelectElement>(id);
      if (!select) continue;
      select.replaceChildren(h("option", { value: "" }, t(empty)));
      for (const v of sorted) {
        const opt = h("option", { value: v.area_code }, `${shownName(v, this.names)} (${v.area_code})`);
        if (v.area_code === current) opt.selected = true;
        select.append(opt);
      }
    }
    if (this.compare && !values.values.some((v) => v.area_code === this.compare)) this.compare = null;
  }

  private renderLegend(values: ValuesDoc, breaks: number[], colours: string[]): void {
    const legend = this.root?.querySelector<HTMLElement>("#legend");
    if (!legend) return;
    const ind = this.indicator ?? values.indicator;
    const d = digits(ind);
    const list = h("ul", { class: "legend-classes", id: "legend-classes" });
    const counts = new Array<number>(colours.length).fill(0);
    for (const v of values.values) {
      if (v.suppressed || v.value === null) continue;
      let k = 0;
      while (k < breaks.length && v.value >= breaks[k]) k++;
      counts[k]++;
    }
    colours.forEach((colour, i) => {
      const lo = i === 0 ? null : breaks[i - 1], hi = i < breaks.length ? breaks[i] : null;
      const range = lo === null && hi === null ? t("allValues") : lo === null ? `< ${fmt(hi, d)}` : hi === null ? `≥ ${fmt(lo, d)}` : `${fmt(lo, d)} – < ${fmt(hi, d)}`;
      const row = h("li");
      const box = h("span", { class: "swatch" });
      box.style.background = colour;
      row.append(box, h("span", {}, `${range} (${counts[i]})`));
      list.append(row);
    });
    const rest = h("li");
    rest.append(h("span", { class: "swatch suppressed" }), h("span", {}, `${t("suppressed")} (${values.n_suppressed})`));
    const none = h("li");
    none.append(h("span", { class: "swatch nodata" }), h("span", {}, t("noData")));
    list.append(rest, none);
    legend.replaceChildren(
      h("div", { class: "legend-title" }, `${nameOf(ind)} (${unitText(ind.unit)}), ${values.year}`),
      list,
      h("p", { class: "note" }, `${capitalise(directionText(ind))}. ${t("legendStable", { n: CLASSES, years: `${ind.years[0]}–${ind.years.at(-1)}` })}`),
    );
    if (this.placeholders > 0) {
      const row = h("div", { class: "legend-swatches" });
      row.append(h("span", { class: "swatch placeholder", id: "legend-placeholder" }),
        h("span", {}, t("placeholderArea", { n: this.placeholders })));
      legend.append(row);
    }
    const flagged = values.values.filter((v) => v.quality === "placeholder").length;
    if (flagged > 0) legend.append(h("p", { class: "quality-mark", id: "legend-quality" }, t("placeholderValues", { n: flagged, of: values.values.length })));
  }

  private hideArea(): void {
    const panel = this.root?.querySelector<HTMLElement>("#area-panel");
    if (panel) panel.hidden = true;
    this.highlight();
  }

  private highlight(): void {
    const codes = [this.selected, this.compare].filter((c): c is string => !!c);
    this.map.setFilter("areas-selected", ["in", ["get", "code"], ["literal", codes]]);
    this.root?.querySelectorAll("#ranked-table tr.selected").forEach((tr) => tr.classList.remove("selected"));
    if (this.selected) this.root?.querySelector(`#ranked-table tr[data-code="${CSS.escape(this.selected)}"]`)?.classList.add("selected");
  }

  /** Select an area: its panel; ``fly`` brings it into view (``zoom`` also fits it). */
  async selectArea(code: string, fly = true, zoom = false): Promise<void> {
    const ind = this.indicator;
    if (!ind) return;
    this.selected = code;
    this.highlight();
    const select = this.root?.querySelector<HTMLSelectElement>("#area-select");
    if (select) select.value = code;
    const doc = await api.area(ind.id, code);
    this.renderArea(doc);
    void this.renderAccess();
    if (fly) {
      const feature = (await this.shapesOf(this.level)).features.find((f) => String(f.id) === code);
      if (feature && zoom) this.map.fitBounds(boundsOf(feature), { padding: 40, maxZoom: 15, duration: 500 });
      else if (feature && !this.isVisible(feature)) this.map.easeTo({ center: centreOf(feature), duration: 400 });
    }
  }

  private isVisible(feature: GeoJSON.Feature): boolean {
    return this.map.getBounds().contains(centreOf(feature));
  }

  private renderArea(doc: AreaDoc): void {
    const panel = this.root?.querySelector<HTMLElement>("#area-panel");
    if (!panel) return;
    const ind = doc.indicator;
    const d = digits(ind);
    const now = doc.series.find((p) => p.year === this.year);
    const name = this.names.get(doc.area.code) ?? doc.area.name;
    panel.replaceChildren();
    const head = h("div", { class: "area-head" });
    head.append(h("h3", {}, name), h("span", { class: "code" }, `${doc.area.code} · ${t(doc.area.level as "buurt")}`));
    const close = h("button", { type: "button", class: "close", "aria-label": t("close") }, "×");
    close.addEventListener("click", () => { this.selected = null; this.hideArea(); this.changed(); });
    head.append(close);
    panel.append(head);
    if (this.placeholderCodes.has(doc.area.code)) panel.append(h("p", { class: "quality-mark", id: "placeholder-note" }, t("placeholderAreaNote")));
    else if (now?.quality === "placeholder") panel.append(h("p", { class: "quality-mark", id: "placeholder-note" }, t("placeholderValue")));
    if (!now || now.suppressed) {
      panel.append(h("p", { class: "value suppressed-text" }, now ? t("suppressedWhy", { reason: reasonText(now.suppression_reason) }) : t("noData")));
    } else {
      panel.append(h("p", { class: "value" }, `${fmt(now.value, d)} ${unitText(ind.unit)}`));
      if (ind.has_interval && now.lower !== null && now.upper !== null) panel.append(h("p", { class: "interval" }, t("interval", { lower: fmt(now.lower, d), upper: fmt(now.upper, d) })));
      panel.append(h("p", { class: "rank" }, now.rank ? t("rank", { rank: now.rank, of: now.of ?? "?", year: now.year }) : t("notRanked")));
      if (this.regional?.value != null) panel.append(h("p", { class: "regional" }, t("regionalIs", { value: fmt(this.regional.value, d) })));
    }
    if (doc.trend) {
      const tr = doc.trend;
      const slope = tr.slope_per_year !== null ? ` (${t("perYear", { value: fmt(tr.slope_per_year, 2) })})` : "";
      panel.append(h("p", { class: `trend trend-${tr.colour}` }, `${t("trend")}: ${tr.arrow} ${trendText(tr.direction)}${slope}`));
    }
    const series = ind.has_interval ? doc.series : doc.series.map((p) => ({ ...p, lower: null, upper: null }));
    const chart = lineChart(series, { label: `${t("trend")} ${name}`, format: (v) => fmt(v, d), suppressedLabel: t("suppressed") });
    panel.append(chart);
    const buttons = h("div", { class: "buttons downloads" });
    const file = `${slug(ind.id)}-${slug(doc.area.code)}`;
    const png = h("button", { type: "button", id: "download-chart-png" }, t("downloadChartPng"));
    png.addEventListener("click", () => void svgPng(chart).then((b) => saveBlob(`${file}.png`, b)));
    const svg = h("button", { type: "button", id: "download-chart-svg" }, t("downloadChartSvg"));
    svg.addEventListener("click", () => saveBlob(`${file}.svg`, svgBlob(chart)));
    buttons.append(png, svg);
    panel.append(buttons);
    panel.hidden = false;
  }

  /** Two areas side by side: the indicator in every year. */
  private async renderCompare(): Promise<void> {
    const panel = this.root?.querySelector<HTMLElement>("#compare-panel");
    const ind = this.indicator;
    if (!panel || !ind) return;
    this.highlight();
    const select = this.root?.querySelector<HTMLSelectElement>("#compare-select");
    if (select) select.value = this.compare ?? "";
    if (!this.compare || !this.selected) {
      panel.replaceChildren();
      if (this.compare) panel.append(h("p", { class: "note" }, t("compareChooseFirst")));
      panel.hidden = !this.compare;
      return;
    }
    const [a, b] = await Promise.all([api.area(ind.id, this.selected), api.area(ind.id, this.compare)]);
    const table = compareTable(ind, a, b, this.names);
    panel.replaceChildren(h("h3", {}, t("compareHeading")), h("div", { class: "table-wrap" }));
    panel.lastElementChild!.append(table);
    panel.hidden = false;
  }

  private async renderAccess(): Promise<void> {
    const section = this.root?.querySelector<HTMLElement>("#access-panel");
    if (!section) return;
    const income = this.indicators.find((i) => i.id === "income_mean_eur");
    const ages = this.indicators.filter((i) => /^age_\d+_(\d+|plus)_pct$/.test(i.id));
    await this.access.render(section, this.selected, income?.years.at(-1) ?? null, this.hasAddresses, ages);
  }

  private downloadCsv(): void {
    const ind = this.indicator, values = this.current;
    if (!ind || !values) return;
    const header = [t("colRank"), "code", t("area"), `${t("colValue")} (${unitText(ind.unit)})`];
    if (ind.has_interval) header.push(t("colLower"), t("colUpper"));
    header.push(t("suppressed"), t("colReason"));
    const rows = values.values.map((v) => {
      const row: Array<string | number | null> = [v.rank, v.area_code, shownName(v, this.names), v.value];
      if (ind.has_interval) row.push(v.lower, v.upper);
      row.push(v.suppressed ? t("yes") : t("no"), v.suppression_reason ? reasonText(v.suppression_reason) : null);
      return row;
    });
    if (this.regional) {
      const r: Array<string | number | null> = [null, this.regional.area_code, t("regionalValue"), this.regional.value];
      if (ind.has_interval) r.push(this.regional.lower, this.regional.upper);
      r.push(null, null);
      rows.push(r);
    }
    saveBlob(`${slug(ind.id)}-${this.level}-${this.year}.csv`, toCsv(header, rows));
  }

  private gpkgUrl(): string {
    const id = encodeURIComponent(this.indicator?.id ?? "");
    return `/api/indicators/${id}/download.gpkg?level=${this.level}&year=${this.year}`;
  }

  private async downloadMap(): Promise<void> {
    const ind = this.indicator;
    if (!ind) return;
    // the map's drawing buffer is not kept between frames (that copy slows every frame of the
    // software renderer): the PNG is taken inside the render event, before the frame is shown
    const png = new Promise<Blob>((resolve, reject) => {
      this.map.once("render", () => void canvasPng(this.map.getCanvas()).then(resolve, reject));
    });
    this.map.triggerRepaint();
    saveBlob(`${slug(ind.id)}-${this.level}-${this.year}.png`, await png);
  }

  private async renderGap(ind: IndicatorInfo): Promise<void> {
    const panel = this.root?.querySelector<HTMLElement>("#gap-panel");
    if (!panel) return;
    const title = gapTitle(ind);
    let doc: InequalityDoc;
    try {
      doc = await api.inequality(ind.id, this.level);
    } catch {
      panel.replaceChildren(h("h3", {}, title), h("p", {}, t("noGap")));
      return;
    }

    const d = digits(ind);
    const iv = (lo: number | null, hi: number | null, places = d) => (ind.has_interval && lo !== null && hi !== null ? ` (${fmt(lo, places)} – ${fmt(hi, places)})` : "");
    panel.replaceChildren(h("h3", {}, title));
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
      const best = this.names.get((bw as { best_code?: string }).best_code ?? "") ?? bw.best_name;
      const worst = this.names.get((bw as { worst_code?: string }).worst_code ?? "") ?? bw.worst_name;
      add(t("bestWorst", { level: t(this.level as "buurt").toLowerCase() }),
        `${best} ${fmt(bw.best_value, d)} – ${worst} ${fmt(bw.worst_value, d)} = ${fmt(bw.gap, d)}${iv(bw.gap_lower, bw.gap_upper)}`);
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
    if (bw && !bw.suppressed) await this.explainLeftOut(panel, ind);
    const change = { narrowing: t("gapNarrowing"), widening: t("gapWidening"), no_significant_change: t("gapNoChange") }[doc.best_worst_change] ?? t("gapInsufficient");
    panel.append(h("p", { class: `gap-change gap-${doc.best_worst_change}` }, change));
    if (doc.ranking) panel.append(h("p", { class: "note" }, t("rankedBy", { indicator: nameOf(this.indicators.find((i) => i.id === doc.ranking) ?? { name_nl: doc.ranking, name_en: doc.ranking }) })));
    const series = doc.series.map((r) => ({ year: r.year, value: r.sii, lower: r.sii_lower, upper: r.sii_upper, suppressed: r.suppressed }));
    if (series.length) panel.append(h("p", { class: "chart-title" }, t("siiTrend")), lineChart(series, { label: t("siiTrend"), format: (v) => fmt(v, d), suppressedLabel: t("suppressed"), zeroLine: true }));
  }

  /** Say which areas were left out of the best–worst choice (intervals too wide). */
  private async explainLeftOut(panel: HTMLElement, ind: IndicatorInfo): Promise<void> {
    const last = ind.years.at(-1);
    if (last === undefined || !ind.has_interval) return;
    const doc = await this.values(ind.id, this.level, last);
    const out = tooUncertain(doc.values);
    if (!out.length) return;
    const names = out.map((v) => shownName(v, this.names)).sort().join(", ");
    panel.append(h("p", { class: "note", id: "left-out" }, t("leftOut", { n: out.length, of: doc.values.filter((v) => !v.suppressed).length, year: last, times: RELIABLE_WIDTH, names })));
  }
}
