// Map layers of the Meedoen view: the field lab's outline, the plan shown, approved comments
// (Okabe-Ito colours by category), the resident's own pending comments (open circles, seen
// only by them) and the pin being placed.

import type maplibregl from "maplibre-gl";
import { CATEGORIES } from "./api";
import { CATEGORY_COLOURS } from "./participation-labels";

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };
const LAYERS = ["p-lab-fill", "p-lab-line", "p-scenario-fill", "p-scenario-line", "p-scenario-points", "p-comments", "p-mine", "p-pin"];

/** What the layers show. */
export interface LayerState {
  lab: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
  plan: GeoJSON.Feature[];
  comments: GeoJSON.FeatureCollection;
  /** The resident's own comments still waiting for moderation (only they see them). */
  mine?: GeoJSON.Feature[];
  pin: [number, number] | null;
}

/** Handlers of clicks on the map. */
export interface LayerEvents {
  /** A click on an approved comment (not called while pinning). */
  comment(id: number, props: Record<string, unknown>, at: [number, number]): void;
  /** A click anywhere while pinning. */
  place(at: [number, number]): void;
  /** Whether the view is active and whether a pin is being placed. */
  state(): { active: boolean; pinning: boolean };
}

export class ParticipationLayers {
  private added = false;

  constructor(private readonly map: maplibregl.Map) {}

  /** Add the sources, layers and click handlers (once). */
  add(events: LayerEvents): void {
    if (this.added) return;
    this.added = true;
    const m = this.map;
    for (const id of ["p-lab", "p-scenario", "p-comments", "p-mine", "p-pin"]) m.addSource(id, { type: "geojson", data: EMPTY });
    m.addLayer({ id: "p-lab-fill", type: "fill", source: "p-lab", paint: { "fill-color": "#1b5e20", "fill-opacity": 0.06 } });
    m.addLayer({ id: "p-lab-line", type: "line", source: "p-lab", paint: { "line-color": "#1b5e20", "line-width": 3, "line-dasharray": [3, 1.5] } });
    const kind: maplibregl.ExpressionSpecification = ["match", ["get", "kind"], "add_green", "#1b7837", "plant_trees", "#00441b", "add_connection", "#2d004b", "add_dwellings", "#b35806", "#6a3d9a"];
    const polygons: maplibregl.FilterSpecification = ["in", ["geometry-type"], ["literal", ["Polygon", "MultiPolygon"]]];
    const points: maplibregl.FilterSpecification = ["in", ["geometry-type"], ["literal", ["Point", "MultiPoint"]]];
    m.addLayer({ id: "p-scenario-fill", type: "fill", source: "p-scenario", filter: polygons, paint: { "fill-color": kind, "fill-opacity": 0.45 } });
    m.addLayer({ id: "p-scenario-line", type: "line", source: "p-scenario", filter: ["!", points], paint: { "line-color": kind, "line-width": 3 } });
    m.addLayer({ id: "p-scenario-points", type: "circle", source: "p-scenario", filter: points, paint: { "circle-color": kind, "circle-radius": 5, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } });
    const colour = ["match", ["get", "category"], ...CATEGORIES.flatMap((c) => [c, CATEGORY_COLOURS[c]]), "#666666"] as unknown as maplibregl.ExpressionSpecification;
    m.addLayer({ id: "p-comments", type: "circle", source: "p-comments", paint: { "circle-color": colour, "circle-radius": 8, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } });
    // own pending comments: an open circle in the category's colour
    m.addLayer({ id: "p-mine", type: "circle", source: "p-mine", paint: { "circle-color": "#ffffff", "circle-opacity": 0.85, "circle-radius": 7, "circle-stroke-color": colour, "circle-stroke-width": 3 } });
    m.addLayer({ id: "p-pin", type: "circle", source: "p-pin", paint: { "circle-color": "#111111", "circle-radius": 8, "circle-stroke-color": "#ffeb3b", "circle-stroke-width": 3 } });
    // the layer handler first: while pinning, a click on a comment places the pin, no popup
    m.on("click", "p-comments", (e) => {
      const f = e.features?.[0];
      const { active, pinning } = events.state();
      if (!active || pinning || !f || f.geometry.type !== "Point") return;
      events.comment(f.id as number, f.properties ?? {}, f.geometry.coordinates as [number, number]);
    });
    m.on("click", (e) => {
      const { active, pinning } = events.state();
      if (active && pinning) events.place([e.lngLat.lng, e.lngLat.lat]);
    });
    m.on("mouseenter", "p-comments", () => { if (!events.state().pinning) m.getCanvas().style.cursor = "pointer"; });
    m.on("mouseleave", "p-comments", () => { if (!events.state().pinning) m.getCanvas().style.cursor = ""; });
  }

  setVisible(on: boolean): void {
    for (const id of LAYERS) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  }

  private setData(source: string, data: GeoJSON.FeatureCollection): void {
    (this.map.getSource(source) as maplibregl.GeoJSONSource | undefined)?.setData(data);
  }

  /** Show ``state`` on the map. */
  show(state: LayerState): void {
    this.setData("p-lab", state.lab ? { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: state.lab }] } : EMPTY);
    this.setData("p-scenario", { type: "FeatureCollection", features: state.plan });
    this.setData("p-comments", state.lab ? state.comments : EMPTY);
    this.setData("p-mine", { type: "FeatureCollection", features: state.lab ? state.mine ?? [] : [] });
    this.setData("p-pin", state.pin ? { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: state.pin } }] } : EMPTY);
  }
}

function inRing([x, y]: [number, number], ring: GeoJSON.Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when a lon/lat point lies inside the field lab's area (holes excluded). */
export function insideArea(pt: [number, number], geom: GeoJSON.Polygon | GeoJSON.MultiPolygon): boolean {
  const polygons = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
  return polygons.some(([outer, ...holes]) => !!outer && inRing(pt, outer) && !holes.some((hole) => inRing(pt, hole)));
}
