// Participation view ("Meedoen"): residents of a field lab look at the published plans, rate
// them, pin comments on the map, answer the 'belevingswaarde' survey and see (and delete)
// everything they gave, without an account. A private resident token is fetched at the first
// input and kept in this browser only (localStorage, one key per field lab). Staff moderate the
// comments in the same tab ("Moderatie (medewerkers)") after logging in.
//
// Everything a person wrote is put on the page with textContent, never as HTML.

import maplibregl from "maplibre-gl";
import {
  ApiError,
  CATEGORIES,
  CRITERIA,
  GREEN_VISITS,
  REPORT_REASONS,
  participation as papi,
  type Category,
  type CommentStatus,
  type Criterion,
  type FieldLab,
  type GreenVisits,
  type ModerationItem,
  type MyInput,
  type PublishedScenario,
  type Rating,
  type RatingIn,
  type ReportReason,
  type StaffInfo,
  type SurveyDoc,
  type SurveyIn,
} from "./api";
import { lang, onLangChange, t, type Key } from "./i18n";
import { readSnapshot } from "./snapshot";

/** Okabe-Ito colours: distinguishable with colour-vision deficiencies. */
export const CATEGORY_COLOURS: Record<Category, string> = {
  idea: "#0072b2",
  concern: "#d55e00",
  question: "#e69f00",
  praise: "#009e73",
  other: "#cc79a7",
};
const CATEGORY_KEY: Record<Category, Key> = { idea: "catIdea", concern: "catConcern", question: "catQuestion", praise: "catPraise", other: "catOther" };
const CRITERION_KEY: Record<Criterion, Key> = { green: "critGreen", health: "critHealth", safety: "critSafety", would_use: "critWouldUse" };
const STATUS_KEY: Record<CommentStatus, Key> = { pending: "statusPending", approved: "statusApproved", rejected: "statusRejected", hidden: "statusHidden" };
const VISITS_KEY: Record<GreenVisits, Key> = { daily: "visitsDaily", weekly: "visitsWeekly", monthly: "visitsMonthly", rarely: "visitsRarely", never: "visitsNever" };
const REASON_KEY: Record<ReportReason, Key> = { abusive: "reasonAbusive", spam: "reasonSpam", personal_data: "reasonPersonal", off_topic: "reasonOffTopic", other: "reasonOther" };
const AGREE_KEYS: Key[] = ["agree1", "agree2", "agree3", "agree4", "agree5"];
const SURVEY_SCORES: Record<string, "mark" | "agree" | "buurt" | "visits"> = {
  buurt_code: "buurt", satisfaction: "mark", green_rating: "mark", feels_safe: "agree", neighbour_contact: "agree", green_visits: "visits",
};

const LAB_KEY = "gg-participation-lab";
const tokenKey = (lab: number) => `gg-resident-token-${lab}`;
const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };
const P_LAYERS = ["p-lab-fill", "p-lab-line", "p-scenario-fill", "p-scenario-line", "p-scenario-points", "p-comments", "p-pin"];

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text: string, attrs: Record<string, string> = {}, onClick?: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", ...attrs }, text);
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

/** The API's own message for an API error; a short generic text otherwise. */
function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return `${t("error")}: ${e instanceof Error ? e.message : String(e)}`;
}

function locale(): string {
  return lang() === "nl" ? "nl-NL" : "en-GB";
}

function formatDay(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  if (!y || !m || !d) return iso;
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric" }).format(new Date(y, m - 1, d));
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

function inRing([x, y]: [number, number], ring: GeoJSON.Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when a lon/lat point lies inside the field lab's area (holes excluded). */
export function insideArea(pt: [number, number], geom: GeoJSON.Polygon | GeoJSON.MultiPolygon): boolean {
  const polygons = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
  return polygons.some(([outer, ...holes]) => !!outer && inRing(pt, outer) && !holes.some((hole) => inRing(pt, hole)));
}

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
  private staff: StaffInfo | null = null;
  private queue: ModerationItem[] = [];
  private confirmErase = false;
  private active = false;
  private ready = "";
  private layersAdded = false;
  private popup: maplibregl.Popup | null = null;
  private root: HTMLElement | null = null;
  private messages = new Map<string, Message>();
  private opening = 0;

  constructor(private readonly map: maplibregl.Map, private readonly panel: HTMLElement) {
    onLangChange(() => { if (this.active) this.render(); });
  }

  async activate(): Promise<void> {
    this.active = true;
    this.addLayers();
    this.setVisible(true);
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
    this.setVisible(false);
  }

  // ------------------------------------------------------------------------------ map
  private addLayers(): void {
    if (this.layersAdded) return;
    this.layersAdded = true;
    const m = this.map;
    for (const id of ["p-lab", "p-scenario", "p-comments", "p-pin"]) m.addSource(id, { type: "geojson", data: EMPTY });
    m.addLayer({ id: "p-lab-fill", type: "fill", source: "p-lab", paint: { "fill-color": "#1b5e20", "fill-opacity": 0.06 } });
    m.addLayer({ id: "p-lab-line", type: "line", source: "p-lab", paint: { "line-color": "#1b5e20", "line-width": 3, "line-dasharray": [3, 1.5] } });
    const kind: maplibregl.ExpressionSpecification = ["match", ["get", "kind"], "add_green", "#1b7837", "plant_trees", "#00441b", "add_connection", "#2d004b", "add_dwellings", "#b35806", "#6a3d9a"];
    const polygons: maplibregl.FilterSpecification = ["in", ["geometry-type"], ["literal", ["Polygon", "MultiPolygon"]]];
    const points: maplibregl.FilterSpecification = ["in", ["geometry-type"], ["literal", ["Point", "MultiPoint"]]];
    m.addLayer({ id: "p-scenario-fill", type: "fill", source: "p-scenario", filter: polygons, paint: { "fill-color": kind, "fill-opacity": 0.45 } });
    m.addLayer({ id: "p-scenario-line", type: "line", source: "p-scenario", filter: ["!", points], paint: { "line-color": kind, "line-width": 3 } });
    m.addLayer({ id: "p-scenario-points", type: "circle", source: "p-scenario", filter: points, paint: { "circle-color": kind, "circle-radius": 5, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } });
    const colour = ["match", ["get", "category"], ...CATEGORIES.flatMap((c) => [c, CATEGORY_COLOURS[c]]), "#666666"] as unknown as maplibregl.ExpressionSpecification;
    m.addLayer({ id: "p-comments", type: "circle", source: "p-comments", paint: { "circle-color": colour, "circle-radius": 8, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } });
    m.addLayer({ id: "p-pin", type: "circle", source: "p-pin", paint: { "circle-color": "#111111", "circle-radius": 8, "circle-stroke-color": "#ffeb3b", "circle-stroke-width": 3 } });
    // the layer handler first: while pinning, a click on a comment places the pin, no popup
    m.on("click", "p-comments", (e) => {
      const f = e.features?.[0];
      if (!this.active || this.pinning || !f || f.geometry.type !== "Point") return;
      this.openPopup(f.id as number, f.properties ?? {}, f.geometry.coordinates as [number, number]);
    });
    m.on("click", (e) => {
      if (this.active && this.pinning) this.placePin([e.lngLat.lng, e.lngLat.lat]);
    });
    m.on("mouseenter", "p-comments", () => { if (!this.pinning) m.getCanvas().style.cursor = "pointer"; });
    m.on("mouseleave", "p-comments", () => { if (!this.pinning) m.getCanvas().style.cursor = ""; });
  }

  private setVisible(on: boolean): void {
    for (const id of P_LAYERS) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  }

  private setData(source: string, data: GeoJSON.FeatureCollection): void {
    (this.map.getSource(source) as maplibregl.GeoJSONSource | undefined)?.setData(data);
  }

  private updateMap(): void {
    const lab = this.lab;
    this.setData("p-lab", lab ? { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: lab.geometry }] } : EMPTY);
    const shown = this.shown !== null ? this.details.get(this.shown) : undefined;
    this.setData("p-scenario", { type: "FeatureCollection", features: shown ? readSnapshot(shown.snapshot).features : [] });
    this.setData("p-comments", lab ? this.publicComments : EMPTY);
    this.setData("p-pin", this.pin ? { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: this.pin } }] } : EMPTY);
  }

  private openPopup(id: number, props: Record<string, unknown>, at: [number, number]): void {
    const category = (CATEGORIES as readonly string[]).includes(String(props.category)) ? (props.category as Category) : "other";
    const box = h("div", { class: "comment-popup" });
    box.append(h("strong", {}, t(CATEGORY_KEY[category])));
    box.append(h("p", { class: "comment-text" }, String(props.text ?? "")));
    if (typeof props.created_at === "string") box.append(h("p", { class: "note" }, formatTime(props.created_at)));
    box.append(this.reportControls(id, "popup"));
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ maxWidth: "300px" }).setLngLat(at).setDOMContent(box).addTo(this.map);
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
    return this.lab ? localStorage.getItem(tokenKey(this.lab.id)) : null;
  }

  private async ensureToken(): Promise<string> {
    const lab = this.lab;
    if (!lab) throw new Error("no field lab");
    const have = localStorage.getItem(tokenKey(lab.id));
    if (have) return have;
    const fresh = await papi.newResident(lab.id);
    localStorage.setItem(tokenKey(lab.id), fresh.token);
    return fresh.token;
  }

  private forgetToken(): void {
    if (this.lab) localStorage.removeItem(tokenKey(this.lab.id));
    this.mine = null;
  }

  /** Run a resident call with the token, fetching one first if needed; an unknown token
   * (erased in another browser) is replaced once. */
  private async withToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    const token = await this.ensureToken();
    try {
      return await fn(token);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      this.forgetToken();
      return await fn(await this.ensureToken());
    }
  }

  private async loadMine(): Promise<void> {
    const token = this.token();
    if (!token) {
      this.mine = null;
      return;
    }
    try {
      this.mine = await papi.me(token);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.forgetToken();
      else this.messages.set("mine", { text: errorText(e), error: true });
    }
  }

  private ratingFor(scenario: number): Rating | undefined {
    return this.mine?.ratings.find((r) => r.scenario_id === scenario);
  }

  // ---------------------------------------------------------------------------- render
  private render(): void {
    this.root = h("div", { class: "view participation" });
    if (this.ready) this.root.setAttribute("data-ready", this.ready);
    if (this.mode === "moderation") this.renderModeration(this.root);
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
    card.append(h("h4", {}, s.name));
    if (s.description) card.append(h("p", {}, s.description));
    const snap = readSnapshot(s.snapshot);
    if (snap.interventions.length) card.append(h("p", { class: "note" }, t("pInterventions", { names: snap.interventions.join(", ") })));
    if (snap.rows.length) {
      card.append(h("p", { class: "effects-title" }, t("pEffects")));
      const dl = h("dl", { class: "results" });
      for (const [term, text] of snap.rows) dl.append(h("dt", {}, term), h("dd", {}, text));
      card.append(dl);
    }
    if (snap.equity) card.append(h("p", { class: "note" }, snap.equity));
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

  private ratingForm(sid: number): HTMLFormElement {
    const form = h("form", { class: "rating", id: `rating-${sid}`, novalidate: "" });
    const existing = this.ratingFor(sid);
    form.append(h("p", { class: "rate-title" }, t("pRateTitle")), h("p", { class: "note" }, t("pScale5")));
    for (const c of CRITERIA) {
      const set = h("fieldset", { class: "scale" });
      set.append(h("legend", {}, t(CRITERION_KEY[c])));
      const row = h("div", { class: "scale-options" });
      for (let v = 1; v <= 5; v++) {
        const id = `rate-${sid}-${c}-${v}`;
        const input = h("input", { type: "radio", name: `rate-${sid}-${c}`, value: String(v), id });
        if (existing?.[c] === v) input.checked = true;
        const label = h("label", { for: id });
        label.append(input, document.createTextNode(String(v)));
        row.append(label);
      }
      set.append(row);
      form.append(set);
    }
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
    const values: Partial<RatingIn> = {};
    for (const c of CRITERIA) {
      const picked = form.querySelector<HTMLInputElement>(`input[name="rate-${sid}-${c}"]:checked`);
      if (picked) values[c] = Number(picked.value);
    }
    if (CRITERIA.some((c) => values[c] === undefined)) {
      this.say(where, t("pAnswerAll"), true);
      return;
    }
    const body = values as RatingIn;
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
    const priorValue = (id: string): string => (prior ? String((prior as unknown as Record<string, unknown>)[id] ?? "") : "");
    for (const q of doc.questions) {
      const kind = SURVEY_SCORES[q.id];
      if (!kind) continue; // a question this client does not know yet
      const text = lang() === "nl" ? q.nl : q.en;
      if (kind === "agree") {
        const set = h("fieldset", { class: "scale", id: `survey-${q.id}` });
        set.append(h("legend", {}, text));
        const list = h("div", { class: "scale-options vertical" });
        AGREE_KEYS.forEach((key, i) => {
          const id = `survey-${q.id}-${i + 1}`;
          const input = h("input", { type: "radio", name: `survey-${q.id}`, value: String(i + 1), id });
          if (priorValue(q.id) === String(i + 1)) input.checked = true;
          const label = h("label", { for: id });
          label.append(input, document.createTextNode(`${i + 1} ${t(key)}`));
          list.append(label);
        });
        set.append(list);
        form.append(set);
        continue;
      }
      const select = h("select", { id: `survey-${q.id}`, name: q.id });
      select.append(h("option", { value: "" }, t("pChoose")));
      const options: Array<[string, string]> =
        kind === "buurt" ? doc.buurten.map((b) => [b.code, `${b.name} (${b.code})`])
          : kind === "visits" ? GREEN_VISITS.map((v) => [v, t(VISITS_KEY[v])])
            : Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)]);
      for (const [value, label] of options) {
        const opt = h("option", { value }, label);
        if (priorValue(q.id) === value) opt.selected = true;
        select.append(opt);
      }
      const label = h("label", { class: "field" });
      label.append(h("span", {}, text), select);
      form.append(label);
    }
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
    const answers: Record<string, string | number> = {};
    let missing: HTMLElement | null = null;
    for (const q of doc.questions) {
      const kind = SURVEY_SCORES[q.id];
      if (!kind) continue;
      let value = "";
      if (kind === "agree") value = form.querySelector<HTMLInputElement>(`input[name="survey-${q.id}"]:checked`)?.value ?? "";
      else value = form.querySelector<HTMLSelectElement>(`#survey-${q.id}`)?.value ?? "";
      if (!value) {
        missing ??= form.querySelector<HTMLElement>(`#survey-${q.id}, input[name="survey-${q.id}"]`);
        continue;
      }
      answers[q.id] = kind === "mark" || kind === "agree" ? Number(value) : value;
    }
    if (missing) {
      this.say("survey", t("pAnswerAll"), true);
      missing.focus();
      return;
    }
    const body = answers as unknown as SurveyIn;
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
    const features = this.publicComments.features;
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
      li.append(head, h("p", { class: "comment-text" }, String(props.text ?? "")), this.reportControls(id, "list"));
      ul.append(li);
    }
    sec.append(ul);
    return sec;
  }

  private reportControls(id: number, where: string): HTMLElement {
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

  // ------------------------------------------------------------------------ my input
  private mineSection(): HTMLElement {
    const sec = h("section", { id: "p-mine" });
    sec.append(h("h3", {}, t("pMineTitle")), h("p", { class: "note privacy" }, t("pPrivacy")));
    const mine = this.mine;
    const token = this.token();
    const empty = !mine || (!mine.ratings.length && !mine.comments.length && !mine.survey);
    if (empty) sec.append(h("p", { class: "note", id: "mine-empty" }, t("pNothingYet")));
    if (mine && mine.ratings.length) {
      sec.append(h("h4", {}, t("pMyRatings")));
      const ul = h("ul", { id: "my-ratings", class: "mine-list" });
      for (const r of mine.ratings) {
        const name = this.details.get(r.scenario_id)?.name ?? `#${r.scenario_id}`;
        const li = h("li", { "data-rating": String(r.id) });
        li.append(h("span", {}, t("pRatingLine", { name, green: r.green, health: r.health, safety: r.safety, would_use: r.would_use })));
        li.append(button(t("remove"), { class: "link" }, () => void this.remove("rating", r.id)));
        ul.append(li);
      }
      sec.append(ul);
    }
    if (mine && mine.comments.length) {
      sec.append(h("h4", {}, t("pMyComments")));
      const ul = h("ul", { id: "my-comments", class: "mine-list comment-list" });
      for (const c of mine.comments) {
        const li = h("li", { "data-comment": String(c.id), "data-status": c.status });
        const head = h("p", { class: "comment-head" });
        head.append(h("span", { class: `mstatus mstatus-${c.status}` }, t(STATUS_KEY[c.status])), document.createTextNode(` ${t(CATEGORY_KEY[c.category] ?? "catOther")}`));
        li.append(head, h("p", { class: "comment-text" }, c.text));
        if (c.moderation_reason) li.append(h("p", { class: "note reason" }, t("pReason", { reason: c.moderation_reason })));
        li.append(button(t("remove"), { class: "link" }, () => void this.remove("comment", c.id)));
        ul.append(li);
      }
      sec.append(ul);
    }
    if (mine?.survey) {
      const s = mine.survey;
      const buurt = this.lab?.buurten.find((b) => b.code === s.buurt_code)?.name ?? s.buurt_code;
      sec.append(h("h4", {}, t("pMySurvey")));
      const p = h("p", { id: "my-survey" });
      p.append(h("span", {}, t("pSurveyLine", {
        buurt, satisfaction: s.satisfaction, green_rating: s.green_rating, feels_safe: s.feels_safe,
        neighbour_contact: s.neighbour_contact, visits: t(VISITS_KEY[s.green_visits] ?? "visitsNever"),
      })), button(t("remove"), { class: "link" }, () => void this.remove("survey", s.id)));
      sec.append(p);
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
      localStorage.setItem(tokenKey(lab.id), token);
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
    this.messages.delete("mod");
    try {
      this.staff = papi.maybeLoggedIn() ? await papi.whoami() : null;
    } catch {
      this.staff = null;
    }
    if (this.staff) await this.loadQueue();
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

  private async loadQueue(): Promise<void> {
    try {
      this.queue = await papi.queue();
    } catch (e) {
      this.queue = [];
      if (e instanceof ApiError && e.status === 401) this.staff = null;
      this.messages.set("mod", { text: errorText(e), error: true });
    }
  }

  private renderModeration(root: HTMLElement): void {
    root.classList.add("moderation");
    root.append(h("h2", {}, t("modTitle")));
    root.append(button(t("modBack"), { class: "link", id: "close-moderation" }, () => this.closeModeration()));
    if (!this.staff) {
      const form = h("form", { id: "login-form" });
      const user = h("input", { type: "text", id: "staff-username", autocomplete: "username", required: "", maxlength: "64" });
      const pass = h("input", { type: "password", id: "staff-password", autocomplete: "current-password", required: "", maxlength: "256" });
      for (const [key, input] of [["modUser", user], ["modPassword", pass]] as const) {
        const label = h("label", { class: "field" });
        label.append(h("span", {}, t(key)), input);
        form.append(label);
      }
      const submit = h("button", { type: "submit", id: "staff-login", class: "primary" }, t("modLogin"));
      form.append(submit, this.messageBox("mod"));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        submit.disabled = true;
        papi.login(user.value.trim(), pass.value)
          .then(async ({ staff }) => {
            this.staff = staff;
            this.messages.delete("mod");
            await this.loadQueue();
            this.render();
          })
          .catch((err: unknown) => { this.say("mod", errorText(err), true); submit.disabled = false; });
      });
      root.append(form);
      return;
    }
    root.setAttribute("data-auth", papi.authMode());
    root.append(h("p", { id: "staff-who" }, t("modLoggedIn", { name: this.staff.username, role: this.staff.role })));
    const row = h("div", { class: "buttons" });
    row.append(
      button(t("modRefresh"), { id: "mod-refresh" }, () => void this.loadQueue().then(() => this.render())),
      button(t("modLogout"), { id: "staff-logout" }, () => {
        void papi.logout().catch(() => undefined).then(() => {
          this.staff = null;
          this.queue = [];
          this.messages.delete("mod");
          this.render();
        });
      }),
    );
    root.append(row, h("h3", {}, t("modQueue")), this.messageBox("mod"));
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
    const labName = this.labs.find((l) => l.id === c.field_lab_id)?.name ?? `#${c.field_lab_id}`;
    const dot = h("span", { class: "swatch dot" });
    dot.style.background = CATEGORY_COLOURS[c.category] ?? "#666666";
    const head = h("p", { class: "comment-head" });
    const bits = [t(CATEGORY_KEY[c.category] ?? "catOther"), t(STATUS_KEY[c.status]), t("modLab", { name: labName }), formatTime(c.created_at)];
    if (c.report_count) bits.push(t("modReports", { n: c.report_count }));
    head.append(dot, document.createTextNode(` ${bits.join(" · ")}`));
    li.append(head, h("p", { class: "comment-text" }, c.text));
    if (c.moderation_reason) li.append(h("p", { class: "note" }, t("pReason", { reason: c.moderation_reason })));
    li.append(button(t("modShow"), { class: "link" }, () => {
      const at = c.location.coordinates as [number, number];
      this.pin = at;
      this.updateMap();
      this.map.flyTo({ center: at, zoom: Math.max(this.map.getZoom(), 16), duration: 400 });
    }));
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
            this.messages.set("mod", { text: t("modDone"), error: false });
            await this.loadQueue();
            this.render();
          })
          .catch((e: unknown) => {
            msg.textContent = errorText(e);
            msg.classList.add("error");
            row.querySelectorAll("button").forEach((b) => { b.disabled = false; });
          });
      }));
    }
    li.append(row, msg);
    return li;
  }
}
