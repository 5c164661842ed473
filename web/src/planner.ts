// Planner view: interventions from the Verkenner catalogue (planner-catalogue.ts), drawing tools
// for a park, trees, a footbridge and new homes (draw.ts; vertices can be moved and removed,
// area and length show while drawing). When the server offers the scenario engine
// (/api/capabilities), "Doorrekenen" sends the drawn interventions to /api/scenarios/run and
// shows its effects with their intervals, region-wide and per buurt (planner-buurten.ts). A
// result is marked out of date as soon as its input changes; an empty scenario cannot run.
// Results can be saved in the page (localStorage), reopened on the map (openScenario; the URL
// holds the open one) and compared with the baseline (planner-compare.ts). Every number shown
// comes from the API.

import type maplibregl from "maplibre-gl";
import { ApiError, client, scenarios, unwrap, type Problem, type ScenarioResult } from "./api";
import { errorText, h } from "./dom";
import { DrawTool, SHAPE, type DrawKind, type Drawn, type Vertex } from "./draw";
import { lineLengthM, ringAreaM2 } from "./geo-measure";
import { formatSig } from "./format";
import { fmt, lang, messageText, ncText, onLangChange, outcomeUnitText, qualityText, t } from "./i18n";
import { BuurtMap, BuurtTable, MEASURES, type BuurtMeasure } from "./planner-buurten";
import { PlannerCatalogue, regionLayers, type RegionLayers } from "./planner-catalogue";
import { compareView } from "./planner-compare";
import { refusalItem, refusalsByIntervention } from "./planner-refusals";
import { boundsOfDrawn, drawnOf, loadSaved, newSaved, scenarioOf, storeSaved, type Saved } from "./planner-scenario";
import { PublishPanel } from "./publish";
import { ivText, resultRows } from "./scenario-results";
import { rdToLonLat } from "./snapshot";
import { linkOf, reportOf, shareScenario } from "./shared-scenario";
import type { Capabilities as ServerCapabilities } from "./api";

/** What the Planner needs of /api/capabilities (the generated schema type). */
type Capabilities = Pick<ServerCapabilities, "catalogue" | "scenarios">;

/** What the URL holds of the Planner: the saved scenario that is open, if any. */
export interface PlannerState {
  scenario?: string | null;
}

const KINDS: Array<[DrawKind, "drawPark" | "drawTrees" | "drawBridge" | "drawHomes"]> = [
  ["park", "drawPark"],
  ["trees", "drawTrees"],
  ["footbridge", "drawBridge"],
  ["homes", "drawHomes"],
];

let instance: PlannerView | null = null;

/** Draw a scenario's interventions back on the map (API JSON shape, EPSG:4326 or EPSG:28992)
 * and show ``result`` with it, if given (not re-run). The Planner tab must have been built. */
export async function openScenario(scenario: Record<string, unknown>, result?: ScenarioResult): Promise<void> {
  if (!instance) throw new Error("the Planner is not built yet");
  await instance.open(scenario, result);
}

/** Walks per day and minutes per walk of a drawn footbridge (optional; WHO HEAT volume). */
function volumeInputs(d: Drawn, changed: () => void): HTMLElement {
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
      changed();
    });
    label.append(h("span", {}, t(key)), input);
    box.append(label);
  }
  box.append(h("p", { class: "note" }, t("walkNote")));
  return box;
}

function kindName(kind: DrawKind): string {
  return t(kind);
}

/** Area or length of what is being drawn, in the user's language (3 significant digits). */
function measureText(kind: DrawKind, v: readonly Vertex[]): string {
  const loc = lang();
  const shape = SHAPE[kind];
  if (shape === "points") return t("liveTrees", { n: v.length });
  if (shape === "line") return v.length >= 2 ? t("liveLength", { m: formatSig(lineLengthM(v), 3, loc) }) : "";
  if (v.length < 3) return "";
  const a = ringAreaM2(v);
  const area = a < 10_000 ? `${formatSig(a, 3, loc)} m²` : `${formatSig(a / 10_000, 3, loc)} ha`;
  return t("liveArea", { area, m: formatSig(lineLengthM(v, true), 3, loc) });
}

export class PlannerView {
  private readonly draw: DrawTool;
  private drawn: Drawn[] = [];
  private caps: Capabilities | null = null;
  private layers: RegionLayers = { landcoverMissing: false };
  private root: HTMLElement | null = null;
  private last: Saved | null = null;
  /** The last result no longer matches the drawings (they changed after the run). */
  private stale = false;
  private saved: Saved[] = loadSaved();
  private comparing: number[] | null = null;
  private runs = 0;
  private openId: string | null = null;
  /** What the result map shows: a measure per buurt, or the cooling per 50 m block. */
  private measure: BuurtMeasure | "blocks" = "access";
  /** Refusals of the last run, by intervention index (from 0), and those of the whole plan. */
  private refusals = new Map<number, Problem[]>();
  private planRefusals: Problem[] = [];
  private readonly publish = new PublishPanel();
  private readonly catalogue: PlannerCatalogue;
  private readonly buurtMap: BuurtMap;
  /** Told when the open saved scenario changes (the URL holds it). */
  onStateChange: (s: PlannerState) => void = () => undefined;

  constructor(private readonly map: maplibregl.Map, private readonly panel: HTMLElement) {
    this.draw = new DrawTool(map, (d) => this.added(d), (kind, v) => this.drawState(kind, v), () => this.dwellings());
    this.catalogue = new PlannerCatalogue(() => this.layers, (item, kind) => this.startDrawing(kind, item.id));
    this.buurtMap = new BuurtMap(map);
    onLangChange(() => { if (this.root?.isConnected) void this.rebuild(); });
    instance = this;
  }

  state(): PlannerState {
    return { scenario: this.openId };
  }

  /** Show the Planner; ``fromUrl``: ``state`` comes from the URL (load, Back, Forward), which
   * then decides which saved scenario is open (none: the map is cleared of the one that was). */
  async activate(state: PlannerState = {}, fromUrl = false): Promise<void> {
    if (!this.caps) {
      this.caps = await capabilities();
      this.layers = await regionLayers().catch(() => ({ landcoverMissing: false }));
    }
    await this.rebuild();
    this.draw.show(this.drawn);
    const s = state.scenario ? this.saved.find((x) => x.id === state.scenario) : undefined;
    if (s && s.scenario && s.id !== this.openId) await this.openSaved(s, false);
    else if (fromUrl && !s && this.openId) {
      await this.open({ interventions: [] });
      this.openId = null;
    }
  }

  deactivate(): void {
    this.draw.cancel();
    this.showCooling(null);
    this.buurtMap.clear();
  }

  /** Draw ``scenario``'s interventions (they replace the drawings) and show ``result``. */
  async open(scenario: Record<string, unknown>, result?: ScenarioResult): Promise<void> {
    this.draw.cancel();
    const { drawn, skipped } = drawnOf(scenario, () => this.draw.newId());
    this.drawn = drawn;
    this.refusals = new Map();
    this.planRefusals = [];
    const name = typeof scenario.name === "string" ? scenario.name : t("scenarioDefault", { n: this.saved.length + 1 });
    this.last = result ? { id: "", name, result, scenario } : null;
    this.stale = false;
    if (this.root?.isConnected) {
      const input = this.root.querySelector<HTMLInputElement>("#scenario-name");
      if (input) input.value = name;
      this.renderDrawn();
      this.renderResult();
      const state = this.root.querySelector<HTMLElement>("#run-state");
      if (state) state.textContent = skipped.length ? t("openSkipped", { names: skipped.join(", ") }) : "";
    }
    this.draw.show(this.drawn);
    this.showCooling(result ?? null);
    const b = boundsOfDrawn(drawn);
    if (b) this.map.fitBounds(b, { padding: 80, maxZoom: 17, duration: 0 });
  }

  private async openSaved(s: Saved, push: boolean): Promise<void> {
    if (!s.scenario) return;
    await this.open(s.scenario, s.result);
    if (this.last) this.last.id = s.id;
    this.openId = s.id;
    if (push) this.onStateChange(this.state());
  }

  private dwellings(): number {
    const v = Number(this.root?.querySelector<HTMLInputElement>("#dwellings")?.value);
    return Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
  }

  private startDrawing(kind: DrawKind, catalogueId: string | null = null): void {
    this.pending = catalogueId;
    this.draw.start(kind);
  }

  private pending: string | null = null;
  /** Where the drawing being edited stood in the list (it goes back there). */
  private editAt = -1;

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
    // shown when the result's map is set to the 50 m blocks (else the buurten show)
    this.map.addLayer({ id: "cooling-fill", type: "fill", source: "cooling", layout: { visibility: this.measure === "blocks" ? "visible" : "none" }, paint: {
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
      b.addEventListener("click", () => this.startDrawing(kind));
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
    done.addEventListener("click", () => this.draw.finish());
    actions.append(centre, done);
    tools.append(actions, h("p", { class: "note", id: "draw-state" }, t("drawHint")), h("p", { class: "note", id: "draw-measure" }), h("ol", { id: "vertex-list", class: "vertex-list" }));
    root.append(tools);

    const list = h("section", { class: "drawn" });
    list.append(h("h3", {}, t("drawn")), h("ul", { id: "drawn-list" }));
    root.append(list);

    const scen = h("section", { class: "scenario" });
    const nameLabel = h("label", { class: "field" });
    const nameInput = h("input", { type: "text", id: "scenario-name", maxlength: "80" });
    nameInput.value = this.last?.name ?? t("scenarioDefault", { n: this.saved.length + 1 });
    nameLabel.append(h("span", {}, t("scenarioName")), nameInput);
    const run = h("button", { type: "button", id: "run-scenario", class: "primary", "aria-describedby": "run-reason" }, t("run"));
    run.addEventListener("click", () => void this.run(nameInput.value.trim() || t("scenarioDefault", { n: this.saved.length + 1 })));
    const save = h("button", { type: "button", id: "save-scenario", "aria-describedby": "run-reason" }, t("save"));
    save.addEventListener("click", () => this.save());
    const btns = h("div", { class: "buttons" });
    btns.append(run, save);
    scen.append(nameLabel, btns, h("p", { class: "note", id: "run-reason" }), h("p", { class: "note", id: "run-state", role: "status" }));
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
    if (caps.catalogue) root.append(this.catalogue.render());
    else root.append(h("section", { class: "catalogue" }, t("catalogueUnavailable")));

    this.panel.replaceChildren(root);
    this.renderDrawn();
    this.renderResult();
    this.renderSaved();
    if (caps.catalogue) await this.catalogue.load();
  }

  /** Run and save need a scenario engine, something drawn, and (save) an up-to-date result. */
  private updateButtons(): void {
    const run = this.root?.querySelector<HTMLButtonElement>("#run-scenario");
    const save = this.root?.querySelector<HTMLButtonElement>("#save-scenario");
    const reason = this.root?.querySelector<HTMLElement>("#run-reason");
    const why = !this.caps?.scenarios ? t("runDisabled") : !this.drawn.length ? t("emptyScenario")
      : this.stale ? t("staleSave") : "";
    if (run) run.disabled = !this.caps?.scenarios || !this.drawn.length;
    if (save) save.disabled = !this.last || this.stale || !this.drawn.length;
    if (reason) reason.textContent = why;
  }

  /** The drawings changed: the result no longer describes them. */
  private changed(): void {
    if (this.last && !this.stale) {
      this.stale = true;
      this.showCooling(null);
      this.buurtMap.clear();
      this.renderResult();
    }
    if (this.openId) {
      this.openId = null;
      this.onStateChange(this.state());
    }
    this.updateButtons();
  }

  private async run(name: string): Promise<void> {
    if (!this.drawn.length) return;
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
      this.last = { id: "", name, result, scenario };
      this.stale = false;
      this.showCooling(result);
      if (state) state.textContent = "";
    } catch (e) {
      // an old result never stays on screen after a failed run
      this.last = null;
      this.showCooling(null);
      this.buurtMap.clear();
      const placed = e instanceof ApiError && e.status === 422 && e.problems.length > 0;
      if (placed) ({ byIndex: this.refusals, plan: this.planRefusals } = refusalsByIntervention((e as ApiError).problems, this.drawn.length));
      if (state) {
        state.textContent = placed ? t("refusedPlan") : errorText(e);
        state.classList.add("error");
      }
    }
    this.renderDrawn();
    this.renderResult();
  }

  private renderResult(): void {
    this.updateButtons();
    const box = this.root?.querySelector<HTMLElement>("#scenario-results");
    if (!box) return;
    box.replaceChildren();
    box.classList.toggle("stale", this.stale);
    const last = this.last;
    if (!last) return;
    const r = last.result;
    box.append(h("h3", {}, t("resultsTitle", { name: last.name })));
    if (this.stale) box.append(h("p", { class: "notice", id: "result-stale", role: "note" }, t("staleResult")));
    const dl = h("dl", { class: "results" });
    for (const [label, text] of resultRows(r)) dl.append(h("dt", {}, label), h("dd", {}, text));
    box.append(dl);
    // the engine's full sentence is English: shown in English only (the rows above word it)
    if (lang() === "en") box.append(h("p", { class: `note gap-${r.equity.verdict}` }, r.equity.statement));
    const aside = r.pathways.filter((p) => !p.in_default_total);
    for (const p of aside) box.append(h("p", { class: "note" }, `${t("reportedBeside")}: ${lang() === "nl" && p.label_nl ? p.label_nl : p.label} ${p.total ? `${ivText(p.total, 2)} ${outcomeUnitText(p.unit)}` : ivText(null, 2, p.not_computable ? ncText(p.not_computable) : undefined)}`));
    for (const b of r.per_hectare ?? []) box.append(h("p", { class: "note" }, `${t("perHectare", { label: lang() === "nl" && b.label_nl ? b.label_nl : b.label, ha: fmt(b.area_ha, 2) })}: € ${fmt(b.eur_per_year, 0)} ${t("perYearShort")}`));
    if (r.costs && !r.costs.benefit_cost_ratio && lang() === "en") box.append(h("p", { class: "note" }, r.costs.reason));
    for (const q of r.quality ?? []) {
      box.append(h("p", { class: "note quality-flag" }, qualityText(q)));
    }
    const pathwayNames = Object.fromEntries(r.pathways.map((p) => [p.erf_id, lang() === "nl" && p.label_nl ? p.label_nl : p.label]));
    if (r.messages) for (const m of r.messages) box.append(h("p", { class: "note run-note", "data-key": m.key }, messageText(m, pathwayNames)));
    else if (lang() === "en") for (const n of r.notes) box.append(h("p", { class: "note run-note" }, n));
    box.append(h("p", { class: "note" }, t("runInfo", { draws: fmt(r.n_draws, 0), seed: String(r.seed ?? "–") })));
    if (!this.stale && r.buurten?.length) box.append(this.buurtSection(r));
    if (last.scenario && !this.stale) {
      const pub = h("section", { class: "publish", id: "publish" });
      box.append(pub);
      void this.publish.render(pub, { name: last.name, scenario: last.scenario, result: r });
    }
  }

  /** Effects per buurt: the measure's map (with its legend) and the sortable table. */
  private buurtSection(r: ScenarioResult): HTMLElement {
    const sec = h("section", { class: "buurt-effects", id: "buurt-effects" });
    sec.append(h("h4", {}, t("perBuurt")));
    const label = h("label", { class: "field" });
    const sel = h("select", { id: "buurt-measure" });
    for (const m of MEASURES) sel.append(h("option", { value: m }, t(m === "access" ? "buurtAccess" : m === "ndvi" ? "buurtNdvi" : m === "heat" ? "buurtHeat" : m === "deaths" ? "buurtDeaths" : "buurtDepression")));
    if (r.cooling_map?.cells.length) sel.append(h("option", { value: "blocks" }, t("coolingBlocks")));
    sel.value = this.measure === "blocks" && !r.cooling_map?.cells.length ? "access" : this.measure;
    label.append(h("span", {}, t("buurtMapMeasure")), sel);
    const legend = h("div", { id: "buurt-legend-box" });
    // the buurten and the 50 m cooling blocks are two maps of the result: one shows at a time
    const show = async (): Promise<void> => {
      const blocks = sel.value === "blocks";
      if (this.map.getLayer("cooling-fill")) this.map.setLayoutProperty("cooling-fill", "visibility", blocks ? "visible" : "none");
      if (blocks) { this.buurtMap.clear(); legend.replaceChildren(h("p", { class: "note" }, t("coolingBlocksNote", { min: fmt(r.cooling_map?.min_abs_c ?? 0, 3) }))); return; }
      const el = await this.buurtMap.show(r.buurten ?? [], sel.value as BuurtMeasure);
      if (!this.stale && this.last?.result === r && sel.value !== "blocks") legend.replaceChildren(el);
    };
    sel.addEventListener("change", () => { this.measure = sel.value as BuurtMeasure | "blocks"; void show(); });
    void show();
    sec.append(label, legend, new BuurtTable(r.buurten ?? [], (code) => this.buurtMap.focus(code)).render());
    return sec;
  }

  private save(): void {
    if (!this.last || this.stale || !this.last.scenario) return;
    const s = newSaved(this.last.name, this.last.result, this.last.scenario, this.saved);
    this.saved.push(s);
    storeSaved(this.saved);
    this.last.id = s.id;
    this.openId = s.id;
    this.onStateChange(this.state());
    const state = this.root?.querySelector<HTMLElement>("#share-state");
    if (this.last.scenario && state) {
      state.textContent = t("sharing");
      shareScenario(this.last.scenario).then((shared) => {
        const a = h("a", { href: shared.link, id: "share-link" }, linkOf(shared));
        const report = h("a", { href: reportOf(shared, lang()), id: "report-link", target: "_blank", rel: "noopener" }, t("reportPdf"));
        state.replaceChildren(document.createTextNode(`${t("shareLink")}: `), a, document.createTextNode(" · "), report);
      }).catch((e: unknown) => {
        state.textContent = errorText(e);
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
      const li = h("li", { "data-id": s.id });
      const label = h("label", {});
      const box = h("input", { type: "checkbox", "data-saved": String(i) });
      label.append(box, document.createTextNode(` ${s.name}`));
      li.append(label);
      if (s.scenario) {
        const open = h("button", { type: "button", class: "link", "data-open": s.id, "aria-label": `${t("openOnMap")}: ${s.name}` }, t("openOnMap"));
        open.addEventListener("click", () => void this.openSaved(s, true));
        li.append(open);
      }
      const rm = h("button", { type: "button", class: "link", "aria-label": `${t("remove")}: ${s.name}` }, t("remove"));
      rm.addEventListener("click", () => {
        this.saved.splice(i, 1);
        storeSaved(this.saved);
        this.comparing = null;
        this.renderSaved();
      });
      li.append(rm);
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
    if (picked.length >= 2) view.append(compareView(picked));
  }

  private added(d: Drawn): void {
    if (this.pending) d.catalogueId = this.pending;
    this.pending = null;
    const at = this.editAt;
    this.editAt = -1;
    if (at >= 0) this.drawn.splice(Math.min(at, this.drawn.length), 0, d);
    else this.drawn.push(d);
    this.draw.show(this.drawn);
    this.refusals = new Map();
    this.renderDrawn();
    this.changed();
  }

  private drawState(kind: DrawKind | null, v: readonly Vertex[]): void {
    const state = this.root?.querySelector<HTMLElement>("#draw-state");
    this.root?.querySelectorAll<HTMLButtonElement>("[data-kind]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kind === kind)));
    if (state) state.textContent = kind ? `${kindName(kind)}: ${t("livePoints", { n: v.length })} · ${t("drawHint")}` : t("drawHint");
    const measure = this.root?.querySelector<HTMLElement>("#draw-measure");
    if (measure) measure.textContent = kind ? measureText(kind, v) : "";
    const ol = this.root?.querySelector<HTMLOListElement>("#vertex-list");
    if (!ol) return;
    ol.replaceChildren();
    if (!kind) return;
    v.forEach((_, i) => {
      const li = h("li", {}, `${t("vertexN", { n: i + 1 })} `);
      const rm = h("button", { type: "button", class: "link", "data-vertex": String(i), "aria-label": t("vertexRemove", { n: i + 1 }) }, t("remove"));
      rm.addEventListener("click", () => this.draw.removeVertex(i));
      li.append(rm);
      ol.append(li);
    });
  }

  private renderDrawn(): void {
    this.updateButtons();
    const ul = this.root?.querySelector<HTMLUListElement>("#drawn-list");
    if (!ul) return;
    ul.replaceChildren();
    if (!this.drawn.length) ul.append(h("li", { class: "note" }, t("nothingDrawn")));
    for (const p of this.planRefusals) ul.append(refusalItem(p));
    for (const [index, d] of this.drawn.entries()) {
      const li = h("li", { "data-drawn": String(d.id) });
      const n = d.geometry.type === "MultiPoint" ? ` × ${d.geometry.coordinates.length}` : "";
      const homes = d.kind === "homes" ? ` (${fmt(d.dwellings ?? 0, 0)} ${t("dwellings").toLowerCase()})` : "";
      const from = d.catalogueId ? ` · ${d.catalogueId}` : "";
      li.append(h("span", { class: "drawn-label" }, `${kindName(d.kind)}${n}${homes}${from}`));
      if (d.kind === "footbridge") li.append(volumeInputs(d, () => this.changed()));
      if (d.kind === "park") {
        const label = h("label", { class: "field inline" });
        const box = h("input", { type: "checkbox", "data-displace": String(d.id) });
        box.checked = Boolean(d.displace);
        box.addEventListener("change", () => { d.displace = box.checked; this.changed(); });
        label.append(box, h("span", {}, ` ${t("displaceLabel")}`));
        li.append(label);
      }
      const edit = h("button", { type: "button", class: "link", "data-edit": String(d.id), "aria-label": `${t("edit")}: ${kindName(d.kind)} ${index + 1}` }, t("edit"));
      edit.addEventListener("click", () => {
        this.draw.cancel();
        this.editAt = this.drawn.findIndex((x) => x.id === d.id);
        this.drawn = this.drawn.filter((x) => x.id !== d.id);
        this.draw.show(this.drawn);
        this.renderDrawn();
        this.draw.edit(d);
      });
      const rm = h("button", { type: "button", class: "link", "aria-label": `${t("remove")}: ${kindName(d.kind)} ${index + 1}` }, t("remove"));
      rm.addEventListener("click", () => {
        this.drawn = this.drawn.filter((x) => x.id !== d.id);
        this.refusals = new Map();
        this.draw.show(this.drawn);
        this.renderDrawn();
        this.changed();
      });
      li.append(edit, rm);
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

/** Which Planner services the server offers (it says so; nothing is probed). */
async function capabilities(): Promise<Capabilities> {
  try {
    return await unwrap(client.GET("/api/capabilities"));
  } catch {
    return { catalogue: false, scenarios: false };
  }
}
