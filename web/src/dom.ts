// DOM helpers shared by the views. Text is always set with textContent, never as HTML, so
// anything a person wrote is shown literally.

import { ApiError } from "./api";
import { t } from "./i18n";

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

/** The API's own message for an API error; a short generic text otherwise. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return `${t("error")}: ${e instanceof Error ? e.message : String(e)}`;
}
