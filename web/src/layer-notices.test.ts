import { describe, expect, it } from "vitest";
import { setLang } from "./i18n";
import { layerNotices } from "./layer-notices";

describe("layerNotices", () => {
  it("says a missing buildings layer and a truncated green layer, in Dutch", () => {
    setLang("nl");
    const notes = layerNotices({
      buildings: { status: "missing", key: "buildings.missing", reason: "No buildings layer" },
      green: { status: "placeholder", key: "green.truncated", reason: "export stopped" },
      trees: { status: "real", key: null, reason: "Read from its source." },
    });
    expect(notes).toEqual([
      "Deze regio heeft geen gebouwenlaag: er staan geen gebouwen op de kaart, ook niet op hoogte in 3D. Voeg een bron met gebouwen (BAG of 3D BAG) toe aan de bouwconfiguratie.",
      "Let op: de laag ‘groengebieden’ is onvolledig of een vervanging (de export van het groen stopte bij een maximum aantal objecten: een groot deel van het groen ontbreekt).",
    ]);
  });

  it("is silent for real and derived layers, and words an unknown reason without English", () => {
    setLang("nl");
    expect(layerNotices({ buildings: { status: "derived", reason: "x" }, trees: { status: "real", reason: "y" } })).toEqual([]);
    const [note] = layerNotices({ trees: { status: "placeholder", key: "trees.somethingnew", reason: "English reason" } });
    expect(note).toBe("Let op: de laag ‘bomen’ is onvolledig of een vervanging (een benodigde invoer ontbreekt).");
    setLang("en");
    expect(layerNotices({ trees: { status: "missing", reason: "No trees layer" } })).toEqual([
      "This region has no ‘trees’ layer: it is missing from the map.",
    ]);
  });
});
