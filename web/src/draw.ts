// Minimal drawing on the map: a polygon (park, new homes), points (trees) or a line
// (footbridge). Click to add a vertex, double-click or Enter to finish, Backspace to undo one,
// Escape to stop. Keyboard users can pan with the arrow keys and add the map centre.

import type maplibregl from "maplibre-gl";

export type DrawKind = "park" | "trees" | "footbridge" | "homes";

export interface Drawn {
  id: number;
  kind: DrawKind;
  geometry: GeoJSON.Geometry;
  dwellings?: number;
  catalogueId?: string;
  /** Footbridge: extra walking trips per day and their duration (WHO HEAT volume). */
  walkingTrips?: number;
  minutesPerWalk?: number;
  /** Park: demolish the buildings under it (their residents move; acquisition and demolition
   * are costed). Without it the Planner refuses a park over buildings. */
  displace?: boolean;
}

const SHAPE: Record<DrawKind, "polygon" | "points" | "line"> = {
  park: "polygon",
  homes: "polygon",
  trees: "points",
  footbridge: "line",
};

const MIN_VERTICES = { polygon: 3, points: 1, line: 2 };

export class DrawTool {
  private kind: DrawKind | null = null;
  private vertices: [number, number][] = [];
  private nextId = 1;
  private added = false;

  constructor(
    private readonly map: maplibregl.Map,
    private readonly onDone: (drawn: Drawn) => void,
    private readonly onState: (kind: DrawKind | null, vertices: number) => void,
  ) {}

  get active(): DrawKind | null {
    return this.kind;
  }

  private ensureLayers(): void {
    if (this.added) return;
    this.added = true;
    const empty: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };
    this.map.addSource("drawn", { type: "geojson", data: empty });
    this.map.addSource("sketch", { type: "geojson", data: empty });
    const kindColour: maplibregl.ExpressionSpecification = ["match", ["get", "kind"], "park", "#1b7837", "homes", "#b35806", "trees", "#00441b", "#2d004b"];
    this.map.addLayer({ id: "drawn-fill", type: "fill", source: "drawn", filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": kindColour, "fill-opacity": 0.45 } });
    this.map.addLayer({ id: "drawn-line", type: "line", source: "drawn", filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": kindColour, "line-width": 3 } });
    this.map.addLayer({ id: "drawn-points", type: "circle", source: "drawn", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": kindColour, "circle-radius": 6, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } });
    this.map.addLayer({ id: "sketch-line", type: "line", source: "sketch", paint: { "line-color": "#000000", "line-width": 2, "line-dasharray": [2, 1] } });
    this.map.addLayer({ id: "sketch-points", type: "circle", source: "sketch", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": "#ffffff", "circle-radius": 5, "circle-stroke-color": "#000000", "circle-stroke-width": 2 } });
    this.map.on("click", (e) => {
      if (this.kind) this.add([e.lngLat.lng, e.lngLat.lat]);
    });
    this.map.on("dblclick", (e) => {
      if (this.kind) {
        e.preventDefault();
        this.finish();
      }
    });
    document.addEventListener("keydown", (e) => {
      if (!this.kind || (e.target as HTMLElement)?.tagName === "INPUT") return;
      if (e.key === "Enter") { e.preventDefault(); this.finish(); }
      else if (e.key === "Escape") { e.preventDefault(); this.cancel(); }
      else if (e.key === "Backspace") { e.preventDefault(); this.vertices.pop(); this.redraw(); }
    });
  }

  start(kind: DrawKind): void {
    this.ensureLayers();
    this.kind = kind;
    this.vertices = [];
    this.map.doubleClickZoom.disable();
    this.map.getCanvas().style.cursor = "crosshair";
    this.redraw();
  }

  add(point: [number, number]): void {
    if (!this.kind) return;
    // a double-click also fires two clicks: ignore a vertex on top of the last one
    const last = this.vertices.at(-1);
    if (last && Math.abs(last[0] - point[0]) < 1e-9 && Math.abs(last[1] - point[1]) < 1e-9) return;
    this.vertices.push(point);
    this.redraw();
  }

  addCentre(): void {
    const c = this.map.getCenter();
    this.add([c.lng, c.lat]);
  }

  finish(dwellings?: number): void {
    if (!this.kind) return;
    const shape = SHAPE[this.kind];
    if (this.vertices.length < MIN_VERTICES[shape]) return;
    const v = this.vertices;
    const geometry: GeoJSON.Geometry = shape === "polygon"
      ? { type: "Polygon", coordinates: [[...v, v[0]]] }
      : shape === "line" ? { type: "LineString", coordinates: v } : { type: "MultiPoint", coordinates: v };
    const drawn: Drawn = { id: this.nextId++, kind: this.kind, geometry, dwellings: this.kind === "homes" ? dwellings : undefined };
    this.stop();
    this.onDone(drawn);
  }

  cancel(): void {
    this.stop();
  }

  private stop(): void {
    this.kind = null;
    this.vertices = [];
    this.map.getCanvas().style.cursor = "";
    window.setTimeout(() => this.map.doubleClickZoom.enable(), 300);
    this.redraw();
  }

  show(items: Drawn[]): void {
    this.ensureLayers();
    const features: GeoJSON.Feature[] = [];
    for (const d of items) {
      if (d.geometry.type === "MultiPoint") {
        for (const c of d.geometry.coordinates) features.push({ type: "Feature", properties: { kind: d.kind, id: d.id }, geometry: { type: "Point", coordinates: c } });
      } else {
        features.push({ type: "Feature", properties: { kind: d.kind, id: d.id }, geometry: d.geometry });
      }
    }
    (this.map.getSource("drawn") as maplibregl.GeoJSONSource).setData({ type: "FeatureCollection", features });
  }

  private redraw(): void {
    const v = this.vertices;
    const features: GeoJSON.Feature[] = v.map((c) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: c } }));
    if (this.kind && SHAPE[this.kind] !== "points" && v.length >= 2) {
      const ring = SHAPE[this.kind] === "polygon" && v.length >= 3 ? [...v, v[0]] : v;
      features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: ring } });
    }
    (this.map.getSource("sketch") as maplibregl.GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features });
    this.onState(this.kind, v.length);
  }
}
