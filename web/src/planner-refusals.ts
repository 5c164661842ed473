// Refusals of a Planner run (RFC 9457 problems of /api/scenarios/run): each is placed at the
// intervention it names ("intervention N 'name'"), worded in the user's language from its key,
// with the field it concerns; the engine's exact figures follow, as it wrote them.

import type { Problem } from "./api";
import { h } from "./dom";
import { t } from "./i18n";

/** Known refusal keys of groengezond.scenario.plausibility, worded in the user's language. */
const REFUSALS: Record<string, "refuseNoInterventions" | "refuseInvalidPolygon" | "refuseTooSmall" | "refuseOverBuildings" | "refuseOnWater" | "refuseTooDense"> = {
  no_interventions: "refuseNoInterventions",
  invalid_polygon: "refuseInvalidPolygon",
  too_small: "refuseTooSmall",
  over_buildings: "refuseOverBuildings",
  on_water: "refuseOnWater",
  too_dense: "refuseTooDense",
};

/** One refusal: its wording in the user's language, the field, then the engine's figures. */
export function refusalItem(p: Problem): HTMLElement {
  const key = p.key ? REFUSALS[p.key] : undefined;
  const li = h("li", { class: "error refusal", "data-key": p.key ?? "", "data-field": p.field ?? "" });
  li.append(h("strong", {}, key ? t(key) : t("refusedOther")));
  if (p.field) li.append(h("span", { class: "refusal-field" }, ` ${t("refusalField", { field: p.field })}`));
  li.append(h("span", { lang: "en", class: "note" }, ` ${p.problem}; ${p.fix}`));
  return li;
}

/** The problems by intervention index (from 0), and those of the whole plan. */
export function refusalsByIntervention(problems: Problem[], n: number): { byIndex: Map<number, Problem[]>; plan: Problem[] } {
  const byIndex = new Map<number, Problem[]>();
  const plan: Problem[] = [];
  for (const p of problems) {
    const m = /^intervention (\d+)/.exec(p.location);
    const i = m ? Number(m[1]) - 1 : -1;
    if (i >= 0 && i < n) byIndex.set(i, [...(byIndex.get(i) ?? []), p]);
    else plan.push(p);
  }
  return { byIndex, plan };
}
