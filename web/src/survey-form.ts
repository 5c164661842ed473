// The 'belevingswaarde' survey form of the Meedoen view: fields built from the questions the
// API gives (in the current language), and the answers read back from the form.

import { GREEN_VISITS, type GreenVisits, type SurveyDoc, type SurveyIn } from "./api";
import { h } from "./dom";
import { lang, t, type Key } from "./i18n";

export const VISITS_KEY: Record<GreenVisits, Key> = { daily: "visitsDaily", weekly: "visitsWeekly", monthly: "visitsMonthly", rarely: "visitsRarely", never: "visitsNever" };

const AGREE_KEYS: Key[] = ["agree1", "agree2", "agree3", "agree4", "agree5"];
const SURVEY_SCORES: Record<string, "mark" | "agree" | "buurt" | "visits"> = {
  buurt_code: "buurt", satisfaction: "mark", green_rating: "mark", feels_safe: "agree", neighbour_contact: "agree", green_visits: "visits",
};

/** Form fields for ``doc``'s questions, pre-filled with a resident's earlier answers. */
export function surveyFields(doc: SurveyDoc, prior: Record<string, unknown> | null): HTMLElement[] {
  const out: HTMLElement[] = [];
  const priorValue = (id: string): string => (prior ? String(prior[id] ?? "") : "");
  for (const q of doc.questions) {
    const kind = SURVEY_SCORES[q.id];
    if (!kind) continue; // a question this client does not know yet
    const text = lang() === "nl" ? q.nl : q.en;
    if (kind === "agree") {
      const set = h("fieldset", { class: "scale", id: `survey-${q.id}` });
      set.append(h("legend", {}, text));
      const list = h("div", { class: "scale-options vertical" });
      AGREE_KEYS.forEach((key, i) => {
        const id = `survey-${q.id}-${i + 1}`;
        const input = h("input", { type: "radio", name: `survey-${q.id}`, value: String(i + 1), id });
        if (priorValue(q.id) === String(i + 1)) input.checked = true;
        const label = h("label", { for: id });
        label.append(input, document.createTextNode(`${i + 1} ${t(key)}`));
        list.append(label);
      });
      set.append(list);
      out.push(set);
      continue;
    }
    const select = h("select", { id: `survey-${q.id}`, name: q.id });
    select.append(h("option", { value: "" }, t("pChoose")));
    const options: Array<[string, string]> =
      kind === "buurt" ? doc.buurten.map((b) => [b.code, `${b.name} (${b.code})`])
        : kind === "visits" ? GREEN_VISITS.map((v) => [v, t(VISITS_KEY[v])])
          : Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)]);
    for (const [value, label] of options) {
      const opt = h("option", { value }, label);
      if (priorValue(q.id) === value) opt.selected = true;
      select.append(opt);
    }
    const label = h("label", { class: "field" });
    label.append(h("span", {}, text), select);
    out.push(label);
  }
  return out;
}

/** The answers in ``form``; ``missing`` is the first unanswered field (answers then null). */
export function readSurvey(form: HTMLFormElement, doc: SurveyDoc): { answers: SurveyIn | null; missing: HTMLElement | null } {
  const answers: Record<string, string | number> = {};
  let missing: HTMLElement | null = null;
  for (const q of doc.questions) {
    const kind = SURVEY_SCORES[q.id];
    if (!kind) continue;
    const value = kind === "agree"
      ? form.querySelector<HTMLInputElement>(`input[name="survey-${q.id}"]:checked`)?.value ?? ""
      : form.querySelector<HTMLSelectElement>(`#survey-${q.id}`)?.value ?? "";
    if (!value) {
      missing ??= form.querySelector<HTMLElement>(`#survey-${q.id}, input[name="survey-${q.id}"]`);
      continue;
    }
    answers[q.id] = kind === "mark" || kind === "agree" ? Number(value) : value;
  }
  return missing ? { answers: null, missing } : { answers: answers as unknown as SurveyIn, missing: null };
}
