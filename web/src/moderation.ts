// Staff part of the Meedoen tab: after logging in, planners open field labs and change their
// period (fieldlab-admin.ts); moderators approve, reject (with a reason) or hide the comments
// waiting in the queue, each shown with the plan it is about, and give the municipality's
// official reply under a comment. Comment text is shown with textContent.

import { ApiError, participation as papi, type ModerationItem, type StaffInfo } from "./api";
import { button, errorText, h } from "./dom";
import { FieldLabAdmin } from "./fieldlab-admin";
import { t, type Key } from "./i18n";
import { CATEGORY_COLOURS, CATEGORY_KEY, STATUS_KEY, formatTime } from "./participation-labels";
import { replyBlock } from "./public-comments";
import { currentStaff, staffBar, staffLoginForm } from "./staff";

/** What the moderation panel needs from the view that holds it. */
export interface ModerationHost {
  /** Name of a field lab by id (for the queue items). */
  labName(id: number): string;
  /** Mark a comment's point on the map and fly there. */
  showOnMap(at: [number, number]): void;
  /** Leave moderation (back to the resident view). */
  back(): void;
  /** Render the panel again (after a change of state). */
  rerender(): void;
  /** Field labs were opened or changed: reload the view's list. */
  labsChanged(): Promise<void>;
}

const PLANNERS = new Set(["planner", "admin"]);
const MODERATORS = new Set(["moderator", "admin"]);

export class ModerationPanel {
  private staff: StaffInfo | null = null;
  private queue: ModerationItem[] = [];
  private reviewed = false;
  private message: { text: string; error: boolean } | null = null;

  private readonly labs = new FieldLabAdmin(async () => {
    await this.host.labsChanged();
    await this.labs.load();
    this.host.rerender();
  });

  constructor(private readonly host: ModerationHost) {}

  /** Find out who is logged in and load what their role works on. */
  async open(): Promise<void> {
    this.message = null;
    this.staff = await currentStaff();
    await this.loadForRole();
  }

  private async loadForRole(): Promise<void> {
    if (!this.staff) return;
    if (PLANNERS.has(this.staff.role)) {
      await this.labs.load().catch((e: unknown) => { this.message = { text: errorText(e), error: true }; });
    }
    if (MODERATORS.has(this.staff.role)) await this.loadQueue();
  }

  private async loadQueue(): Promise<void> {
    try {
      this.queue = await papi.queue(this.reviewed);
    } catch (e) {
      this.queue = [];
      if (e instanceof ApiError && e.status === 401) this.staff = null;
      this.message = { text: errorText(e), error: true };
    }
  }

  private messageBox(): HTMLElement {
    const m = this.message;
    return h("p", { class: `form-msg${m?.error ? " error" : ""}`, role: "status", "data-msg": "mod" }, m?.text ?? "");
  }

  render(root: HTMLElement): void {
    root.classList.add("moderation");
    root.append(h("h2", {}, t("modTitle")));
    root.append(button(t("modBack"), { class: "link", id: "close-moderation" }, () => this.host.back()));
    if (!this.staff) {
      root.append(staffLoginForm(async (staff) => {
        this.staff = staff;
        this.message = null;
        await this.loadForRole();
        this.host.rerender();
      }), this.messageBox());
      return;
    }
    root.setAttribute("data-auth", papi.authMode());
    const refresh = button(t("modRefresh"), { id: "mod-refresh" }, () => void this.loadQueue().then(() => this.host.rerender()));
    root.append(...staffBar(this.staff, () => {
      this.staff = null;
      this.queue = [];
      this.message = null;
      this.host.rerender();
    }, [refresh]));
    if (PLANNERS.has(this.staff.role)) root.append(this.labs.render());
    if (!MODERATORS.has(this.staff.role)) {
      root.append(this.messageBox());
      return;
    }
    root.append(h("h3", {}, t("modQueue")));
    const all = h("input", { type: "checkbox", id: "mod-reviewed" });
    all.checked = this.reviewed;
    all.addEventListener("change", () => {
      this.reviewed = all.checked;
      void this.loadQueue().then(() => this.host.rerender());
    });
    const allLabel = h("label", { class: "check", for: "mod-reviewed" });
    allLabel.append(all, document.createTextNode(` ${t("modShowReviewed")}`));
    root.append(allLabel, this.messageBox());
    if (!this.queue.length) {
      root.append(h("p", { class: "note", id: "mod-empty" }, t("modEmpty")));
      return;
    }
    const ul = h("ul", { id: "mod-queue", class: "comment-list" });
    for (const item of this.queue) ul.append(this.queueItem(item));
    root.append(ul);
  }

  private queueItem(c: ModerationItem): HTMLElement {
    const li = h("li", { class: "mod-item", "data-comment": String(c.id) });
    const dot = h("span", { class: "swatch dot" });
    dot.style.background = CATEGORY_COLOURS[c.category] ?? "#666666";
    const head = h("p", { class: "comment-head" });
    const bits = [t(CATEGORY_KEY[c.category] ?? "catOther"), t(STATUS_KEY[c.status]), t("modLab", { name: this.host.labName(c.field_lab_id) }), formatTime(c.created_at)];
    if (c.report_count) bits.push(t("modReports", { n: c.report_count }));
    head.append(dot, document.createTextNode(` ${bits.join(" · ")}`));
    const about = c.scenario_name
      ? t(c.scenario_withdrawn ? "modAboutWithdrawn" : "modAbout", { name: c.scenario_name })
      : t("modAboutGeneral");
    li.append(head, h("p", { class: "mod-about", "data-scenario": String(c.scenario_id ?? "") }, about), h("p", { class: "comment-text" }, c.text));
    if (c.moderation_reason) li.append(h("p", { class: "note" }, t("pReason", { reason: c.moderation_reason })));
    li.append(button(t("modShow"), { class: "link" }, () => this.host.showOnMap(c.location.coordinates as [number, number])));
    const reasonId = `reason-${c.id}`;
    const reason = h("input", { type: "text", id: reasonId, maxlength: "500" });
    const label = h("label", { class: "field", for: reasonId });
    label.append(h("span", {}, t("modReason")), reason);
    li.append(label);
    const msg = h("p", { class: "form-msg", role: "status" });
    const row = h("div", { class: "buttons" });
    const actions: Array<["approve" | "reject" | "hide", Key]> = [["approve", "modApprove"], ["reject", "modReject"], ["hide", "modHide"]];
    for (const [action, key] of actions) {
      row.append(button(t(key), { "data-action": action }, () => {
        const why = reason.value.trim();
        if (action === "reject" && !why) {
          msg.textContent = t("modReasonNeeded");
          msg.classList.add("error");
          reason.focus();
          return;
        }
        row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
        papi.decide(c.id, action, why || null)
          .then(async () => {
            this.message = { text: t("modDone"), error: false };
            await this.loadQueue();
            this.host.rerender();
          })
          .catch((e: unknown) => {
            msg.textContent = errorText(e);
            msg.classList.add("error");
            row.querySelectorAll("button").forEach((b) => { b.disabled = false; });
          });
      }));
    }
    li.append(row, msg, this.replyForm(c));
    return li;
  }

  /** The municipality's official reply to ``c``: shown, set, changed or withdrawn. */
  private replyForm(c: ModerationItem): HTMLElement {
    const box = h("div", { class: "mod-reply" });
    const current = replyBlock(c.reply);
    if (current) box.append(current);
    const id = `reply-${c.id}`;
    const text = h("textarea", { id, rows: "2", maxlength: "2000" });
    text.value = c.reply?.text ?? "";
    const label = h("label", { class: "field", for: id });
    label.append(h("span", {}, t("modReply")), text);
    const msg = h("p", { class: "form-msg", role: "status" });
    const done = (key: Key) => async () => {
      this.message = { text: t(key), error: false };
      await this.loadQueue();
      this.host.rerender();
    };
    const fail = (e: unknown) => { msg.textContent = errorText(e); msg.classList.add("error"); };
    const row = h("div", { class: "buttons" });
    row.append(button(t(c.reply ? "modReplyChange" : "modReplySend"), { "data-reply": String(c.id) }, () => {
      const value = text.value.trim();
      if (!value) {
        msg.textContent = t("modReplyEmpty");
        msg.classList.add("error");
        text.focus();
        return;
      }
      papi.reply(c.id, value).then(done("modReplySaved")).catch(fail);
    }));
    if (c.reply) row.append(button(t("modReplyRemove"), { "data-unreply": String(c.id), class: "link" }, () => {
      papi.unreply(c.id).then(done("modReplyRemoved")).catch(fail);
    }));
    box.append(label, row, msg);
    return box;
  }
}
