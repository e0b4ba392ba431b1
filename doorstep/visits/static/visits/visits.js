// Progressive enhancement for visit safety; every page works without it.
// - Out on a visit: the time left counts down, and the page reloads when it runs out (to show the overdue state).
// - Out on visits now: the board refreshes itself while it is open.
const panel = document.querySelector("[data-expected-back]");
if (panel) {
  const due = new Date(panel.dataset.expectedBack);
  const text = panel.querySelector("[data-countdown]");
  const tick = () => {
    const minutes = Math.floor((due - new Date()) / 60000);
    if (minutes < 0) {
      window.location.reload();
      return;
    }
    if (text) {
      text.textContent = minutes === 1 ? text.dataset.textOne : text.dataset.textMany.replace("__N__", String(minutes));
    }
  };
  tick();
  setInterval(tick, 15000);
}

const board = document.querySelector("[data-refresh]");
if (board) {
  const seconds = Number(board.dataset.refresh || 60);
  setInterval(async () => {
    if (document.hidden) return;
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = html.querySelector("[data-refresh]");
    if (fresh) board.replaceChildren(...fresh.childNodes);
  }, seconds * 1000);
}
