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

// Issue 18, poor signal (SAF-3, SAF-4): nothing pressed on the visit page is silently lost. Every press goes to the
// server from here; when it cannot get there (no signal), it is kept on this phone (localStorage, so it outlives a
// closed page), the page says "Not sent yet: trying again" with the numbers to phone for help, and it is sent again
// with back-off and as soon as the phone says it is online. Once the server has it, the press is posted once more
// as an ordinary form, with the same key, and the page shows the server's own answer: the server knows the key
// (services._pressed), so the repeat writes nothing and returns the first press's outcome. Without this script the
// forms post as usual.
// What is kept is the form's own fields (the key, the CSRF token, the location if the worker shares it) and which
// button was pressed, never the family's record; it is removed as soon as the server has it.
const QUEUE = "doorstep.visit-presses";
const RETRY_SECONDS = [2, 4, 8, 15, 30, 60];
const notSent = document.getElementById("not-sent");
let retryTimer = null;
let attempt = 0;
let sending = false;

const queued = () => {
  try {
    return JSON.parse(localStorage.getItem(QUEUE) || "[]");
  } catch {
    return [];
  }
};
const keep = (presses) => {
  if (presses.length) localStorage.setItem(QUEUE, JSON.stringify(presses));
  else localStorage.removeItem(QUEUE);
};

const showQueued = () => {
  if (!notSent) return;
  const presses = queued();
  notSent.hidden = presses.length === 0;
  const list = notSent.querySelector("#not-sent-list");
  if (list) {
    list.replaceChildren(...presses.map((press) => {
      const item = document.createElement("li");
      item.textContent = notSent.dataset.textItem.replace("__PRESS__", press.label).replace("__TIME__", press.time);
      return item;
    }));
  }
};

// The server has the press when it answers at all, other than a gateway's "try later". The answer's redirect is
// followed, so that what it says to the worker ("You have reported back safe.") is read there and said once, by the
// answer shown after (showAnswer).
const reached = (response) => ![502, 503, 504].includes(response.status);

const send = (press) => fetch(press.action, {
  method: "POST", body: new URLSearchParams(press.fields), credentials: "same-origin", cache: "no-store",
});

// The server's own answer to a press it already has: the same fields again, as an ordinary form post.
const showAnswer = (press) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = press.action;
  form.hidden = true;
  for (const [name, value] of press.fields) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
};

const retryLater = () => {
  clearTimeout(retryTimer);
  const seconds = RETRY_SECONDS[Math.min(attempt, RETRY_SECONDS.length - 1)];
  attempt += 1;
  retryTimer = setTimeout(flush, seconds * 1000);
};

// Send what is waiting, oldest first; when all has gone, show the server's answer to the last press.
async function flush() {
  if (sending) return;
  let presses = queued();
  if (!presses.length) return;
  sending = true;
  let last = null;
  try {
    while (presses.length) {
      let response;
      try {
        response = await send(presses[0]);
      } catch {
        response = null;  // no signal
      }
      if (!response || !reached(response)) {
        retryLater();
        return;
      }
      last = presses.shift();
      presses = presses.filter((press) => press.key !== last.key);
      keep(presses);
    }
  } finally {
    sending = false;
    showQueued();
  }
  attempt = 0;
  if (last) showAnswer(last);
}

const pressLabel = (form, submitter) =>
  (submitter?.textContent || form.querySelector("button")?.textContent || "").trim().replace(/\s+/g, " ");
const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

for (const form of document.querySelectorAll("form[data-press]")) {
  form.addEventListener("submit", async (event) => {
    // The location script holds a press for a moment and submits it again itself.
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (form.dataset.pressing) return;  // a second tap while the first is on its way
    const submitter = event.submitter;
    const fields = [...new FormData(form)];
    if (submitter?.name) fields.push([submitter.name, submitter.value]);
    // One key per press: the same button again is the same press; another button of the form is a new one.
    const which = submitter?.name ? `${submitter.name}=${submitter.value}` : "";
    const keyField = form.elements.press_key;
    if (keyField && form.dataset.pressed !== undefined && form.dataset.pressed !== which) keyField.value = newKey();
    form.dataset.pressed = which;
    const key = keyField?.value || newKey();
    const at = fields.findIndex(([name]) => name === "press_key");
    if (at >= 0) fields[at] = ["press_key", key]; else fields.push(["press_key", key]);
    const now = new Date();
    const press = { key, action: form.action, fields, label: pressLabel(form, submitter),
                    time: `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}` };
    const waiting = queued().filter((p) => p.key !== key);
    if (waiting.length) {  // presses arrive in the order they were made
      keep([...waiting, press]);
      showQueued();
      attempt = 0;
      flush();
      return;
    }
    form.dataset.pressing = "yes";
    try {
      const response = await send(press);
      if (reached(response)) {
        showAnswer(press);
        return;
      }
    } catch {
      // no signal: kept below
    } finally {
      delete form.dataset.pressing;
    }
    keep([...queued().filter((p) => p.key !== key), press]);
    showQueued();
    attempt = 0;
    retryLater();
  });
}

window.addEventListener("online", () => {
  attempt = 0;
  flush();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) flush();
});
showQueued();
flush();

// The offline page shell: when the server can be reached again and nothing waits, open the page the worker wanted.
// The shell's own address is asked (it holds nobody's data and is no audited read); the service worker lets that
// request through to the network, so an answer means signal.
const shell = document.querySelector("[data-offline-shell]");
if (shell && window.location.pathname !== shell.dataset.offlineShell) {  // shown in place of another page
  let wait = 2;
  let timer = null;
  const probe = async () => {
    clearTimeout(timer);
    try {
      const response = await fetch(shell.dataset.offlineShell, { cache: "no-store", credentials: "same-origin" });
      if (response.ok && !queued().length) {
        window.location.reload();
        return;
      }
    } catch {
      // still no signal
    }
    wait = Math.min(wait * 2, 30);
    timer = setTimeout(probe, wait * 1000);
  };
  window.addEventListener("online", () => {
    wait = 1;
    probe();
  });
  timer = setTimeout(probe, wait * 1000);
}

const worker = document.querySelector("[data-service-worker]");
if (worker && "serviceWorker" in navigator) {
  navigator.serviceWorker.register(worker.dataset.serviceWorker, { scope: worker.dataset.serviceWorkerScope })
    .catch(() => {});  // the page works without it
}
