// Planner view: interventions from the Verkenner catalogue, and drawing tools for a park,
// trees, a footbridge and new homes. Running a scenario needs the scenario engine: until the
// API offers it, the view says so plainly and shows no results.

import type maplibregl from "maplibre-gl";
import { getJSON } from "./api";
import { DrawTool, type DrawKind, type Drawn } from "./draw";
import { fmt, lang, onLangChange, t } from "./i18n";

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

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function itemName(item: CatalogueItem): string {
  return lang() === "nl" ? item.name_nl : item.name_en;
}

export class PlannerView {
  private readonly draw: DrawTool;
  private drawn: Drawn[] = [];
  private caps: Capabilities | null = null;
  private query = "";
  private root: HTMLElement | null = null;
  private searchTimer = 0;
  private pending: string | null = null;

  constructor(map: maplibregl.Map, private readonly panel: HTMLElement) {
    this.draw = new DrawTool(map, (d) => this.added(d), (kind, n) => this.drawState(kind, n));
    onLangChange(() => { if (this.root?.isConnected) void this.rebuild(); });
  }

  async activate(): Promise<void> {
    if (!this.caps) this.caps = await capabilities();
    await this.rebuild();
    this.draw.show(this.drawn);
  }

  deactivate(): void {
    this.draw.cancel();
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

    const run = h("button", { type: "button", id: "run-scenario", class: "primary" }, t("run"));
    if (!caps.scenarios) {
      run.disabled = true;
      run.title = t("runDisabled");
    }
    root.append(run);
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

  private renderDrawn(): void {
    const ul = this.root?.querySelector<HTMLUListElement>("#drawn-list");
    if (!ul) return;
    ul.replaceChildren();
    if (!this.drawn.length) ul.append(h("li", { class: "note" }, t("nothingDrawn")));
    for (const d of this.drawn) {
      const li = h("li", {});
      const n = d.geometry.type === "MultiPoint" ? ` × ${d.geometry.coordinates.length}` : "";
      const homes = d.kind === "homes" && d.dwellings ? ` (${d.dwellings} ${t("dwellings").toLowerCase()})` : "";
      const from = d.catalogueId ? ` · ${d.catalogueId}` : "";
      li.append(h("span", {}, `${t(d.kind === "footbridge" ? "footbridge" : d.kind === "homes" ? "homes" : d.kind)}${n}${homes}${from}`));
      const rm = h("button", { type: "button", class: "link" }, t("remove"));
      rm.addEventListener("click", () => {
        this.drawn = this.drawn.filter((x) => x.id !== d.id);
        this.draw.show(this.drawn);
        this.renderDrawn();
      });
      li.append(rm);
      ul.append(li);
    }
  }
}

/** Which Planner services the server offers (it says so; nothing is probed). */
async function capabilities(): Promise<Capabilities> {
  try {
    return await getJSON<Capabilities>("/api/capabilities");
  } catch {
    return { catalogue: false, scenarios: false };
  }
}
