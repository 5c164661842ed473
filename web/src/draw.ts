// Drawing on the map: a polygon (park, new homes), points (trees) or a line (footbridge).
// Click to add a vertex, double-click or Enter (with the map focused) to finish, Backspace to
// undo one, Escape to stop. A vertex can be dragged, or removed from the Planner's vertex list;
// a finished drawing can be edited again (edit()). Keyboard users pan with the arrow keys and
// add the map centre, which a cross-hair marks while drawing. Every way of finishing passes the
// same inputs (the number of dwellings is read from the Planner, not from the button pressed).

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

export type Vertex = [number, number];

export const SHAPE: Record<DrawKind, "polygon" | "points" | "line"> = {
  park: "polygon",
  homes: "polygon",
  trees: "points",
  footbridge: "line",
};

export const MIN_VERTICES = { polygon: 3, points: 1, line: 2 };

/** Elements whose own Enter, Backspace and Escape the drawing keys never take over. */
const OWN_KEYS = new Set(["INPUT", "SELECT", "TEXTAREA", "BUTTON", "A", "SUMMARY"]);

/** The vertices of a drawn geometry (a polygon's closing vertex left out). */
export function verticesOf(g: GeoJSON.Geometry): Vertex[] {
  if (g.type === "Polygon") return (g.coordinates[0] ?? []).slice(0, -1).map((c) => [c[0], c[1]]);
  if (g.type === "LineString" || g.type === "MultiPoint") return g.coordinates.map((c) => [c[0], c[1]]);
  if (g.type === "Point") return [[g.coordinates[0], g.coordinates[1]]];
  return [];
}

export class DrawTool {
  private kind: DrawKind | null = null;
  private vertices: Vertex[] = [];
  private nextId = 1;
  private added = false;
  /** The drawing being edited again (its id and inputs are kept), if any. */
  private editing: Drawn | null = null;
  private dragging = -1;
  private marker: HTMLElement | null = null;

  constructor(
    private readonly map: maplibregl.Map,
    private readonly onDone: (drawn: Drawn) => void,
    private readonly onState: (kind: DrawKind | null, vertices: readonly Vertex[]) => void,
    private readonly dwellings: () => number,
  ) {}

  get active(): DrawKind | null {
    return this.kind;
  }

  /** Ids in use are never given out again (drawings reopened from a saved scenario keep theirs). */
  reserve(id: number): void {
    this.nextId = Math.max(this.nextId, id + 1);
  }

  newId(): number {
    return this.nextId++;
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
    this.map.addLayer({ id: "sketch-points", type: "circle", source: "sketch", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": "#ffffff", "circle-radius": 6, "circle-stroke-color": "#000000", "circle-stroke-width": 2 } });
    this.map.on("click", (e) => {
      if (!this.kind) return;
      // a click on a vertex (also the end of dragging one) adds none
      if (this.vertexAt(e.point) >= 0) return;
      this.add([e.lngLat.lng, e.lngLat.lat]);
    });
    this.map.on("dblclick", (e) => {
      if (this.kind) {
        e.preventDefault();
        this.finish();
      }
    });
    // drag a vertex: press on it, move, release
    this.map.on("mousedown", "sketch-points", (e) => {
      if (!this.kind) return;
      const i = this.vertexAt(e.point);
      if (i < 0) return;
      e.preventDefault();
      this.dragging = i;
      this.map.dragPan.disable();
    });
    this.map.on("mousemove", (e) => {
      if (this.dragging < 0 || !this.kind) return;
      this.vertices[this.dragging] = [e.lngLat.lng, e.lngLat.lat];
      this.redraw();
    });
    this.map.on("mouseup", () => {
      if (this.dragging < 0) return;
      this.dragging = -1;
      this.map.dragPan.enable();
    });
    document.addEventListener("keydown", (e) => {
      const target = e.target as HTMLElement | null;
      // buttons, fields and links keep their own keys: Enter on "Klaar" or "Punt in
      // kaartmidden" presses that button
      if (!this.kind) return;
      if (e.key === "Escape" && !(target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) { e.preventDefault(); this.cancel(); return; }
      if (target && (OWN_KEYS.has(target.tagName) || target.isContentEditable)) return;
      if (e.key === "Enter") { e.preventDefault(); this.finish(); }
      else if (e.key === "Backspace") { e.preventDefault(); this.removeVertex(this.vertices.length - 1); }
    });
  }

  /** Index of the sketch vertex under a screen point, or -1. */
  private vertexAt(point: maplibregl.PointLike): number {
    if (!this.map.getLayer("sketch-points")) return -1;
    const hit = this.map.queryRenderedFeatures(point, { layers: ["sketch-points"] })[0];
    const i = hit?.properties?.i;
    return typeof i === "number" ? i : -1;
  }

  start(kind: DrawKind, vertices: Vertex[] = []): void {
    this.restoreEdit();
    this.begin(kind, vertices);
  }

  /** A drawing being edited goes back unchanged (another drawing starts). */
  private restoreEdit(): void {
    const base = this.editing;
    this.editing = null;
    if (base) this.onDone(base);
  }

  private begin(kind: DrawKind, vertices: Vertex[]): void {
    this.ensureLayers();
    this.kind = kind;
    this.vertices = vertices;
    this.map.doubleClickZoom.disable();
    this.map.getCanvas().style.cursor = "crosshair";
    this.showMarker(true);
    this.redraw();
  }

  /** Draw a finished drawing again: its vertices can be moved, removed and added to. */
  edit(d: Drawn): void {
    this.restoreEdit();
    this.editing = d;
    this.begin(d.kind, verticesOf(d.geometry));
  }

  add(point: Vertex): void {
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

  removeVertex(i: number): void {
    if (i < 0 || i >= this.vertices.length) return;
    this.vertices.splice(i, 1);
    this.redraw();
  }

  finish(): void {
    if (!this.kind) return;
    const shape = SHAPE[this.kind];
    if (this.vertices.length < MIN_VERTICES[shape]) return;
    const v = this.vertices;
    const geometry: GeoJSON.Geometry = shape === "polygon"
      ? { type: "Polygon", coordinates: [[...v, v[0]]] }
      : shape === "line" ? { type: "LineString", coordinates: v } : { type: "MultiPoint", coordinates: v };
    const base = this.editing;
    const drawn: Drawn = base
      ? { ...base, geometry }
      : { id: this.nextId++, kind: this.kind, geometry, dwellings: this.kind === "homes" ? this.dwellings() : undefined };
    this.stop();
    this.onDone(drawn);
  }

  /** Stop drawing; a drawing being edited goes back unchanged. */
  cancel(): void {
    const base = this.editing;
    this.stop();
    if (base) this.onDone(base);
  }

  private stop(): void {
    this.kind = null;
    this.editing = null;
    this.vertices = [];
    this.dragging = -1;
    this.map.dragPan.enable();
    this.map.getCanvas().style.cursor = "";
    this.showMarker(false);
    window.setTimeout(() => this.map.doubleClickZoom.enable(), 300);
    this.redraw();
  }

  /** The cross-hair at the map centre (where "Punt in kaartmidden" puts a vertex). */
  private showMarker(on: boolean): void {
    if (!this.marker) {
      this.marker = document.createElement("div");
      this.marker.id = "map-centre";
      this.marker.className = "map-centre";
      this.marker.setAttribute("aria-hidden", "true");
      this.map.getContainer().append(this.marker);
    }
    this.marker.hidden = !on;
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
    const features: GeoJSON.Feature[] = v.map((c, i) => ({ type: "Feature", properties: { i }, geometry: { type: "Point", coordinates: c } }));
    if (this.kind && SHAPE[this.kind] !== "points" && v.length >= 2) {
      const ring = SHAPE[this.kind] === "polygon" && v.length >= 3 ? [...v, v[0]] : v;
      features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: ring } });
    }
    (this.map.getSource("sketch") as maplibregl.GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features });
    this.onState(this.kind, v);
  }
}
