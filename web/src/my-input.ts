// "Mijn inbreng" lists of the Meedoen view: a resident's ratings, comments (with their
// moderation status and reason) and survey answers, each with a delete button.

import { CATEGORIES, type Category, type MyComment, type MyInput } from "./api";
import { button, h } from "./dom";
import { t } from "./i18n";
import { CATEGORY_KEY, STATUS_KEY } from "./participation-labels";
import { replyBlock } from "./public-comments";
import { VISITS_KEY } from "./survey-form";

/** Names for the ids in a resident's input. */
export interface InputNames {
  scenario(id: number): string;
  buurt(code: string): string;
}

export type InputKind = "rating" | "comment" | "survey";

/** Headings and lists of ``mine``; ``remove`` is called with the kind and id to delete,
 * ``edit`` with a comment to change. */
export function myInputLists(mine: MyInput, names: InputNames, remove: (kind: InputKind, id: number) => void,
  edit?: (c: MyComment, li: HTMLElement) => void): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (mine.ratings.length) {
    out.push(h("h4", {}, t("pMyRatings")));
    const ul = h("ul", { id: "my-ratings", class: "mine-list" });
    for (const r of mine.ratings) {
      const li = h("li", { "data-rating": String(r.id) });
      li.append(h("span", {}, t("pRatingLine", { name: names.scenario(r.scenario_id), green: r.green, health: r.health, safety: r.safety, would_use: r.would_use })));
      li.append(button(t("remove"), { class: "link" }, () => remove("rating", r.id)));
      ul.append(li);
    }
    out.push(ul);
  }
  if (mine.comments.length) {
    out.push(h("h4", {}, t("pMyComments")));
    const ul = h("ul", { id: "my-comments", class: "mine-list comment-list" });
    for (const c of mine.comments) {
      const li = h("li", { "data-comment": String(c.id), "data-status": c.status });
      const head = h("p", { class: "comment-head" });
      head.append(h("span", { class: `mstatus mstatus-${c.status}` }, t(STATUS_KEY[c.status])), document.createTextNode(` ${t(CATEGORY_KEY[c.category] ?? "catOther")}`));
      li.append(head, h("p", { class: "comment-text" }, c.text));
      if (c.moderation_reason) li.append(h("p", { class: "note reason" }, t("pReason", { reason: c.moderation_reason })));
      const reply = replyBlock(c.reply);
      if (reply) li.append(reply);
      if (edit) li.append(button(t("pEdit"), { class: "link", "data-edit": String(c.id) }, () => edit(c, li)));
      li.append(button(t("remove"), { class: "link" }, () => remove("comment", c.id)));
      ul.append(li);
    }
    out.push(ul);
  }
  const s = mine.survey;
  if (s) {
    out.push(h("h4", {}, t("pMySurvey")));
    const p = h("p", { id: "my-survey" });
    p.append(h("span", {}, t("pSurveyLine", {
      buurt: names.buurt(s.buurt_code), satisfaction: s.satisfaction, green_rating: s.green_rating, feels_safe: s.feels_safe,
      neighbour_contact: s.neighbour_contact, visits: t(VISITS_KEY[s.green_visits] ?? "visitsNever"),
    })), button(t("remove"), { class: "link" }, () => remove("survey", s.id)));
    out.push(p);
  }
  return out;
}

/** A form to change a comment's category and text (its place stays). */
export function commentEditForm(c: MyComment, save: (category: Category, text: string) => void, cancel: () => void): HTMLFormElement {
  const form = h("form", { class: "comment-edit", "data-editing": String(c.id) });
  const cat = h("select", { "aria-label": t("pCategory") });
  for (const k of CATEGORIES) {
    const opt = h("option", { value: k }, t(CATEGORY_KEY[k]));
    if (k === c.category) opt.selected = true;
    cat.append(opt);
  }
  const text = h("textarea", { rows: "3", maxlength: "2000", "aria-label": t("pCommentText") });
  text.value = c.text;
  const row = h("div", { class: "buttons" });
  row.append(button(t("pSave"), { type: "submit", class: "primary" }), button(t("pCancel"), {}, cancel));
  form.append(cat, text, row);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    save(cat.value as Category, text.value.trim());
  });
  return form;
}
