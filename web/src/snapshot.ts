// Reading a published scenario's snapshot (docs/participation.md): the scenario as the
// Planner sent it to /api/scenarios/run (`scenario`, with `interventions` and their GeoJSON
// geometry) and its result (`result`, the ScenarioResult JSON). Participation stores the
// snapshot as the planner gave it, so every field is read defensively: what is missing is
// simply not shown, and nothing in it is ever treated as HTML.

import { fmt, lang, t } from "./i18n";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** RD New (EPSG:28992) to WGS84 lon/lat with the published approximation of
 * Schreutelkamp & Strang van Hees (about 1 m within the Netherlands; enough to draw a plan). */
export function rdToLonLat(x: number, y: number): [number, number] {
  const dx = (x - 155000) * 1e-5;
  const dy = (y - 463000) * 1e-5;
  const K: Array<[number, number, number]> = [
    [0, 1, 3235.65389], [2, 0, -32.58297], [0, 2, -0.2475], [2, 1, -0.84978], [0, 3, -0.0655],
    [2, 2, -0.01709], [1, 0, -0.00738], [4, 0, 0.0053], [2, 3, -0.00039], [4, 1, 0.00033], [1, 1, -0.00012],
  ];
  const L: Array<[number, number, number]> = [
    [1, 0, 5260.52916], [1, 1, 105.94684], [1, 2, 2.45656], [3, 0, -0.81885], [1, 3, 0.05594],
    [3, 1, -0.05607], [0, 1, 0.01199], [3, 2, -0.00256], [1, 4, 0.00128], [0, 2, 0.00022],
    [2, 0, -0.00022], [5, 0, 0.00026],
  ];
  const sum = (terms: Array<[number, number, number]>) => terms.reduce((s, [p, q, c]) => s + c * dx ** p * dy ** q, 0);
  return [5.38720621 + sum(L) / 3600, 52.1551744 + sum(K) / 3600];
}

function mapCoords(c: unknown, fn: (x: number, y: number) => [number, number]): unknown {
  if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "number") return fn(c[0], c[1]);
  return Array.isArray(c) ? c.map((d) => mapCoords(d, fn)) : c;
}

function firstCoord(c: unknown): [number, number] | null {
  if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "number") return [c[0], c[1]];
  return Array.isArray(c) && c.length ? firstCoord(c[0]) : null;
}

const GEOMETRY_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"];

/** The scenario definition in a snapshot (`scenario` or `definition`, or the snapshot itself). */
function definitionOf(snapshot: Json): Json | null {
  for (const key of ["scenario", "definition"]) if (isObject(snapshot[key])) return snapshot[key] as Json;
  return Array.isArray(snapshot.interventions) ? snapshot : null;
}

/** The scenario result in a snapshot (`result` or `results`, or the snapshot itself). */
function resultOf(snapshot: Json): Json | null {
  for (const key of ["result", "results"]) if (isObject(snapshot[key])) return snapshot[key] as Json;
  return Array.isArray(snapshot.totals) ? snapshot : null;
}

export interface SnapshotView {
  /** Interventions with a GeoJSON geometry, in lon/lat, properties kind and name. */
  features: GeoJSON.Feature[];
  /** Names of the interventions (also those without a drawable geometry). */
  interventions: string[];
  /** Headline figures: [label, text]. */
  rows: Array<[string, string]>;
  /** The engine's own sentence on the health gap, if any. */
  equity: string | null;
}

export function readSnapshot(snapshot: unknown): SnapshotView {
  const out: SnapshotView = { features: [], interventions: [], rows: [], equity: null };
  if (!isObject(snapshot)) return out;
  const def = definitionOf(snapshot);
  if (def && Array.isArray(def.interventions)) {
    const crs = String(def.crs ?? snapshot.crs ?? "").toUpperCase();
    def.interventions.forEach((item, i) => {
      if (!isObject(item)) return;
      const kind = typeof item.kind === "string" ? item.kind : "";
      const name = typeof item.name === "string" && item.name ? item.name : `${kind || "?"} ${i + 1}`;
      out.interventions.push(name);
      const g = item.geometry;
      if (!isObject(g) || typeof g.type !== "string" || !GEOMETRY_TYPES.includes(g.type)) return;
      const first = firstCoord(g.coordinates);
      if (!first) return;
      // RD New when said so, or when the numbers cannot be degrees (scenario files are in metres)
      const rd = crs === "EPSG:28992" || (crs !== "EPSG:4326" && (Math.abs(first[0]) > 180 || Math.abs(first[1]) > 90));
      const coordinates = rd ? mapCoords(g.coordinates, rdToLonLat) : g.coordinates;
      out.features.push({ type: "Feature", properties: { kind, name }, geometry: { type: g.type, coordinates } as GeoJSON.Geometry });
    });
  }
  const res = resultOf(snapshot);
  if (res) {
    out.rows = headlineRows(res);
    const eq = res.equity;
    // the engine's sentence is English; the rows above word the verdict in the user's language
    if (isObject(eq) && typeof eq.statement === "string" && lang() === "en") out.equity = eq.statement;
  }
  return out;
}

function interval(v: unknown, digits: number): string | null {
  if (!isObject(v)) return null;
  const m = num(v.median), lo = num(v.lower), hi = num(v.upper);
  if (m === null) return null;
  return lo !== null && hi !== null ? `${fmt(m, digits)} (${t("interval", { lower: fmt(lo, digits), upper: fmt(hi, digits) })})` : fmt(m, digits);
}

function verdict(v: unknown): string {
  return t(v === "narrows" ? "verdictNarrows" : v === "widens" ? "verdictWidens" : v === "unchanged" ? "verdictUnchanged" : "verdictUnknown");
}

/** The figures the Planner shows for a result (ScenarioResult JSON), as far as present. */
export function headlineRows(r: Json): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const totals = Array.isArray(r.totals) ? r.totals.filter(isObject) : [];
  const total = (outcome: string) => totals.find((x) => x.outcome === outcome)?.total;
  const deaths = interval(total("all_cause_mortality"), 2);
  if (deaths) rows.push([t("deathsPrevented"), `${deaths} ${t("perYearShort")}`]);
  const dep = interval(total("depression"), 1);
  if (dep) rows.push([t("depressionPrevented"), `${dep} ${t("perYearShort")}`]);
  if (isObject(r.money)) {
    const euros = interval(r.money.total, 0);
    const years = Array.isArray(r.money.price_years) ? r.money.price_years.filter((y) => typeof y === "number") : [];
    if (euros) rows.push([t("euros"), `€ ${euros} ${t("perYearShort")}${years.length ? ` · ${t("priceYears", { years: years.join(", ") })}` : ""}`]);
  }
  if (isObject(r.exposures)) {
    const e = r.exposures;
    const before = num(e.within_300m_before), after = num(e.within_300m_after), residents = num(e.residents);
    if (before !== null && after !== null) {
      const change = residents !== null ? (after - before) * residents : null;
      rows.push([t("within300"), t("within300Text", {
        before: fmt(100 * before), after: fmt(100 * after),
        change: change === null ? "–" : `${change > 0 ? "+" : ""}${fmt(change, 0)}`,
      })]);
    }
    const fresh = num(e.new_residents);
    if (fresh) rows.push([t("newResidents"), t("newResidentsText", { n: fmt(fresh, 0), near: fmt(num(e.new_residents_within_300m), 0) })]);
  }
  if (isObject(r.equity) && typeof r.equity.verdict === "string") {
    const before = num(r.equity.sii_before), after = num(r.equity.sii_after);
    const sii = before !== null && after !== null ? ` (SII ${fmt(before, 3)} → ${fmt(after, 3)})` : "";
    rows.push([t("gapChange"), `${verdict(r.equity.verdict)}${sii}`]);
  }
  return rows;
}
