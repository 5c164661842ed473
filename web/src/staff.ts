// Staff login form, shared by moderation (Meedoen tab) and publishing from the Planner.
// The login sets the HttpOnly session cookie and the CSRF cookie (api.ts, participation).

import { participation as papi, type StaffInfo } from "./api";
import { button, errorText, h } from "./dom";
import { t } from "./i18n";

/** A user-name/password form; calls ``onLoggedIn`` with who logged in. */
export function staffLoginForm(onLoggedIn: (staff: StaffInfo) => void | Promise<void>): HTMLFormElement {
  const form = h("form", { id: "login-form" });
  const user = h("input", { type: "text", id: "staff-username", autocomplete: "username", required: "", maxlength: "64" });
  const pass = h("input", { type: "password", id: "staff-password", autocomplete: "current-password", required: "", maxlength: "256" });
  for (const [key, input] of [["modUser", user], ["modPassword", pass]] as const) {
    const label = h("label", { class: "field" });
    label.append(h("span", {}, t(key)), input);
    form.append(label);
  }
  const submit = h("button", { type: "submit", id: "staff-login", class: "primary" }, t("modLogin"));
  const msg = h("p", { class: "form-msg", role: "status", "data-msg": "login" });
  form.append(submit, msg);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit.disabled = true;
    papi.login(user.value.trim(), pass.value)
      .then(({ staff }) => onLoggedIn(staff))
      .catch((err: unknown) => {
        msg.textContent = errorText(err);
        msg.classList.add("error");
        submit.disabled = false;
      });
  });
  return form;
}

/** Who is logged in (null when nobody is, or the session has ended). */
export async function currentStaff(): Promise<StaffInfo | null> {
  try {
    return papi.maybeLoggedIn() ? await papi.whoami() : null;
  } catch {
    return null;
  }
}

/** "Logged in as …" and a logout button. */
export function staffBar(staff: StaffInfo, onLoggedOut: () => void, extra: HTMLElement[] = []): HTMLElement[] {
  const who = h("p", { id: "staff-who" }, t("modLoggedIn", { name: staff.username, role: staff.role }));
  const row = h("div", { class: "buttons" });
  row.append(...extra, button(t("modLogout"), { id: "staff-logout" }, () => {
    void papi.logout().catch(() => undefined).then(onLoggedOut);
  }));
  return [who, row];
}
