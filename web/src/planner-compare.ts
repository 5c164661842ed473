// Saved scenarios side by side: the current situation (baseline) in the first column, each
// scenario's figure (median with its 95% interval where it has one), and the difference between
// the last and the first scenario compared; the same rows as a CSV (numbers as the API gave them).

import type { Interval, ScenarioResult } from "./api";
import { h } from "./dom";
import { saveBlob, slug, toCsv } from "./monitor-data";
import { fmt, t, type Key } from "./i18n";
import { ivText } from "./scenario-results";

interface Metric {
  key: string;
  label: Key;
  unit: string;
  /** Unit in the CSV (ASCII). */
  csv: string;
  digits: number;
  /** The figure without any scenario (null: not a state but a change, or unknown). */
  baseline: (r: ScenarioResult) => number | null;
  /** The scenario's figure: a number, or an interval (its median is compared). */
  value: (r: ScenarioResult) => number | Interval | null;
}

const total = (outcome: string) => (r: ScenarioResult): Interval | null =>
  r.totals.find((x) => x.outcome === outcome)?.total ?? null;

const METRICS: Metric[] = [
  { key: "deaths_prevented", label: "deathsPrevented", unit: "", csv: "deaths per year", digits: 2, baseline: () => 0, value: total("all_cause_mortality") },
  { key: "depression_cases_prevented", label: "depressionPrevented", unit: "", csv: "cases per year", digits: 1, baseline: () => 0, value: total("depression") },
  { key: "value_eur_per_year", label: "euros", unit: "", csv: "EUR per year", digits: 0, baseline: () => 0, value: (r) => r.money.total },
  { key: "within_300m_pct", label: "within300", unit: "%", csv: "%", digits: 1, baseline: (r) => 100 * r.exposures.within_300m_before, value: (r) => 100 * r.exposures.within_300m_after },
  { key: "green_m2_per_inhabitant_median", label: "greenPerInhabitant", unit: "m²", csv: "m2", digits: 1,
    baseline: (r) => r.exposures.green_m2_per_inhabitant_median_before ?? null, value: (r) => r.exposures.green_m2_per_inhabitant_median_after ?? null },
  { key: "d_t_air_c", label: "heatRow", unit: "°C", csv: "degC", digits: 2, baseline: () => 0, value: (r) => r.exposures.d_t_air_c },
  { key: "health_gap_sii", label: "gapChange", unit: "SII", csv: "SII", digits: 3, baseline: (r) => r.equity.sii_before, value: (r) => r.equity.sii_after },
  { key: "benefit_cost_ratio", label: "bcrShort", unit: "", csv: "ratio", digits: 2, baseline: () => null, value: (r) => r.costs?.benefit_cost_ratio ?? null },
];

function median(v: number | Interval | null): number | null {
  if (v === null) return null;
  return typeof v === "number" ? v : v.median;
}

function cellText(v: number | Interval | null, digits: number): string {
  if (v === null) return "–";
  return typeof v === "number" ? fmt(v, digits) : ivText(v, digits);
}

function signed(v: number | null, digits: number): string {
  if (v === null || !Number.isFinite(v)) return "–";
  const text = fmt(v, digits);
  return v > 0 && text !== fmt(0, digits) ? `+${text}` : text.replace(/^-(0(,0*)?)$/, "$1");
}

export interface Compared {
  name: string;
  result: ScenarioResult;
}

/** The comparison table of ``picked`` (at least two) with a CSV download button. */
export function compareView(picked: Compared[]): HTMLElement {
  const box = h("div", { class: "compare-panel" });
  const table = h("table", { id: "compare-table", class: "compare" });
  table.append(h("caption", {}, t("compareCaption", { first: picked[0].name, last: picked[picked.length - 1].name })));
  const head = h("tr", {});
  head.append(h("th", { scope: "col" }, t("measure")), h("th", { scope: "col", class: "baseline" }, t("baselineCol")));
  for (const s of picked) head.append(h("th", { scope: "col" }, s.name));
  head.append(h("th", { scope: "col", class: "difference" }, t("differenceCol")));
  const thead = h("thead", {});
  thead.append(head);
  const tbody = h("tbody", {});
  const first = picked[0].result;
  const last = picked[picked.length - 1].result;
  for (const m of METRICS) {
    const tr = h("tr", { "data-metric": m.key });
    tr.append(h("th", { scope: "row" }, `${t(m.label)}${m.unit ? ` (${m.unit})` : ""}`));
    tr.append(h("td", { class: "baseline" }, cellText(m.baseline(first), m.digits)));
    for (const s of picked) tr.append(h("td", {}, cellText(m.value(s.result), m.digits)));
    const a = median(m.value(first));
    const b = median(m.value(last));
    tr.append(h("td", { class: "difference" }, a === null || b === null ? "–" : signed(b - a, m.digits)));
    tbody.append(tr);
  }
  table.append(thead, tbody);
  // a region that scrolls sideways on a narrow screen, reachable with the keyboard
    const wrap = h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("compareCaption", { first: picked[0].name, last: picked[picked.length - 1].name }) });
  wrap.append(table);
  const dl = h("button", { type: "button", id: "compare-csv" }, t("downloadCsv"));
  dl.addEventListener("click", () => saveBlob(`vergelijking-${slug(picked.map((p) => p.name).join("-"))}.csv`, compareCsv(picked)));
  box.append(wrap, dl);
  return box;
}

/** The comparison as CSV: per metric the baseline, each scenario's median, lower and upper
 * bound (empty where the figure has no interval), and the difference last − first. */
export function compareCsv(picked: Compared[]): Blob {
  const header = ["metric", "unit", "baseline"];
  for (const s of picked) header.push(`${s.name} median`, `${s.name} lower`, `${s.name} upper`);
  header.push("difference_last_minus_first");
  const rows = METRICS.map((m) => {
    const row: Array<string | number | null> = [m.key, m.csv, m.baseline(picked[0].result)];
    for (const s of picked) {
      const v = m.value(s.result);
      row.push(median(v), v !== null && typeof v !== "number" ? v.lower : null, v !== null && typeof v !== "number" ? v.upper : null);
    }
    const a = median(m.value(picked[0].result));
    const b = median(m.value(picked[picked.length - 1].result));
    row.push(a === null || b === null ? null : b - a);
    return row;
  });
  return toCsv(header, rows);
}
