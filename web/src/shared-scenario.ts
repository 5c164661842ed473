// Shared scenarios: saved on the server (/api/shared-scenarios) with a stable id, opened by the
// link /s/<id>. An anonymous owner gets an owner key on the first share; it is kept in this
// browser (localStorage "gg-owner-key", the key only, never a scenario) and sent as X-Owner-Key
// to save new versions. Whoever opens the link sees the newest version on the Planner's map.

import { problemOf } from "./api";
import { openScenario } from "./planner";

const OWNER_KEY = "gg-owner-key";

export interface SharedScenario {
  id: string;
  link: string;
  version: number;
  latest_version: number;
  visibility: "public" | "unlisted" | "private";
  name: string;
  is_owner: boolean;
  owner_key: string | null;
  /** The scenario with geometries in lon/lat (EPSG:4326), as the map draws them. */
  scenario_wgs84: Record<string, unknown>;
}

function ownerKey(): string | null {
  try {
    return localStorage.getItem(OWNER_KEY);
  } catch {
    return null;
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const key = ownerKey();
  if (key) headers["X-Owner-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as T;
}

/** Share `scenario` (the /api/scenarios/run body, lon/lat) on the server; a new version when
 * `id` is given (and this browser owns it). Keeps a new owner key. */
export async function shareScenario(scenario: Record<string, unknown>, id?: string): Promise<SharedScenario> {
  const { crs, ...rest } = scenario;
  const body = { scenario: rest, crs: crs === "EPSG:28992" ? "EPSG:28992" : "EPSG:4326" };
  const out = id
    ? await call<SharedScenario>("POST", `/api/shared-scenarios/${encodeURIComponent(id)}/versions`, body)
    : await call<SharedScenario>("POST", "/api/shared-scenarios", body);
  if (out.owner_key) {
    try {
      localStorage.setItem(OWNER_KEY, out.owner_key);
    } catch {
      /* private mode: the link still works, only new versions need the key */
    }
  }
  return out;
}

/** The shared scenario id of a path `/s/<id>`, or null. */
export function sharedIdOf(pathname: string): string | null {
  const m = /^\/s\/([A-Za-z0-9_-]{1,32})\/?$/.exec(pathname);
  return m ? m[1] : null;
}

/** Fetch shared scenario `id` and draw it on the Planner's map (the Planner must be open). */
export async function openShared(id: string): Promise<SharedScenario> {
  const shared = await call<SharedScenario>("GET", `/api/shared-scenarios/${encodeURIComponent(id)}`);
  await openScenario({ ...shared.scenario_wgs84, crs: "EPSG:4326" });
  return shared;
}

/** Absolute link of a shared scenario. */
export function linkOf(shared: SharedScenario): string {
  return `${location.origin}${shared.link}`;
}

/** The server-rendered report (tagged PDF) of a shared scenario, in `language`. */
export function reportOf(shared: SharedScenario, language: "nl" | "en"): string {
  return `/api/reports/shared-scenario/${encodeURIComponent(shared.id)}?format=pdf&lang=${language}`;
}
