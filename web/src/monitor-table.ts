// The Monitor's ranked, sortable table of the shown indicator, level and year, with the
// regional value as reference; a name flies the map to the area.

import type { AreaValue } from "./api";
import { fmt, lang, t } from "./i18n";
import { h } from "./dom";

export type SortKey = "rank" | "name" | "value";

export interface TableOptions {
  values: AreaValue[];
  names: Map<string, string>;
  places: number;
  unit: string;
  hasInterval: boolean;
  regional: AreaValue | null;
  sort: { key: SortKey; ascending: boolean };
  selected: string | null;
  onSort: (key: SortKey) => void;
  onPick: (code: string) => void;
}

/** The shown name of an area (qualified where its name repeats). */
export function shownName(v: { area_code: string; name: string }, names: Map<string, string>): string {
  return names.get(v.area_code) ?? v.name;
}

export function sortRows(values: AreaValue[], names: Map<string, string>, key: SortKey, ascending: boolean): AreaValue[] {
  const sign = ascending ? 1 : -1;
  const byName = (a: AreaValue, b: AreaValue) => shownName(a, names).localeCompare(shownName(b, names), lang());
  return [...values].sort((a, b) => {
    if (key === "name") return sign * byName(a, b);
    const x = key === "rank" ? a.rank : a.value, y = key === "rank" ? b.rank : b.value;
    const xa = a.suppressed ? null : x, ya = b.suppressed ? null : y;
    if (xa === null && ya === null) return byName(a, b);
    if (xa === null) return 1; // unranked and suppressed rows always last
    if (ya === null) return -1;
    return sign * (xa - ya) || byName(a, b);
  });
}

export function rankedTable(o: TableOptions): HTMLElement {
  const wrap = h("div", { class: "table-wrap", id: "ranked-table" });
  const table = h("table", { class: "ranked" });
  table.append(h("caption", { class: "note" }, t("tableCaption", { unit: o.unit })));
  const head = h("tr");
  const cols: Array<[SortKey | null, string]> = [["rank", t("colRank")], ["name", t("area")], ["value", t("colValue")]];
  if (o.hasInterval) cols.push([null, t("colInterval")]);
  for (const [key, label] of cols) {
    const th = h("th", { scope: "col" });
    if (key) {
      const on = o.sort.key === key;
      if (on) th.setAttribute("aria-sort", o.sort.ascending ? "ascending" : "descending");
      const b = h("button", { type: "button", class: "sort", "data-sort": key }, `${label}${on ? (o.sort.ascending ? " ▲" : " ▼") : ""}`);
      b.addEventListener("click", () => o.onSort(key));
      th.append(b);
    } else th.textContent = label;
    head.append(th);
  }
  { const thead = h("thead"); thead.append(head); table.append(thead); }
  const body = h("tbody");
  const fmtInterval = (v: AreaValue) => (v.lower !== null && v.upper !== null ? `${fmt(v.lower, o.places)} – ${fmt(v.upper, o.places)}` : "–");
  for (const v of sortRows(o.values, o.names, o.sort.key, o.sort.ascending)) {
    const tr = h("tr", { "data-code": v.area_code });
    if (v.area_code === o.selected) tr.classList.add("selected");
    const pick = h("button", { type: "button", class: "link area-link" }, shownName(v, o.names));
    pick.addEventListener("click", () => o.onPick(v.area_code));
    const nameCell = h("td");
    nameCell.append(pick);
    tr.append(h("td", { class: "num" }, v.rank !== null && !v.suppressed ? String(v.rank) : "–"), nameCell,
      h("td", { class: "num value" }, v.suppressed ? t("suppressed") : fmt(v.value, o.places)));
    if (o.hasInterval) tr.append(h("td", { class: "num" }, v.suppressed ? "" : fmtInterval(v)));
    body.append(tr);
  }
  table.append(body);
  if (o.regional) {
    const foot = h("tfoot");
    const tr = h("tr", { class: "regional" });
    tr.append(h("td"), h("th", { scope: "row" }, t("regionalValue")), h("td", { class: "num value" }, fmt(o.regional.value, o.places)));
    if (o.hasInterval) tr.append(h("td", { class: "num" }, fmtInterval(o.regional)));
    foot.append(tr);
    table.append(foot);
  }
  wrap.append(table);
  return wrap;
}
