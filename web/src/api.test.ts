// The typed API client: the URLs, methods, headers and bodies it sends, and how it reads
// answers and errors (fetch is replaced by a recorder that answers like the server).

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, evaluations, participation, problemOf, retrying, scenarios } from "./api";

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

let calls: Call[] = [];
let answers: Response[] = [];

function answer(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? null : JSON.stringify(body);
  return new Response(text, { status, headers: { "Content-Type": "application/json", ...headers } });
}

beforeEach(() => {
  calls = [];
  answers = [];
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({
      url: String(input),
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? JSON.parse(init.body) : init.body,
    });
    const next = answers.shift();
    if (!next) throw new TypeError("Failed to fetch");
    return next;
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("Monitor calls", () => {
  it("asks the values of one indicator, level and year, with the path encoded", async () => {
    const doc = { level: "wijk", year: 2022, values: [{ area_code: "WK1", value: 71.5 }] };
    answers.push(answer(200, doc));
    const out = await api.values("green share/x", "wijk", 2022);
    expect(calls[0].url).toBe("/api/indicators/green%20share%2Fx/values?level=wijk&year=2022");
    expect(calls[0].method).toBe("GET");
    expect(calls[0].headers.get("Accept")).toBe("application/json");
    expect(out.values[0].value).toBe(71.5);
  });

  it("asks the areas of a level and the inequality of an indicator", async () => {
    answers.push(answer(200, { areas: [] }), answer(200, { series: [] }));
    await api.areas("buurt");
    await api.inequality("hle", "gemeente");
    expect(calls.map((c) => c.url)).toEqual(["/api/areas?level=buurt", "/api/indicators/hle/inequality?level=gemeente"]);
  });

  it("turns a refused request into an ApiError with the server's text", async () => {
    answers.push(answer(422, { detail: "--year: hle has no values for 1999" }));
    const err = await api.values("hle", "buurt", 1999).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as ApiError).message).toBe("--year: hle has no values for 1999");
  });
});

describe("Planner calls", () => {
  it("posts the scenario as JSON and returns the result", async () => {
    answers.push(answer(200, { scenario: "Park", n_draws: 1000 }));
    const body = { name: "Park", interventions: [] };
    const out = await scenarios.run(body);
    expect(calls[0].method).toBe("POST");
    expect(calls[0].url).toBe("/api/scenarios/run");
    expect(calls[0].headers.get("Content-Type")).toBe("application/json");
    expect(calls[0].body).toEqual(body);
    expect(out.n_draws).toBe(1000);
  });

  it("keeps every problem of a refused plan, with its key, for the intervention it concerns", async () => {
    const problems = [{ file: "scenario", location: "intervention 1 'Park'", field: "geometry", problem: "is on water",
      fix: "draw it on land", key: "plan.on_water" }];
    answers.push(answer(422, { detail: "1 problem", problems }));
    const err = (await scenarios.run({ name: "x" }).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(422);
    expect(err.problems).toEqual(problems);
  });

  it("says the status when the answer is not JSON", async () => {
    answers.push(new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const err = (await scenarios.run({ name: "x" }).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.message).toBe("Bad Gateway");
  });
});

describe("Participation calls", () => {
  it("sends the resident token and a fresh Idempotency-Key with a rating", async () => {
    answers.push(answer(201, { id: 7, green: 4 }), answer(201, { id: 8, green: 4 }));
    const rating = { green: 4, health: 4, safety: 3, would_use: 5 };
    await participation.rate("tok", 3, 9, rating);
    await participation.rate("tok", 3, 9, rating);
    expect(calls[0].url).toBe("/api/participation/field-labs/3/scenarios/9/ratings");
    expect(calls[0].headers.get("X-Resident-Token")).toBe("tok");
    const keys = calls.map((c) => c.headers.get("Idempotency-Key"));
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(calls[0].body).toEqual(rating);
  });

  it("retries a submission after a 503, honouring Retry-After", async () => {
    vi.useFakeTimers();
    answers.push(answer(503, { detail: "busy" }, { "Retry-After": "2" }), answer(201, { id: 1 }));
    const done = participation.comment("tok", 1, {
      category: "idea", text: "Meer bomen", location: { type: "Point", coordinates: [5.1, 52.1] }, scenario_id: null,
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await done).id).toBe(1);
    expect(calls).toHaveLength(2);
  });

  it("does not retry a request that is not idempotent", async () => {
    answers.push(answer(503, { detail: "busy" }));
    const err = (await participation.labs().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(503);
    expect(calls).toHaveLength(1);
  });

  it("reads a 204 as done and erases with the token", async () => {
    answers.push(new Response(null, { status: 204 }));
    await expect(participation.deleteRating("tok", 5)).resolves.toBeUndefined();
    expect(calls[0]).toMatchObject({ url: "/api/participation/ratings/5", method: "DELETE" });
  });

  it("keeps the session in a Bearer token when the browser refused the cookies", async () => {
    answers.push(answer(200, { username: "p1", role: "planner", token: "s3cret", csrf_token: "c", expires_at: "x" }));
    const out = await participation.login("p1", "pw");
    expect(out).toEqual({ staff: { username: "p1", role: "planner" }, auth: "bearer" });
    answers.push(answer(200, { username: "p1", role: "planner" }));
    await participation.whoami();
    expect(calls[1].headers.get("Authorization")).toBe("Bearer s3cret");
    answers.push(new Response(null, { status: 204 }));
    await participation.logout();
    expect(participation.authMode()).toBe("cookie");
  });
});

describe("Evaluator and moderation calls", () => {
  it("asks an estimate with every intervention id as its own parameter", async () => {
    answers.push(answer(200, { indicator: "hle", estimates: [], event_study: [], series: [] }));
    await evaluations.estimate("hle", "cs_did", [3, 8]);
    const url = new URL(calls[0].url, "http://x");
    expect(url.pathname).toBe("/api/evaluations/estimate");
    expect(url.searchParams.getAll("intervention")).toEqual(["3", "8"]);
    expect(url.searchParams.get("estimator")).toBe("cs_did");
    expect(url.searchParams.get("level")).toBe("buurt");
  });

  it("registers and removes an intervention as staff", async () => {
    const body = { name: "Park", areas: ["BU1"], start_date: "2020-04-01", completion_date: null, cost_eur: null };
    answers.push(answer(201, { id: 4, ...body, catalogue_id: null, geometry_wkt: null }), new Response(null, { status: 204 }));
    expect((await evaluations.register(body)).id).toBe(4);
    await expect(evaluations.remove(4)).resolves.toBeUndefined();
    expect(calls.map((c) => [c.method, c.url])).toEqual([["POST", "/api/evaluations/register"], ["DELETE", "/api/evaluations/register/4"]]);
    expect(calls[0].body).toEqual(body);
  });

  it("asks the reviewed comments too, and sets and withdraws an official reply", async () => {
    answers.push(answer(200, []), answer(200, { comment_id: 2, text: "Dank", created_at: "t", updated_at: "t" }),
      new Response(null, { status: 204 }));
    await participation.queue(true);
    expect((await participation.reply(2, "Dank")).text).toBe("Dank");
    await participation.unreply(2);
    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ["GET", "/api/participation/moderation/queue?include_reviewed=true"],
      ["PUT", "/api/participation/comments/2/reply"],
      ["DELETE", "/api/participation/comments/2/reply"],
    ]);
    expect(calls[1].body).toEqual({ text: "Dank" });
  });
});

describe("problemOf", () => {
  it("reads the detail and the problems of an unread error answer", async () => {
    const problems = [{ file: "request", location: "body", field: "scenario", problem: "is empty", fix: "draw something" }];
    const err = await problemOf(answer(422, { detail: "1 problem", problems }));
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.message, err.problems]).toEqual([422, "1 problem", problems]);
  });

  it("says the status when the answer is not JSON", async () => {
    const err = await problemOf(new Response("oops", { status: 500, statusText: "Internal Server Error" }));
    expect([err.status, err.message, err.problems]).toEqual([500, "Internal Server Error", []]);
  });
});

describe("retrying", () => {
  it("gives up after three lost connections", async () => {
    vi.useFakeTimers();
    const inner = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const done = retrying(inner)("/x").catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(await done).toBeInstanceOf(TypeError);
    expect(inner).toHaveBeenCalledTimes(3);
  });
});
