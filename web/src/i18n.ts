// Dutch by default, English switchable. Every visible string goes through t().

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
  return new Intl.NumberFormat(current === "nl" ? "nl-NL" : "en-GB", {
    maximumFractionDigits: digits,
    minimumFractionDigits: Math.abs(value) >= 1000 ? 0 : Math.min(digits, 1),
  }).format(value);
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
  const few = /^fewer than (\d+) persons$/.exec(reason);
  if (few) return `minder dan ${few[1]} personen`;
  if (reason === "number of persons unknown") return "aantal personen onbekend";
  if (reason.startsWith("dominance rule")) return "dominantieregel (één bijdrager bepaalt het totaal)";
  if (reason === "no addresses") return "geen adressen";
  return reason;
}

/** Whether ``key`` is a string of the app (for keys built from data, such as domains). */
export function hasKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(STRINGS[current], key);
}
