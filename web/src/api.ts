// Typed client of the groengezond API (same origin; nothing else is ever fetched).

export interface RegionInfo {
  name: string;
  synthetic: boolean;
  years: number[];
  inhabitants: number;
  counts: Record<string, number>;
  bounds_wgs84: [number, number, number, number];
  sources: Array<{ name: string; licence: string; attribution: string }>;
}

export interface IndicatorInfo {
  id: string;
  name_nl: string;
  name_en: string;
  unit: string;
  domain: string;
  good_direction: "higher" | "lower" | "neutral";
  has_interval: boolean;
  years: number[];
  levels: string[];
}

export interface AreaValue {
  area_code: string;
  name: string;
  value: number | null;
  lower: number | null;
  upper: number | null;
  suppressed: boolean;
  suppression_reason: string;
  quartile: number | null;
  rank: number | null;
}

export interface ValuesDoc {
  indicator: IndicatorInfo;
  level: string;
  year: number;
  n_areas: number;
  n_ranked: number;
  n_suppressed: number;
  min: number | null;
  max: number | null;
  values: AreaValue[];
}

export interface Trend {
  slope_per_year: number | null;
  slope_lower: number | null;
  slope_upper: number | null;
  direction: string;
  arrow: string;
  colour: string;
  suppressed: boolean;
}

export interface SeriesPoint {
  year: number;
  value: number | null;
  lower: number | null;
  upper: number | null;
  suppressed: boolean;
  suppression_reason: string;
  rank: number | null;
  of: number | null;
}

export interface AreaDoc {
  indicator: IndicatorInfo;
  area: { code: string; name: string; level: string };
  series: SeriesPoint[];
  trend: Trend | null;
  rank: { year: number; rank: number | null; of: number | null } | null;
}

export interface InequalityRow {
  year: number;
  sii: number | null;
  sii_lower: number | null;
  sii_upper: number | null;
  rii: number | null;
  rii_lower: number | null;
  rii_upper: number | null;
  gap: number | null;
  gap_lower: number | null;
  gap_upper: number | null;
  suppressed: boolean;
}

export interface BestWorstRow {
  year: number;
  best_name: string;
  worst_name: string;
  best_value: number | null;
  worst_value: number | null;
  gap: number | null;
  gap_lower: number | null;
  gap_upper: number | null;
  suppressed: boolean;
}

export interface InequalityDoc {
  indicator: IndicatorInfo;
  level: string;
  ranking: string | null;
  series: InequalityRow[];
  best_worst: BestWorstRow[];
  best_worst_change: string;
}

export interface AreaRow {
  code: string;
  name: string;
  level: string;
  parent: string | null;
  inhabitants: number;
}

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export async function getJSON<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const body = (await response.json()) as { detail?: unknown };
      if (typeof body.detail === "string") detail = body.detail;
    } catch {
      /* not JSON: keep the status text */
    }
    throw new ApiError(detail, response.status);
  }
  return (await response.json()) as T;
}

export const api = {
  region: () => getJSON<RegionInfo>("/api/region"),
  indicators: () => getJSON<{ indicators: IndicatorInfo[]; default: string }>("/api/indicators"),
  values: (id: string, level: string, year: number) =>
    getJSON<ValuesDoc>(`/api/indicators/${encodeURIComponent(id)}/values?level=${level}&year=${year}`),
  area: (id: string, code: string) =>
    getJSON<AreaDoc>(`/api/indicators/${encodeURIComponent(id)}/areas/${encodeURIComponent(code)}`),
  inequality: (id: string, level: string) =>
    getJSON<InequalityDoc>(`/api/indicators/${encodeURIComponent(id)}/inequality?level=${level}`),
  areas: (level: string) => getJSON<{ areas: AreaRow[] }>(`/api/areas?level=${level}`),
  areasGeoJSON: (level: string) =>
    getJSON<GeoJSON.FeatureCollection>(`/api/areas.geojson?level=${level}&simplify=5`),
};

export async function postJSON<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const doc = (await response.json()) as { detail?: unknown };
      if (typeof doc.detail === "string") detail = doc.detail;
    } catch {
      /* not JSON: keep the status text */
    }
    throw new ApiError(detail, response.status);
  }
  return (await response.json()) as T;
}

// Scenario results (groengezond.scenario.result.ScenarioResult); only the fields the Planner shows.

export interface Interval {
  median: number;
  lower: number;
  upper: number;
}

export interface ScenarioResult {
  scenario: string;
  input_hash: string;
  seed: number | null;
  n_draws: number;
  exposures: {
    residents: number;
    within_300m_before: number;
    within_300m_after: number;
    addresses_closer: number;
    d_t_air_c: number;
    new_residents: number;
    new_residents_within_300m: number;
  };
  totals: Array<{ outcome: string; unit: string; summed: string[]; left_out: string[]; total: Interval }>;
  pathways: Array<{ erf_id: string; label: string; outcome: string; unit: string; total: Interval; in_default_total: boolean }>;
  money: { unit: string; price_years: number[]; total: Interval; notes: string[] };
  equity: {
    verdict: "narrows" | "widens" | "unchanged" | "unknown";
    statement: string;
    sii_before: number;
    sii_after: number;
  };
  notes: string[];
}

export const scenarios = {
  run: (scenario: unknown) => postJSON<ScenarioResult>("/api/scenarios/run", scenario),
};
