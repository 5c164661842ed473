// Shared scenarios: saved on the server (/api/shared-scenarios) with a stable id, opened by the
// link /s/<id>. An anonymous owner gets an owner key on the first share; it is kept in this
// browser (localStorage "gg-owner-key", the key only, never a scenario) and sent as X-Owner-Key
// to save new versions. Whoever opens the link sees the newest version on the Planner's map.

import { client, unwrap } from "./api";
import type { components } from "./api-schema";
import { openScenario } from "./planner";

const OWNER_KEY = "gg-owner-key";

/** One version of a shared scenario as the API answers it; `scenario_wgs84` holds the
 * geometries in lon/lat (EPSG:4326), as the map draws them. */
export type SharedScenario = components["schemas"]["SharedOut"];

function ownerKey(): string | null {
  try {
    return localStorage.getItem(OWNER_KEY);
  } catch {
    return null;
  }
}

/** The X-Owner-Key header of this browser's owner key, if it has one. */
function owner(): Record<string, string> {
  const key = ownerKey();
  return key ? { "X-Owner-Key": key } : {};
}

/** Share `scenario` (the /api/scenarios/run body, lon/lat) on the server; a new version when
 * `id` is given (and this browser owns it). Keeps a new owner key. */
export async function shareScenario(scenario: Record<string, unknown>, id?: string): Promise<SharedScenario> {
  const { crs, ...rest } = scenario;
  // the Planner assembles the scenario loosely; the server parses it and answers located
  // problems (ApiError.problems), as for /api/scenarios/run
  const body: components["schemas"]["ShareIn"] = {
    scenario: rest as components["schemas"]["Scenario"], crs: crs === "EPSG:28992" ? "EPSG:28992" : "EPSG:4326",
  };
  const out = id
    ? await unwrap(client.POST("/api/shared-scenarios/{scenario_id}/versions", {
      params: { path: { scenario_id: id } }, body, headers: owner(),
    }))
    : await unwrap(client.POST("/api/shared-scenarios", { body, headers: owner() }));
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
  const shared = await unwrap(client.GET("/api/shared-scenarios/{scenario_id}", {
    params: { path: { scenario_id: id } }, headers: owner(),
  }));
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
