// Dutch by default, English switchable. Every visible string goes through t().

import { formatFixed, formatSig } from "./format";
import { en } from "./strings-en";
import { nl } from "./strings-nl";

export type Lang = "nl" | "en";

export type Key = keyof typeof nl;

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
  const f = 10 ** digits;
  const rounded = Math.round(value * f) / f || 0; // never "-0,0"
  return new Intl.NumberFormat(current === "nl" ? "nl-NL" : "en-GB", {
    maximumFractionDigits: digits,
    minimumFractionDigits: Math.abs(rounded) >= 1000 ? 0 : Math.min(digits, 1),
  }).format(rounded);
}

export function nameOf(item: { name_nl: string; name_en: string }): string {
  return current === "nl" ? item.name_nl : item.name_en;
}

/** Dutch words for the registry's units (src/groengezond/indicators/registry.yaml is English). */
const UNITS_NL: Record<string, string> = {
  "% of adults (18+)": "% van volwassenen (18+)",
  "% of households": "% van huishoudens",
  "% of inhabitants": "% van inwoners",
  "% of land (resident-weighted)": "% van het land (gewogen naar bewoners)",
  "% of land area": "% van het landoppervlak",
  "% of residents": "% van bewoners",
  "% of residents in the age group": "% van bewoners in de leeftijdsgroep",
  "EUR per year": "€ per jaar",
  "contacts per 1,000 residents aged 18+": "contacten per 1.000 inwoners van 18 jaar en ouder",
  "dB (Lden)": "dB (Lden)",
  "decile (1-10)": "deciel (1-10)",
  households: "huishoudens",
  "km (by road)": "km (over de weg)",
  "km (straight line)": "km (hemelsbreed)",
  "m² per inhabitant": "m² per inwoner",
  persons: "personen",
  "persons per 1,000 residents": "personen per 1.000 inwoners",
  "persons per 1,000 residents aged 0-17": "personen per 1.000 inwoners van 0 tot en met 17 jaar",
  "persons per 1,000 residents aged 18-64": "personen per 1.000 inwoners van 18 tot en met 64 jaar",
  "score (1-10)": "rapportcijfer (1-10)",
  "score (Leefbaarometer 3.0)": "score (Leefbaarometer 3.0)",
  "score (deviation, Leefbaarometer 3.0)": "score (afwijking, Leefbaarometer 3.0)",
  "score (standardised; 0 = national mean)": "score (gestandaardiseerd; 0 = landelijk gemiddelde)",
  years: "jaar",
};

/** A unit of the indicator registry in the current language. */
export function unitText(unit: string): string {
  return current === "nl" ? (UNITS_NL[unit] ?? unit) : unit;
}

/** A disclosure reason of the API (English, groengezond.indicators.disclosure) in words of the
 * current language; an unknown reason is shown as it is. */
export function reasonText(reason: string): string {
  if (current !== "nl") return reason;
  const few = /^fewer than (\d+) (persons|respondents)$/.exec(reason);
  if (few) return `minder dan ${few[1]} ${few[2] === "persons" ? "personen" : "respondenten"}`;
  if (reason === "number of persons unknown") return "aantal personen onbekend";
  if (reason.startsWith("dominance rule")) return "dominantieregel (één bijdrager bepaalt het totaal)";
  if (reason === "no addresses") return "geen adressen";
  return reason;
}

/** Whether ``key`` is a string of the app (for keys built from data, such as domains). */
export function hasKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(STRINGS[current], key);
}

/** An engine message or refusal as the API sends it (groengezond.messages). */
export interface EngineMessage {
  key?: string;
  params?: Record<string, unknown>;
  text?: string;
}

/** One parameter of a message, in the current language: counts exactly, measured values to
 * 2 significant digits, years as they are. */
function paramText(name: string, value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  if (name === "year") return String(value);
  return Number.isInteger(value) ? formatFixed(value, 0, current) : formatSig(value, 2, current);
}

/** The words of ``template`` (a key of the strings) with the message's params filled in. The
 * params ``intervention`` and ``name`` become ``{what}`` ("Ingreep 2 'Brug'"); ``mode`` and
 * ``pathway``/``indicator`` are worded with ``labels`` (e.g. the result's pathway names). */
function fill(key: Key, m: EngineMessage, labels: Record<string, string>): string {
  const p = m.params ?? {};
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(p)) vars[name] = paramText(name, value);
  const n = typeof p.intervention === "number" ? p.intervention : null;
  const name = typeof p.name === "string" && p.name ? p.name : "";
  vars.what = n !== null ? `${t("msgIntervention", { n })}${name ? ` '${name}'` : ""}` : name;
  if (p.mode === "walking") vars.mode = t("msgWalking");
  else if (p.mode === "cycling") vars.mode = t("msgCycling");
  if (typeof p.pathway === "string") vars.pathway = labels[p.pathway] ?? p.pathway;
  const ind = current === "nl" ? p.indicator_nl : p.indicator_en;
  if (typeof ind === "string" && ind) vars.indicator = ind;
  return t(key, vars);
}

/** An engine note (``ScenarioResult.messages``) in the current language; an unknown key shows
 * the English text in English and a short Dutch notice in Dutch. */
export function messageText(m: EngineMessage, labels: Record<string, string> = {}): string {
  const key = `msg.${m.key ?? ""}`;
  if (hasKey(key)) return fill(key, m, labels);
  return current === "en" && m.text ? m.text : t("msgUnknown");
}

/** A refusal (a problem with a ``key`` of groengezond.messages.REFUSAL_KEYS) in the current
 * language, or null when its key is not known here. */
export function refusalText(p: EngineMessage): string | null {
  const key = `refuse.${p.key ?? ""}`;
  return hasKey(key) ? fill(key, p, {}) : null;
}

/** Why a figure is not computable (a NotComputable of the API), in the current language. */
export function ncText(nc: { key?: string | null; reason?: string } | null | undefined): string {
  const key = `nc.${nc?.key ?? ""}`;
  if (hasKey(key)) return t(key);
  return current === "en" && nc?.reason ? nc.reason : t("ncOther");
}

/** A layer's quality flag of a result (LayerQuality: layer, status, key, reason, figures). */
export function qualityText(q: { layer: string; status: string; key?: string | null; reason: string; figures: string[] }): string {
  const layer = `layer.${q.layer}`;
  const reason = `quality.${q.key ?? ""}`;
  const nc = `nc.${q.key ?? ""}`;
  const figures = [...new Set(q.figures.map((f) => f.split(".")[0]))].map((f) => {
    const k = `figure.${f}`;
    return hasKey(k) ? t(k) : t("ncOther");
  });
  return t("qualityFlag", {
    layer: hasKey(layer) ? t(layer) : q.layer,
    status: t(q.status === "missing" ? "qualityMissing" : "qualityPlaceholder"),
    reason: hasKey(reason) ? t(reason) : hasKey(nc) ? t(nc) : current === "en" ? q.reason : t("ncOther"),
    figures: [...new Set(figures)].join(", "),
  });
}

/** An outcome unit of the ERF registry ("deaths per year") in the current language. */
export function outcomeUnitText(unit: string): string {
  const key = `unit.${unit}`;
  return hasKey(key) ? t(key) : unitText(unit);
}
