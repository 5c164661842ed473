// Two areas side by side in the Monitor: the indicator in every year, with the difference.

import type { AreaDoc, IndicatorInfo } from "./api";
import { fmt, nameOf, t, unitText } from "./i18n";
import { h } from "./dom";
import { digits } from "./monitor-data";

/** A table of areas ``a`` and ``b`` per year (value, interval where the indicator has one). */
export function compareTable(ind: IndicatorInfo, a: AreaDoc, b: AreaDoc, names: Map<string, string>): HTMLTableElement {
  const d = digits(ind);
  const nameA = names.get(a.area.code) ?? a.area.name, nameB = names.get(b.area.code) ?? b.area.name;
  const table = h("table", { class: "compare", id: "compare-table" });
  table.append(h("caption", {}, t("compareTitle", { indicator: nameOf(ind), unit: unitText(ind.unit) })));
  const head = h("tr");
  head.append(h("th", { scope: "col" }, t("year")), h("th", { scope: "col" }, nameA), h("th", { scope: "col" }, nameB), h("th", { scope: "col" }, t("difference")));
  { const thead = h("thead"); thead.append(head); table.append(thead); }
  const body = h("tbody");
  const cell = (p: AreaDoc["series"][number] | undefined) => {
    if (!p) return "–";
    if (p.suppressed) return t("suppressed");
    const iv = ind.has_interval && p.lower !== null && p.upper !== null ? ` (${fmt(p.lower, d)} – ${fmt(p.upper, d)})` : "";
    return `${fmt(p.value, d)}${iv}`;
  };
  for (const year of ind.years) {
    const pa = a.series.find((p) => p.year === year), pb = b.series.find((p) => p.year === year);
    const diff = pa && pb && !pa.suppressed && !pb.suppressed && pa.value !== null && pb.value !== null ? fmt(pa.value - pb.value, d) : "–";
    const tr = h("tr");
    tr.append(h("th", { scope: "row" }, String(year)), h("td", { class: "num" }, cell(pa)), h("td", { class: "num" }, cell(pb)), h("td", { class: "num" }, diff));
    body.append(tr);
  }
  table.append(body);
  return table;
}
