// Results of a field lab for planners: ratings per plan and the survey per buurt with their 95%
// intervals, after disclosure control (a suppressed cell shows why, never a 0), and the
// downloads (CSV, GeoPackage, HTML) of the API's export.

import { client, unwrap } from "./api";
import type { components } from "./api-schema";
import { h } from "./dom";
import { fmt, reasonText, t, type Key } from "./i18n";

const MEASURE_KEY: Record<string, Key> = {
  green: "critGreen", health: "critHealth", safety: "critSafety", would_use: "critWouldUse",
  satisfaction: "resSatisfaction", green_rating: "resGreenRating", feels_safe_pct: "resFeelsSafe",
  neighbour_contact_pct: "resContact", visits_green_weekly_pct: "resVisits",
};

type Schemas = components["schemas"];
type Figure = Schemas["Figure"];
/** What a plan's row and an area's row have in common (the generated ScenarioResult, AreaResult). */
type Cell = Pick<Schemas["AreaResult"], "respondents" | "suppressed" | "suppression_reason" | "figures">;

function figureText(f: Figure): string {
  if (f.value === null) return ".";
  const digits = f.unit.startsWith("%") ? 0 : 1;
  const iv = f.lower !== null && f.upper !== null ? ` (${fmt(f.lower, digits)} – ${fmt(f.upper, digits)})` : "";
  return `${fmt(f.value, digits)}${iv}`;
}

function table(id: string, head: string, rows: Array<{ label: string; cell: Cell }>): HTMLTableElement {
  const tab = h("table", { class: "compare", id });
  const measures = rows.find((r) => r.cell.figures.length)?.cell.figures.map((f) => f.measure) ?? [];
  const tr = h("tr", {});
  tr.append(h("th", { scope: "col" }, head), h("th", { scope: "col" }, t("resRespondents")));
  for (const m of measures) tr.append(h("th", { scope: "col" }, MEASURE_KEY[m] ? t(MEASURE_KEY[m]) : m));
  const thead = h("thead", {});
  thead.append(tr);
  const tbody = h("tbody", {});
  for (const { label, cell } of rows) {
    const row = h("tr", {});
    row.append(h("th", { scope: "row" }, label), h("td", {}, cell.suppressed ? "." : String(cell.respondents ?? ".")));
    if (cell.suppressed) {
      const td = h("td", { colspan: String(Math.max(measures.length, 1)), class: "note" }, t("resSuppressed", { reason: reasonText(cell.suppression_reason) }));
      row.append(td);
    } else {
      for (const f of cell.figures) row.append(h("td", {}, figureText(f)));
    }
    tbody.append(row);
  }
  tab.append(thead, tbody);
  return tab;
}

/** The results of field lab ``lab`` as a section (loads them from the API). */
export async function labResults(lab: number): Promise<HTMLElement> {
  const doc = await unwrap(client.GET("/api/participation/field-labs/{lab_id}/results", { params: { path: { lab_id: lab } } }));
  const sec = h("section", { class: "lab-results", id: `results-${lab}` });
  sec.append(h("h4", {}, t("resTitle", { name: doc.name })));
  sec.append(h("p", { class: "note" }, t("resIntro", { n: doc.min_respondents, comments: doc.approved_comments })));
  sec.append(table(`results-${lab}-plans`, t("resPlan"), doc.scenarios.map((s) => ({ label: s.withdrawn ? `${s.name} (${t("resWithdrawn")})` : s.name, cell: s }))));
  sec.append(table(`results-${lab}-survey`, t("resArea"), doc.survey.map((a) => ({ label: a.level === "field_lab" ? t("resWholeLab") : `${a.name} (${a.area_code})`, cell: a }))));
  const links = h("p", { class: "downloads" });
  links.append(document.createTextNode(`${t("resDownload")}: `));
  for (const format of ["csv", "gpkg", "html"]) {
    const a = h("a", { href: `/api/participation/field-labs/${lab}/export?format=${format}`, download: "", "data-format": format }, format.toUpperCase());
    links.append(a, document.createTextNode(" "));
  }
  sec.append(links);
  return sec;
}
