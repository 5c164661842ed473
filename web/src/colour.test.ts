import { describe, expect, it } from "vitest";
import { VIRIDIS, gradientCss, rampExpression } from "./colour";

describe("rampExpression", () => {
  it("spreads the ten viridis colours evenly from min to max", () => {
    const expr = rampExpression(["get", "value"], 10, 28);
    expect(expr.slice(0, 3)).toEqual(["interpolate", ["linear"], ["get", "value"]]);
    const stops = expr.slice(3);
    expect(stops).toHaveLength(2 * VIRIDIS.length);
    expect(stops[0]).toBe(10);
    expect(stops[1]).toBe("#440154");
    expect(stops[2]).toBe(12);
    expect(stops[stops.length - 2]).toBe(28);
    expect(stops[stops.length - 1]).toBe("#fde725");
  });

  it("keeps the stops increasing when every value is the same", () => {
    const stops = rampExpression(["get", "v"], 5, 5).slice(3).filter((s) => typeof s === "number") as number[];
    expect(stops[0]).toBe(5);
    expect(stops[stops.length - 1]).toBe(6);
    for (let i = 1; i < stops.length; i++) expect(stops[i]).toBeGreaterThan(stops[i - 1]);
  });
});

describe("gradientCss", () => {
  it("lists the scale from dark to light", () => {
    expect(gradientCss()).toBe(`linear-gradient(to right, ${VIRIDIS.join(", ")})`);
  });
});
