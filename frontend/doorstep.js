// Progressive enhancement only: every page works without this file.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// Session timeout warning: the server ends an idle session after data-session-timeout seconds; warn
// data-session-warning seconds before, and let the person stay signed in without losing what they typed.
const body = document.body;
const timeout = Number(body.dataset.sessionTimeout || 0);
const warnBefore = Number(body.dataset.sessionWarning || 120);
const warning = document.getElementById("session-warning");
if (timeout && warning) {
  let timer;
  const schedule = () => {
    clearTimeout(timer);
    warning.hidden = true;
    timer = setTimeout(() => {
      warning.hidden = false;
      warning.querySelector("button")?.focus();
    }, Math.max(timeout - warnBefore, 5) * 1000);
  };
  warning.querySelector("form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    if (response.ok) schedule();
  });
  schedule();
}
