// The region itself is the base map: land-cover raster tiles and vector tiles of its layers,
// all from this server. No text layers, so no glyphs are needed.

import maplibregl, { type StyleSpecification } from "maplibre-gl";

export const COLOURS = {
  background: "#f2efe9",
  water: "#a6ceec",
  greenPublic: "#6fae5c",
  greenPrivate: "#b5d99c",
  trees: "#3f7f35",
  streets: "#ffffff",
  streetCasing: "#cfc9bf",
  buildingLow: "#e6dfd3",
  buildingMid: "#c9bca8",
  buildingHigh: "#9c8c76",
};

export function baseStyle(origin: string, bounds: [number, number, number, number]): StyleSpecification {
  return {
    version: 8,
    sources: {
      landcover: {
        type: "raster",
        tiles: [`${origin}/api/tiles/landcover/{z}/{x}/{y}.png`],
        tileSize: 256,
        minzoom: 8,
        // the raster has 10 m cells: zoom 14 (about 6 m per pixel here) shows them all
        maxzoom: 14,
        bounds,
      },
      region: {
        type: "vector",
        tiles: [`${origin}/api/tiles/{z}/{x}/{y}.mvt`],
        minzoom: 0,
        maxzoom: 16,
        bounds,
      },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": COLOURS.background } },
      { id: "landcover", type: "raster", source: "landcover", paint: { "raster-opacity": 1, "raster-resampling": "nearest" } },
      {
        id: "water", type: "fill", source: "region", "source-layer": "water",
        paint: { "fill-color": COLOURS.water },
      },
      {
        id: "green", type: "fill", source: "region", "source-layer": "green",
        paint: {
          "fill-color": ["case", ["==", ["get", "public"], true], COLOURS.greenPublic, COLOURS.greenPrivate],
          "fill-opacity": 0.85,
        },
      },
      {
        id: "barriers", type: "line", source: "region", "source-layer": "barriers",
        paint: {
          "line-color": ["match", ["get", "kind"], "river", "#7fb4de", "railway", "#6b6b6b", "#8d8d8d"],
          "line-width": ["interpolate", ["linear"], ["zoom"], 9, 1.5, 16, 6],
          "line-dasharray": ["match", ["get", "kind"], "railway", ["literal", [3, 2]], ["literal", [1, 0]]],
        },
      },
      {
        id: "streets-casing", type: "line", source: "region", "source-layer": "streets", minzoom: 13,
        paint: { "line-color": COLOURS.streetCasing, "line-width": ["interpolate", ["linear"], ["zoom"], 13, 1.5, 17, 7] },
      },
      {
        id: "streets", type: "line", source: "region", "source-layer": "streets",
        paint: { "line-color": COLOURS.streets, "line-width": ["interpolate", ["linear"], ["zoom"], 12, 0.5, 17, 5] },
      },
      {
        id: "buildings-2d", type: "fill", source: "region", "source-layer": "buildings",
        layout: { visibility: "none" },
        paint: { "fill-color": COLOURS.buildingMid, "fill-outline-color": COLOURS.buildingHigh },
      },
      {
        id: "trees-2d", type: "fill", source: "region", "source-layer": "trees",
        layout: { visibility: "none" },
        paint: { "fill-color": COLOURS.trees, "fill-opacity": 0.7 },
      },
      {
        id: "buildings-3d", type: "fill-extrusion", source: "region", "source-layer": "buildings",
        paint: {
          "fill-extrusion-color": [
            "interpolate", ["linear"], ["get", "height_m"],
            0, COLOURS.buildingLow, 15, COLOURS.buildingMid, 45, COLOURS.buildingHigh,
          ],
          "fill-extrusion-height": ["get", "height_m"],
          "fill-extrusion-base": 0,
          "fill-extrusion-opacity": 0.95,
        },
      },
      {
        // drawn height = 1.5 x crown diameter, crown from half that height: a display
        // convention, not a measurement (the region stores crown diameters only)
        id: "trees-3d", type: "fill-extrusion", source: "region", "source-layer": "trees",
        paint: {
          "fill-extrusion-color": COLOURS.trees,
          "fill-extrusion-base": ["*", 0.75, ["get", "crown_diameter_m"]],
          "fill-extrusion-height": ["*", 1.5, ["get", "crown_diameter_m"]],
          "fill-extrusion-opacity": 0.9,
        },
      },
    ],
  };
}

export interface Camera {
  center: [number, number];
  zoom: number;
  pitch: number;
  bearing: number;
}

/** MapLibre's own control texts (titles and aria-labels) in Dutch; English is its default. */
export const MAP_LOCALE_NL: Record<string, string> = {
  "AttributionControl.ToggleAttribution": "Bronvermelding tonen of verbergen",
  "AttributionControl.MapFeedback": "Terugmelding over de kaart",
  "FullscreenControl.Enter": "Volledig scherm",
  "FullscreenControl.Exit": "Volledig scherm verlaten",
  "GeolocateControl.FindMyLocation": "Mijn locatie zoeken",
  "GeolocateControl.LocationNotAvailable": "Locatie niet beschikbaar",
  "LogoControl.Title": "MapLibre-logo",
  "Map.Title": "Kaart",
  "Marker.Title": "Markering op de kaart",
  "NavigationControl.ResetBearing": "Sleep om de kaart te draaien, klik om het noorden boven te zetten",
  "NavigationControl.ZoomIn": "Inzoomen",
  "NavigationControl.ZoomOut": "Uitzoomen",
  "Popup.Close": "Pop-up sluiten",
  "CooperativeGesturesHandler.WindowsHelpText": "Gebruik Ctrl + scrollen om te zoomen",
  "CooperativeGesturesHandler.MacHelpText": "Gebruik ⌘ + scrollen om te zoomen",
  "CooperativeGesturesHandler.MobileHelpText": "Gebruik twee vingers om de kaart te verplaatsen",
};

/** Start MapLibre's tile workers now, while the page asks for the region (the map needs them
 * first thing; starting them takes a few hundred ms in software rendering). */
export function prewarm(): void {
  maplibregl.prewarm();
}

export function createMap(
  container: HTMLElement,
  bounds: [number, number, number, number],
  attribution: string,
  camera: Camera | null,
  dutch = true,
): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: baseStyle(window.location.origin, bounds),
    ...(camera ?? { bounds }),
    maxPitch: 70,
    attributionControl: { compact: false, customAttribution: attribution },
    ...(dutch ? { locale: MAP_LOCALE_NL } : {}),
    fadeDuration: 0,
    // the drawing buffer is not kept between frames: keeping it costs a copy per frame, which
    // in software WebGL was a tenth of the first 3D render; the Monitor's PNG download reads
    // the canvas inside a render event instead
    canvasContextAttributes: { preserveDrawingBuffer: false },
  });
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  return map;
}

/** Switch between extruded (3D) and flat (2D) buildings and trees. */
export function setDimension(map: maplibregl.Map, threeD: boolean): void {
  const show = (id: string, on: boolean) => map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  show("buildings-3d", threeD);
  show("trees-3d", threeD);
  show("buildings-2d", !threeD);
  show("trees-2d", !threeD);
  if (threeD) {
    map.dragRotate.enable();
    map.touchZoomRotate.enableRotation();
  } else {
    map.dragRotate.disable();
    map.touchZoomRotate.disableRotation();
    if (map.getPitch() !== 0 || map.getBearing() !== 0) map.easeTo({ pitch: 0, bearing: 0, duration: 300 });
  }
}

/** Hide or show the layers of the region's fabric (buildings, trees). */
export function showFabric(map: maplibregl.Map, on: boolean, threeD: boolean): void {
  for (const id of ["buildings-3d", "trees-3d"]) map.setLayoutProperty(id, "visibility", on && threeD ? "visible" : "none");
  for (const id of ["buildings-2d", "trees-2d"]) map.setLayoutProperty(id, "visibility", on && !threeD ? "visible" : "none");
}
