// Field labs for planners (in the staff part of the Meedoen tab): open a field lab for a wijk of
// the region, with its buurten and period, and change the period of existing ones.

import { client, getJSON, participation as papi, unwrap, type AreaRow, type FieldLab } from "./api";
import { button, errorText, h } from "./dom";
import { t } from "./i18n";
import { labResults } from "./lab-results";
import { formatDay } from "./participation-labels";


type Polygonal = GeoJSON.Polygon | GeoJSON.MultiPolygon;

function isoDay(d: Date): string {
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

export class FieldLabAdmin {
  private wijken: AreaRow[] = [];
  private shapes = new Map<string, Polygonal>();
  private labs: FieldLab[] = [];
  private notice = "";

  /** @param changed called after a field lab was opened or changed (the view reloads its list). */
  constructor(private readonly changed: () => Promise<void>) {}

  /** Load the region's wijken (with their polygons) and the field labs. */
  async load(): Promise<void> {
    if (!this.wijken.length) {
      const [list, shapes] = await Promise.all([
        unwrap(client.GET("/api/areas", { params: { query: { level: "wijk" } } })),
        // GeoJSON (application/geo+json) is typed by @types/geojson, not by a model
        getJSON<GeoJSON.FeatureCollection>("/api/areas.geojson?level=wijk&simplify=0"),
      ]);
      this.wijken = list.areas.slice().sort((a, b) => a.name.localeCompare(b.name));
      for (const f of shapes.features) {
        if (f.geometry.type === "Polygon" || f.geometry.type === "MultiPolygon") this.shapes.set(String(f.id), f.geometry);
      }
    }
    this.labs = await papi.labs();
  }

  /** The section: existing labs with their period, and the form to open one. */
  render(): HTMLElement {
    const sec = h("section", { id: "lab-admin" });
    sec.append(h("h3", {}, t("labsTitle")), h("p", { class: "note" }, t("labsIntro")));
    const msg = h("p", { class: "form-msg", role: "status", id: "lab-admin-msg" }, this.notice);
    this.notice = "";
    const ul = h("ul", { id: "lab-admin-list", class: "mine-list" });
    if (!this.labs.length) ul.append(h("li", { class: "note" }, t("labsNone")));
    for (const lab of this.labs) ul.append(this.labItem(lab, msg));
    sec.append(ul, this.openForm(msg), msg);
    return sec;
  }

  private dateInput(id: string, value: string): HTMLInputElement {
    const input = h("input", { type: "date", id, required: "" });
    input.value = value;
    return input;
  }

  private labItem(lab: FieldLab, msg: HTMLElement): HTMLElement {
    const li = h("li", { "data-lab": String(lab.id) });
    li.append(h("span", {}, `${lab.name} (${lab.area_code}) · ${t("labsPeriod", { from: formatDay(lab.opens_on), to: formatDay(lab.closes_on) })}`));
    const from = this.dateInput(`lab-${lab.id}-opens`, lab.opens_on);
    const to = this.dateInput(`lab-${lab.id}-closes`, lab.closes_on);
    from.setAttribute("aria-label", t("labsOpens"));
    to.setAttribute("aria-label", t("labsCloses"));
    const change = button(t("labsChange"), { class: "link", "data-change": String(lab.id) }, () => {
      papi.patchLab(lab.id, { opens_on: from.value, closes_on: to.value })
        .then(async (out) => {
          this.notice = t("labsChanged", { name: out.name });
          await this.changed();
        })
        .catch((e: unknown) => { msg.textContent = errorText(e); msg.classList.add("error"); });
    });
    const results = h("div", { class: "results-box" });
    const show = button(t("resShow"), { class: "link", "data-results": String(lab.id) }, () => {
      labResults(lab.id)
        .then((sec) => results.replaceChildren(sec))
        .catch((e: unknown) => { results.replaceChildren(h("p", { class: "form-msg error" }, errorText(e))); });
    });
    li.append(from, to, change, show, results);
    return li;
  }

  private openForm(msg: HTMLElement): HTMLFormElement {
    const form = h("form", { id: "lab-open-form" });
    const wijk = h("select", { id: "lab-wijk", required: "" });
    for (const w of this.wijken) wijk.append(h("option", { value: w.code }, `${w.name} (${w.code})`));
    const name = h("input", { type: "text", id: "lab-name", maxlength: "200", required: "" });
    const nameFor = (code: string) => t("labsDefaultName", { wijk: this.wijken.find((w) => w.code === code)?.name ?? code });
    name.value = nameFor(wijk.value);
    wijk.addEventListener("change", () => { name.value = nameFor(wijk.value); });
    const description = h("textarea", { id: "lab-description", maxlength: "2000", rows: "2" });
    const today = new Date();
    const from = this.dateInput("lab-opens", isoDay(today));
    const to = this.dateInput("lab-closes", isoDay(new Date(today.getTime() + 42 * 86_400_000)));
    const fields: Array<["labsWijk" | "labsName" | "labsDescription" | "labsOpens" | "labsCloses", HTMLElement]> = [
      ["labsWijk", wijk], ["labsName", name], ["labsDescription", description], ["labsOpens", from], ["labsCloses", to]];
    for (const [key, input] of fields) {
      const label = h("label", { class: "field" });
      label.append(h("span", {}, t(key)), input);
      form.append(label);
    }
    const submit = button(t("labsCreate"), { type: "submit", id: "lab-create", class: "primary" });
    form.append(submit);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const code = wijk.value;
      const shape = this.shapes.get(code);
      if (!shape) return;
      submit.disabled = true;
      unwrap(client.GET("/api/areas", { params: { query: { level: "buurt", parent: code } } }))
        .then((b) => papi.createLab({
          name: name.value.trim(), description: description.value.trim(), area_code: code,
          geometry_wgs84: shape, buurten: b.areas.map((a) => ({ code: a.code, name: a.name })),
          opens_on: from.value, closes_on: to.value,
        }))
        .then(async (lab) => {
          this.notice = t("labsCreated", { name: lab.name });
          await this.changed();
        })
        .catch((err: unknown) => { msg.textContent = errorText(err); msg.classList.add("error"); })
        .finally(() => { submit.disabled = false; });
    });
    return form;
  }
}
