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

// Issue 18: with the worker's consent, the phone's location goes with "I've arrived", "I need help now" and each
// extension, and only then (never tracked in between). A press is never held for long: after data-locate-within
// milliseconds (3 seconds; 1.5 for help) it is sent without a location, and the planned address stands.
for (const form of document.querySelectorAll("form[data-locate]")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.located || !navigator.geolocation) return;
    const consent = form.querySelector("[name=share_location]");
    if (form.dataset.locate === "consent" ? !consent?.checked : form.dataset.locate !== "yes") return;
    event.preventDefault();
    const submitter = event.submitter;
    const send = () => {
      if (form.dataset.located) return;
      form.dataset.located = "yes";
      if (submitter) form.requestSubmit(submitter); else form.requestSubmit();
    };
    const within = Number(form.dataset.locateWithin || 3000);
    const timer = setTimeout(send, within);
    navigator.geolocation.getCurrentPosition((position) => {
      clearTimeout(timer);
      form.elements.latitude.value = String(position.coords.latitude);
      form.elements.longitude.value = String(position.coords.longitude);
      form.elements.accuracy.value = String(position.coords.accuracy);
      send();
    }, () => { clearTimeout(timer); send(); }, { enableHighAccuracy: true, timeout: within, maximumAge: 60000 });
  });
}
