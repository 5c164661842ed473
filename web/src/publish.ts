// Publishing a Planner scenario into a field lab, so that residents see and rate it in the
// Meedoen tab. Needs a planner or administrator logged in (the staff login of moderation).
// The snapshot is what the Meedoen view reads: the scenario as sent to /api/scenarios/run
// and its result.

import { ApiError, participation as papi, type FieldLab, type ScenarioResult, type StaffInfo } from "./api";
import { button, errorText, h } from "./dom";
import { t } from "./i18n";
import { currentStaff, staffBar, staffLoginForm } from "./staff";

/** A scenario run in the Planner: its name, the body sent to the API and the answer. */
export interface RunScenario {
  name: string;
  scenario: Record<string, unknown>;
  result: ScenarioResult;
}

const PUBLISHERS = new Set(["planner", "admin"]);

export class PublishPanel {
  private staff: StaffInfo | null = null;
  private labs: FieldLab[] = [];
  private checked = false;
  private box: HTMLElement | null = null;
  private run: RunScenario | null = null;

  /** Fill ``box`` with the publish form for ``run`` (login first when needed). */
  async render(box: HTMLElement, run: RunScenario): Promise<void> {
    this.box = box;
    this.run = run;
    if (!this.checked) {
      this.checked = true;
      this.staff = await currentStaff();
      if (this.staff) await this.loadLabs();
    }
    this.draw();
  }

  private async loadLabs(): Promise<void> {
    this.labs = await papi.labs().catch(() => []);
  }

  private draw(): void {
    const box = this.box, run = this.run;
    if (!box || !run) return;
    box.replaceChildren(h("h3", {}, t("publishTitle")), h("p", { class: "note" }, t("publishIntro")));
    if (!this.staff) {
      box.append(staffLoginForm(async (staff) => {
        this.staff = staff;
        await this.loadLabs();
        this.draw();
      }));
      return;
    }
    box.append(...staffBar(this.staff, () => { this.staff = null; this.draw(); }));
    if (!PUBLISHERS.has(this.staff.role)) {
      box.append(h("p", { class: "note" }, t("publishRole", { role: this.staff.role })));
      return;
    }
    if (!this.labs.length) {
      box.append(h("p", { class: "note", id: "publish-no-labs" }, t("publishNoLabs")));
      return;
    }
    const form = h("form", { id: "publish-form" });
    const lab = h("select", { id: "publish-lab" });
    for (const l of this.labs) lab.append(h("option", { value: String(l.id) }, l.name));
    const name = h("input", { type: "text", id: "publish-name", maxlength: "200", required: "" });
    name.value = run.name;
    const description = h("textarea", { id: "publish-description", maxlength: "2000", rows: "3" });
    for (const [key, input] of [["publishLab", lab], ["publishName", name], ["publishDescription", description]] as const) {
      const label = h("label", { class: "field" });
      label.append(h("span", {}, t(key)), input);
      form.append(label);
    }
    const msg = h("p", { class: "form-msg", role: "status", id: "publish-msg" });
    const submit = button(t("publishButton"), { type: "submit", id: "publish-submit", class: "primary" });
    form.append(submit, msg);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      submit.disabled = true;
      const target = this.labs.find((l) => String(l.id) === lab.value);
      if (!target) return;
      papi.publish(target.id, {
        scenario_id: `plan-${run.result.input_hash.slice(0, 16)}`,
        name: name.value.trim() || run.name,
        description: description.value.trim(),
        snapshot: { scenario: run.scenario, result: run.result },
      }).then(() => {
        msg.textContent = t("publishDone", { lab: target.name });
        msg.classList.remove("error");
      }).catch((err: unknown) => {
        const outside = err instanceof ApiError && err.problems.some((p) => p.key === "plan_outside_lab");
        msg.textContent = outside ? t("publishOutsideLab", { lab: target.name }) : errorText(err);
        msg.classList.add("error");
      }).finally(() => { submit.disabled = false; });
    });
    box.append(form);
  }
}
