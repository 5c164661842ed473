// DOM helpers shared by the views. Text is always set with textContent, never as HTML, so
// anything a person wrote is shown literally.

import { ApiError } from "./api";
import { hasKey, refusalText, t } from "./i18n";

/** An element with attributes and (optional) text content. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A type="button" button with a click handler. */
export function button(text: string, attrs: Record<string, string> = {}, onClick?: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", ...attrs }, text);
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

/** Fields of the API's requests, in words (for "… klopt niet"). */
const FIELDS: Record<string, string> = {
  text: "fieldText", category: "fieldCategory", location: "fieldLocation", name: "fieldName",
  description: "fieldDescription", answers: "fieldAnswers", password: "fieldPassword",
  username: "fieldUsername", opens_on: "fieldDates", closes_on: "fieldDates",
  geometry: "fieldGeometry", geometry_rd: "fieldGeometry", dwellings: "fieldDwellings",
};

/** A request field (``geometry``, ``interventions.1.dwellings``) in words, lower case; the
 * field's own name when it has no words here. */
export function fieldText(field: string): string {
  const key = FIELDS[field.split(".").pop() ?? ""];
  if (!key || !hasKey(key)) return field;
  const words = t(key);
  return words.charAt(0).toLowerCase() + words.slice(1);
}

/** What went wrong and what to do, in the user's language, without internals (no
 * coordinates, reference systems, ids or "Failed to fetch"). A refusal with a known key is
 * worded with its figures. The API's own sentence (its ``detail``, for the CLI and logs) is
 * never shown: it may name ids, coordinates or reference systems. */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return t("errOffline"); // fetch itself failed: no answer
  const s = e.status;
  if (s === 400 || s === 422) {
    for (const p of e.problems) {
      const text = refusalText(p);
      if (text) return text;
    }
    const field = e.problems.map((p) => FIELDS[p.field.split(".").pop() ?? ""]).find((k) => k);
    if (field && hasKey(field)) return t("errInputField", { field: t(field) });
    return t("errInput");
  }
  if (s === 401) return t("errUnauthorized");
  if (s === 403) return t("errForbidden");
  if (s === 404) return t("errNotFound");
  if (s === 409) return t("errConflict");
  if (s === 413) return t("errTooLarge");
  if (s === 429) return t("errTooMany");
  if (s === 503) return t("errUnavailable");
  if (s >= 500) return t("errServer");
  return t("errOther");
}
