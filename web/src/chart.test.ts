import { describe, expect, it } from "vitest";
import { lineChart } from "./chart";

const opts = { label: "Gezonde levensverwachting", format: (v: number) => v.toFixed(1), suppressedLabel: "onderdrukt" };

describe("lineChart", () => {
  it("draws a dot per shown year with its value, and the interval band", () => {
    const svg = lineChart([
      { year: 2018, value: 62.5, lower: 60, upper: 65 },
      { year: 2020, value: 63.1, lower: 61, upper: 65.5 },
      { year: 2022, value: 64.0, lower: 62, upper: 66 },
    ], opts);
    expect(svg.getAttribute("aria-label")).toBe("Gezonde levensverwachting");
    const titles = [...svg.querySelectorAll("circle title")].map((t) => t.textContent);
    expect(titles).toEqual(["2018: 62.5", "2020: 63.1", "2022: 64.0"]);
    expect(svg.querySelectorAll("path.band")).toHaveLength(1);
    expect(svg.querySelectorAll("line.whisker")).toHaveLength(3);
    const years = [...svg.querySelectorAll("text.tick")].map((t) => t.textContent).filter((t) => /^\d{4}$/.test(t ?? ""));
    expect(years).toEqual(["2018", "2020", "2022"]);
  });

  it("marks a suppressed year instead of drawing it", () => {
    const svg = lineChart([
      { year: 2020, value: 10 },
      { year: 2021, value: null, suppressed: true },
      { year: 2022, value: 12 },
    ], opts);
    expect(svg.querySelectorAll("circle")).toHaveLength(2);
    const mark = svg.querySelector("text.suppressed-mark title");
    expect(mark?.textContent).toBe("2021: onderdrukt");
    expect(svg.querySelectorAll("path.band")).toHaveLength(0);
  });

  it("draws the zero line when asked and the values cross zero", () => {
    const svg = lineChart([{ year: 2020, value: -2 }, { year: 2022, value: 3 }], { ...opts, zeroLine: true });
    expect(svg.querySelectorAll("line.zero")).toHaveLength(1);
  });

  it("is empty without points", () => {
    expect(lineChart([], opts).childElementCount).toBe(0);
  });
});
