// Approved comments in the Meedoen view: the legend of categories (Okabe-Ito colours), the
// list for keyboard and screen-reader users, the municipality's reply under a comment, and
// the report controls (also in the map popup).
// Comment text is shown with textContent.

import { CATEGORIES, REPORT_REASONS, participation as papi, type Category, type ReportReason } from "./api";
import { button, errorText, h } from "./dom";
import { t, type Key } from "./i18n";
import { CATEGORY_COLOURS, CATEGORY_KEY, formatTime } from "./participation-labels";

const REASON_KEY: Record<ReportReason, Key> = { abusive: "reasonAbusive", spam: "reasonSpam", personal_data: "reasonPersonal", off_topic: "reasonOffTopic", other: "reasonOther" };

/** Approved comments of the field lab: legend, list and a report button on each. */
export function publicCommentsSection(features: GeoJSON.Feature[]): HTMLElement {
  const sec = h("section", { id: "p-public" });
  sec.append(h("h3", {}, t("pPublicTitle")), h("p", { class: "note" }, t("pPublicNote")));
  const legend = h("ul", { class: "swatches legend-categories", "aria-label": t("pLegend") });
  for (const c of CATEGORIES) {
    const li = h("li", {});
    const dot = h("span", { class: "swatch dot" });
    dot.style.background = CATEGORY_COLOURS[c];
    li.append(dot, document.createTextNode(t(CATEGORY_KEY[c])));
    legend.append(li);
  }
  sec.append(legend);
  if (!features.length) {
    sec.append(h("p", { class: "note", id: "no-public-comments" }, t("pNoPublic")));
    return sec;
  }
  const ul = h("ul", { id: "public-comments", class: "comment-list" });
  for (const f of features) {
    const props = f.properties ?? {};
    const id = Number(f.id);
    const category = (CATEGORIES as readonly string[]).includes(String(props.category)) ? (props.category as Category) : "other";
    const li = h("li", { "data-comment": String(id) });
    const dot = h("span", { class: "swatch dot" });
    dot.style.background = CATEGORY_COLOURS[category];
    const head = h("p", { class: "comment-head" });
    head.append(dot, document.createTextNode(` ${t(CATEGORY_KEY[category])} · ${typeof props.created_at === "string" ? formatTime(props.created_at) : ""}`));
    li.append(head, h("p", { class: "comment-text" }, String(props.text ?? "")));
    const reply = replyBlock(props.reply);
    if (reply) li.append(reply);
    li.append(reportControls(id, "list"));
    ul.append(li);
  }
  sec.append(ul);
  return sec;
}

/** "Melden": report an approved comment with a reason. */
export function reportControls(id: number, where: string): HTMLElement {
  const box = h("details", { class: "report" });
  box.append(h("summary", {}, t("pReport")));
  const reason = h("select", { "aria-label": t("pReportReason"), "data-report-reason": String(id) });
  for (const r of REPORT_REASONS) reason.append(h("option", { value: r }, t(REASON_KEY[r])));
  const label = h("label", { class: "field" });
  label.append(h("span", {}, t("pReportReason")), reason);
  const msg = h("p", { class: "form-msg", role: "status" });
  const send = button(t("pReport"), { "data-report": String(id), "data-where": where }, () => {
    send.disabled = true;
    papi.report(id, reason.value as ReportReason)
      .then(() => { msg.textContent = t("pReported"); msg.classList.remove("error"); })
      .catch((e: unknown) => { msg.textContent = errorText(e); msg.classList.add("error"); send.disabled = false; });
  });
  box.append(label, send, msg);
  return box;
}

/** The municipality's official reply under a comment (``{text, created_at, updated_at}``
 * from the API), or null when there is none. The text is shown with textContent. */
export function replyBlock(reply: unknown): HTMLElement | null {
  if (typeof reply === "string") {
    // a map feature's nested properties come back from MapLibre as JSON text
    try {
      reply = JSON.parse(reply) as unknown;
    } catch {
      return null;
    }
  }
  if (typeof reply !== "object" || reply === null) return null;
  const r = reply as { text?: unknown; updated_at?: unknown };
  if (typeof r.text !== "string" || !r.text) return null;
  const box = h("div", { class: "official-reply" });
  const when = typeof r.updated_at === "string" ? formatTime(r.updated_at) : "";
  box.append(h("p", { class: "reply-head" }, t("replyHead", { when })), h("p", { class: "reply-text" }, r.text));
  return box;
}
