// Dutch by default, English switchable. Every visible string goes through t().

export type Lang = "nl" | "en";

const nl = {
  tab3d: "3D",
  tabMonitor: "Monitor",
  tabPlanner: "Planner",
  mapLabel: "Kaart van de regio",
  synthetic: "SYNTHETISCHE DATA",
  syntheticTitle: "Niets in deze regio is echt: gegenereerde gegevens",
  loading: "Laden…",
  error: "Er ging iets mis",
  // 3D
  view3dTitle: "3D-weergave",
  view3dIntro: "Gebouwen op hoogte, groen, bomen en water van de regio. Sleep met de rechtermuisknop (of Ctrl + slepen) om te kantelen en te draaien.",
  toggle2d: "2D",
  toggle3d: "3D",
  resetView: "Beeld herstellen",
  legendBuildings: "Gebouwen (hoogte)",
  legendGreenPublic: "Openbaar groen",
  legendGreenPrivate: "Overig groen",
  legendTrees: "Bomen (kroon)",
  legendWater: "Water",
  legendStreets: "Straten en paden",
  treeHeightNote: "Boomhoogte is getekend, niet gemeten (1,5 × kroondiameter).",
  counts: "{buildings} gebouwen, {trees} bomen, {green} groengebieden",
  // Monitor
  monitorTitle: "Monitor",
  indicator: "Indicator",
  year: "Jaar",
  level: "Niveau",
  buurt: "Buurt",
  wijk: "Wijk",
  gemeente: "Gemeente",
  region: "Regio",
  area: "Gebied",
  chooseArea: "Kies een gebied…",
  higherBetter: "hoger is beter",
  lowerBetter: "lager is beter",
  neutral: "geen goede richting",
  suppressed: "Onderdrukt",
  suppressedWhy: "onderdrukt: {reason}",
  noData: "Geen gegevens",
  rank: "Positie {rank} van {of} ({year})",
  notRanked: "Niet gerangschikt",
  interval: "95%-interval {lower} – {upper}",
  trend: "Trend",
  trendRising: "stijgt",
  trendFalling: "daalt",
  trendNone: "geen significante verandering",
  trendInsufficient: "te weinig jaren voor een trend",
  perYear: "{value} per jaar",
  gapTitle: "Gezondheidskloof",
  sii: "SII (kloof tussen meest en minst achtergestelde)",
  rii: "RII",
  quintileGap: "Verschil 20% meest vs. 20% minst achtergesteld",
  bestWorst: "Beste vs. slechtste {level}",
  gapNarrowing: "De kloof wordt kleiner",
  gapWidening: "De kloof wordt groter",
  gapNoChange: "Geen significante verandering van de kloof",
  gapInsufficient: "Te weinig jaren om de ontwikkeling van de kloof te zien",
  siiTrend: "SII per jaar",
  rankedBy: "Rangschikking naar {indicator}",
  noGap: "Geen kloof te berekenen voor deze keuze.",
  close: "Sluiten",
  selectedArea: "Geselecteerd gebied",
  sources: "Bronnen",
  // Planner
  plannerTitle: "Planner",
  scenarioUnavailable: "De scenario-rekenkern is nog niet beschikbaar. U kunt maatregelen kiezen en tekenen, maar er worden nog geen effecten berekend; er worden geen resultaten getoond tot de rekenkern er is.",
  catalogue: "Verkenner: maatregelen",
  catalogueUnavailable: "De catalogus van de Verkenner is nog niet beschikbaar.",
  search: "Zoeken",
  searchPlaceholder: "bijv. park, bomen, hitte",
  noResults: "Geen maatregelen gevonden.",
  draw: "Tekenen",
  drawPark: "Park (vlak)",
  drawTrees: "Bomen (punten)",
  drawBridge: "Voetgangersbrug (lijn)",
  drawHomes: "Woningbouw (vlak)",
  dwellings: "Aantal woningen",
  drawHint: "Klik op de kaart om punten te zetten; dubbelklik of Enter om af te ronden, Esc om te stoppen.",
  drawn: "Getekende maatregelen",
  nothingDrawn: "Nog niets getekend.",
  remove: "Verwijderen",
  run: "Scenario doorrekenen",
  runDisabled: "Doorrekenen kan pas als de scenario-rekenkern beschikbaar is.",
  park: "Park",
  trees: "Bomen",
  footbridge: "Voetgangersbrug",
  homes: "Woningbouw",
  cost: "Kosten",
  effects: "Effecten",
  addToScenario: "Tekenen",
  addCentre: "Punt in kaartmidden",
  typicalSize: "Typische omvang",
  evidence: "Bewijs",
  costAssumption: "* Kosten zijn een aanname (ordegrootte), geen geciteerd bedrag.",
  finish: "Klaar",
};

type Key = keyof typeof nl;

const en: Record<Key, string> = {
  tab3d: "3D",
  tabMonitor: "Monitor",
  tabPlanner: "Planner",
  mapLabel: "Map of the region",
  synthetic: "SYNTHETIC DATA",
  syntheticTitle: "Nothing in this region is real: generated data",
  loading: "Loading…",
  error: "Something went wrong",
  view3dTitle: "3D view",
  view3dIntro: "Buildings by height, green, trees and water of the region. Drag with the right mouse button (or Ctrl + drag) to tilt and rotate.",
  toggle2d: "2D",
  toggle3d: "3D",
  resetView: "Reset view",
  legendBuildings: "Buildings (height)",
  legendGreenPublic: "Public green",
  legendGreenPrivate: "Other green",
  legendTrees: "Trees (crown)",
  legendWater: "Water",
  legendStreets: "Streets and paths",
  treeHeightNote: "Tree height is drawn, not measured (1.5 × crown diameter).",
  counts: "{buildings} buildings, {trees} trees, {green} green spaces",
  monitorTitle: "Monitor",
  indicator: "Indicator",
  year: "Year",
  level: "Level",
  buurt: "Neighbourhood (buurt)",
  wijk: "District (wijk)",
  gemeente: "Municipality",
  region: "Region",
  area: "Area",
  chooseArea: "Choose an area…",
  higherBetter: "higher is better",
  lowerBetter: "lower is better",
  neutral: "no good direction",
  suppressed: "Suppressed",
  suppressedWhy: "suppressed: {reason}",
  noData: "No data",
  rank: "Rank {rank} of {of} ({year})",
  notRanked: "Not ranked",
  interval: "95% interval {lower} – {upper}",
  trend: "Trend",
  trendRising: "rising",
  trendFalling: "falling",
  trendNone: "no significant change",
  trendInsufficient: "too few years for a trend",
  perYear: "{value} per year",
  gapTitle: "Health gap",
  sii: "SII (gap between most and least deprived)",
  rii: "RII",
  quintileGap: "Most deprived 20% vs least deprived 20%",
  bestWorst: "Best vs worst {level}",
  gapNarrowing: "The gap is narrowing",
  gapWidening: "The gap is widening",
  gapNoChange: "No significant change in the gap",
  gapInsufficient: "Too few years to see how the gap develops",
  siiTrend: "SII per year",
  rankedBy: "Ranked by {indicator}",
  noGap: "No gap can be computed for this choice.",
  close: "Close",
  selectedArea: "Selected area",
  sources: "Sources",
  plannerTitle: "Planner",
  scenarioUnavailable: "The scenario engine is not yet available. You can pick and draw interventions, but no effects are computed; no results are shown until the engine is there.",
  catalogue: "Explorer: interventions",
  catalogueUnavailable: "The Explorer's catalogue is not yet available.",
  search: "Search",
  searchPlaceholder: "e.g. park, trees, heat",
  noResults: "No interventions found.",
  draw: "Draw",
  drawPark: "Park (polygon)",
  drawTrees: "Trees (points)",
  drawBridge: "Footbridge (line)",
  drawHomes: "New homes (polygon)",
  dwellings: "Number of dwellings",
  drawHint: "Click the map to place points; double-click or Enter to finish, Esc to stop.",
  drawn: "Drawn interventions",
  nothingDrawn: "Nothing drawn yet.",
  remove: "Remove",
  run: "Run scenario",
  runDisabled: "Running needs the scenario engine, which is not yet available.",
  park: "Park",
  trees: "Trees",
  footbridge: "Footbridge",
  homes: "New homes",
  cost: "Cost",
  effects: "Effects",
  addToScenario: "Draw",
  addCentre: "Point at map centre",
  typicalSize: "Typical size",
  evidence: "Evidence",
  costAssumption: "* Cost is an assumption (order of magnitude), not a cited figure.",
  finish: "Finish",
};

const STRINGS: Record<Lang, Record<Key, string>> = { nl, en };
const listeners: Array<() => void> = [];
let current: Lang = localStorage.getItem("gg-lang") === "en" ? "en" : "nl";

export function lang(): Lang {
  return current;
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return STRINGS[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ""));
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem("gg-lang", next);
  document.documentElement.lang = next;
  listeners.forEach((fn) => fn());
}

export function onLangChange(fn: () => void): void {
  listeners.push(fn);
}

/** Fill every element marked data-i18n (text) or data-i18n-label (aria-label). */
export function applyStatic(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n as Key);
  });
  root.querySelectorAll<HTMLElement>("[data-i18n-label]").forEach((el) => {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel as Key));
  });
}

export function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat(current === "nl" ? "nl-NL" : "en-GB", {
    maximumFractionDigits: digits,
    minimumFractionDigits: Math.abs(value) >= 1000 ? 0 : Math.min(digits, 1),
  }).format(value);
}

export function nameOf(item: { name_nl: string; name_en: string }): string {
  return current === "nl" ? item.name_nl : item.name_en;
}
