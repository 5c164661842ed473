// Green access in the Monitor: the measures served by /api/access/* (residents within 300 m
// over the network and in a straight line, 3-30-300, m² green per inhabitant), region-wide, for
// the chosen area, and by the income fifth of the buurt people live in.

import { api, client, unwrap, type AccessAreaDoc, type AccessSummaryDoc, type AreaValue, type IndicatorInfo } from "./api";
import type { components } from "./api-schema";
import { fmt, nameOf, t, type Key } from "./i18n";
import { h } from "./dom";

/** One buurt's access figures (/api/access/areas). */
type AccessRow = components["schemas"]["AccessAreaRow"];

/** The measures shown, by their key in the API. */
export type AccessMeasure = "within_300m_network" | "within_300m_euclidean" | "meets_3_30_300" | "supply_m2_per_inhabitant";

/** Shown measures: key in the API, label key, kind (share 0-1, or m² per person). */
export const ACCESS_MEASURES: Array<[AccessMeasure, Key, "share" | "m2"]> = [
  ["within_300m_network", "accWithin300Network", "share"],
  ["within_300m_euclidean", "accWithin300Straight", "share"],
  ["meets_3_30_300", "acc33030", "share"],
  ["supply_m2_per_inhabitant", "accM2PerInhabitant", "m2"],
];

const INCOME = "income_mean_eur";

function show(value: unknown, kind: "share" | "m2"): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "–";
  return kind === "share" ? `${fmt(100 * value, 0)}%` : `${fmt(value, 0)} m²`;
}

/** Residents-weighted mean of one share over rows (null when no residents are known). */
export function weightedShare(rows: AccessRow[], measure: AccessMeasure): number | null {
  let num = 0, den = 0;
  for (const r of rows) {
    const v = r[measure], w = r.persons;
    if (typeof v === "number" && Number.isFinite(v) && typeof w === "number" && w > 0) { num += v * w; den += w; }
  }
  return den > 0 ? num / den : null;
}

/** Buurten in fifths of mean income (first = lowest), each fifth's rows. */
export function incomeFifths(rows: AccessRow[], income: AreaValue[]): AccessRow[][] {
  const inc = new Map(income.filter((v) => !v.suppressed && v.value !== null).map((v) => [v.area_code, v.value as number]));
  const known = rows.filter((r) => inc.has(r.code)).sort((a, b) => inc.get(a.code)! - inc.get(b.code)!);
  if (known.length < 5) return [];
  return [0, 1, 2, 3, 4].map((q) => known.slice(Math.floor((q * known.length) / 5), Math.floor(((q + 1) * known.length) / 5)));
}

/**
 * Share of one age group's residents that meets ``measure``: buurt shares weighted by the
 * group's residents there (persons × the group's share; the scale of the share cancels out).
 * Assumes the group is spread like all residents within each buurt.
 */
export function ageWeightedShare(rows: AccessRow[], ageShare: AreaValue[], measure: AccessMeasure): number | null {
  const share = new Map(ageShare.filter((v) => !v.suppressed && v.value !== null).map((v) => [v.area_code, v.value as number]));
  return weightedShare(rows.filter((r) => share.has(r.code)).map((r) => ({ ...r, persons: typeof r.persons === "number" ? r.persons * share.get(r.code)! : null })), measure);
}

export class AccessPanel {
  private summary: Promise<AccessSummaryDoc> | null = null;
  private buurten: Promise<AccessRow[]> | null = null;

  /** Fill ``section`` with the region's figures, the area's (if any) and the income breakdown. */
  async render(section: HTMLElement, code: string | null, incomeYear: number | null, available = true, ages: IndicatorInfo[] = []): Promise<void> {
    section.replaceChildren(h("h3", {}, t("accessTitle")));
    let summary: AccessSummaryDoc;
    try {
      // a region without addresses cannot have access figures: say so without asking
      if (!available) throw new Error("the region has no addresses");
      this.summary ??= unwrap(client.GET("/api/access/summary"));
      summary = await this.summary;
    } catch (e) {
      this.summary = null;
      const p = h("p", { class: "note", id: "access-unavailable" }, t("accessUnavailable"));
      if (e instanceof Error) p.title = e.message;
      section.append(p);
      return;
    }
    const area: AccessAreaDoc | null = code
      ? await unwrap(client.GET("/api/access/areas/{code}", { params: { path: { code } } })).catch(() => null)
      : null;
    const table = h("table", { class: "access", id: "access-table" });
    const head = h("tr");
    head.append(h("th", { scope: "col" }, t("accessMeasure")), h("th", { scope: "col" }, t("region")));
    if (area) head.append(h("th", { scope: "col" }, area.name ?? area.code));
    { const thead = h("thead"); thead.append(head); table.append(thead); }
    const body = h("tbody");
    for (const [key, label, kind] of ACCESS_MEASURES) {
      const tr = h("tr", { "data-measure": key });
      tr.append(h("th", { scope: "row" }, t(label)), h("td", { class: "num" }, show(summary.summary[key], kind)));
      if (area) tr.append(h("td", { class: "num" }, area.suppressed ? t("suppressed") : show(area[key], kind)));
      body.append(tr);
    }
    table.append(body);
    section.append(table);
    if (summary.network_degraded) section.append(h("p", { class: "notice" }, t("accessDegraded")));
    section.append(await this.breakdown(incomeYear));
    section.append(await this.byAge(ages));
  }

  private async byAge(ages: IndicatorInfo[]): Promise<HTMLElement> {
    const box = h("div", { class: "access-income" });
    box.append(h("h4", {}, t("accessByAge")));
    const usable = ages.filter((a) => a.levels.includes("buurt") && a.years.length);
    try {
      if (!usable.length) throw new Error("no age groups");
      this.buurten ??= unwrap(client.GET("/api/access/areas", { params: { query: { level: "buurt" } } })).then((d) => d.areas);
      const rows = await this.buurten;
      const docs = await Promise.all(usable.map((a) => api.values(a.id, "buurt", a.years.at(-1)!)));
      const table = h("table", { class: "access", id: "access-age" });
      const head = h("tr");
      head.append(h("th", { scope: "col" }, t("ageGroup")), ...ACCESS_MEASURES.filter(([, , k]) => k === "share").map(([, l]) => h("th", { scope: "col" }, t(l))));
      const thead = h("thead");
      thead.append(head);
      table.append(thead);
      const body = h("tbody");
      usable.forEach((a, i) => {
        const tr = h("tr");
        tr.append(h("th", { scope: "row" }, `${nameOf(a)} (${a.years.at(-1)})`));
        for (const [key, , kind] of ACCESS_MEASURES) if (kind === "share") tr.append(h("td", { class: "num" }, show(ageWeightedShare(rows, docs[i].values, key), "share")));
        body.append(tr);
      });
      table.append(body);
      box.append(table, h("p", { class: "note" }, t("accessByAgeNote")));
    } catch {
      box.append(h("p", { class: "note" }, t("accessByAgeNotComputable")));
    }
    return box;
  }

  private async breakdown(year: number | null): Promise<HTMLElement> {
    const box = h("div", { class: "access-income" });
    box.append(h("h4", {}, t("accessByIncome")));
    if (year === null) {
      box.append(h("p", { class: "note" }, t("accessByIncomeNotComputable")));
      return box;
    }
    try {
      this.buurten ??= unwrap(client.GET("/api/access/areas", { params: { query: { level: "buurt" } } })).then((d) => d.areas);
      const [rows, income] = await Promise.all([this.buurten, api.values(INCOME, "buurt", year)]);
      const fifths = incomeFifths(rows, income.values);
      if (!fifths.length) throw new Error("fewer than 5 buurten");
      const table = h("table", { class: "access", id: "access-income" });
      const head = h("tr");
      head.append(h("th", { scope: "col" }, t("incomeFifth")), ...ACCESS_MEASURES.filter(([, , k]) => k === "share").map(([, l]) => h("th", { scope: "col" }, t(l))));
      { const thead = h("thead"); thead.append(head); table.append(thead); }
      const body = h("tbody");
      fifths.forEach((rowsOf, i) => {
        const tr = h("tr");
        tr.append(h("th", { scope: "row" }, t(i === 0 ? "fifthLowest" : i === 4 ? "fifthHighest" : "fifthN", { n: i + 1 })));
        for (const [key, , kind] of ACCESS_MEASURES) if (kind === "share") tr.append(h("td", { class: "num" }, show(weightedShare(rowsOf, key), "share")));
        body.append(tr);
      });
      table.append(body);
      box.append(table, h("p", { class: "note" }, t("accessByIncomeNote", { year })));
    } catch {
      box.append(h("p", { class: "note" }, t("accessByIncomeNotComputable")));
    }
    return box;
  }
}
