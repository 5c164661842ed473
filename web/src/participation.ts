// Participation view ("Meedoen"): residents of a field lab look at the published plans, rate
// them, pin comments on the map, answer the 'belevingswaarde' survey and see (and delete)
// everything they gave, without an account. A private resident token is fetched at the first
// input and kept in this browser only (localStorage, one key per field lab). Staff moderate the
// comments in the same tab ("Moderatie (medewerkers)", moderation.ts) after logging in.
//
// Everything a person wrote is put on the page with textContent, never as HTML.

import maplibregl from "maplibre-gl";
import {
  ApiError,
  CATEGORIES,
  participation as papi,
  type Category,
  type FieldLab,
  type MyComment,
  type MyInput,
  type PublishedScenario,
  type Rating,
  type SurveyDoc,
} from "./api";
import { button, errorText, h } from "./dom";
import { onLangChange, t } from "./i18n";
import { ModerationPanel } from "./moderation";
import { ParticipationLayers, insideArea } from "./participation-map";
import { publicCommentsSection, replyBlock, reportControls } from "./public-comments";
import { CATEGORY_KEY, formatDay, formatTime } from "./participation-labels";
import { planSummary, ratingFields, readRating } from "./plan-card";
import { readSnapshot } from "./snapshot";
import { residentKey } from "./resident-key";
import { readSurvey, surveyFields } from "./survey-form";
import { commentEditForm, myInputLists } from "./my-input";


const LAB_KEY = "gg-participation-lab";
const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

type Message = { text: string; error: boolean };

export class ParticipationView {
  private labs: FieldLab[] = [];
  private lab: FieldLab | null = null;
  private details = new Map<number, PublishedScenario>();
  private surveyDoc: SurveyDoc | null = null;
  private publicComments: GeoJSON.FeatureCollection = EMPTY;
  private mine: MyInput | null = null;
  private shown: number | null = null;
  private pinning = false;
  private pin: [number, number] | null = null;
  private mode: "resident" | "moderation" = "resident";
  private confirmErase = false;
  private active = false;
  private ready = "";
  private popup: maplibregl.Popup | null = null;
  private root: HTMLElement | null = null;
  private messages = new Map<string, Message>();
  private opening = 0;

  private readonly layers: ParticipationLayers;
  private readonly moderation = new ModerationPanel({
    labName: (id) => this.labs.find((l) => l.id === id)?.name ?? `#${id}`,
    showOnMap: (at) => {
      this.pin = at;
      this.updateMap();
      this.map.flyTo({ center: at, zoom: Math.max(this.map.getZoom(), 16), duration: 400 });
    },
    back: () => this.closeModeration(),
    rerender: () => this.render(),
    labsChanged: async () => { this.labs = await papi.labs(); },
  });

  constructor(private readonly map: maplibregl.Map, private readonly panel: HTMLElement) {
    this.layers = new ParticipationLayers(map);
    onLangChange(() => { if (this.active) this.render(); });
  }

  async activate(): Promise<void> {
    this.active = true;
    this.layers.add({
      comment: (id, props, at) => this.openPopup(id, props, at),
      place: (at) => this.placePin(at),
      state: () => ({ active: this.active, pinning: this.pinning }),
    });
    this.layers.setVisible(true);
    this.labs = await papi.labs();
    if (this.mode === "moderation") {
      await this.openModeration();
      return;
    }
    const wanted = this.lab?.id ?? Number(localStorage.getItem(LAB_KEY));
    if (this.labs.some((l) => l.id === wanted)) await this.openLab(wanted);
    else {
      this.lab = null;
      this.render();
    }
  }

  deactivate(): void {
    this.active = false;
    this.stopPinning();
    this.popup?.remove();
    this.layers.setVisible(false);
  }

  // ------------------------------------------------------------------------------ map
  private updateMap(): void {
    const lab = this.lab;
    const shown = this.shown !== null ? this.details.get(this.shown) : undefined;
    const pending: GeoJSON.Feature[] = (this.mine?.comments ?? []).filter((c) => c.status === "pending")
      .map((c) => ({ type: "Feature", id: c.id, properties: { category: c.category, status: c.status }, geometry: c.location }));
    this.layers.show({ lab: lab ? lab.geometry : null, plan: shown ? readSnapshot(shown.snapshot).features : [],
      comments: this.publicComments, mine: pending, pin: this.pin });
  }

  private openPopup(id: number, props: Record<string, unknown>, at: [number, number]): void {
    const category = (CATEGORIES as readonly string[]).includes(String(props.category)) ? (props.category as Category) : "other";
    const box = h("div", { class: "comment-popup" });
    box.append(h("strong", {}, t(CATEGORY_KEY[category])));
    box.append(h("p", { class: "comment-text" }, String(props.text ?? "")));
    if (typeof props.created_at === "string") box.append(h("p", { class: "note" }, formatTime(props.created_at)));
    const reply = replyBlock(props.reply);
    if (reply) box.append(reply);
    box.append(reportControls(id, "popup"));
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ maxWidth: "min(300px, calc(100vw - 32px))", className: "gg-popup" }).setLngLat(at).setDOMContent(box).addTo(this.map);
  }

  private async fly(lab: FieldLab): Promise<void> {
    this.map.fitBounds(lab.bbox_wgs84, { padding: 40, duration: 500, pitch: 0, bearing: 0 });
    await Promise.race([this.map.once("moveend"), new Promise((done) => window.setTimeout(done, 1500))]);
  }

  // ------------------------------------------------------------------- field lab, token
  private async openLab(id: number): Promise<void> {
    const ticket = ++this.opening;
    this.ready = "";
    this.popup?.remove();
    const lab = await papi.lab(id);
    const [details, survey, comments] = await Promise.all([
      Promise.all(lab.scenarios.map((s) => papi.scenario(id, s.id).catch(() => s))),
      papi.survey(id).catch(() => null),
      papi.comments(id).catch(() => EMPTY),
    ]);
    if (ticket !== this.opening) return;
    this.lab = lab;
    localStorage.setItem(LAB_KEY, String(id));
    this.details = new Map(details.map((d) => [d.id, d]));
    this.surveyDoc = survey;
    this.publicComments = comments;
    this.shown = details.find((d) => readSnapshot(d.snapshot).features.length)?.id ?? null;
    this.pin = null;
    this.pinning = false;
    this.confirmErase = false;
    this.messages.clear();
    await this.loadMine();
    this.updateMap();
    this.render();
    await this.fly(lab);
    if (ticket !== this.opening) return;
    this.ready = String(id);
    this.root?.setAttribute("data-ready", this.ready);
  }

  private token(): string | null {
    return this.lab ? residentKey.get(this.lab.id) : null;
  }

  private forgetToken(): void {
    if (this.lab) residentKey.forget(this.lab.id);
    this.mine = null;
    this.updateMap();
  }

  /** Run a resident call with the key, fetching one first if needed (resident-key.ts). */
  private async withToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    if (!this.lab) throw new Error("no field lab");
    return residentKey.with(this.lab.id, fn, () => { this.mine = null; });
  }

  private async loadMine(): Promise<void> {
    const token = this.token();
    if (!token) {
      this.mine = null;
      this.updateMap();
      return;
    }
    try {
      this.mine = await papi.me(token);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.forgetToken();
      else this.messages.set("mine", { text: errorText(e), error: true });
    }
    this.updateMap(); // the own pending pins
  }

  private ratingFor(scenario: number): Rating | undefined {
    return this.mine?.ratings.find((r) => r.scenario_id === scenario);
  }

  // ---------------------------------------------------------------------------- render
  private render(): void {
    this.root = h("div", { class: "view participation" });
    if (this.ready) this.root.setAttribute("data-ready", this.ready);
    if (this.mode === "moderation") this.moderation.render(this.root);
    else this.renderResident(this.root);
    this.panel.replaceChildren(this.root);
  }

  /** Rebuild one section in place (other sections keep what was typed). */
  private refresh(id: string): void {
    const old = this.root?.querySelector(`#${id}`);
    const builders: Record<string, () => HTMLElement> = {
      "p-scenarios": () => this.scenariosSection(),
      "p-comment": () => this.commentSection(),
      "p-survey": () => this.surveySection(),
      "p-public": () => this.publicSection(),
      "p-mine": () => this.mineSection(),
    };
    if (old && builders[id]) old.replaceWith(builders[id]());
  }

  private say(where: string, text: string, error = false): void {
    this.messages.set(where, { text, error });
    const el = this.root?.querySelector<HTMLElement>(`[data-msg="${where}"]`);
    if (el) {
      el.textContent = text;
      el.classList.toggle("error", error);
    }
  }

  private messageBox(where: string): HTMLElement {
    const m = this.messages.get(where);
    return h("p", { class: `form-msg${m?.error ? " error" : ""}`, role: "status", "data-msg": where }, m?.text ?? "");
  }

  private renderResident(root: HTMLElement): void {
    root.append(h("h2", {}, t("pTitle")), h("p", {}, t("pIntro")));
    root.append(button(t("modOpen"), { class: "link", id: "open-moderation" }, () => void this.openModeration()));
    const label = h("label", { class: "field" });
    const select = h("select", { id: "lab-select" });
    select.append(h("option", { value: "" }, t("pChooseLab")));
    for (const l of this.labs) {
      const opt = h("option", { value: String(l.id) }, l.is_open ? l.name : `${l.name} ${t("pClosedSuffix")}`);
      if (l.id === this.lab?.id) opt.selected = true;
      select.append(opt);
    }
    select.addEventListener("change", () => {
      if (select.value) void this.openLab(Number(select.value)).catch((e: unknown) => this.say("lab", errorText(e), true));
      else {
        this.lab = null;
        this.ready = "";
        this.updateMap();
        this.render();
      }
    });
    label.append(h("span", {}, t("pFieldLab")), select);
    root.append(label);
    if (!this.labs.length) root.append(h("p", { class: "note" }, t("pNoLabs")));
    root.append(this.messageBox("lab"));
    const lab = this.lab;
    if (!lab) return;
    const head = h("section", { id: "p-lab" });
    head.append(h("h3", {}, lab.name));
    if (lab.description) head.append(h("p", { class: "lab-description" }, lab.description));
    head.append(h("p", { class: "note" }, t("pPeriod", { from: formatDay(lab.opens_on), to: formatDay(lab.closes_on) })));
    if (!lab.is_open) head.append(h("p", { class: "notice", id: "lab-closed" }, t("pClosed")));
    root.append(head, this.scenariosSection());
    if (lab.is_open) root.append(this.commentSection(), this.surveySection());
    root.append(this.publicSection(), this.mineSection());
  }

  // ------------------------------------------------------------------------- scenarios
  private scenariosSection(): HTMLElement {
    const sec = h("section", { id: "p-scenarios" });
    sec.append(h("h3", {}, t("pScenarios")));
    const lab = this.lab;
    if (!lab || !lab.scenarios.length) {
      sec.append(h("p", { class: "note" }, t("pNoScenarios")));
      return sec;
    }
    for (const s of lab.scenarios) sec.append(this.scenarioCard(this.details.get(s.id) ?? s, lab));
    return sec;
  }

  private scenarioCard(s: PublishedScenario, lab: FieldLab): HTMLElement {
    const card = h("article", { class: "pscenario", "data-scenario": String(s.id) });
    const snap = readSnapshot(s.snapshot);
    card.append(...planSummary(s, snap, lab.bbox_wgs84, (f) => this.showChange(s.id, f)));
    if (snap.features.length) {
      const on = this.shown === s.id;
      card.append(button(on ? t("pShownOnMap") : t("pShowOnMap"), { class: "show-scenario", "aria-pressed": String(on) }, () => {
        this.shown = s.id;
        this.updateMap();
        this.refresh("p-scenarios");
      }));
    } else {
      card.append(h("p", { class: "note" }, t("pNoShape")));
    }
    if (lab.is_open) card.append(this.ratingForm(s.id));
    return card;
  }

  /** Show plan ``sid`` on the map and fly to one of its changes (the card's list). */
  private showChange(sid: number, f: GeoJSON.Feature): void {
    if (this.shown !== sid) {
      this.shown = sid;
      this.updateMap();
      this.refresh("p-scenarios");
    }
    const xs: number[] = [], ys: number[] = [];
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === "number") { xs.push(c[0]); ys.push(c[1] as number); } else if (Array.isArray(c)) c.forEach(walk);
    };
    if ("coordinates" in f.geometry) walk(f.geometry.coordinates);
    if (!xs.length) return;
    this.map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: 60, maxZoom: 17, duration: 400 });
  }

  private ratingForm(sid: number): HTMLFormElement {
    const form = h("form", { class: "rating", id: `rating-${sid}`, novalidate: "" });
    const existing = this.ratingFor(sid);
    form.append(h("p", { class: "rate-title" }, t("pRateTitle")), h("p", { class: "note" }, t("pScale5")));
    form.append(...ratingFields(sid, existing));
    const submit = h("button", { type: "submit", class: "primary" }, existing ? t("pChangeRating") : t("pSubmitRating"));
    form.append(submit, this.messageBox(`rating-${sid}`));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submitRating(sid, form, submit);
    });
    return form;
  }

  private async submitRating(sid: number, form: HTMLFormElement, submit: HTMLButtonElement): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    const where = `rating-${sid}`;
    const body = readRating(form, sid);
    if (!body) {
      this.say(where, t("pAnswerAll"), true);
      return;
    }
    submit.disabled = true;
    this.say(where, t("pSending"));
    try {
      await this.withToken(async (token) => {
        const old = this.ratingFor(sid);
        if (old) return papi.updateRating(token, old.id, body);
        try {
          return await papi.rate(token, lab.id, sid, body);
        } catch (e) {
          // rated before (another tab, or this page's list was stale): change that rating
          if (!(e instanceof ApiError && e.status === 409)) throw e;
          this.mine = await papi.me(token);
          const again = this.ratingFor(sid);
          if (!again) throw e;
          return papi.updateRating(token, again.id, body);
        }
      });
      await this.loadMine();
      this.say(where, t("pRatingSaved"));
      submit.textContent = t("pChangeRating");
      this.refresh("p-mine");
    } catch (e) {
      this.say(where, errorText(e), true);
    } finally {
      submit.disabled = false;
    }
  }

  // -------------------------------------------------------------------------- comments
  private commentSection(): HTMLElement {
    const sec = h("section", { id: "p-comment" });
    sec.append(h("h3", {}, t("pCommentTitle")));
    if (this.pinning) {
      sec.append(h("p", { class: "note", id: "pin-hint" }, t("pPinHint")));
      const row = h("div", { class: "buttons" });
      row.append(
        button(t("addCentre"), { id: "pin-centre" }, () => {
          const c = this.map.getCenter();
          this.placePin([c.lng, c.lat]);
        }),
        button(t("pCancel"), { id: "pin-cancel" }, () => { this.stopPinning(); this.refresh("p-comment"); }),
      );
      sec.append(row);
    } else if (this.pin) {
      sec.append(this.commentForm());
    } else {
      sec.append(button(t("pPinComment"), { id: "pin-comment" }, () => {
        this.messages.delete("comment");
        this.pinning = true;
        this.map.getCanvas().style.cursor = "crosshair";
        this.refresh("p-comment");
        this.root?.querySelector<HTMLButtonElement>("#pin-centre")?.focus();
      }));
    }
    sec.append(this.messageBox("comment"));
    return sec;
  }

  private stopPinning(): void {
    this.pinning = false;
    this.map.getCanvas().style.cursor = "";
  }

  private placePin(pt: [number, number]): void {
    if (!this.lab) return;
    if (!insideArea(pt, this.lab.geometry)) {
      this.say("comment", t("pOutside"), true);
      return;
    }
    this.stopPinning();
    this.pin = pt;
    this.messages.set("comment", { text: t("pPinned"), error: false });
    this.updateMap();
    this.refresh("p-comment");
    this.root?.querySelector<HTMLSelectElement>("#comment-category")?.focus();
  }

  private commentForm(): HTMLFormElement {
    const form = h("form", { id: "comment-form", novalidate: "" });
    const cat = h("select", { id: "comment-category" });
    for (const c of CATEGORIES) cat.append(h("option", { value: c }, t(CATEGORY_KEY[c])));
    const catLabel = h("label", { class: "field" });
    catLabel.append(h("span", {}, t("pCategory")), cat);
    form.append(catLabel);
    const scenarios = this.lab?.scenarios ?? [];
    let about: HTMLSelectElement | null = null;
    if (scenarios.length) {
      about = h("select", { id: "comment-scenario" });
      about.append(h("option", { value: "" }, t("pGeneral")));
      for (const s of scenarios) about.append(h("option", { value: String(s.id) }, s.name));
      const aboutLabel = h("label", { class: "field" });
      aboutLabel.append(h("span", {}, t("pAbout")), about);
      form.append(aboutLabel);
    }
    const text = h("textarea", { id: "comment-text", maxlength: "2000", rows: "4" });
    const textLabel = h("label", { class: "field" });
    textLabel.append(h("span", {}, t("pCommentText")), text);
    form.append(textLabel, h("p", { class: "note" }, t("pCommentNote")));
    const submit = h("button", { type: "submit", id: "comment-submit", class: "primary" }, t("pSend"));
    const row = h("div", { class: "buttons" });
    row.append(submit, button(t("pCancel"), { id: "comment-cancel" }, () => {
      this.pin = null;
      this.messages.delete("comment");
      this.updateMap();
      this.refresh("p-comment");
    }));
    form.append(row);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submitComment(cat.value as Category, text.value, about?.value ? Number(about.value) : null, submit);
    });
    return form;
  }

  private async submitComment(category: Category, text: string, scenario: number | null, submit: HTMLButtonElement): Promise<void> {
    const lab = this.lab, pin = this.pin;
    if (!lab || !pin) return;
    if (!text.trim()) {
      this.say("comment", t("pEmptyText"), true);
      return;
    }
    submit.disabled = true;
    this.say("comment", t("pSending"));
    try {
      await this.withToken((token) => papi.comment(token, lab.id, {
        category, text, scenario_id: scenario, location: { type: "Point", coordinates: pin },
      }));
      this.pin = null;
      this.messages.set("comment", { text: t("pCommentSent"), error: false });
      await this.loadMine();
      this.updateMap();
      this.refresh("p-comment");
      this.refresh("p-mine");
    } catch (e) {
      this.say("comment", errorText(e), true);
      submit.disabled = false;
    }
  }

  // ---------------------------------------------------------------------------- survey
  private surveySection(): HTMLElement {
    const sec = h("section", { id: "p-survey" });
    sec.append(h("h3", {}, t("pSurveyTitle")));
    const doc = this.surveyDoc;
    if (!doc) return sec;
    const form = h("form", { id: "survey-form", novalidate: "" });
    const prior = this.mine?.survey ?? null;
    form.append(...surveyFields(doc, prior as unknown as Record<string, unknown> | null));
    const submit = h("button", { type: "submit", id: "survey-submit", class: "primary" }, prior ? t("pChangeSurvey") : t("pSendSurvey"));
    form.append(submit, this.messageBox("survey"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submitSurvey(form, submit);
    });
    sec.append(form);
    return sec;
  }

  private async submitSurvey(form: HTMLFormElement, submit: HTMLButtonElement): Promise<void> {
    const lab = this.lab, doc = this.surveyDoc;
    if (!lab || !doc) return;
    const { answers: body, missing } = readSurvey(form, doc);
    if (missing || !body) {
      this.say("survey", t("pAnswerAll"), true);
      missing?.focus();
      return;
    }
    submit.disabled = true;
    this.say("survey", t("pSending"));
    try {
      await this.withToken(async (token) => {
        const old = this.mine?.survey;
        if (old) return papi.updateSurvey(token, old.id, body);
        try {
          return await papi.answerSurvey(token, lab.id, body);
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 409)) throw e;
          this.mine = await papi.me(token);
          if (!this.mine.survey) throw e;
          return papi.updateSurvey(token, this.mine.survey.id, body);
        }
      });
      await this.loadMine();
      this.say("survey", t("pSurveySaved"));
      submit.textContent = t("pChangeSurvey");
      this.refresh("p-mine");
    } catch (e) {
      this.say("survey", errorText(e), true);
    } finally {
      submit.disabled = false;
    }
  }

  // ------------------------------------------------------------------- public comments
  private publicSection(): HTMLElement {
    return publicCommentsSection(this.publicComments.features);
  }

  // ------------------------------------------------------------------------ my input
  private mineSection(): HTMLElement {
    const sec = h("section", { id: "p-mine" });
    sec.append(h("h3", {}, t("pMineTitle")), h("p", { class: "note privacy" }, t("pPrivacy")));
    const mine = this.mine;
    const token = this.token();
    const empty = !mine || (!mine.ratings.length && !mine.comments.length && !mine.survey);
    if (empty) sec.append(h("p", { class: "note", id: "mine-empty" }, t("pNothingYet")));
    if (mine?.comments.some((c) => c.status === "pending")) sec.append(h("p", { class: "note", id: "mine-pending-note" }, t("pMinePending")));
    if (mine) {
      sec.append(...myInputLists(mine, {
        scenario: (id) => this.details.get(id)?.name ?? `#${id}`,
        buurt: (code) => this.lab?.buurten.find((b) => b.code === code)?.name ?? code,
      }, (kind, id) => void this.remove(kind, id), (c, li) => {
        li.replaceChildren(commentEditForm(c, (category, text) => void this.editComment(c, category, text),
          () => this.refresh("p-mine")));
      }));
    }
    if (mine && token) {
      if (!this.confirmErase) {
        sec.append(button(t("pEraseAll"), { id: "erase-all" }, () => { this.confirmErase = true; this.refresh("p-mine"); this.root?.querySelector<HTMLButtonElement>("#erase-yes")?.focus(); }));
      } else {
        const box = h("div", { class: "notice", role: "alertdialog", "aria-label": t("pEraseAll") });
        box.append(h("p", {}, t("pEraseConfirm")));
        const row = h("div", { class: "buttons" });
        row.append(
          button(t("pEraseYes"), { id: "erase-yes", class: "danger" }, () => void this.eraseAll()),
          button(t("pCancel"), { id: "erase-cancel" }, () => { this.confirmErase = false; this.refresh("p-mine"); }),
        );
        box.append(row);
        sec.append(box);
      }
    }
    if (token) {
      const det = h("details", { class: "token" });
      det.append(h("summary", {}, t("pToken")));
      const input = h("input", { type: "text", readonly: "", id: "my-token", "aria-label": t("pToken"), autocomplete: "off", spellcheck: "false" });
      input.value = token;
      det.append(input, h("p", { class: "note" }, t("pTokenNote")));
      sec.append(det);
    }
    const use = h("details", { class: "token" });
    use.append(h("summary", {}, t("pUseToken")));
    const other = h("input", { type: "text", id: "use-token", "aria-label": t("pUseToken"), autocomplete: "off", spellcheck: "false", maxlength: "128" });
    use.append(other, button(t("pUseTokenButton"), { id: "use-token-button" }, () => void this.useToken(other.value.trim())));
    sec.append(use, this.messageBox("mine"));
    return sec;
  }

  /** Change a comment's category and text; it goes back to the moderation queue. */
  private async editComment(c: MyComment, category: Category, text: string): Promise<void> {
    const token = this.token();
    if (!token) return;
    try {
      await papi.updateComment(token, c.id, { category, text, location: c.location, scenario_id: c.scenario_id });
      await this.loadMine();
      this.messages.set("mine", { text: t("pEdited"), error: false });
      this.refresh("p-mine");
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.forgetToken();
      this.refresh("p-mine");
      this.say("mine", errorText(e), true);
    }
  }

  private async remove(kind: "rating" | "comment" | "survey", id: number): Promise<void> {
    const token = this.token();
    if (!token) return;
    const scenario = kind === "rating" ? this.mine?.ratings.find((r) => r.id === id)?.scenario_id : undefined;
    try {
      if (kind === "rating") await papi.deleteRating(token, id);
      else if (kind === "comment") await papi.deleteComment(token, id);
      else await papi.deleteSurvey(token, id);
      await this.loadMine();
      this.messages.set("mine", { text: t("pDeleted"), error: false });
      if (scenario !== undefined) this.messages.delete(`rating-${scenario}`);
      if (kind === "survey") this.messages.delete("survey");
      this.refresh("p-mine");
      // the forms no longer show the deleted answers
      if (kind === "rating") this.refresh("p-scenarios");
      if (kind === "survey") this.refresh("p-survey");
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.forgetToken();
      this.say("mine", errorText(e), true);
    }
  }

  private async eraseAll(): Promise<void> {
    const token = this.token();
    if (!token) return;
    try {
      await papi.eraseMe(token);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        this.say("mine", errorText(e), true);
        return;
      }
    }
    this.forgetToken();
    this.confirmErase = false;
    this.messages.clear();
    this.messages.set("mine", { text: t("pErased"), error: false });
    this.refresh("p-scenarios");
    this.refresh("p-survey");
    this.refresh("p-mine");
  }

  private async useToken(token: string): Promise<void> {
    const lab = this.lab;
    if (!lab || !token) return;
    try {
      const mine = await papi.me(token);
      if (mine.field_lab_id !== lab.id) {
        this.say("mine", t("pTokenWrongLab"), true);
        return;
      }
      residentKey.set(lab.id, token);
      this.mine = mine;
      this.messages.delete("mine");
      this.refresh("p-scenarios");
      this.refresh("p-survey");
      this.refresh("p-mine");
    } catch (e) {
      this.say("mine", errorText(e), true);
    }
  }

  // ------------------------------------------------------------------------ moderation
  private async openModeration(): Promise<void> {
    this.mode = "moderation";
    this.stopPinning();
    this.popup?.remove();
    await this.moderation.open();
    this.render();
  }

  private closeModeration(): void {
    this.mode = "resident";
    this.pin = null;
    this.updateMap();
    if (this.lab) void this.refreshResident();
    else this.render();
  }

  /** Back from moderation: the public layer and my input may have changed. */
  private async refreshResident(): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    this.publicComments = await papi.comments(lab.id).catch(() => this.publicComments);
    await this.loadMine();
    this.updateMap();
    this.render();
  }
}
