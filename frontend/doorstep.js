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

// Issue 18: a "Copy" button for a block the person must copy whole (a new partner token). Without scripts the
// block is still selectable; the button appears only when it can work.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(source.textContent.trim());
    const status = document.getElementById(`${button.dataset.copy}-status`);
    if (status) status.textContent = button.dataset.copied;
  });
}

// Issue 18 (WCAG 2.1.1): a table that scrolls sideways in its own box (narrow screens, see doorstep.css) can be
// scrolled from the keyboard, and a screen reader hears what the region is.
const markScrollingTables = () => {
  for (const table of document.querySelectorAll(".govuk-table")) {
    if (table.scrollWidth > table.clientWidth + 1) {
      if (!table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        const name = table.querySelector("caption")?.textContent.trim() || table.previousElementSibling?.textContent.trim();
        if (name && !table.hasAttribute("aria-label")) table.setAttribute("aria-label", name);
      }
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  }
};
markScrollingTables();
window.addEventListener("resize", markScrollingTables);

// GOV.UK Frontend marks a radio or checkbox that reveals more questions with aria-expanded, which ARIA does not allow
// on those roles (axe-core: aria-allowed-attr, critical). The checked state already says it and the revealed
// questions follow it (issue 18), so the attribute is taken off whenever it is set.
for (const input of document.querySelectorAll("input[aria-controls]")) {
  input.removeAttribute("aria-expanded");
  new MutationObserver(() => input.removeAttribute("aria-expanded"))
    .observe(input, { attributes: true, attributeFilter: ["aria-expanded"] });
}
