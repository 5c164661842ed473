// A published plan in the Meedoen view: what changes where in plain words (from the Planner's
// snapshot), the Planner's figures behind "Meer details", and the rating fields (four
// criteria, 1-5), with the rating read back from the form.

import { CRITERIA, type Criterion, type PublishedScenario, type Rating, type RatingIn } from "./api";
import { button, h } from "./dom";
import { fmt, t, type Key } from "./i18n";
import { readSnapshot, type SnapshotView } from "./snapshot";

const CRITERION_KEY: Record<Criterion, Key> = { green: "critGreen", health: "critHealth", safety: "critSafety", would_use: "critWouldUse" };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** ``value`` rounded to two significant digits (sizes and counts residents read). */
export function round2(value: number): number {
  if (value === 0) return 0;
  const p = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
  return Math.round(value / p) * p;
}

/** One intervention in plain words: what, its size, where in the lab, and its shape. */
export interface PlainChange {
  text: string;
  feature: GeoJSON.Feature | null;
}

/** Lon/lat to metres in a plane around latitude ``lat0`` (the lengths of a degree on the
 * WGS84 ellipsoid there; within 0.1 % over a field lab). */
function project(c: GeoJSON.Position, lat0: number): [number, number] {
  const f = (lat0 * Math.PI) / 180;
  const perLat = 111_132.92 - 559.82 * Math.cos(2 * f) + 1.175 * Math.cos(4 * f);
  const perLon = 111_412.84 * Math.cos(f) - 93.5 * Math.cos(3 * f);
  return [c[0] * perLon, c[1] * perLat];
}

function ringArea(ring: GeoJSON.Position[], lat0: number): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = project(ring[i], lat0), [xj, yj] = project(ring[j], lat0);
    a += (xj + xi) * (yj - yi);
  }
  return Math.abs(a / 2);
}

function lineLength(line: GeoJSON.Position[], lat0: number): number {
  let len = 0;
  for (let i = 1; i < line.length; i++) {
    const [x0, y0] = project(line[i - 1], lat0), [x1, y1] = project(line[i], lat0);
    len += Math.hypot(x1 - x0, y1 - y0);
  }
  return len;
}

/** Area (m²) and length (m) of a lon/lat geometry, in a local plane. */
function measure(g: GeoJSON.Geometry): { area: number; length: number; centre: [number, number] | null } {
  const pts: GeoJSON.Position[] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") pts.push(c as GeoJSON.Position);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  if ("coordinates" in g) walk(g.coordinates);
  if (!pts.length) return { area: 0, length: 0, centre: null };
  const lat0 = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  const centre: [number, number] = [pts.reduce((s, p) => s + p[0], 0) / pts.length, lat0];
  let area = 0, length = 0;
  if (g.type === "Polygon") area = ringArea(g.coordinates[0], lat0) - g.coordinates.slice(1).reduce((s, r) => s + ringArea(r, lat0), 0);
  if (g.type === "MultiPolygon") for (const poly of g.coordinates) area += ringArea(poly[0], lat0) - poly.slice(1).reduce((s, r) => s + ringArea(r, lat0), 0);
  if (g.type === "LineString") length = lineLength(g.coordinates, lat0);
  if (g.type === "MultiLineString") for (const l of g.coordinates) length += lineLength(l, lat0);
  return { area, length, centre };
}

/** Where ``pt`` lies in the lab's bounding box: north-west ... south-east, or the middle. */
function whereKey(pt: [number, number] | null, bbox: [number, number, number, number] | null): Key | null {
  if (!pt || !bbox) return null;
  const [w, s, e, n] = bbox;
  if (pt[0] < w || pt[0] > e || pt[1] < s || pt[1] > n) return "whereOut";
  const col = Math.min(2, Math.floor((3 * (pt[0] - w)) / Math.max(e - w, 1e-12)));
  const row = Math.min(2, Math.floor((3 * (n - pt[1])) / Math.max(n - s, 1e-12)));
  const grid: Key[][] = [["whereNW", "whereN", "whereNE"], ["whereW", "whereC", "whereE"], ["whereSW", "whereS", "whereSE"]];
  return grid[row][col];
}

function whatOf(item: Json): string {
  const kind = String(item.kind ?? "");
  const count = num(item.count), dwellings = num(item.dwellings);
  switch (kind) {
    case "add_green":
      return t(item.green_kind === "forest" ? "chgForest" : item.green_kind === "pocket_park" ? "chgPocketPark" : "chgPark");
    case "remove_green": return t("chgRemoveGreen");
    case "plant_trees": return count ? t("chgTreesN", { n: fmt(round2(count), 0) }) : t("chgTrees");
    case "green_roofs": return t("chgGreenRoofs");
    case "depave": return t("chgDepave");
    case "add_connection": return t("chgConnection");
    case "add_dwellings": return dwellings ? t("chgDwellingsN", { n: fmt(round2(dwellings), 0) }) : t("chgDwellings");
    default: return t("chgOther");
  }
}

/** The plan's interventions in plain words ("Nieuw park (1,5 ha) in het noorden van het
 * veldlab"), with their shape on the map (lon/lat) where they have one. */
export function plainChanges(snapshot: unknown, bbox: [number, number, number, number] | null): PlainChange[] {
  if (!isObject(snapshot)) return [];
  let def: Json | null = null;
  for (const key of ["scenario", "definition"]) if (isObject(snapshot[key])) def = snapshot[key] as Json;
  if (!def && Array.isArray(snapshot.interventions)) def = snapshot;
  if (!def || !Array.isArray(def.interventions)) return [];
  const crs = def.crs ?? snapshot.crs;
  return def.interventions.filter(isObject).map((item) => {
    const feature = readSnapshot({ scenario: { crs, interventions: [item] } }).features[0] ?? null;
    let what = whatOf(item);
    let where: Key | null = null;
    if (feature) {
      const m = measure(feature.geometry);
      if (m.area >= 10_000) what += ` ${t("chgArea", { size: fmt(round2(m.area / 10_000), m.area >= 100_000 ? 0 : 1) })}`;
      else if (m.area > 0) what += ` ${t("chgAreaM2", { size: fmt(round2(m.area), 0) })}`;
      else if (m.length > 0) what += ` ${t("chgLength", { size: fmt(round2(m.length), 0) })}`;
      where = whereKey(m.centre, bbox);
    }
    return { text: where ? t("pChangeWhere", { what, where: t(where) }) : what, feature };
  });
}

/** One or two plain sentences on the effect residents feel most directly. */
function plainEffects(snapshot: unknown): string[] {
  if (!isObject(snapshot)) return [];
  const res = isObject(snapshot.result) ? snapshot.result : isObject(snapshot.results) ? snapshot.results : null;
  if (!res || !isObject(res.exposures)) return [];
  const e = res.exposures;
  const out: string[] = [];
  const before = num(e.within_300m_before), after = num(e.within_300m_after), residents = num(e.residents);
  if (before !== null && after !== null && residents !== null) {
    const change = round2((after - before) * residents);
    out.push(Math.abs(change) < 1 ? t("pPlainSame") : t(change > 0 ? "pPlainMore" : "pPlainLess", { n: fmt(Math.abs(change), 0) }));
  }
  const fresh = num(e.new_residents);
  if (fresh && fresh >= 1) out.push(t("pPlainHomes", { n: fmt(round2(fresh), 0) }));
  return out;
}

/** A plan card for residents: name, description, what changes where (a list beside the map,
 * each with a button to show it), the plain effect, and the Planner's figures behind
 * "Meer details". ``show`` flies the map to one change. */
export function planSummary(s: PublishedScenario, snap: SnapshotView, bbox: [number, number, number, number] | null = null,
  show?: (f: GeoJSON.Feature) => void): HTMLElement[] {
  const out: HTMLElement[] = [h("h4", {}, s.name)];
  if (s.description) out.push(h("p", {}, s.description));
  const changes = plainChanges(s.snapshot, bbox);
  if (changes.length) {
    out.push(h("p", { class: "effects-title" }, t("pChangesTitle")));
    const ul = h("ul", { class: "plan-changes", "aria-label": t("pChangesLabel") });
    changes.forEach((c, i) => {
      const li = h("li", { "data-change": String(i) }, c.text);
      const f = c.feature;
      if (f && show) li.append(" ", button(t("pShowChange"), { class: "link show-change" }, () => show(f)));
      ul.append(li);
    });
    out.push(ul);
  }
  for (const line of plainEffects(s.snapshot)) out.push(h("p", { class: "plain-effect" }, line));
  if (snap.interventions.length || snap.rows.length || snap.equity) {
    const more = h("details", { class: "plan-details" });
    more.append(h("summary", {}, t("pMoreDetails")));
    if (snap.interventions.length) more.append(h("p", { class: "note" }, t("pInterventions", { names: snap.interventions.join(", ") })));
    if (snap.rows.length) {
      more.append(h("p", { class: "effects-title" }, t("pEffects")));
      const dl = h("dl", { class: "results" });
      for (const [term, text] of snap.rows) dl.append(h("dt", {}, term), h("dd", {}, text));
      more.append(dl);
    }
    if (snap.equity) more.append(h("p", { class: "note" }, snap.equity));
    out.push(more);
  }
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
