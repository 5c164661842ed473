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
  /** real / derived / placeholder: the worst of the area's polygon and the indicator's inputs. */
  quality?: Quality;
}

export type Quality = "real" | "derived" | "placeholder" | "missing";

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
  quality?: Quality;
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
  /** Why no SII can be computed (key for the UI, reason in English), or null. */
  not_computable?: { key: string; reason: string } | null;
}

export interface AreaRow {
  code: string;
  name: string;
  level: string;
  parent: string | null;
  inhabitants: number;
  geometry_quality?: Quality;
}

/** One problem of a refused request (groengezond.errors.Problem): where, which field, what is
 * wrong, the fix, and a stable key the web app words in the user's language. */
export interface Problem {
  file: string;
  location: string;
  field: string;
  problem: string;
  fix: string;
  key?: string;
  params?: Record<string, string | number | null>;
}

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly problems: Problem[] = []) {
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

/** The ApiError of a failed response: its RFC 9457 detail and problems, or the status text. */
export async function problemOf(response: Response): Promise<ApiError> {
  let detail = response.statusText;
  let problems: Problem[] = [];
  try {
    const doc = (await response.json()) as { detail?: unknown; problems?: unknown };
    if (typeof doc.detail === "string") detail = doc.detail;
    if (Array.isArray(doc.problems)) problems = doc.problems as Problem[];
  } catch {
    /* not JSON: keep the status text */
  }
  return new ApiError(detail, response.status, problems);
}

export async function postJSON<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await problemOf(response);
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
    d_t_air_c: number | null;
    new_residents: number;
    new_residents_within_300m: number;
    within_300m_straight_before?: number | null;
    within_300m_straight_after?: number | null;
    green_m2_per_inhabitant_before?: number;
    green_m2_per_inhabitant_after?: number;
    green_m2_per_inhabitant_median_before?: number;
    green_m2_per_inhabitant_median_after?: number;
    meets_green_norm_before?: number;
    meets_green_norm_after?: number;
    no_green_before?: number;
    no_green_after?: number;
    max_cooling_c?: number | null;
  };
  /** Effects per buurt (changes are after − before; null: not computable). */
  buurten?: BuurtEffect[];
  totals: Array<{ outcome: string; unit: string; summed: string[]; left_out: string[]; total: Interval | null; not_computable?: NotComputable | null }>;
  pathways: Array<{ erf_id: string; label: string; label_nl?: string; outcome: string; unit: string; total: Interval | null; in_default_total: boolean; not_computable?: NotComputable | null }>;
  money: { unit: string; price_years: number[]; total: Interval | null; notes: string[]; not_computable?: NotComputable | null };
  equity: {
    verdict: Verdict;
    statement: string;
    indicator: string;
    indicator_name_nl?: string;
    indicator_name_en?: string;
    indicator_unit?: string;
    sii_before: number;
    sii_after: number;
    sii_change: number;
    sii_before_interval?: Interval | null;
    sii_change_interval?: Interval | null;
    sii_change_pct_of_gap?: number | null;
    access?: { verdict: Verdict; statement: string; sii_before: number; sii_after: number } | null;
  };
  costs?: {
    total_low_eur: number;
    total_high_eur: number;
    any_assumption: boolean;
    appraisal_years: number;
    discount_rate: number;
    benefit_cost_ratio: Interval | null;
    without_cost: string[];
    reason: string;
    maintenance_low_eur_per_year?: number;
    maintenance_high_eur_per_year?: number;
    sensitivity?: Array<{ discount_rate: number; appraisal_years: number; benefit_cost_ratio: Interval | null }>;
  } | null;
  per_hectare?: Array<{ id: string; label: string; label_nl?: string; area_ha: number; eur_per_year: number; price_year: number }>;
  quality?: Array<{ layer: string; status: string; reason: string; key?: string | null; figures: string[] }>;
  not_computable?: Record<string, NotComputable>;
  /** Change of air temperature as a map layer: [x, y (RD New, m), °C] per block. */
  cooling_map?: { crs: string; block_m: number; min_abs_c: number; cells: Array<[number, number, number]> } | null;
  displaced?: Array<{ intervention: string; buildings: number; dwellings: number; residents: number }>;
  value_shares?: Array<{ outcome: string; share: Interval }>;
  notes: string[];
  /** The notes as message keys with parameters (groengezond.messages), worded by the UI. */
  messages?: Array<{ key: string; params: Record<string, string | number | null>; text: string }>;
}

/** Effect of a scenario in one buurt (groengezond.scenario.result.BuurtEffect). */
export interface BuurtEffect {
  code: string;
  name: string;
  residents: number;
  within_300m_before: number;
  within_300m_after: number;
  d_green_share_300m_pp: number | null;
  d_ndvi_500m: number | null;
  d_t_air_c: number | null;
  deaths_prevented: Interval | null;
  depression_cases_prevented: Interval | null;
}

export interface NotComputable {
  key: string;
  reason: string;
  missing: string[];
}

export type Verdict = "narrows" | "widens" | "unchanged" | "unknown";

export const scenarios = {
  run: (scenario: unknown) => postJSON<ScenarioResult>("/api/scenarios/run", scenario),
};

// Participation (/api/participation, docs/participation.md): field labs, resident input with
// a private token (X-Resident-Token), moderation by staff (session cookie + X-CSRF-Token).

const P = "/api/participation";

export interface Buurt {
  code: string;
  name: string;
}

export interface PublishedScenario {
  id: number;
  scenario_id: string;
  name: string;
  description: string;
  published_at: string;
  snapshot?: Record<string, unknown> | null;
}

export interface FieldLab {
  id: number;
  name: string;
  description: string;
  area_code: string;
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  bbox_wgs84: [number, number, number, number];
  buurten: Buurt[];
  opens_on: string;
  closes_on: string;
  is_open: boolean;
  survey_year: number;
  scenarios: PublishedScenario[];
}

export const CRITERIA = ["green", "health", "safety", "would_use"] as const;
export type Criterion = (typeof CRITERIA)[number];
export type RatingIn = Record<Criterion, number>;

export interface Rating extends RatingIn {
  id: number;
  scenario_id: number;
  created_at: string;
  updated_at: string;
}

export const CATEGORIES = ["idea", "concern", "question", "praise", "other"] as const;
export type Category = (typeof CATEGORIES)[number];
export const REPORT_REASONS = ["abusive", "spam", "personal_data", "off_topic", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export type CommentStatus = "pending" | "approved" | "rejected" | "hidden";

export interface CommentIn {
  category: Category;
  text: string;
  location: GeoJSON.Point;
  scenario_id: number | null;
}

export interface MyComment {
  id: number;
  field_lab_id: number;
  scenario_id: number | null;
  category: Category;
  text: string;
  location: GeoJSON.Point;
  status: CommentStatus;
  moderation_reason: string | null;
  created_at: string;
  updated_at: string;
  /** The municipality's official reply, if any. */
  reply?: CommentReply | null;
}

/** The municipality's official reply to a comment (PUT/DELETE /comments/{id}/reply). */
export interface CommentReply {
  text: string;
  created_at: string;
  updated_at: string;
}

export interface ModerationItem extends MyComment {
  report_count: number;
  needs_review: boolean;
  /** Name of the plan the comment is about (null: the field lab in general). */
  scenario_name?: string | null;
  scenario_withdrawn?: boolean;
}

export const GREEN_VISITS = ["daily", "weekly", "monthly", "rarely", "never"] as const;
export type GreenVisits = (typeof GREEN_VISITS)[number];

export interface SurveyIn {
  buurt_code: string;
  satisfaction: number;
  green_rating: number;
  feels_safe: number;
  neighbour_contact: number;
  green_visits: GreenVisits;
}

export interface Survey extends SurveyIn {
  id: number;
  field_lab_id: number;
  created_at: string;
  updated_at: string;
}

export interface MyInput {
  field_lab_id: number;
  created_at: string;
  ratings: Rating[];
  comments: MyComment[];
  survey: Survey | null;
}

export interface SurveyQuestion {
  id: string;
  nl: string;
  en: string;
  answer: string;
}

export interface SurveyDoc {
  field_lab_id: number;
  buurten: Buurt[];
  questions: SurveyQuestion[];
}

export interface StaffInfo {
  username: string;
  role: "admin" | "planner" | "moderator";
}

interface LoginOut extends StaffInfo {
  token: string;
  csrf_token: string;
  expires_at: string;
}

interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  headers?: Record<string, string>;
  /** Retry after a lost connection or 503 (only for requests with an Idempotency-Key). */
  retry?: boolean;
}

async function errorOf(response: Response): Promise<ApiError> {
  let detail = response.statusText || `HTTP ${response.status}`;
  let problems: Problem[] = [];
  try {
    const doc = (await response.json()) as { detail?: unknown; problems?: unknown };
    if (typeof doc.detail === "string") detail = doc.detail;
    if (Array.isArray(doc.problems)) problems = doc.problems as Problem[];
  } catch {
    /* not JSON: keep the status text */
  }
  return new ApiError(detail, response.status, problems);
}

const sleep = (ms: number) => new Promise((done) => window.setTimeout(done, ms));

/** A same-origin JSON request; errors carry the API's own message (its `detail`). */
async function request<T>(url: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const init: RequestInit = {
    method: opts.method ?? "GET",
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: "same-origin",
    cache: "no-store",
  };
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (e) {
      if (opts.retry && attempt < 3) {
        await sleep(500 * attempt);
        continue;
      }
      throw e;
    }
    if (response.status === 503 && opts.retry && attempt < 3) {
      const wait = Math.min(3, Number(response.headers.get("Retry-After")) || 1);
      await sleep(wait * 1000);
      continue;
    }
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** A fresh Idempotency-Key: the same submission retried is stored once. */
function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const resident = (token: string) => ({ "X-Resident-Token": token });

// Staff authentication. The login sets an HttpOnly session cookie and a readable CSRF cookie
// (`__Host-gg_csrf`, or `gg_csrf` on a server with GG_PARTICIPATION_COOKIE_SECURE=false);
// writes echo the CSRF cookie in X-CSRF-Token. Should the browser refuse the cookies, the
// session token from the login answer is used as a Bearer token, kept in memory only.
let bearer: string | null = null;

function csrfCookie(): string | null {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "__Host-gg_csrf" || name === "gg_csrf") return decodeURIComponent(rest.join("="));
  }
  return null;
}

function staffHeaders(write: boolean): Record<string, string> {
  if (bearer) return { Authorization: `Bearer ${bearer}` };
  const csrf = write ? csrfCookie() : null;
  return csrf ? { "X-CSRF-Token": csrf } : {};
}

export const participation = {
  labs: () => request<FieldLab[]>(`${P}/field-labs`),
  lab: (lab: number) => request<FieldLab>(`${P}/field-labs/${lab}`),
  scenario: (lab: number, id: number) => request<PublishedScenario>(`${P}/field-labs/${lab}/scenarios/${id}`),
  survey: (lab: number) => request<SurveyDoc>(`${P}/field-labs/${lab}/survey`),
  comments: (lab: number) => request<GeoJSON.FeatureCollection<GeoJSON.Point>>(`${P}/field-labs/${lab}/comments`),
  newResident: (lab: number) => request<{ token: string; field_lab_id: number }>(`${P}/field-labs/${lab}/residents`, { method: "POST" }),
  me: (token: string) => request<MyInput>(`${P}/me`, { headers: resident(token) }),
  eraseMe: (token: string) => request<Record<string, number>>(`${P}/me`, { method: "DELETE", headers: resident(token) }),
  rate: (token: string, lab: number, scenario: number, body: RatingIn) =>
    request<Rating>(`${P}/field-labs/${lab}/scenarios/${scenario}/ratings`, {
      method: "POST", body, headers: { ...resident(token), "Idempotency-Key": idempotencyKey() }, retry: true,
    }),
  updateRating: (token: string, id: number, body: RatingIn) =>
    request<Rating>(`${P}/ratings/${id}`, { method: "PUT", body, headers: resident(token) }),
  deleteRating: (token: string, id: number) =>
    request<void>(`${P}/ratings/${id}`, { method: "DELETE", headers: resident(token) }),
  comment: (token: string, lab: number, body: CommentIn) =>
    request<MyComment>(`${P}/field-labs/${lab}/comments`, {
      method: "POST", body, headers: { ...resident(token), "Idempotency-Key": idempotencyKey() }, retry: true,
    }),
  updateComment: (token: string, id: number, body: CommentIn) =>
    request<MyComment>(`${P}/comments/${id}`, { method: "PUT", body, headers: resident(token) }),
  deleteComment: (token: string, id: number) =>
    request<void>(`${P}/comments/${id}`, { method: "DELETE", headers: resident(token) }),
  answerSurvey: (token: string, lab: number, body: SurveyIn) =>
    request<Survey>(`${P}/field-labs/${lab}/survey-responses`, {
      method: "POST", body, headers: { ...resident(token), "Idempotency-Key": idempotencyKey() }, retry: true,
    }),
  updateSurvey: (token: string, id: number, body: SurveyIn) =>
    request<Survey>(`${P}/survey-responses/${id}`, { method: "PUT", body, headers: resident(token) }),
  deleteSurvey: (token: string, id: number) =>
    request<void>(`${P}/survey-responses/${id}`, { method: "DELETE", headers: resident(token) }),
  report: (comment: number, reason: ReportReason) =>
    request<{ status: string; message: string }>(`${P}/comments/${comment}/reports`, { method: "POST", body: { reason } }),

  /** Log in; returns who is logged in and whether the cookies ("cookie") or a Bearer token held in memory ("bearer") carry the session. */
  login: async (username: string, password: string): Promise<{ staff: StaffInfo; auth: "cookie" | "bearer" }> => {
    bearer = null;
    const out = await request<LoginOut>(`${P}/auth/login`, { method: "POST", body: { username, password } });
    if (csrfCookie() !== out.csrf_token) bearer = out.token;
    return { staff: { username: out.username, role: out.role }, auth: bearer ? "bearer" : "cookie" };
  },
  logout: async (): Promise<void> => {
    try {
      await request<void>(`${P}/auth/logout`, { method: "POST", headers: staffHeaders(true) });
    } finally {
      bearer = null;
    }
  },
  whoami: () => request<StaffInfo>(`${P}/auth/me`, { headers: staffHeaders(false) }),
  authMode: (): "cookie" | "bearer" => (bearer ? "bearer" : "cookie"),
  /** Whether a staff session may exist (so /auth/me is not asked, and 401 logged, for nothing). */
  maybeLoggedIn: (): boolean => bearer !== null || csrfCookie() !== null,
  queue: (includeReviewed = false) =>
    request<ModerationItem[]>(`${P}/moderation/queue${includeReviewed ? "?include_reviewed=true" : ""}`, { headers: staffHeaders(false) }),
  /** Set the municipality's official reply to a comment (any staff role). */
  reply: (comment: number, text: string) =>
    request<CommentReply & { comment_id: number }>(`${P}/comments/${comment}/reply`, { method: "PUT", body: { text }, headers: staffHeaders(true) }),
  unreply: (comment: number) =>
    request<void>(`${P}/comments/${comment}/reply`, { method: "DELETE", headers: staffHeaders(true) }),
  /** Open a field lab (planner or admin). The area is the polygon as the map gives it. */
  createLab: (body: { name: string; description: string; area_code: string; geometry_wgs84: GeoJSON.Polygon | GeoJSON.MultiPolygon; buurten: Buurt[]; opens_on: string; closes_on: string }) =>
    request<FieldLab>(`${P}/field-labs`, { method: "POST", body, headers: staffHeaders(true) }),
  /** Change a field lab's period (or name, description, buurten). */
  patchLab: (lab: number, body: Partial<Pick<FieldLab, "name" | "description" | "buurten" | "opens_on" | "closes_on">>) =>
    request<FieldLab>(`${P}/field-labs/${lab}`, { method: "PATCH", body, headers: staffHeaders(true) }),
  /** Publish a Planner scenario into a field lab (planner or admin, logged in). The snapshot
   * the Meedoen view reads: `{ scenario: <body sent to /api/scenarios/run>, result: <its answer> }`. */
  publish: (lab: number, body: { scenario_id: string; name: string; description: string; snapshot: { scenario: unknown; result: ScenarioResult } }) =>
    request<PublishedScenario>(`${P}/field-labs/${lab}/scenarios`, { method: "POST", body, headers: staffHeaders(true) }),
  decide: (comment: number, action: "approve" | "reject" | "hide", reason: string | null) =>
    request<ModerationItem>(`${P}/moderation/comments/${comment}/${action}`, {
      method: "POST", body: reason ? { reason } : {}, headers: staffHeaders(true),
    }),
};

// Evaluator (/api/evaluations): the intervention register (writes: planner or admin, with the
// staff login above) and estimates after disclosure control.

export interface RegisteredIntervention {
  id: number;
  name: string;
  catalogue_id: string | null;
  start_date: string;
  completion_date: string | null;
  cost_eur: number | null;
  areas: string[];
  geometry_wkt: string | null;
}

export interface InterventionIn {
  name: string;
  areas: string[];
  start_date: string;
  completion_date: string | null;
  cost_eur: number | null;
}

export interface EvalEstimate {
  estimator: string;
  target: string;
  estimate: number | null;
  se: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
  identified: boolean;
  reason: string;
  key: string;
  n_treated: number;
  n_control: number;
  suppressed: boolean;
  suppression_reason: string;
}

export interface EventRow {
  e: number;
  coef: number | null;
  ci_low: number | null;
  ci_high: number | null;
  suppressed: boolean;
  suppression_reason: string;
}

export interface EvalSeriesRow {
  time: number;
  treated: number | null;
  comparison: number | null;
  treated_suppressed: boolean;
  comparison_suppressed: boolean;
  comparison_kind: "synthetic" | "mean";
}

export interface EvaluationDoc {
  indicator: string;
  estimator: string;
  years: number[];
  n_areas: number;
  estimates: EvalEstimate[];
  event_study: EventRow[];
  series: EvalSeriesRow[];
  disclosure: { rules: string[]; suppressed: number; persons_treated: number | null; persons_comparison: number | null };
}

const E = "/api/evaluations";

export const evaluations = {
  list: () => request<RegisteredIntervention[]>(`${E}/interventions`),
  register: (body: InterventionIn) =>
    request<RegisteredIntervention>(`${E}/register`, { method: "POST", body, headers: staffHeaders(true) }),
  remove: (id: number) => request<void>(`${E}/register/${id}`, { method: "DELETE", headers: staffHeaders(true) }),
  estimate: (indicator: string, estimator: string, ids: number[]) => {
    const q = new URLSearchParams({ indicator, estimator, level: "buurt" });
    for (const id of ids) q.append("intervention", String(id));
    return request<EvaluationDoc>(`${E}/estimate?${q.toString()}`);
  },
};
