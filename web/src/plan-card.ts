// A published plan in the Meedoen view: its summary (from the Planner's snapshot) and the
// rating fields (four criteria, 1-5), with the rating read back from the form.

import { CRITERIA, type Criterion, type PublishedScenario, type Rating, type RatingIn } from "./api";
import { h } from "./dom";
import { t, type Key } from "./i18n";
import type { SnapshotView } from "./snapshot";

const CRITERION_KEY: Record<Criterion, Key> = { green: "critGreen", health: "critHealth", safety: "critSafety", would_use: "critWouldUse" };

/** Name, description, interventions, expected effects and the gap statement of a plan. */
export function planSummary(s: PublishedScenario, snap: SnapshotView): HTMLElement[] {
  const out: HTMLElement[] = [h("h4", {}, s.name)];
  if (s.description) out.push(h("p", {}, s.description));
  if (snap.interventions.length) out.push(h("p", { class: "note" }, t("pInterventions", { names: snap.interventions.join(", ") })));
  if (snap.rows.length) {
    out.push(h("p", { class: "effects-title" }, t("pEffects")));
    const dl = h("dl", { class: "results" });
    for (const [term, text] of snap.rows) dl.append(h("dt", {}, term), h("dd", {}, text));
    out.push(dl);
  }
  if (snap.equity) out.push(h("p", { class: "note" }, snap.equity));
  return out;
}

/** One radio group (1-5) per criterion, pre-set to an earlier rating. */
export function ratingFields(sid: number, existing: Rating | undefined): HTMLElement[] {
  return CRITERIA.map((c) => {
    const set = h("fieldset", { class: "scale" });
    set.append(h("legend", {}, t(CRITERION_KEY[c])));
    const row = h("div", { class: "scale-options" });
    for (let v = 1; v <= 5; v++) {
      const id = `rate-${sid}-${c}-${v}`;
      const input = h("input", { type: "radio", name: `rate-${sid}-${c}`, value: String(v), id });
      if (existing?.[c] === v) input.checked = true;
      const label = h("label", { for: id });
      label.append(input, document.createTextNode(String(v)));
      row.append(label);
    }
    set.append(row);
    return set;
  });
}

/** The rating in ``form``, or null when a criterion is not answered. */
export function readRating(form: HTMLFormElement, sid: number): RatingIn | null {
  const values: Partial<RatingIn> = {};
  for (const c of CRITERIA) {
    const picked = form.querySelector<HTMLInputElement>(`input[name="rate-${sid}-${c}"]:checked`);
    if (picked) values[c] = Number(picked.value);
  }
  return CRITERIA.every((c) => values[c] !== undefined) ? (values as RatingIn) : null;
}
