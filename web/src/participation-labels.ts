// Labels, colours and date formats of participation, shared by the resident view and moderation.

import type { Category, CommentStatus } from "./api";
import { lang, type Key } from "./i18n";

/** Okabe-Ito colours: distinguishable with colour-vision deficiencies. */
export const CATEGORY_COLOURS: Record<Category, string> = {
  idea: "#0072b2",
  concern: "#d55e00",
  question: "#e69f00",
  praise: "#009e73",
  other: "#cc79a7",
};
export const CATEGORY_KEY: Record<Category, Key> = { idea: "catIdea", concern: "catConcern", question: "catQuestion", praise: "catPraise", other: "catOther" };
export const STATUS_KEY: Record<CommentStatus, Key> = { pending: "statusPending", approved: "statusApproved", rejected: "statusRejected", hidden: "statusHidden" };

function locale(): string {
  return lang() === "nl" ? "nl-NL" : "en-GB";
}

export function formatDay(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  if (!y || !m || !d) return iso;
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric" }).format(new Date(y, m - 1, d));
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}
