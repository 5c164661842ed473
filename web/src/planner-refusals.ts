// Refusals of a Planner run (RFC 9457 problems of /api/scenarios/run): each is placed at the
// intervention it names ("intervention N 'name'"), worded in the user's language from its key,
// with its figures (groengezond.messages.REFUSAL_KEYS and params) and the field it concerns (in
// words); never the engine's English sentence in Dutch.

import type { Problem } from "./api";
import { fieldText, h } from "./dom";
import { lang, refusalText, t } from "./i18n";

/** Known refusal keys of groengezond.scenario.plausibility, worded in the user's language. */
const REFUSALS: Record<string, "refuseNoInterventions" | "refuseInvalidPolygon" | "refuseTooSmall" | "refuseOverBuildings" | "refuseOnWater" | "refuseTooDense"> = {
  no_interventions: "refuseNoInterventions",
  invalid_polygon: "refuseInvalidPolygon",
  too_small: "refuseTooSmall",
  over_buildings: "refuseOverBuildings",
  on_water: "refuseOnWater",
  too_dense: "refuseTooDense",
};

/** One refusal: its wording with its figures in the user's language, then the field. */
export function refusalItem(p: Problem): HTMLElement {
  const key = p.key ? REFUSALS[p.key] : undefined;
  const li = h("li", { class: "error refusal", "data-key": p.key ?? "", "data-field": p.field ?? "" });
  // worded from the key with the engine's figures; a key unknown here gets the short wording
  const worded = refusalText(p);
  li.append(h("strong", {}, worded ?? (key ? t(key) : t("refusedOther"))));
  if (p.field) li.append(h("span", { class: "refusal-field" }, ` ${t("refusalField", { field: fieldText(p.field) })}`));
  if (!worded && lang() === "en") li.append(h("span", { class: "note" }, ` ${p.problem}; ${p.fix}`));
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
