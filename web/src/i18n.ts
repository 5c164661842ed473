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
