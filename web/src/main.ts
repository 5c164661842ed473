// groengezond front end: 3D view, Monitor, Planner and Meedoen (participation) over the region
// served by this host.

import "maplibre-gl/dist/maplibre-gl.css";
import "./style.css";
import type maplibregl from "maplibre-gl";
import { api, ApiError, type RegionInfo } from "./api";
import { errorText } from "./dom";
import { COLOURS, createMap, prewarm, setDimension, showFabric, type Camera } from "./basemap";
import { installBottomSheet } from "./bottom-sheet";
import { layerNotices } from "./layer-notices";
import { applyStatic, fmt, lang, onLangChange, setLang, t } from "./i18n";
import { MonitorView, type MonitorState } from "./monitor";
import { ParticipationView } from "./participation";
import { PlannerView, type PlannerState } from "./planner";
import { EvaluatorView } from "./evaluator";
import { openShared, sharedIdOf } from "./shared-scenario";

type View = "3d" | "monitor" | "planner" | "participation" | "evaluator";
const VIEWS: View[] = ["3d", "monitor", "planner", "participation", "evaluator"];

declare global {
  interface Window {
    __gg?: { map: maplibregl.Map; view: View; firstRender3dMs?: number; monitorReady?: boolean };
  }
}

const panel = document.getElementById("panel")!;
const status = document.getElementById("status")!;
const announcer = document.getElementById("announce")!;
// phones: the panel is a draggable bottom sheet over a full-screen map (bottom-sheet.ts)
const sheet = installBottomSheet(document.querySelector("main")!, panel);
let threeD = true;
let current: View = "3d";

/** The page's one live region: results and errors are announced here. */
function announce(text: string): void {
  announcer.textContent = text;
}

function showStatus(text: string | null): void {
  status.hidden = !text;
  status.textContent = text ?? "";
  if (text) announce(text);
}

/** The view a URL hash holds: "#monitor?ind=…&level=…&year=…&area=…&cmp=…", or
 * "#planner?scenario=…" (a saved scenario open on the map). */
interface Route {
  view: View;
  monitor: MonitorState;
  planner: PlannerState;
}

export function parseHash(hash: string): Route {
  const [name, query = ""] = hash.replace(/^#/, "").split("?", 2);
  const view = (VIEWS as string[]).includes(name) ? (name as View) : "3d";
  const q = new URLSearchParams(query);
  const year = Number(q.get("year"));
  const monitor: MonitorState = {
    ind: q.get("ind") ?? undefined,
    level: q.get("level") ?? undefined,
    year: Number.isInteger(year) && year > 0 ? year : undefined,
    area: q.get("area"),
    compare: q.get("cmp"),
  };
  return { view, monitor, planner: { scenario: view === "planner" ? q.get("scenario") : null } };
}

export function hashOf(view: View, m: MonitorState | null, p: PlannerState | null = null): string {
  if (view === "planner" && p?.scenario) return `#planner?scenario=${encodeURIComponent(p.scenario)}`;
  if (view !== "monitor" || !m) return `#${view}`;
  const q = new URLSearchParams();
  if (m.ind) q.set("ind", m.ind);
  if (m.level) q.set("level", m.level);
  if (m.year) q.set("year", String(m.year));
  if (m.area) q.set("area", m.area);
  if (m.compare) q.set("cmp", m.compare);
  const query = q.toString();
  return query ? `#monitor?${query}` : "#monitor";
}

function swatch(colour: string, label: string): HTMLElement {
  const row = document.createElement("li");
  const box = document.createElement("span");
  box.className = "swatch";
  box.style.background = colour;
  row.append(box, document.createTextNode(label));
  return row;
}

function render3dPanel(map: maplibregl.Map, region: RegionInfo, home: () => void): void {
  const noBuildings = region.quality.buildings?.status === "missing";
  const root = document.createElement("div");
  root.className = "view view3d";
  const title = document.createElement("h2");
  title.textContent = t("view3dTitle");
  const intro = document.createElement("p");
  intro.textContent = t("view3dIntro");
  const buttons = document.createElement("div");
  buttons.className = "buttons";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.id = "toggle-dimension";
  toggle.textContent = threeD ? t("toggle2d") : t("toggle3d");
  toggle.setAttribute("aria-pressed", String(!threeD));
  toggle.addEventListener("click", () => {
    threeD = !threeD;
    setDimension(map, threeD);
    if (threeD) map.easeTo({ pitch: 45, bearing: -20, duration: 300 });
    render3dPanel(map, region, home);
  });
  const reset = document.createElement("button");
  reset.type = "button";
  reset.textContent = t("resetView");
  reset.addEventListener("click", home);
  buttons.append(toggle, reset);
  const legend = document.createElement("ul");
  legend.className = "swatches";
  if (!noBuildings) legend.append(swatch(COLOURS.buildingMid, t("legendBuildings")));
  legend.append(
    swatch(COLOURS.greenPublic, t("legendGreenPublic")),
    swatch(COLOURS.greenPrivate, t("legendGreenPrivate")),
    swatch(COLOURS.trees, t("legendTrees")),
    swatch(COLOURS.water, t("legendWater")),
    swatch(COLOURS.streetCasing, t("legendStreets")),
  );
  const counts = document.createElement("p");
  counts.id = "layer-counts";
  counts.textContent = t(noBuildings ? "countsNoBuildings" : "counts", {
    buildings: fmt(region.counts.buildings ?? 0, 0),
    trees: fmt(region.counts.trees ?? 0, 0),
    green: fmt(region.counts.green ?? 0, 0),
  });
  // a layer the view draws that is missing or a stand-in is said, not shown as an empty map
  const notices = layerNotices(region.quality).map((text) => {
    const p = document.createElement("p");
    p.className = "notice layer-notice";
    p.textContent = text;
    return p;
  });
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = t("treeHeightNote");
  const sources = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = t("sources");
  sources.append(summary);
  for (const s of region.sources) {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = `${s.name} (${s.licence}): ${s.attribution}`;
    sources.append(p);
  }
  root.append(title, intro, ...notices, buttons, legend, counts, note, sources);
  panel.replaceChildren(root);
}

async function main(): Promise<void> {
  prewarm();
  applyStatic();
  document.documentElement.lang = lang();
  showStatus(t("loading"));
  const region = await api.region();
  document.getElementById("region-name")!.textContent = region.name;
  const badge = document.getElementById("synthetic-badge")!;
  badge.hidden = !region.synthetic;
  const attribution = region.sources.map((s) => s.attribution).join(" · ");
  // the 3D view opens inside the most populous gemeente (given with the region: no round trips)
  const centre: [number, number] | null = region.home_wgs84 ?? null;
  const camera3d = (): Camera | null => (centre ? { center: centre, zoom: 15, pitch: threeD ? 45 : 0, bearing: threeD ? -20 : 0 } : null);
  const startView = parseHash(location.hash).view;
  // open straight at the 3D camera: no tiles are loaded for a view that is left at once
  const map = createMap(document.getElementById("map")!, region.bounds_wgs84, attribution, startView === "3d" ? camera3d() : null, lang() === "nl");
  const home = () => {
    const cam = camera3d();
    if (cam) map.easeTo({ ...cam, duration: 600 });
    else map.fitBounds(region.bounds_wgs84, { padding: 20 });
  };
  // on phones the camera's centre is the map above the bottom sheet
  sheet.onCover((px) => map.setPadding({ top: 0, left: 0, right: 0, bottom: Math.min(px, map.getContainer().clientHeight * 0.5) }));
  window.__gg = { map, view: current };
  await map.once("load");
  showStatus(null);

  const monitor = new MonitorView(map, panel, () => { window.__gg!.monitorReady = true; }, announce);
  monitor.hasAddresses = (region.counts.addresses ?? 0) > 0;
  // a change made in the Monitor is a new history entry, so Back returns to the view before it
  monitor.onStateChange = (s) => {
    const hash = hashOf("monitor", s);
    if (location.hash !== hash) history.pushState(null, "", hash);
  };
  const planner = new PlannerView(map, panel);
  // opening or saving a scenario is a new history entry; Back goes to the view before it
  planner.onStateChange = (s) => {
    const hash = hashOf("planner", null, s);
    if (current === "planner" && location.hash !== hash) history.pushState(null, "", hash);
  };
  const participation = new ParticipationView(map, panel);
  const evaluator = new EvaluatorView(panel, announce);
  const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>("[role=tab]"));

  let first = true;
  const select = async (view: View, state: MonitorState = {}, push = false, plannerState?: PlannerState): Promise<void> => {
    const from = current;
    if (current === "monitor" && view !== "monitor") monitor.deactivate();
    if (current === "planner" && view !== "planner") planner.deactivate();
    if (current === "participation" && view !== "participation") participation.deactivate();
    if (current === "evaluator" && view !== "evaluator") evaluator.deactivate();
    current = view;
    window.__gg!.view = view;
    tabs.forEach((tab) => {
      const on = tab.dataset.view === view;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    });
    panel.setAttribute("aria-labelledby", `tab-${view}`);
    if (push && parseHash(location.hash).view !== view) history.pushState(null, "", `#${view}`);
    try {
      if (view === "3d") {
        threeD = true;
        setDimension(map, true);
        showFabric(map, true, true);
        render3dPanel(map, region, home);
        if (!first) home();
      } else if (view === "monitor") {
        window.__gg!.monitorReady = false;
        setDimension(map, false);
        showFabric(map, false, false);
        if (first || from !== "monitor") {
          map.jumpTo({ pitch: 0, bearing: 0 });
          map.fitBounds(region.bounds_wgs84, { padding: 20, duration: 0 });
        }
        await monitor.activate(state);
        // the URL names the whole view (filled in when it named only the tab)
        const hash = hashOf("monitor", monitor.state());
        if (location.hash !== hash) history.replaceState(null, "", hash);
      } else if (view === "planner") {
        setDimension(map, false);
        showFabric(map, true, false);
        map.jumpTo({ pitch: 0, bearing: 0 });
        // from the URL (load, Back, Forward) the URL decides; from a tab the Planner's own state
        await planner.activate(plannerState ?? planner.state(), plannerState !== undefined);
        const hash = hashOf("planner", null, planner.state());
        if (location.hash !== hash) history.replaceState(null, "", hash);
      } else if (view === "evaluator") {
        setDimension(map, false);
        showFabric(map, true, false);
        map.jumpTo({ pitch: 0, bearing: 0 });
        await evaluator.activate();
      } else {
        setDimension(map, false);
        showFabric(map, true, false);
        map.jumpTo({ pitch: 0, bearing: 0 });
        await participation.activate();
      }
    } catch (e) {
      console.error(e);
      showStatus(errorText(e));
    }
    first = false;
  };

  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => void select(tab.dataset.view as View, {}, true));
    tab.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      void select(next.dataset.view as View, {}, true);
    });
  });
  // the skip link moves focus to the panel without touching the URL (which holds the view)
  document.querySelector<HTMLAnchorElement>(".skip-link")?.addEventListener("click", (e) => {
    e.preventDefault();
    panel.focus();
  });
  // Back and Forward: show the view the URL holds, without adding history
  window.addEventListener("popstate", () => {
    const route = parseHash(location.hash);
    void select(route.view, route.monitor, false, route.planner);
  });

  const langButton = document.getElementById("lang") as HTMLButtonElement;
  const syncLang = () => {
    langButton.textContent = lang() === "nl" ? "EN" : "NL";
    // the accessible name starts with the visible text (WCAG 2.5.3)
    langButton.setAttribute("aria-label", lang() === "nl" ? "EN – English" : "NL – Nederlands");
    badge.textContent = t("synthetic");
    badge.title = t("syntheticTitle");
    applyStatic();
    if (current === "3d") render3dPanel(map, region, home);
  };
  langButton.addEventListener("click", () => setLang(lang() === "nl" ? "en" : "nl"));
  onLangChange(syncLang);
  syncLang();

  // time to the first complete render of the 3D view with buildings (read by the benchmark)
  const t0 = performance.now();
  const onIdle = () => {
    if (current === "3d" && map.queryRenderedFeatures({ layers: ["buildings-3d"] }).length > 0) {
      window.__gg!.firstRender3dMs = performance.now();
      performance.measure("gg-first-render-3d", { start: 0, end: performance.now() });
      document.body.dataset.rendered3d = String(Math.round(performance.now() - t0));
      map.off("idle", onIdle);
    }
  };
  map.on("idle", onIdle);

  const route = parseHash(location.hash);
  // a shared scenario link /s/<id> opens the Planner with that scenario drawn
  const sharedId = sharedIdOf(location.pathname);
  await select(sharedId ? "planner" : route.view, route.monitor, false, sharedId ? {} : route.planner);
  if (sharedId) {
    try {
      const shared = await openShared(sharedId);
      announce(t("sharedOpened", { name: shared.name }));
    } catch (e) {
      showStatus(e instanceof ApiError && e.status === 404 ? t("sharedMissing") : errorText(e));
    }
  }
}

main().catch((e: unknown) => showStatus(errorText(e)));
