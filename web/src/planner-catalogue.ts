// The Verkenner catalogue in the Planner: search and filters (catalogue-filter.ts), each item
// with its size, cost and evidence, and either a button that starts drawing it or the reason it
// cannot be drawn here (no drawing tool for its kind of intervention, or not computable on this
// region because a layer its effects rest on is missing).

import { api, client, unwrap, type CatalogueItem } from "./api";
import { EVIDENCE_LABEL, filterControls, filterQuery, type CatalogueFilter } from "./catalogue-filter";
import { h } from "./dom";
import type { DrawKind } from "./draw";
import { formatEuroRange } from "./format";
import { fmt, lang, t, type Key } from "./i18n";


/** The drawing tool that fits a catalogue entry's scenario intervention, if any. */
export const DRAW_FOR: Record<string, DrawKind> = {
  add_green: "park",
  plant_trees: "trees",
  add_connection: "footbridge",
  add_dwellings: "homes",
};

/** Interventions whose every effect rests on the land cover (canopy, NDVI, cooling). */
const LANDCOVER_ONLY = new Set(["plant_trees", "depave", "green_roofs"]);

const KIND_LABEL: Record<string, Key> = {
  depave: "kindDepave", green_roofs: "kindGreenRoofs", remove_green: "kindRemoveGreen",
};

/** What the region lacks, as read from /api/region (quality records and counts). */
export interface RegionLayers {
  landcoverMissing: boolean;
}

export async function regionLayers(): Promise<RegionLayers> {
  const r = await api.region();
  return { landcoverMissing: !r.counts.landcover_cells || r.quality.landcover?.status === "missing" };
}

/** Why ``item`` cannot be drawn in this Planner on this region; null when it can. */
export function drawReason(item: CatalogueItem, layers: RegionLayers): string | null {
  const kind = item.scenario_intervention;
  if (layers.landcoverMissing && LANDCOVER_ONLY.has(kind)) return t("reasonNoLandcover");
  if (!DRAW_FOR[kind]) return t("reasonNoTool", { what: KIND_LABEL[kind] ? t(KIND_LABEL[kind]) : kind });
  return null;
}

function itemName(item: CatalogueItem): string {
  return lang() === "nl" ? item.name_nl : item.name_en;
}

function euros(v: number): string {
  return `€ ${fmt(v, 0)}`;
}

/** The catalogue section: filters, search and the list; ``onDraw`` starts drawing an item. */
export class PlannerCatalogue {
  filter: CatalogueFilter = { q: "", problem: "", maxCost: "", evidence: "", areaType: "" };
  private timer = 0;
  private list: HTMLUListElement | null = null;
  private asked = 0;

  constructor(private readonly layers: () => RegionLayers, private readonly onDraw: (item: CatalogueItem, kind: DrawKind) => void) {}

  render(): HTMLElement {
    const section = h("section", { class: "catalogue" });
    section.append(h("h3", {}, t("catalogue")));
    const label = h("label", { class: "field" });
    const input = h("input", { type: "search", id: "catalogue-search", placeholder: t("searchPlaceholder") });
    input.value = this.filter.q;
    input.addEventListener("input", () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => { this.filter = { ...this.filter, q: input.value }; void this.load(); }, 200);
    });
    label.append(h("span", {}, t("search")), input);
    const controls = filterControls(this.filter, (f) => { this.filter = { ...f, q: this.filter.q }; void this.load(); }, euros);
    this.list = h("ul", { class: "catalogue-list", id: "catalogue-list", "aria-live": "off" });
    section.append(label, controls, h("p", { class: "note", id: "catalogue-count" }), this.list);
    return section;
  }

  async load(): Promise<void> {
    const ul = this.list;
    if (!ul) return;
    const asked = ++this.asked;
    let doc: { items: CatalogueItem[]; count: number; of: number };
    try {
      doc = await unwrap(client.GET("/api/catalogue", { params: { query: filterQuery(this.filter) } }));
    } catch {
      ul.replaceChildren(h("li", { class: "error" }, t("catalogueError")));
      return;
    }
    if (asked !== this.asked || !ul.isConnected) return;
    ul.replaceChildren();
    const count = ul.parentElement?.querySelector<HTMLElement>("#catalogue-count");
    if (count) count.textContent = t("catalogueCount", { n: doc.count, of: doc.of });
    if (!doc.items.length) ul.append(h("li", {}, t("noResults")));
    for (const item of doc.items) ul.append(this.itemRow(item));
    if (doc.items.some((i) => i.typical_cost_eur.assumption)) ul.append(h("li", { class: "note" }, t("costAssumption")));
  }

  private itemRow(item: CatalogueItem): HTMLElement {
    const li = h("li", { class: "catalogue-item", "data-id": item.id });
    li.append(h("strong", {}, itemName(item)));
    // the catalogue has every text in Dutch and English (groengezond.catalogue)
    const nl = lang() === "nl";
    const text = nl ? item.description_nl : item.description_en;
    if (text) li.append(h("p", {}, text.trim().split(/(?<=\.)\s/)[0]));
    const c = item.typical_cost_eur;
    const star = c.assumption ? " *" : "";
    const ev = EVIDENCE_LABEL[item.evidence.strength];
    li.append(h("p", { class: "note" },
      `${t("typicalSize")}: ${nl ? item.typical_size_text_nl : item.typical_size_text} · ${t("cost")}: ${formatEuroRange(c.low, c.high, c.assumption, lang())} (${c.price_year})${star} · ${t("evidence")}: ${ev ? t(ev) : item.evidence.strength}`));
    const reason = drawReason(item, this.layers());
    const kind = DRAW_FOR[item.scenario_intervention];
    if (reason || !kind) {
      li.append(h("p", { class: "note draw-reason", "data-reason": item.id }, reason ?? ""));
    } else {
      const b = h("button", { type: "button", class: "link", "data-catalogue": item.id, "aria-label": `${t("addToScenario")}: ${itemName(item)}` }, t("addToScenario"));
      b.addEventListener("click", () => this.onDraw(item, kind));
      li.append(b);
    }
    return li;
  }
}
