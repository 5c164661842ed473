// A Planner scenario in both directions: the drawn interventions as the JSON body of
// /api/scenarios/run (geometry in EPSG:4326 as drawn), and a scenario's interventions back as
// drawings (openScenario); the scenarios saved in this browser (localStorage), each with an id
// the URL can hold (#planner?scenario=<id>).

import type { ScenarioResult } from "./api";
import type { Drawn, DrawKind } from "./draw";
import { t } from "./i18n";
import { rdToLonLat } from "./snapshot";

/** Residents per new dwelling: the same assumption as the catalogue templates
 * (groengezond.scenario.model.from_template, ≈ the Dutch mean household size). */
export const RESIDENTS_PER_DWELLING = 2.1;

const SAVED_KEY = "gg-saved-scenarios";

export interface Saved {
  /** Stable id of the saved scenario (the start of its result's input hash). */
  id: string;
  name: string;
  result: ScenarioResult;
  /** The body sent to /api/scenarios/run (older saved entries lack it). */
  scenario?: Record<string, unknown>;
}

function idOf(s: { result?: ScenarioResult }, i: number): string {
  const hash = s.result?.input_hash;
  return typeof hash === "string" && hash ? hash.slice(0, 12) : `s${i + 1}`;
}

export function loadSaved(): Saved[] {
  try {
    const v = JSON.parse(localStorage.getItem(SAVED_KEY) ?? "[]") as unknown;
    if (!Array.isArray(v)) return [];
    return (v as Saved[]).map((s, i) => ({ ...s, id: s.id || idOf(s, i) }));
  } catch {
    return [];
  }
}

export function storeSaved(items: Saved[]): void {
  localStorage.setItem(SAVED_KEY, JSON.stringify(items));
}

export function newSaved(name: string, result: ScenarioResult, scenario: Record<string, unknown>, taken: Saved[]): Saved {
  let id = idOf({ result }, taken.length);
  while (taken.some((s) => s.id === id)) id = `${id}-${taken.length + 1}`;
  return { id, name, result, scenario };
}

/** The scenario (API JSON shape, geometry in EPSG:4326 as drawn) of the drawn interventions. */
export function scenarioOf(name: string, drawn: Drawn[]): Record<string, unknown> {
  const interventions = drawn.map((d, i) => {
    const label = `${t(d.kind)} ${i + 1}`;
    const from = d.catalogueId ? { catalogue_id: d.catalogueId } : {};
    switch (d.kind) {
      case "park":
        return { kind: "add_green", name: label, green_kind: "park", public: true, geometry: d.geometry, ...from, ...(d.displace ? { displace: true } : {}) };
      case "trees":
        return { kind: "plant_trees", name: label, geometry: d.geometry, ...from };
      case "footbridge":
        return {
          kind: "add_connection", name: label, mode: "footbridge", geometry: d.geometry, ...from,
          ...(d.walkingTrips && d.minutesPerWalk ? { walking_trips_per_day: d.walkingTrips, minutes_per_walk: d.minutesPerWalk } : {}),
        };
      case "homes": {
        const dwellings = d.dwellings ?? 0;
        return { kind: "add_dwellings", name: label, dwellings, residents: Math.round(RESIDENTS_PER_DWELLING * dwellings), geometry: d.geometry, ...from };
      }
    }
  });
  return { name, crs: "EPSG:4326", interventions };
}

const KIND_OF: Record<string, DrawKind> = {
  add_green: "park", plant_trees: "trees", add_connection: "footbridge", add_dwellings: "homes",
};

function toLonLat(g: GeoJSON.Geometry, rd: boolean): GeoJSON.Geometry {
  if (!rd) return g;
  const p = (c: GeoJSON.Position): GeoJSON.Position => rdToLonLat(c[0], c[1]);
  switch (g.type) {
    case "Point": return { type: "Point", coordinates: p(g.coordinates) };
    case "MultiPoint": return { type: "MultiPoint", coordinates: g.coordinates.map(p) };
    case "LineString": return { type: "LineString", coordinates: g.coordinates.map(p) };
    case "Polygon": return { type: "Polygon", coordinates: g.coordinates.map((r) => r.map(p)) };
    default: return g;
  }
}

/** The drawings of a scenario's interventions (``newId`` gives each its id) and the names of
 * the interventions the Planner cannot draw (another kind or geometry), which are left out. */
export function drawnOf(scenario: Record<string, unknown>, newId: () => number): { drawn: Drawn[]; skipped: string[] } {
  const rd = scenario.crs === "EPSG:28992";
  const items = Array.isArray(scenario.interventions) ? (scenario.interventions as Array<Record<string, unknown>>) : [];
  const drawn: Drawn[] = [];
  const skipped: string[] = [];
  for (const it of items) {
    const kind = KIND_OF[String(it.kind)];
    const g = it.geometry as GeoJSON.Geometry | undefined;
    const fits = g && (kind === "park" || kind === "homes" ? g.type === "Polygon"
      : kind === "trees" ? g.type === "MultiPoint" || g.type === "Point" : kind === "footbridge" && g.type === "LineString");
    if (!kind || !g || !fits) { skipped.push(String(it.name ?? it.kind)); continue; }
    let geometry = toLonLat(g, rd);
    if (geometry.type === "Point") geometry = { type: "MultiPoint", coordinates: [geometry.coordinates] };
    const d: Drawn = { id: newId(), kind, geometry };
    if (typeof it.catalogue_id === "string") d.catalogueId = it.catalogue_id;
    if (kind === "homes") d.dwellings = Number(it.dwellings) || 0;
    if (kind === "park" && it.displace === true) d.displace = true;
    if (kind === "footbridge" && it.walking_trips_per_day && it.minutes_per_walk) {
      d.walkingTrips = Number(it.walking_trips_per_day);
      d.minutesPerWalk = Number(it.minutes_per_walk);
    }
    drawn.push(d);
  }
  return { drawn, skipped };
}

/** [[west, south], [east, north]] of the drawings, or null when there are none. */
export function boundsOfDrawn(drawn: Drawn[]): [[number, number], [number, number]] | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") { xs.push(c[0]); ys.push(c[1] as number); }
    else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const d of drawn) if ("coordinates" in d.geometry) walk(d.geometry.coordinates);
  if (!xs.length) return null;
  return [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]];
}
