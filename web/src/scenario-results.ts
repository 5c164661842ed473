// What the Planner shows of a scenario result: rows of the results panel and of the comparison
// table, each [label, text]. Every number comes from the API, with its 95% interval.

import type { Interval, ScenarioResult } from "./api";
import { formatEuro, formatEuroRange, intervalParts } from "./format";
import { fmt, lang, ncText, t, unitText } from "./i18n";

/** "median (95% interval lower – upper)" to 2 significant digits (``digits`` is the most
 * decimals shown); "not computable: reason" when there is none. */
export function ivText(iv: Interval | null, digits: number, reason?: string): string {
  if (!iv) return t("notComputable", { reason: reason ?? "–" });
  const [median, lower, upper] = intervalParts(iv.median, iv.lower, iv.upper, digits === 0 ? 2 : Math.max(2, Math.min(3, digits)), lang());
  return `${median} (${t("interval", { lower, upper })})`;
}

/** Euros with their interval, € on every number: "€ 1,2 miljoen (95%-interval € 0,8 miljoen – …)". */
function euroIvText(iv: Interval): string {
  const l = lang();
  return `${formatEuro(iv.median, 2, l)} (${t("interval", { lower: formatEuro(iv.lower, 2, l), upper: formatEuro(iv.upper, 2, l) })})`;
}

/** The reason a figure of the result is not computable, if it is not. */
function why(r: ScenarioResult, field: string): string | undefined {
  const nc = r.not_computable?.[field];
  return nc ? ncText(nc) : undefined;
}

/** The gap indicator in the user's language (never its raw id when the engine names it). */
export function gapIndicatorName(r: ScenarioResult): string {
  const eq = r.equity;
  return (lang() === "nl" ? eq.indicator_name_nl : eq.indicator_name_en) || eq.indicator_name_nl || eq.indicator;
}

function total(r: ScenarioResult, outcome: string): { iv: Interval | null; reason?: string } | null {
  const row = r.totals.find((x) => x.outcome === outcome);
  return row ? { iv: row.total, reason: row.not_computable ? ncText(row.not_computable) : undefined } : null;
}

function verdictText(v: ScenarioResult["equity"]["verdict"]): string {
  return t(v === "narrows" ? "verdictNarrows" : v === "widens" ? "verdictWidens" : v === "unchanged" ? "verdictUnchanged" : "verdictUnknown");
}

function within300(r: ScenarioResult): string {
  const e = r.exposures;
  const change = (e.within_300m_after - e.within_300m_before) * e.residents;
  return t("within300Text", { before: fmt(100 * e.within_300m_before), after: fmt(100 * e.within_300m_after), change: `${change > 0 ? "+" : ""}${fmt(change, 0)}` });
}

/** The change of summer air temperature at the homes (°C, mean over residents), and the
 * coolest change of any block; "niet te berekenen" with the reason when the API has none. */
export function heatText(r: ScenarioResult): string {
  const dt = r.exposures.d_t_air_c;
  if (dt === null || dt === undefined) return ivText(null, 2, why(r, "exposures.d_t_air_c"));
  const text = t("heatText", { dt: signedC(dt) });
  const max = r.exposures.max_cooling_c;
  return max ? `${text} · ${t("heatMax", { max: signedC(-Math.abs(max)) })}` : text;
}

/** °C with two decimals and its sign ("0,00" rather than "-0,00"). */
function signedC(v: number): string {
  const text = fmt(v, 2);
  if (/^-?0(,|\.)?0*$/.test(text)) return fmt(0, 2);
  return v > 0 ? `+${text}` : text;
}

function gapText(r: ScenarioResult): string {
  const eq = r.equity;
  const reason = why(r, "equity");
  if (reason) return t("notComputable", { reason });
  const unit = eq.indicator_unit ? ` ${unitText(eq.indicator_unit)}` : "";
  let text = `${gapIndicatorName(r)}: ${verdictText(eq.verdict)} (SII ${fmt(eq.sii_before, 3)} → ${fmt(eq.sii_after, 3)}${unit})`;
  const iv = eq.sii_change_interval;
  const own = eq.sii_before_interval;
  if (iv && (eq.verdict === "narrows" || eq.verdict === "widens")) {
    text += ` · ${t("gapChangeInterval", {
      change: fmt(eq.sii_change, 4), lower: fmt(iv.lower, 4), upper: fmt(iv.upper, 4),
      pct: fmt(eq.sii_change_pct_of_gap ?? NaN, 3), own: own ? fmt((own.upper - own.lower) / 2, 2) : "–",
    })}`;
  }
  return text;
}

/** Rows of the results panel and of the comparison table: [label, text]. */
export function resultRows(r: ScenarioResult): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const deaths = total(r, "all_cause_mortality");
  const dep = total(r, "depression");
  const unit = (x: { iv: Interval | null } | null, digits: number): string =>
    x ? (x.iv ? `${ivText(x.iv, digits)} ${t("perYearShort")}` : ivText(null, digits, (x as { reason?: string }).reason)) : "–";
  rows.push([t("deathsPrevented"), unit(deaths, 2)]);
  rows.push([t("depressionPrevented"), unit(dep, 1)]);
  rows.push([t("euros"), r.money.total
    ? `${euroIvText(r.money.total)} ${t("perYearShort")} · ${t("priceYears", { years: r.money.price_years.join(", ") })}`
    : ivText(null, 0, r.money.not_computable ? ncText(r.money.not_computable) : undefined)]);
  const mort = r.value_shares?.find((v) => v.outcome === "all_cause_mortality");
  if (mort) rows.push([t("mortalityShare"), `${fmt(100 * mort.share.median, 0)}% (${t("interval", { lower: fmt(100 * mort.share.lower, 0), upper: fmt(100 * mort.share.upper, 0) })})`]);
  for (const d of r.displaced ?? []) {
    rows.push([t("displacedRow"), t("displacedText", { buildings: fmt(d.buildings, 0), dwellings: fmt(d.dwellings, 0), residents: fmt(d.residents, 0) })]);
  }
  const c = r.costs;
  if (c) {
    rows.push([t("costs"), `${formatEuroRange(c.total_low_eur, c.total_high_eur, c.any_assumption, lang())}${c.any_assumption ? ` ${t("costsAssumed")}` : ""}`]);
    if (c.maintenance_high_eur_per_year) {
      rows.push([t("maintenanceRow"), `${formatEuroRange(c.maintenance_low_eur_per_year ?? 0, c.maintenance_high_eur_per_year, c.any_assumption, lang())} ${t("perYearShort")}`]);
    }
    rows.push([t("bcr", { years: c.appraisal_years, rate: `${fmt(100 * c.discount_rate, 2)}%` }),
      c.benefit_cost_ratio ? ivText(c.benefit_cost_ratio, 2)
        : why(r, "costs.benefit_cost_ratio") ? ivText(null, 2, why(r, "costs.benefit_cost_ratio")) : t("bcrNone")]);
    const sens = c.sensitivity ?? [];
    if (c.benefit_cost_ratio && sens.length) {
      const rates = [...new Set(sens.map((x) => x.discount_rate))];
      const years = [...new Set(sens.map((x) => x.appraisal_years))];
      const text = rates.map((rate) => `${fmt(100 * rate, 2)}%: ${years.map((y) => {
        const b = sens.find((x) => x.discount_rate === rate && x.appraisal_years === y)?.benefit_cost_ratio;
        return b ? fmt(b.median, 2) : "–";
      }).join(" / ")}`).join(" · ");
      rows.push([t("bcrSensitivity", { years: years.join(" / ") }), text]);
    }
  }
  rows.push([t("within300"), within300(r)]);
  rows.push([t("heatRow"), heatText(r)]);
  const coolest = Math.min(0, ...(r.cooling_map?.cells ?? []).map((cell) => cell[2]));
  if (coolest < 0) rows.push([t("coolingRow"), t("coolingText", { coolest: fmt(coolest, 2), blocks: fmt(r.cooling_map?.cells.length ?? 0, 0) })]);
  const e = r.exposures;
  if (e.within_300m_straight_before != null && e.within_300m_straight_after != null) {
    rows.push([t("within300Straight"), `${fmt(100 * e.within_300m_straight_before)}% → ${fmt(100 * e.within_300m_straight_after)}%`]);
  }
  if (e.green_m2_per_inhabitant_median_before !== undefined && e.green_m2_per_inhabitant_median_after !== undefined) {
    rows.push([t("greenPerInhabitant"), t("greenPerInhabitantText", {
      before: fmt(e.green_m2_per_inhabitant_median_before, 1), after: fmt(e.green_m2_per_inhabitant_median_after, 1),
      normBefore: fmt(100 * (e.meets_green_norm_before ?? 0), 1), normAfter: fmt(100 * (e.meets_green_norm_after ?? 0), 1),
      noneBefore: fmt(100 * (e.no_green_before ?? 0), 1), noneAfter: fmt(100 * (e.no_green_after ?? 0), 1),
      meanBefore: fmt(e.green_m2_per_inhabitant_before ?? 0, 1), meanAfter: fmt(e.green_m2_per_inhabitant_after ?? 0, 1),
    })]);
  }
  if (r.exposures.new_residents > 0) {
    rows.push([t("newResidents"), t("newResidentsText", { n: fmt(r.exposures.new_residents, 0), near: fmt(r.exposures.new_residents_within_300m, 0) })]);
  }
  rows.push([t("gapChange"), gapText(r)]);
  const a = r.equity.access;
  if (a) rows.push([t("accessGap"), `${verdictText(a.verdict)} (SII ${fmt(a.sii_before, 2)} → ${fmt(a.sii_after, 2)} ${t("pp")})`]);
  return rows;
}
