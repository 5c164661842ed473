// Typed client of the groengezond API (same origin; nothing else is ever fetched).
//
// The types come from the API's OpenAPI document: `web/openapi.json` is written by
// `scripts/openapi.py` and `api-schema.d.ts` generated from it by openapi-typescript
// (`make web-types`; `make web-check` fails when they drift from the Python models). The
// calls go through openapi-fetch, so a path, a parameter or a field that the API does not have
// is a type error here. The names below are aliases of the generated schemas, kept for the
// modules that import them.

import createClient from "openapi-fetch";
import type { components, paths } from "./api-schema";

type Schemas = components["schemas"];

export type RegionInfo = Schemas["RegionInfo"];
export type IndicatorInfo = Schemas["IndicatorListItem"];
export type AreaValue = Schemas["AreaValue"];
export type Quality = NonNullable<Schemas["AreaValue"]["quality"]>;
export type ValuesDoc = Schemas["ValuesDoc"];
export type Trend = Schemas["Trend"];
export type SeriesPoint = Schemas["SeriesPoint"];
export type AreaDoc = Schemas["AreaDoc"];
export type InequalityRow = Schemas["InequalityRow"];
export type BestWorstRow = Schemas["BestWorstRow"];
export type InequalityDoc = Schemas["InequalityDoc"];
export type IndicatorList = Schemas["IndicatorList"];
export type AreaRow = Schemas["Area"];
export type AreaList = Schemas["AreaList"];
export type AreaDetail = Schemas["AreaDetail"];
export type AccessSummaryDoc = Schemas["AccessSummaryDoc"];
export type AccessAreasDoc = Schemas["AccessAreasDoc"];
export type AccessAreaDoc = Schemas["AccessAreaDoc"];
export type CatalogueSearch = Schemas["CatalogueSearch"];
export type CatalogueItem = Schemas["CatalogueItem"];
export type Capabilities = Schemas["Capabilities"];
export type TileJSON = Schemas["TileJSON"];
export type Level = "buurt" | "wijk" | "gemeente" | "region";

/** One problem of a refused request (groengezond.errors.Problem): where, which field, what is
 * wrong, the fix, and a stable key the web app words in the user's language. The problem
 * document (RFC 9457) is an error answer, outside the OpenAPI models. */
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

/** The typed client: paths, parameters and answers from the OpenAPI document. */
export const client = createClient<paths>({
  baseUrl: "",
  headers: { Accept: "application/json" },
  credentials: "same-origin",
  fetch: (input, init) => globalThis.fetch(input, init), // the fetch of the moment, not at load
});

/** An ApiError from an error answer: the API's `detail` and `problems`, else the status. */
export function apiError(response: Response, body: unknown): ApiError {
  let detail = response.statusText || `HTTP ${response.status}`;
  let problems: Problem[] = [];
  if (body && typeof body === "object") {
    const doc = body as { detail?: unknown; problems?: unknown };
    if (typeof doc.detail === "string") detail = doc.detail;
    if (Array.isArray(doc.problems)) problems = doc.problems as Problem[];
  }
  return new ApiError(detail, response.status, problems);
}

/** The data of an openapi-fetch answer, or its ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiError(response, error);
  return data as T;
}

export async function getJSON<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as T;
}

export const api = {
  region: () => unwrap(client.GET("/api/region")),
  indicators: () => unwrap(client.GET("/api/indicators", {})),
  values: (id: string, level: string, year: number) =>
    unwrap(client.GET("/api/indicators/{indicator}/values", {
      params: { path: { indicator: id }, query: { level: level as Level, year } },
    })),
  area: (id: string, code: string) =>
    unwrap(client.GET("/api/indicators/{indicator}/areas/{code}", { params: { path: { indicator: id, code } } })),
  inequality: (id: string, level: string) =>
    unwrap(client.GET("/api/indicators/{indicator}/inequality", {
      params: { path: { indicator: id }, query: { level: level as Level } },
    })),
  areas: (level: string) => unwrap(client.GET("/api/areas", { params: { query: { level: level as Level } } })),
  /** GeoJSON (application/geo+json): typed by @types/geojson, not by a model. */
  areasGeoJSON: (level: string) =>
    getJSON<GeoJSON.FeatureCollection>(`/api/areas.geojson?level=${level}&simplify=5`),
};

/** The ApiError of a failed response: its RFC 9457 detail and problems, or the status text.
 * Reads the body; an answer openapi-fetch has already read goes to apiError (via unwrap). */
export async function problemOf(response: Response): Promise<ApiError> {
  let doc: unknown = null;
  try {
    doc = await response.json();
  } catch {
    /* not JSON: keep the status text */
  }
  return apiError(response, doc);
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

// Scenario results (groengezond.scenario.result.ScenarioResult).

export type Interval = Schemas["IntervalOut"];
export type ScenarioResult = Schemas["PlannerResult"];
export type ScenarioRunRequest = Schemas["ScenarioRunRequest"];
export type ScenarioComparison = Schemas["ScenarioComparison"];
export type NotComputable = Schemas["NotComputable"];
export type Verdict = Schemas["PlannerEquity"]["verdict"];
export type BuurtEffect = Schemas["BuurtEffect"];

export const scenarios = {
  /** Run a scenario as the Planner builds it (interventions drawn in lon/lat). The body is
   * checked by the server, which answers readable problems (ApiError.problems). */
  run: (scenario: unknown) =>
    unwrap(client.POST("/api/scenarios/run", { body: scenario as ScenarioRunRequest })),
};

// Participation (/api/participation, docs/participation.md): field labs, resident input with
// a private token (X-Resident-Token), moderation by staff (session cookie + X-CSRF-Token).

export type Buurt = Schemas["Buurt"];
export type PublishedScenario = Schemas["ScenarioOut"];
/** The schema types a field lab's geometry as an object; it is a GeoJSON (Multi)Polygon. */
export type FieldLab = Omit<Schemas["FieldLabOut"], "geometry"> & { geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon };

export const CRITERIA = ["green", "health", "safety", "would_use"] as const;
export type Criterion = (typeof CRITERIA)[number];
export type RatingIn = Record<Criterion, number>;
export type Rating = Schemas["RatingOut"];

export const CATEGORIES = ["idea", "concern", "question", "praise", "other"] as const;
export type Category = (typeof CATEGORIES)[number];
export const REPORT_REASONS = ["abusive", "spam", "personal_data", "off_topic", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export type CommentStatus = Schemas["CommentOut"]["status"];
export type CommentIn = Schemas["CommentIn"];
/** A comment's location is a GeoJSON point (lon, lat); the schema types it as an object. */
type Located<T> = Omit<T, "location"> & { location: CommentIn["location"] };
export type MyComment = Located<Schemas["CommentOut"]>;
export type ModerationItem = Located<Schemas["ModerationItem"]>;
export type CommentReply = Schemas["ReplyOut"];

export const GREEN_VISITS = ["daily", "weekly", "monthly", "rarely", "never"] as const;
export type GreenVisits = (typeof GREEN_VISITS)[number];
export type SurveyIn = Schemas["SurveyIn"];
export type Survey = Schemas["SurveyOut"];
export type MyInput = Omit<Schemas["MyInput"], "comments"> & { comments: MyComment[] };
export type SurveyQuestion = Schemas["SurveyQuestion"];
export type SurveyDoc = Schemas["SurveyDoc"];
export type StaffInfo = Pick<Schemas["StaffOut"], "username" | "role">;
export type PublicComments = Schemas["PublicComments"];
export type FieldLabResults = Schemas["FieldLabResults"];

const P = "/api/participation";

interface RequestOptions {
  /** Retry after a lost connection or 503 (only for requests with an Idempotency-Key). */
  retry?: boolean;
}

const sleep = (ms: number) => new Promise((done) => globalThis.setTimeout(done, ms));

/** fetch, retried up to 3 times after a lost connection or a 503 (Retry-After, at most 3 s). */
export function retrying(inner: typeof fetch = (...a) => globalThis.fetch(...a)): typeof fetch {
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await inner(input, init);
      } catch (e) {
        if (attempt < 3) {
          await sleep(500 * attempt);
          continue;
        }
        throw e;
      }
      if (response.status === 503 && attempt < 3) {
        const wait = Math.min(3, Number(response.headers.get("Retry-After")) || 1);
        await sleep(wait * 1000);
        continue;
      }
      return response;
    }
  };
}

/** Per-request options of a participation call: no cache, and the retrying fetch if asked. */
const opts = (headers: Record<string, string> = {}, o: RequestOptions = {}) => ({
  headers,
  cache: "no-store" as const,
  ...(o.retry ? { fetch: retrying() } : {}),
});

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

const lab_ = (lab: number) => ({ path: { lab_id: lab } });

/** Narrow an answer whose schema types a GeoJSON member as a plain object (see FieldLab). */
const geo = <T>(answer: Promise<unknown>): Promise<T> => answer as Promise<T>;

export const participation = {
  labs: () => geo<FieldLab[]>(unwrap(client.GET(`${P}/field-labs`, opts()))),
  lab: (lab: number) => geo<FieldLab>(unwrap(client.GET(`${P}/field-labs/{lab_id}`, { params: lab_(lab), ...opts() }))),
  scenario: (lab: number, id: number) =>
    unwrap(client.GET(`${P}/field-labs/{lab_id}/scenarios/{scenario_id}`, {
      params: { path: { lab_id: lab, scenario_id: id } }, ...opts(),
    })),
  survey: (lab: number) => unwrap(client.GET(`${P}/field-labs/{lab_id}/survey`, { params: lab_(lab), ...opts() })),
  comments: (lab: number) =>
    unwrap(client.GET(`${P}/field-labs/{lab_id}/comments`, { params: lab_(lab), ...opts() })),
  newResident: (lab: number) =>
    unwrap(client.POST(`${P}/field-labs/{lab_id}/residents`, { params: lab_(lab), ...opts() })),
  me: (token: string) => geo<MyInput>(unwrap(client.GET(`${P}/me`, opts(resident(token))))),
  eraseMe: (token: string) => unwrap(client.DELETE(`${P}/me`, opts(resident(token)))),
  rate: (token: string, lab: number, scenario: number, body: RatingIn) =>
    unwrap(client.POST(`${P}/field-labs/{lab_id}/scenarios/{scenario_id}/ratings`, {
      params: { path: { lab_id: lab, scenario_id: scenario } }, body,
      ...opts({ ...resident(token), "Idempotency-Key": idempotencyKey() }, { retry: true }),
    })),
  updateRating: (token: string, id: number, body: RatingIn) =>
    unwrap(client.PUT(`${P}/ratings/{rating_id}`, { params: { path: { rating_id: id } }, body, ...opts(resident(token)) })),
  deleteRating: async (token: string, id: number): Promise<void> => {
    await unwrap(client.DELETE(`${P}/ratings/{rating_id}`, { params: { path: { rating_id: id } }, ...opts(resident(token)) }));
  },
  comment: (token: string, lab: number, body: CommentIn) =>
    geo<MyComment>(unwrap(client.POST(`${P}/field-labs/{lab_id}/comments`, {
      params: lab_(lab), body,
      ...opts({ ...resident(token), "Idempotency-Key": idempotencyKey() }, { retry: true }),
    }))),
  updateComment: (token: string, id: number, body: CommentIn) =>
    geo<MyComment>(unwrap(client.PUT(`${P}/comments/{comment_id}`, { params: { path: { comment_id: id } }, body, ...opts(resident(token)) }))),
  deleteComment: async (token: string, id: number): Promise<void> => {
    await unwrap(client.DELETE(`${P}/comments/{comment_id}`, { params: { path: { comment_id: id } }, ...opts(resident(token)) }));
  },
  answerSurvey: (token: string, lab: number, body: SurveyIn) =>
    unwrap(client.POST(`${P}/field-labs/{lab_id}/survey-responses`, {
      params: lab_(lab), body,
      ...opts({ ...resident(token), "Idempotency-Key": idempotencyKey() }, { retry: true }),
    })),
  updateSurvey: (token: string, id: number, body: SurveyIn) =>
    unwrap(client.PUT(`${P}/survey-responses/{response_id}`, { params: { path: { response_id: id } }, body, ...opts(resident(token)) })),
  deleteSurvey: async (token: string, id: number): Promise<void> => {
    await unwrap(client.DELETE(`${P}/survey-responses/{response_id}`, { params: { path: { response_id: id } }, ...opts(resident(token)) }));
  },
  report: (comment: number, reason: ReportReason) =>
    unwrap(client.POST(`${P}/comments/{comment_id}/reports`, { params: { path: { comment_id: comment } }, body: { reason }, ...opts() })),

  /** Log in; returns who is logged in and whether the cookies ("cookie") or a Bearer token held in memory ("bearer") carry the session. */
  login: async (username: string, password: string): Promise<{ staff: StaffInfo; auth: "cookie" | "bearer" }> => {
    bearer = null;
    const out = await unwrap(client.POST(`${P}/auth/login`, { body: { username, password }, ...opts() }));
    if (csrfCookie() !== out.csrf_token) bearer = out.token;
    return { staff: { username: out.username, role: out.role }, auth: bearer ? "bearer" : "cookie" };
  },
  logout: async (): Promise<void> => {
    try {
      await unwrap(client.POST(`${P}/auth/logout`, opts(staffHeaders(true))));
    } finally {
      bearer = null;
    }
  },
  whoami: (): Promise<StaffInfo> => unwrap(client.GET(`${P}/auth/me`, opts(staffHeaders(false)))),
  authMode: (): "cookie" | "bearer" => (bearer ? "bearer" : "cookie"),
  /** Whether a staff session may exist (so /auth/me is not asked, and 401 logged, for nothing). */
  maybeLoggedIn: (): boolean => bearer !== null || csrfCookie() !== null,
  queue: (includeReviewed = false) =>
    geo<ModerationItem[]>(unwrap(client.GET(`${P}/moderation/queue`, {
      params: { query: { include_reviewed: includeReviewed } }, ...opts(staffHeaders(false)),
    }))),
  /** Set the municipality's official reply to a comment (any staff role). */
  reply: (comment: number, text: string) =>
    unwrap(client.PUT(`${P}/comments/{comment_id}/reply`, {
      params: { path: { comment_id: comment } }, body: { text }, ...opts(staffHeaders(true)),
    })),
  unreply: async (comment: number): Promise<void> => {
    await unwrap(client.DELETE(`${P}/comments/{comment_id}/reply`, {
      params: { path: { comment_id: comment } }, ...opts(staffHeaders(true)),
    }));
  },
  /** Open a field lab (planner or admin). The area is the polygon as the map gives it. */
  createLab: (body: { name: string; description: string; area_code: string; geometry_wgs84: GeoJSON.Polygon | GeoJSON.MultiPolygon; buurten: Buurt[]; opens_on: string; closes_on: string }) =>
    geo<FieldLab>(unwrap(client.POST(`${P}/field-labs`, { body: body as unknown as Schemas["FieldLabIn"], ...opts(staffHeaders(true)) }))),
  /** Change a field lab's period (or name, description, buurten). */
  patchLab: (lab: number, body: Partial<Pick<FieldLab, "name" | "description" | "buurten" | "opens_on" | "closes_on">>) =>
    geo<FieldLab>(unwrap(client.PATCH(`${P}/field-labs/{lab_id}`, { params: lab_(lab), body, ...opts(staffHeaders(true)) }))),
  /** Publish a Planner scenario into a field lab (planner or admin, logged in). The snapshot
   * the Meedoen view reads: `{ scenario: <body sent to /api/scenarios/run>, result: <its answer> }`. */
  publish: (lab: number, body: { scenario_id: string; name: string; description: string; snapshot: { scenario: unknown; result: ScenarioResult } }) =>
    unwrap(client.POST(`${P}/field-labs/{lab_id}/scenarios`, {
      params: lab_(lab), body: body as unknown as Schemas["ScenarioIn"], ...opts(staffHeaders(true)),
    })),
  decide: (comment: number, action: "approve" | "reject" | "hide", reason: string | null) =>
    geo<ModerationItem>(unwrap(client.POST(`${P}/moderation/comments/{comment_id}/${action}`, {
      params: { path: { comment_id: comment } }, body: reason ? { reason } : null, ...opts(staffHeaders(true)),
    }))),
};

// Evaluator (/api/evaluations): the intervention register (writes: planner or admin, with the
// staff login above) and estimates after disclosure control.

export type RegisteredIntervention = Schemas["RegisteredIntervention"];
export type InterventionIn = Schemas["InterventionIn"];
export type EvalEstimate = Schemas["EstimateOut"];
export type EventRow = Schemas["EventStudyRow"];
export type EvalSeriesRow = Schemas["EvaluationSeriesPoint"];
export type EvaluationDoc = Schemas["EvaluationEstimate"];

const E = "/api/evaluations";

export const evaluations = {
  list: () => unwrap(client.GET(`${E}/interventions`, opts())),
  register: (body: InterventionIn) =>
    unwrap(client.POST(`${E}/register`, { body, ...opts(staffHeaders(true)) })),
  remove: async (id: number): Promise<void> => {
    await unwrap(client.DELETE(`${E}/register/{intervention_id}`, {
      params: { path: { intervention_id: id } }, ...opts(staffHeaders(true)),
    }));
  },
  estimate: (indicator: string, estimator: string, ids: number[]) =>
    unwrap(client.GET(`${E}/estimate`, {
      params: { query: { indicator, estimator, level: "buurt", intervention: ids } }, ...opts(),
    })),
};
