import { describe, expect, it } from "vitest";
import type { AreaValue } from "./api";
import { classBreaks, classOf, qualify, slug, toCsv, tooUncertain } from "./monitor-data";

function value(code: string, v: number, lower: number, upper: number): AreaValue {
  return { area_code: code, name: code, value: v, lower, upper, suppressed: false, suppression_reason: "",
    quartile: null, persons: null, quality: "real", rank: null };
}

describe("class breaks", () => {
  it("takes quantiles rounded to the shown precision, increasing", () => {
    const values = [1.04, 2.01, 2.96, 4.02, 5.0, 6.1, 7.0, 8.04, 9.0, 9.98];
    expect(classBreaks(values, 0)).toEqual([3, 5, 7, 9]);
    expect(classBreaks(values, 1)).toEqual([3, 5, 7, 9]);
  });

  it("has no breaks for fewer than two values, and skips non-finite ones", () => {
    expect(classBreaks([4], 1)).toEqual([]);
    expect(classBreaks([NaN, 4, Infinity], 1)).toEqual([]);
  });

  it("puts a value on a break in the upper class", () => {
    expect(classOf(2.9, [3, 5])).toBe(0);
    expect(classOf(3, [3, 5])).toBe(1);
    expect(classOf(9, [3, 5])).toBe(2);
  });
});

describe("tooUncertain", () => {
  it("leaves out intervals wider than twice the median width", () => {
    const values = [value("A", 10, 9, 11), value("B", 10, 9, 11), value("C", 10, 9.5, 10.5), value("D", 10, 5, 15)];
    expect(tooUncertain(values).map((v) => v.area_code)).toEqual(["D"]);
  });
});

describe("qualify", () => {
  it("adds the municipality to a name that repeats", () => {
    const gm = [{ code: "GM1", name: "Utrecht", level: "gemeente", parent: null, inhabitants: 1 },
      { code: "GM2", name: "Zeist", level: "gemeente", parent: null, inhabitants: 1 }];
    const wk = [{ code: "WK1", name: "Binnenstad", level: "wijk", parent: "GM1", inhabitants: 1 },
      { code: "WK2", name: "Binnenstad", level: "wijk", parent: "GM2", inhabitants: 1 },
      { code: "WK3", name: "Oost", level: "wijk", parent: "GM1", inhabitants: 1 }];
    const names = qualify([gm, wk]);
    expect(names.get("WK1")).toBe("Binnenstad (Utrecht)");
    expect(names.get("WK2")).toBe("Binnenstad (Zeist)");
    expect(names.get("WK3")).toBe("Oost");
  });
});

describe("toCsv and slug", () => {
  it("quotes cells with separators and starts with a BOM", async () => {
    const text = await toCsv(["naam", "waarde"], [["Oost, Noord", 1.5], ["Zuid", null]]).text();
    expect(text).toBe('\ufeffnaam,waarde\r\n"Oost, Noord",1.5\r\nZuid,\r\n');
  });

  it("makes a file name from a title", () => {
    expect(slug("Groen binnen 300 m (%)")).toBe("groen-binnen-300-m");
  });
});
