// Filters of the Verkenner catalogue (problem, budget, evidence, area type): the controls, and
// the query of /api/catalogue that applies them (the server filters; nothing is filtered here).

import type { paths } from "./api-schema";
import { h } from "./dom";
import { t, type Key } from "./i18n";

export interface CatalogueFilter {
  q: string;
  problem: string;
  maxCost: string;
  evidence: string;
  areaType: string;
}

export const EMPTY_FILTER: CatalogueFilter = { q: "", problem: "", maxCost: "", evidence: "", areaType: "" };

/** The catalogue's problem keys, evidence levels and scales, worded in the user's language. */
export const PROBLEM_LABEL: Record<string, Key> = {
  heat: "problemHeat", access: "problemAccess", mental_health: "problemMentalHealth",
  physical_activity: "problemActivity",
};
export const EVIDENCE_LABEL: Record<string, Key> = {
  strong: "evidenceStrong", moderate: "evidenceModerate", limited: "evidenceLimited",
  emerging: "evidenceEmerging",
};
const AREA_LABEL: Record<string, Key> = { street: "scaleStreet", buurt: "buurt", wijk: "wijk", gemeente: "gemeente" };
const BUDGETS = [50_000, 250_000, 1_000_000, 5_000_000];

/** The query parameters of /api/catalogue, as the API's OpenAPI document declares them. */
export type CatalogueQuery = NonNullable<paths["/api/catalogue"]["get"]["parameters"]["query"]>;

/** The query of /api/catalogue for ``f`` (empty filters left out). */
export function filterQuery(f: CatalogueFilter): CatalogueQuery {
  const q: CatalogueQuery = {};
  if (f.q) q.q = f.q;
  if (f.problem) q.problem = f.problem;
  if (f.maxCost) q.max_cost_eur = Number(f.maxCost);
  if (f.evidence) q.min_evidence = f.evidence;
  if (f.areaType) q.area_type = f.areaType;
  return q;
}

function select(id: string, label: Key, options: Array<[string, string]>, value: string, onChange: (v: string) => void): HTMLElement {
  const wrap = h("label", { class: "field" });
  const sel = h("select", { id });
  sel.append(h("option", { value: "" }, t("filterAny")));
  for (const [v, text] of options) sel.append(h("option", { value: v }, text));
  sel.value = value;
  sel.addEventListener("change", () => onChange(sel.value));
  wrap.append(h("span", {}, t(label)), sel);
  return wrap;
}

/** The filter controls; ``onChange`` gets the whole new filter. */
export function filterControls(f: CatalogueFilter, onChange: (f: CatalogueFilter) => void, budgetText: (eur: number) => string): HTMLElement {
  const cur = { ...f };
  const set = (key: "problem" | "maxCost" | "evidence" | "areaType") => (v: string): void => { cur[key] = v; onChange({ ...cur }); };
  const box = h("div", { class: "catalogue-filters", role: "group", "aria-label": t("filters") });
  box.append(
    select("filter-problem", "filterProblem", Object.entries(PROBLEM_LABEL).map(([k, key]) => [k, t(key)]), f.problem, set("problem")),
    select("filter-cost", "filterCost", BUDGETS.map((b) => [String(b), budgetText(b)]), f.maxCost, set("maxCost")),
    select("filter-evidence", "filterEvidence", Object.entries(EVIDENCE_LABEL).map(([k, key]) => [k, t(key)]), f.evidence, set("evidence")),
    select("filter-area", "filterArea", Object.entries(AREA_LABEL).map(([k, key]) => [k, t(key)]), f.areaType, set("areaType")),
  );
  return box;
}
