// Evaluator tab: the intervention register (planners register over the staff login), and an
// estimate of an intervention's effect on a Monitor indicator with its verdict in plain words,
// the event study and the treated-against-comparison series. Every number shown is the API's,
// after its disclosure control; a suppressed figure reads as such, never as 0.

import {
  api,
  evaluations,
  type AreaRow,
  type EvalEstimate,
  type EvaluationDoc,
  type IndicatorInfo,
  type RegisteredIntervention,
  type StaffInfo,
} from "./api";
import { button, errorText, h } from "./dom";
import { eventChart, seriesChart } from "./evaluator-chart";
import { formatSig, intervalParts } from "./format";
import { fmt, hasKey, lang, nameOf, onLangChange, reasonText, t, unitText, type Key } from "./i18n";
import { currentStaff, staffBar, staffLoginForm } from "./staff";

export const ESTIMATORS = ["cs_did", "twfe_event", "matched_did", "synth"] as const;

/** An estimated effect to 2 significant digits (format.ts), never "-0". */
export const fmtEffect = (v: number | null): string => formatSig(v, 2, lang());

/** An effect and its 95% interval to the same decimals (2 significant digits of the largest). */
export function effectParts(est: number, low: number, high: number): [string, string, string] {
  return intervalParts(est, low, high, 2, lang());
}

/** An indicator's level (the series of treated and comparison buurten): two decimals at most. */
export const fmtLevel = (v: number | null): string => fmt(v, 2);

/** The identification verdict's key (``evaluation.pretrend_untestable``) in words. */
export function keyText(key: string, fallback: string): string {
  const k = `evKey_${key.replace(/^evaluation\./, "")}`;
  // the engine's sentence is English: in Dutch an unknown key reads as a missing input
  return hasKey(k) ? t(k) : lang() === "en" ? fallback : t("ncOther");
}

/** The verdict in plain words: the effect with its interval, what it means, and caveats. */
export function verdictLines(head: EvalEstimate, indicator: IndicatorInfo | undefined): string[] {
  if (head.suppressed) return [t("evSuppressed", { why: reasonText(head.suppression_reason) })];
  if (!head.identified || head.estimate === null) return [t("evNotIdentified", { why: keyText(head.key, head.reason) })];
  const name = indicator ? nameOf(indicator) : "";
  const unit = indicator ? unitText(indicator.unit) : "";
  const p = head.p_value === null ? "–" : fmt(head.p_value, 3);
  const lines = [head.ci_low !== null && head.ci_high !== null
    ? (([value, low, high]) => t("evEffect", { indicator: name, value, unit, low, high, p }))(effectParts(head.estimate, head.ci_low, head.ci_high))
    : t("evEffectNoInterval", { indicator: name, value: fmtEffect(head.estimate), unit, p })];
  if (head.ci_low !== null && head.ci_low > 0) lines.push(t("evUpSure"));
  else if (head.ci_high !== null && head.ci_high < 0) lines.push(t("evDownSure"));
  else lines.push(t("evNoEffect"));
  if (head.key !== "evaluation.identified") lines.push(t("evCaveat", { why: keyText(head.key, head.reason) }));
  return lines;
}

function table(id: string, heads: Key[], rows: string[][]): HTMLTableElement {
  const tbl = h("table", { id, class: "data" });
  const tr = h("tr");
  for (const k of heads) tr.append(h("th", { scope: "col" }, t(k)));
  tbl.append(h("thead"), h("tbody"));
  tbl.tHead!.append(tr);
  for (const cells of rows) {
    const row = h("tr");
    cells.forEach((c, i) => row.append(i ? h("td", {}, c) : h("th", { scope: "row" }, c)));
    tbl.tBodies[0].append(row);
  }
  return tbl;
}

export class EvaluatorView {
  private interventions: RegisteredIntervention[] = [];
  private indicators: IndicatorInfo[] = [];
  private buurten: AreaRow[] = [];
  private staff: StaffInfo | null = null;
  private chosen = new Set<number>();
  private outcome = "";
  private estimator: string = "cs_did";
  private doc: EvaluationDoc | null = null;
  private active = false;

  constructor(private readonly panel: HTMLElement, private readonly announce: (text: string) => void) {
    onLangChange(() => { if (this.active) this.render(); });
  }

  async activate(): Promise<void> {
    this.active = true;
    const [list, inds, areas, staff] = await Promise.all([
      evaluations.list(), api.indicators(), api.areas("buurt"), currentStaff(),
    ]);
    this.interventions = list;
    this.indicators = inds.indicators.filter((i) => i.levels.includes("buurt") && i.years.length >= 2);
    this.buurten = areas.areas;
    this.staff = staff;
    const preferred = inds.default;
    if (!this.outcome) this.outcome = preferred !== null && this.indicators.some((i) => i.id === preferred) ? preferred : (this.indicators[0]?.id ?? "");
    this.render();
  }

  deactivate(): void {
    this.active = false;
  }

  private canWrite(): boolean {
    return this.staff !== null && (this.staff.role === "planner" || this.staff.role === "admin");
  }

  private render(): void {
    const root = h("div", { class: "view evaluator" });
    root.append(h("h2", {}, t("evTitle")), h("p", {}, t("evIntro")));
    root.append(this.registerSection(), this.estimateSection());
    const result = h("section", { id: "ev-result", "aria-live": "polite" });
    if (this.doc) this.renderResult(result, this.doc);
    root.append(result);
    this.panel.replaceChildren(root);
  }

  private registerSection(): HTMLElement {
    const sec = h("section", { id: "ev-register" });
    sec.append(h("h3", {}, t("evRegister")));
    if (!this.interventions.length) sec.append(h("p", { class: "note" }, t("evNone")));
    else {
      const rows = this.interventions.map((x) => [x.name, String(x.areas.length), x.start_date, x.completion_date ?? "–", x.cost_eur === null ? "–" : fmt(x.cost_eur, 0)]);
      const tbl = table("ev-register-table", ["evColName", "evColAreas", "evColStart", "evColDone", "evColCost"], rows);
      if (this.canWrite()) {
        this.interventions.forEach((x, i) => {
          const cell = h("td");
          cell.append(button(t("evDelete"), { "data-delete": String(x.id), "aria-label": `${t("evDelete")}: ${x.name}` }, () => {
            void evaluations.remove(x.id).then(async () => {
              this.chosen.delete(x.id);
              this.announce(t("evDeleted"));
              await this.activate();
            }).catch((e: unknown) => this.announce(errorText(e)));
          }));
          tbl.tBodies[0].rows[i].append(cell);
        });
        tbl.tHead!.rows[0].append(h("td"));
      }
      sec.append(tbl);
    }
    if (this.canWrite()) {
      sec.append(...staffBar(this.staff!, () => { this.staff = null; this.render(); }), this.registerForm());
    } else {
      sec.append(h("h4", {}, t("evAdd")), h("p", { class: "note" }, t("evLoginToAdd")));
      sec.append(staffLoginForm(async (staff) => { this.staff = staff; this.render(); }));
    }
    return sec;
  }

  private registerForm(): HTMLFormElement {
    const form = h("form", { id: "ev-register-form" });
    form.append(h("h4", {}, t("evAdd")));
    const field = (key: Key, input: HTMLElement) => {
      const label = h("label", { class: "field" });
      label.append(h("span", {}, t(key)), input);
      form.append(label);
    };
    const name = h("input", { type: "text", id: "ev-name", required: "", maxlength: "200" });
    const areas = h("select", { id: "ev-areas", multiple: "", required: "", size: "6" });
    for (const b of this.buurten) areas.append(h("option", { value: b.code }, `${b.name} (${b.code})`));
    const start = h("input", { type: "date", id: "ev-start", required: "", min: "1950-01-01", max: "2100-12-31" });
    const done = h("input", { type: "date", id: "ev-done", min: "1950-01-01", max: "2100-12-31" });
    const cost = h("input", { type: "number", id: "ev-cost", min: "0", step: "1" });
    field("evName", name);
    field("evAreas", areas);
    field("evStart", start);
    field("evDone", done);
    field("evCost", cost);
    const msg = h("p", { class: "form-msg", role: "status", id: "ev-register-msg" });
    form.append(h("button", { type: "submit", class: "primary", id: "ev-save" }, t("evSave")), msg);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const codes = Array.from(areas.selectedOptions, (o) => o.value);
      evaluations.register({
        name: name.value.trim(), areas: codes, start_date: start.value,
        completion_date: done.value || null, cost_eur: cost.value === "" ? null : Number(cost.value),
      }).then(async (x) => {
        this.chosen.add(x.id);
        await this.activate();
        this.announce(t("evSaved", { name: x.name, n: x.areas.length }));
        document.getElementById("ev-register-msg")!.textContent = t("evSaved", { name: x.name, n: x.areas.length });
      }).catch((err: unknown) => {
        msg.textContent = errorText(err);
        msg.classList.add("error");
      });
    });
    return form;
  }

  private estimateSection(): HTMLElement {
    const sec = h("section", { id: "ev-estimate" });
    sec.append(h("h3", {}, t("evEstimateTitle")));
    const form = h("form", { id: "ev-estimate-form" });
    const set = h("fieldset");
    set.append(h("legend", {}, t("evPickIntervention")));
    if (!this.interventions.length) set.append(h("p", { class: "note" }, t("evNone")));
    for (const x of this.interventions) {
      const label = h("label", { class: "check" });
      const box = h("input", { type: "checkbox", id: `ev-iv-${x.id}`, value: String(x.id) });
      box.checked = this.chosen.has(x.id);
      box.addEventListener("change", () => { if (box.checked) this.chosen.add(x.id); else this.chosen.delete(x.id); });
      label.append(box, document.createTextNode(` ${x.name}`));
      set.append(label);
    }
    form.append(set);
    const outcome = h("select", { id: "ev-outcome" });
    for (const i of this.indicators) {
      const o = h("option", { value: i.id }, nameOf(i));
      o.selected = i.id === this.outcome;
      outcome.append(o);
    }
    outcome.addEventListener("change", () => { this.outcome = outcome.value; });
    const method = h("select", { id: "ev-estimator" });
    for (const id of ESTIMATORS) {
      const o = h("option", { value: id }, t(`evEst_${id}` as Key));
      o.selected = id === this.estimator;
      method.append(o);
    }
    method.addEventListener("change", () => { this.estimator = method.value; });
    for (const [key, input] of [["evOutcome", outcome], ["evEstimator", method]] as const) {
      const label = h("label", { class: "field" });
      label.append(h("span", {}, t(key)), input);
      form.append(label);
    }
    const msg = h("p", { class: "form-msg", role: "status", id: "ev-estimate-msg" });
    form.append(h("button", { type: "submit", class: "primary", id: "ev-run" }, t("evRun")), msg);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!this.chosen.size) {
        msg.textContent = t("evNeedIntervention");
        return;
      }
      msg.textContent = t("evRunning");
      evaluations.estimate(this.outcome, this.estimator, [...this.chosen].sort((a, b) => a - b)).then((doc) => {
        this.doc = doc;
        this.render();
        const head = doc.estimates[0];
        if (head) this.announce(verdictLines(head, this.indicators.find((i) => i.id === doc.indicator))[0]);
      }).catch((err: unknown) => {
        msg.textContent = errorText(err);
        msg.classList.add("error");
      });
    });
    sec.append(form);
    return sec;
  }

  private renderResult(box: HTMLElement, doc: EvaluationDoc): void {
    const ind = this.indicators.find((i) => i.id === doc.indicator);
    const head = doc.estimates[0];
    box.append(h("h3", {}, `${t("evVerdictTitle")}: ${t(`evEst_${doc.estimator}` as Key)}`));
    const verdict = h("div", { id: "ev-verdict" });
    if (head) for (const line of verdictLines(head, ind)) verdict.append(h("p", {}, line));
    box.append(verdict);
    if (head) {
      box.append(h("p", { class: "note", id: "ev-counts" }, t("evCounts", {
        treated: fmt(head.n_treated, 0), control: fmt(head.n_control, 0), n: fmt(doc.n_areas, 0), years: doc.years.join(", "),
      })));
    }
    const secret = t("evSuppressedMark");
    if (doc.event_study.length) {
      box.append(h("h4", {}, t("evEventTitle")), h("p", { class: "note" }, t("evEventNote")));
      box.append(eventChart(doc.event_study, t("evEventChart"), (v) => fmtEffect(v), secret));
      box.append(table("ev-event-table", ["evColE", "evColCoef", "evColInterval"], doc.event_study.map((r) => [
        String(r.e), r.suppressed ? secret : r.ci_low === null || r.ci_high === null ? fmtEffect(r.coef) : effectParts(r.coef ?? NaN, r.ci_low, r.ci_high)[0],
        r.suppressed || r.ci_low === null || r.ci_high === null ? "–" : effectParts(r.coef ?? NaN, r.ci_low, r.ci_high).slice(1).join(" – "),
      ])));
    }
    if (doc.series.length) {
      const comparison = doc.series[0].comparison_kind === "synthetic" ? t("evSynthetic") : t("evComparison");
      box.append(h("h4", {}, t("evSeriesTitle")));
      box.append(seriesChart(doc.series, { label: t("evSeriesChart"), treated: t("evTreated"), comparison, format: (v) => fmtLevel(v) }));
      box.append(table("ev-series-table", ["evColYear", "evTreated", "evComparison"], doc.series.map((r) => [
        String(r.time), r.treated_suppressed ? secret : fmtLevel(r.treated), r.comparison_suppressed ? secret : fmtLevel(r.comparison),
      ])));
    }
  }
}
