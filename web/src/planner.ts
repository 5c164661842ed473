// Planner view: interventions from the Verkenner catalogue, and drawing tools for a park,
// trees, a footbridge and new homes. When the server offers the scenario engine
// (/api/capabilities), "Doorrekenen" sends the drawn interventions to /api/scenarios/run and
// shows its effects with their intervals; results can be saved in the page (localStorage) and
// two saved scenarios compared side by side. Every number shown comes from the API.

import type maplibregl from "maplibre-gl";
import { ApiError, getJSON, scenarios, type Problem, type ScenarioResult } from "./api";
import { DrawTool, type DrawKind, type Drawn } from "./draw";
import { fmt, lang, onLangChange, t } from "./i18n";
import { h } from "./dom";
import { PublishPanel } from "./publish";
import { ivText, resultRows } from "./scenario-results";
import { rdToLonLat } from "./snapshot";
import { linkOf, reportOf, shareScenario } from "./shared-scenario";

export interface CatalogueItem {
  id: string;
  name_nl: string;
  name_en: string;
  description: string;
  scenario_intervention: string;
  typical_size_text: string;
  typical_cost_eur: { low: number; high: number; price_year: number; assumption: boolean };
  evidence: { strength: string };
  problems: string[];
}

/** The drawing tool that fits a catalogue entry's scenario intervention, if any. */
const DRAW_FOR: Record<string, DrawKind> = {
  add_green: "park",
  plant_trees: "trees",
  add_connection: "footbridge",
  add_dwellings: "homes",
};

interface Capabilities {
  catalogue: boolean;
  scenarios: boolean;
}

const KINDS: Array<[DrawKind, "drawPark" | "drawTrees" | "drawBridge" | "drawHomes"]> = [
  ["park", "drawPark"],
  ["trees", "drawTrees"],
  ["footbridge", "drawBridge"],
  ["homes", "drawHomes"],
];


/** Residents per new dwelling: the same assumption as the catalogue templates
 * (groengezond.scenario.model.from_template, ≈ the Dutch mean household size). */
const RESIDENTS_PER_DWELLING = 2.1;

const SAVED_KEY = "gg-saved-scenarios";

interface Saved {
  name: string;
  result: ScenarioResult;
  /** The body sent to /api/scenarios/run (older saved entries lack it). */
  scenario?: Record<string, unknown>;
}

function loadSaved(): Saved[] {
  try {
    const v = JSON.parse(localStorage.getItem(SAVED_KEY) ?? "[]") as unknown;
    return Array.isArray(v) ? (v as Saved[]) : [];
  } catch {
    return [];
  }
}

function storeSaved(items: Saved[]): void {
  localStorage.setItem(SAVED_KEY, JSON.stringify(items));
}

/** The scenario (API JSON shape, geometry in EPSG:4326 as drawn) of the drawn interventions. */
function scenarioOf(name: string, drawn: Drawn[]): Record<string, unknown> {
  const interventions = drawn.map((d, i) => {
    const label = `${t(d.kind)} ${i + 1}`;
    const from = d.catalogueId ? { catalogue_id: d.catalogueId } : {};
    switch (d.kind) {
      case "park":
        return { kind: "add_green", name: label, green_kind: "park", public: true, geometry: d.geometry, ...from, ...(d.displace ? { displace: true } : {}) };
      case "trees":
        return { kind: "plant_trees", name: label, geometry: d.geometry, ...from };
      case "footbridge":
        return {
          kind: "add_connection", name: label, mode: "footbridge", geometry: d.geometry, ...from,
          ...(d.walkingTrips && d.minutesPerWalk ? { walking_trips_per_day: d.walkingTrips, minutes_per_walk: d.minutesPerWalk } : {}),
        };
      case "homes": {
        const dwellings = d.dwellings ?? 0;
        return { kind: "add_dwellings", name: label, dwellings, residents: Math.round(RESIDENTS_PER_DWELLING * dwellings), geometry: d.geometry, ...from };
      }
    }
  });
  return { name, crs: "EPSG:4326", interventions };
}

/** Walks per day and minutes per walk of a drawn footbridge (optional; WHO HEAT volume). */
function volumeInputs(d: Drawn): HTMLElement {
  const box = h("div", { class: "volume", "data-volume": String(d.id) });
  const fields: Array<["walkTrips" | "walkMinutes", "walkingTrips" | "minutesPerWalk", string]> = [
    ["walkTrips", "walkingTrips", "100000"], ["walkMinutes", "minutesPerWalk", "240"]];
  for (const [key, prop, max] of fields) {
    const label = h("label", { class: "field" });
    const input = h("input", { type: "number", min: "0", max, step: "1", "data-field": prop });
    if (d[prop]) input.value = String(d[prop]);
    input.addEventListener("input", () => {
      const v = Number(input.value);
      d[prop] = Number.isFinite(v) && v > 0 ? Math.min(v, Number(max)) : undefined;
    });
    label.append(h("span", {}, t(key)), input);
    box.append(label);
  }
  box.append(h("p", { class: "note" }, t("walkNote")));
  return box;
}

function itemName(item: CatalogueItem): string {
  return lang() === "nl" ? item.name_nl : item.name_en;
}

/** The Planner on the page (set when it is made), for openScenario. */
let planner: PlannerView | null = null;

/** Draw `scenario` (the /api/scenarios/run body, geometries in lon/lat) back on the Planner's
 * map, with its `result` when known (else the drawn plan is ready to run). */
export async function openScenario(scenario: Record<string, unknown>, result?: ScenarioResult): Promise<void> {
  await planner?.open(scenario, result);
}

const KIND_OF: Record<string, DrawKind> = { add_green: "park", plant_trees: "trees", add_connection: "footbridge", add_dwellings: "homes" };

export class PlannerView {
  private readonly draw: DrawTool;
  private drawn: Drawn[] = [];
  private caps: Capabilities | null = null;
  private query = "";
  private root: HTMLElement | null = null;
  private searchTimer = 0;
  private pending: string | null = null;
  private last: Saved | null = null;
  private saved: Saved[] = loadSaved();
  private comparing: number[] | null = null;
  private runs = 0;
  /** Refusals of the last run, by intervention index (from 0), and those of the whole plan. */
  private refusals = new Map<number, Problem[]>();
  private planRefusals: Problem[] = [];
  private readonly publish = new PublishPanel();

  constructor(private readonly map: maplibregl.Map, private readonly panel: HTMLElement) {
    this.draw = new DrawTool(map, (d) => this.added(d), (kind, n) => this.drawState(kind, n));
    planner = this;
    onLangChange(() => { if (this.root?.isConnected) void this.rebuild(); });
  }

  async activate(): Promise<void> {
    if (!this.caps) this.caps = await capabilities();
    await this.rebuild();
    this.draw.show(this.drawn);
  }

  deactivate(): void {
    this.draw.cancel();
    this.showCooling(null);
  }

  /** The result's cooling map layer (50 m blocks, °C change) on the map; null clears it. */
  private showCooling(result: ScenarioResult | null): void {
    const src = this.map.getSource("cooling") as maplibregl.GeoJSONSource | undefined;
    const cm = result?.cooling_map;
    const features: GeoJSON.Feature[] = (cm?.cells ?? []).map(([x, y, dt]) => {
      const b = cm ? cm.block_m / 2 : 25;
      const ring = [[x - b, y - b], [x + b, y - b], [x + b, y + b], [x - b, y + b], [x - b, y - b]].map(([px, py]) => rdToLonLat(px, py));
      return { type: "Feature", properties: { dt }, geometry: { type: "Polygon", coordinates: [ring] } };
    });
    const data: GeoJSON.FeatureCollection = { type: "FeatureCollection", features };
    if (src) { src.setData(data); return; }
    if (!features.length || !this.map.isStyleLoaded()) return;
    this.map.addSource("cooling", { type: "geojson", data });
    this.map.addLayer({ id: "cooling-fill", type: "fill", source: "cooling", paint: {
      "fill-color": ["interpolate", ["linear"], ["get", "dt"], -0.5, "#2166ac", -0.1, "#67a9cf", -0.005, "#d1e5f0", 0, "#f7f7f7", 0.1, "#ef8a62"],
      "fill-opacity": 0.55 } }, this.map.getLayer("drawn-fill") ? "drawn-fill" : undefined);
  }

  private async rebuild(): Promise<void> {
    const caps = this.caps ?? { catalogue: false, scenarios: false };
    const root = h("div", { class: "view planner" });
    this.root = root;
    root.append(h("h2", {}, t("plannerTitle")));
    if (!caps.scenarios) root.append(h("p", { class: "notice", role: "note", id: "scenario-unavailable" }, t("scenarioUnavailable")));

    const tools = h("section", { class: "draw-tools" });
    tools.append(h("h3", {}, t("draw")));
    const buttons = h("div", { class: "buttons", role: "group", "aria-label": t("draw") });
    for (const [kind, key] of KINDS) {
      const b = h("button", { type: "button", "data-kind": kind, "aria-pressed": String(this.draw.active === kind) }, t(key));
      b.addEventListener("click", () => { this.pending = null; this.draw.start(kind); });
      buttons.append(b);
    }
    tools.append(buttons);
    const dw = h("label", { class: "field" });
    const dwInput = h("input", { type: "number", id: "dwellings", min: "1", max: "10000", step: "1", value: "100" });
    dw.append(h("span", {}, t("dwellings")), dwInput);
    tools.append(dw);
    const actions = h("div", { class: "buttons" });
    const centre = h("button", { type: "button", id: "draw-centre" }, t("addCentre"));
    centre.addEventListener("click", () => this.draw.addCentre());
    const done = h("button", { type: "button", id: "draw-finish" }, t("finish"));
    done.addEventListener("click", () => this.draw.finish(Number(dwInput.value)));
    actions.append(centre, done);
    tools.append(actions, h("p", { class: "note", id: "draw-state" }, t("drawHint")));
    root.append(tools);

    const list = h("section", { class: "drawn" });
    list.append(h("h3", {}, t("drawn")));
    const ul = h("ul", { id: "drawn-list" });
    list.append(ul);
    root.append(list);

    const scen = h("section", { class: "scenario" });
    const nameLabel = h("label", { class: "field" });
    const nameInput = h("input", { type: "text", id: "scenario-name", maxlength: "80" });
    nameInput.value = t("scenarioDefault", { n: this.saved.length + 1 });
    nameLabel.append(h("span", {}, t("scenarioName")), nameInput);
    const run = h("button", { type: "button", id: "run-scenario", class: "primary" }, t("run"));
    if (!caps.scenarios) {
      run.disabled = true;
      run.title = t("runDisabled");
    } else {
      run.addEventListener("click", () => void this.run(nameInput.value.trim() || t("scenarioDefault", { n: this.saved.length + 1 })));
    }
    const save = h("button", { type: "button", id: "save-scenario" }, t("save"));
    save.disabled = !this.last;
    save.addEventListener("click", () => this.save());
    const btns = h("div", { class: "buttons" });
    btns.append(run, save);
    scen.append(nameLabel, btns, h("p", { class: "note", id: "run-state", role: "status" }));
    scen.append(h("p", { class: "note", id: "share-state", role: "status" }));
    scen.append(h("div", { id: "scenario-results" }));
    if (caps.scenarios) {
      const savedSec = h("section", { class: "saved" });
      savedSec.append(h("h3", {}, t("savedTitle")), h("ul", { id: "saved-list" }));
      const cmp = h("button", { type: "button", id: "compare-scenarios" }, t("compare"));
      cmp.addEventListener("click", () => this.compare());
      savedSec.append(cmp, h("div", { id: "compare-view" }));
      scen.append(savedSec);
    }
    root.append(scen);
    const catalogue = h("section", { class: "catalogue" });
    catalogue.append(h("h3", {}, t("catalogue")));
    if (caps.catalogue) {
      const label = h("label", { class: "field" });
      const input = h("input", { type: "search", id: "catalogue-search", placeholder: t("searchPlaceholder") });
      input.value = this.query;
      input.addEventListener("input", () => {
        window.clearTimeout(this.searchTimer);
        this.searchTimer = window.setTimeout(() => { this.query = input.value; void this.renderCatalogue(); }, 200);
      });
      label.append(h("span", {}, t("search")), input);
      catalogue.append(label, h("ul", { class: "catalogue-list", id: "catalogue-list" }));
    } else {
      catalogue.append(h("p", { class: "note" }, t("catalogueUnavailable")));
    }
    root.append(catalogue);

    this.panel.replaceChildren(root);
    this.renderDrawn();
    this.renderResult();
    this.renderSaved();
    if (caps.catalogue) await this.renderCatalogue();
  }

  private async renderCatalogue(): Promise<void> {
    const ul = this.root?.querySelector<HTMLUListElement>("#catalogue-list");
    if (!ul) return;
    let items: CatalogueItem[] = [];
    try {
      const doc = await getJSON<{ items: CatalogueItem[] }>(`/api/catalogue?q=${encodeURIComponent(this.query)}`);
      items = doc.items;
    } catch (e) {
      ul.replaceChildren(h("li", {}, e instanceof Error ? e.message : t("error")));
      return;
    }
    ul.replaceChildren();
    if (!items.length) ul.append(h("li", {}, t("noResults")));
    for (const item of items) {
      const li = h("li", { class: "catalogue-item" });
      li.append(h("strong", {}, itemName(item)));
      li.append(h("p", {}, item.description.trim().split(/(?<=\.)\s/)[0]));
      const c = item.typical_cost_eur;
      const star = c.assumption ? " *" : "";
      li.append(h("p", { class: "note" },
        `${t("typicalSize")}: ${item.typical_size_text} · ${t("cost")}: € ${fmt(c.low, 0)} – € ${fmt(c.high, 0)} (${c.price_year})${star} · ${t("evidence")}: ${item.evidence.strength}`));
      const kind = DRAW_FOR[item.scenario_intervention];
      if (kind) {
        const b = h("button", { type: "button", class: "link", "data-catalogue": item.id }, t("addToScenario"));
        b.addEventListener("click", () => { this.pending = item.id; this.draw.start(kind); });
        li.append(b);
      }
      ul.append(li);
    }
    if (items.some((i) => i.typical_cost_eur.assumption)) ul.append(h("li", { class: "note" }, t("costAssumption")));
  }

  private async run(name: string): Promise<void> {
    const button = this.root?.querySelector<HTMLButtonElement>("#run-scenario");
    const state = this.root?.querySelector<HTMLElement>("#run-state");
    if (button) button.disabled = true;
    if (state) { state.textContent = t("running"); state.classList.remove("error"); }
    const id = ++this.runs;
    this.refusals = new Map();
    this.planRefusals = [];
    try {
      const scenario = scenarioOf(name, this.drawn);
      const result = await scenarios.run(scenario);
      if (id !== this.runs) return;
      this.last = { name, result, scenario };
      this.showCooling(result);
      if (state) state.textContent = "";
    } catch (e) {
      const placed = e instanceof ApiError && e.status === 422 && this.placeRefusals(e.problems);
      if (state) {
        state.textContent = placed ? t("refusedPlan") : `${t("error")}: ${e instanceof Error ? e.message : String(e)}`;
        state.classList.add("error");
      }
    } finally {
      const b = this.root?.querySelector<HTMLButtonElement>("#run-scenario");
      if (b) b.disabled = false;
    }
    this.renderDrawn();
    this.renderResult();
  }

  private renderResult(): void {
    const box = this.root?.querySelector<HTMLElement>("#scenario-results");
    const save = this.root?.querySelector<HTMLButtonElement>("#save-scenario");
    if (save) save.disabled = !this.last;
    if (!box) return;
    box.replaceChildren();
    const last = this.last;
    if (!last) return;
    const r = last.result;
    box.append(h("h3", {}, t("resultsTitle", { name: last.name })));
    const dl = h("dl", { class: "results" });
    for (const [label, text] of resultRows(r)) dl.append(h("dt", {}, label), h("dd", {}, text));
    box.append(dl);
    // the engine's full sentence is English; the Dutch rows above say the same in Dutch
    const gap = h("p", { class: `note gap-${r.equity.verdict}`, lang: "en" }, r.equity.statement);
    box.append(gap);
    const aside = r.pathways.filter((p) => !p.in_default_total);
    for (const p of aside) box.append(h("p", { class: "note" }, `${t("reportedBeside")}: ${lang() === "nl" && p.label_nl ? p.label_nl : p.label} ${p.total ? `${ivText(p.total, 2)} ${p.unit}` : ivText(null, 2, p.not_computable?.reason)}`));
    for (const b of r.per_hectare ?? []) box.append(h("p", { class: "note" }, `${t("perHectare", { label: lang() === "nl" && b.label_nl ? b.label_nl : b.label, ha: fmt(b.area_ha, 2) })}: € ${fmt(b.eur_per_year, 0)} ${t("perYearShort")}`));
    if (r.costs && !r.costs.benefit_cost_ratio) box.append(h("p", { class: "note", lang: "en" }, r.costs.reason));
    for (const q of r.quality ?? []) {
      box.append(h("p", { class: "note quality-flag" }, t("qualityFlag", {
        layer: q.layer, status: t(q.status === "missing" ? "qualityMissing" : "qualityPlaceholder"),
        reason: q.reason, figures: q.figures.join(", "),
      })));
    }
    for (const n of r.notes) box.append(h("p", { class: "note run-note", lang: "en" }, n));
    box.append(h("p", { class: "note" }, t("runInfo", { draws: fmt(r.n_draws, 0), seed: String(r.seed ?? "–") })));
    if (last.scenario) {
      const pub = h("section", { class: "publish", id: "publish" });
      box.append(pub);
      void this.publish.render(pub, { name: last.name, scenario: last.scenario, result: r });
    }
  }

  /** Replace the drawn plan with `scenario`'s interventions (see openScenario). */
  async open(scenario: Record<string, unknown>, result?: ScenarioResult): Promise<void> {
    const items = Array.isArray(scenario.interventions) ? (scenario.interventions as Array<Record<string, unknown>>) : [];
    const base = Date.now();
    this.drawn = items.flatMap((it, i): Drawn[] => {
      const kind = KIND_OF[String(it.kind)];
      if (!kind || !it.geometry) return [];
      return [{
        id: base + i, kind, geometry: it.geometry as GeoJSON.Geometry,
        catalogueId: typeof it.catalogue_id === "string" ? it.catalogue_id : undefined,
        dwellings: typeof it.dwellings === "number" ? it.dwellings : undefined,
        walkingTrips: typeof it.walking_trips_per_day === "number" ? it.walking_trips_per_day : undefined,
        minutesPerWalk: typeof it.minutes_per_walk === "number" ? it.minutes_per_walk : undefined,
        displace: it.displace === true ? true : undefined,
      }];
    });
    const name = typeof scenario.name === "string" ? scenario.name : "";
    this.last = result ? { name, result, scenario } : null;
    this.refusals = new Map();
    this.planRefusals = [];
    await this.rebuild();
    const input = this.root?.querySelector<HTMLInputElement>("#scenario-name");
    if (input && name) input.value = name;
    this.draw.show(this.drawn);
  }

  private save(): void {
    if (!this.last) return;
    this.saved.push(this.last);
    storeSaved(this.saved);
    const state = this.root?.querySelector<HTMLElement>("#share-state");
    if (this.last.scenario && state) {
      state.textContent = t("sharing");
      shareScenario(this.last.scenario).then((shared) => {
        const a = h("a", { href: shared.link, id: "share-link" }, linkOf(shared));
        const report = h("a", { href: reportOf(shared, lang()), id: "report-link", target: "_blank", rel: "noopener" }, t("reportPdf"));
        state.replaceChildren(document.createTextNode(`${t("shareLink")}: `), a, document.createTextNode(" · "), report);
      }).catch((e: unknown) => {
        state.textContent = `${t("error")}: ${e instanceof Error ? e.message : String(e)}`;
      });
    }
    const input = this.root?.querySelector<HTMLInputElement>("#scenario-name");
    if (input) input.value = t("scenarioDefault", { n: this.saved.length + 1 });
    this.renderSaved();
  }

  private renderSaved(): void {
    const ul = this.root?.querySelector<HTMLUListElement>("#saved-list");
    if (!ul) return;
    ul.replaceChildren();
    if (!this.saved.length) ul.append(h("li", { class: "note" }, t("nothingSaved")));
    this.saved.forEach((s, i) => {
      const li = h("li", {});
      const label = h("label", {});
      const box = h("input", { type: "checkbox", "data-saved": String(i) });
      label.append(box, document.createTextNode(` ${s.name}`));
      const rm = h("button", { type: "button", class: "link" }, t("remove"));
      rm.addEventListener("click", () => {
        this.saved.splice(i, 1);
        storeSaved(this.saved);
        this.comparing = null;
        this.renderSaved();
      });
      li.append(label, rm);
      ul.append(li);
    });
    const cmp = this.root?.querySelector<HTMLButtonElement>("#compare-scenarios");
    if (cmp) cmp.disabled = this.saved.length < 2;
    this.renderCompare();
  }

  private compare(): void {
    const checked = Array.from(this.root?.querySelectorAll<HTMLInputElement>("#saved-list input[data-saved]:checked") ?? []).map((b) => Number(b.dataset.saved));
    const n = this.saved.length;
    this.comparing = checked.length >= 2 ? checked : [n - 2, n - 1];
    this.renderCompare();
  }

  private renderCompare(): void {
    const view = this.root?.querySelector<HTMLElement>("#compare-view");
    if (!view) return;
    view.replaceChildren();
    const picked = (this.comparing ?? []).map((i) => this.saved[i]).filter((s): s is Saved => !!s);
    if (picked.length < 2) return;
    const table = h("table", { id: "compare-table", class: "compare" });
    const head = h("tr", {});
    head.append(h("th", { scope: "col" }, t("measure")));
    for (const s of picked) head.append(h("th", { scope: "col" }, s.name));
    const thead = h("thead", {});
    thead.append(head);
    const tbody = h("tbody", {});
    const rows = picked.map((s) => resultRows(s.result));
    const labels: string[] = [];
    for (const r of rows) for (const [label] of r) if (!labels.includes(label)) labels.push(label);
    for (const label of labels) {
      const tr = h("tr", {});
      tr.append(h("th", { scope: "row" }, label));
      for (const r of rows) tr.append(h("td", {}, r.find(([l]) => l === label)?.[1] ?? "–"));
      tbody.append(tr);
    }
    table.append(thead, tbody);
    view.append(table);
  }

  private added(d: Drawn): void {
    if (this.pending) d.catalogueId = this.pending;
    this.pending = null;
    this.drawn.push(d);
    this.draw.show(this.drawn);
    this.renderDrawn();
  }

  private drawState(kind: DrawKind | null, vertices: number): void {
    const state = this.root?.querySelector<HTMLElement>("#draw-state");
    this.root?.querySelectorAll<HTMLButtonElement>("[data-kind]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kind === kind)));
    if (state) state.textContent = kind ? `${t(kind === "footbridge" ? "footbridge" : kind === "homes" ? "homes" : kind)}: ${vertices} · ${t("drawHint")}` : t("drawHint");
  }

  /** Put the API's refusals at the interventions they name ("intervention N ..."). */
  private placeRefusals(problems: Problem[]): boolean {
    if (!problems.length) return false;
    for (const p of problems) {
      const m = /^intervention (\d+)/.exec(p.location);
      const i = m ? Number(m[1]) - 1 : -1;
      if (i >= 0 && i < this.drawn.length) this.refusals.set(i, [...(this.refusals.get(i) ?? []), p]);
      else this.planRefusals.push(p);
    }
    return true;
  }

  private renderDrawn(): void {
    const ul = this.root?.querySelector<HTMLUListElement>("#drawn-list");
    if (!ul) return;
    ul.replaceChildren();
    if (!this.drawn.length) ul.append(h("li", { class: "note" }, t("nothingDrawn")));
    for (const p of this.planRefusals) ul.append(refusalItem(p));
    for (const [index, d] of this.drawn.entries()) {
      const li = h("li", {});
      const n = d.geometry.type === "MultiPoint" ? ` × ${d.geometry.coordinates.length}` : "";
      const homes = d.kind === "homes" && d.dwellings ? ` (${d.dwellings} ${t("dwellings").toLowerCase()})` : "";
      const from = d.catalogueId ? ` · ${d.catalogueId}` : "";
      li.append(h("span", {}, `${t(d.kind === "footbridge" ? "footbridge" : d.kind === "homes" ? "homes" : d.kind)}${n}${homes}${from}`));
      if (d.kind === "footbridge") li.append(volumeInputs(d));
      if (d.kind === "park") {
        const label = h("label", { class: "field inline" });
        const box = h("input", { type: "checkbox", "data-displace": String(d.id) });
        box.checked = Boolean(d.displace);
        box.addEventListener("change", () => { d.displace = box.checked; });
        label.append(box, h("span", {}, ` ${t("displaceLabel")}`));
        li.append(label);
      }
      const rm = h("button", { type: "button", class: "link" }, t("remove"));
      rm.addEventListener("click", () => {
        this.drawn = this.drawn.filter((x) => x.id !== d.id);
        this.refusals = new Map();
        this.draw.show(this.drawn);
        this.renderDrawn();
      });
      li.append(rm);
      const refused = this.refusals.get(index) ?? [];
      if (refused.length) {
        li.classList.add("refused");
        const box = h("ul", { class: "refusals", "data-refusals": String(index) });
        for (const p of refused) box.append(refusalItem(p));
        li.append(box);
      }
      ul.append(li);
    }
  }
}

/** Known refusal keys of groengezond.scenario.plausibility, worded in the user's language. */
const REFUSALS: Record<string, "refuseNoInterventions" | "refuseInvalidPolygon" | "refuseTooSmall" | "refuseOverBuildings" | "refuseOnWater" | "refuseTooDense"> = {
  no_interventions: "refuseNoInterventions",
  invalid_polygon: "refuseInvalidPolygon",
  too_small: "refuseTooSmall",
  over_buildings: "refuseOverBuildings",
  on_water: "refuseOnWater",
  too_dense: "refuseTooDense",
};

/** One refusal: its wording in the user's language, then the engine's exact figures. */
function refusalItem(p: Problem): HTMLElement {
  const key = p.key ? REFUSALS[p.key] : undefined;
  const li = h("li", { class: "error refusal", "data-key": p.key ?? "" });
  li.append(h("strong", {}, key ? t(key) : t("refusedOther")));
  li.append(h("span", { lang: "en", class: "note" }, ` ${p.field ? `${p.field}: ` : ""}${p.problem}; ${p.fix}`));
  return li;
}

/** Which Planner services the server offers (it says so; nothing is probed). */
async function capabilities(): Promise<Capabilities> {
  try {
    return await getJSON<Capabilities>("/api/capabilities");
  } catch {
    return { catalogue: false, scenarios: false };
  }
}
