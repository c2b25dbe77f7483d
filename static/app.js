// Shows stored UTC times in the viewer's time zone: the zone the server names (a supplier's
// people read their supplier's zone, named), else the browser's. The server's text is the same
// time in that zone or in UTC, named.
document.addEventListener("DOMContentLoaded", () => {
  // In the page's language (a supplier's person may read another language than the browser's).
  const locale = document.documentElement.lang || undefined;
  const opts = { dateStyle: "medium", timeStyle: "short" };
  const local = new Intl.DateTimeFormat(locale, opts);
  const zoned = {};
  for (const el of document.querySelectorAll("time[datetime]")) {
    const d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) continue;
    const zone = el.dataset.zone;
    let fmt = local;
    if (zone) {
      try {
        fmt = zoned[zone] || (zoned[zone] = new Intl.DateTimeFormat(locale, {
          year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
          timeZone: zone, timeZoneName: "short",
        }));
      } catch (e) { continue; /* a zone this browser does not know: keep the server's text */ }
    }
    el.title = el.textContent;
    el.textContent = fmt.format(d);
  }
  // The browser's zone, read at sign-in: the times in this person's mail are written in it.
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz) document.cookie = `podgate_tz=${encodeURIComponent(tz)}; path=/; SameSite=Lax; max-age=31536000${location.protocol === "https:" ? "; Secure" : ""}`;
  } catch (e) { /* no Intl: mail stays in UTC */ }
  const link = document.getElementById("invite-link");
  if (link) { link.addEventListener("focus", () => link.select()); }
});

// Live sync progress on the shops page: polls the status while any shop is syncing.
(function () {
  const table = document.getElementById("shops");
  if (!table) return;
  let wasRunning = false;
  const retried = (p) => p.retries ? ` · ${p.retries} API call${p.retries === 1 ? "" : "s"} retried (last: ${p.last_retry})` : "";
  async function poll() {
    let data;
    try { data = await (await fetch("/shops/sync-status", { headers: { accept: "application/json" } })).json(); }
    catch (e) { setTimeout(poll, 3000); return; }
    let running = false;
    for (const s of data.shops) {
      const row = table.querySelector(`tr[data-shop="${s.id}"]`);
      if (!row) continue;
      const bar = row.querySelector(".sync-progress"), text = row.querySelector(".sync-text");
      const p = s.progress;
      if (p && p.running) {
        running = true;
        bar.hidden = false;
        bar.max = Math.max(p.total, p.fetched, 1);
        bar.value = p.fetched;
        text.textContent = `${p.fetched} of ${p.total || "?"} orders (${p.created} new)` + retried(p);
      } else if (p) {
        bar.hidden = true;
        text.textContent = p.elsewhere
          ? "another podgate process is syncing this shop; its orders appear as it goes"
          : (p.error ? `failed: ${p.error}` : `done: ${p.fetched} orders read, ${p.created} new, ${p.changed} changed`) + retried(p);
      }
    }
    if (wasRunning && !running) { location.reload(); return; }
    wasRunning = running;
    setTimeout(poll, running ? 700 : 5000);
  }
  poll();
})();

// The catalog's routing pass after a change, live; the page reloads (fresh unrouted queue) once done.
(function () {
  const box = document.getElementById("routing");
  if (!box) return;
  const bar = document.getElementById("routing-bar"), text = document.getElementById("routing-text");
  async function poll() {
    try {
      const data = await (await fetch("/catalog/routing", { headers: { accept: "application/json" } })).json();
      if (!data.pending) { location.reload(); return; }
      const p = data.progress;
      bar.max = p.total;
      bar.value = p.routed;
      text.textContent = `${p.routed} of ${p.total} orders routed (${p.percent}%)`;
    } catch (e) { /* offline for a moment: try again */ }
    setTimeout(poll, 700);
  }
  setTimeout(poll, 700);
})();

// The first page of the orders list refreshes itself, so new orders appear without a click.
(function () {
  const table = document.getElementById("orders");
  if (!table || !table.dataset.live) return;
  setInterval(async () => {
    if (document.hidden || document.activeElement && document.activeElement.closest("form")) return;
    try {
      const html = await (await fetch(location.href, { headers: { accept: "text/html" } })).text();
      const fresh = new DOMParser().parseFromString(html, "text/html").querySelector("#orders tbody");
      if (fresh) table.querySelector("tbody").replaceWith(fresh);
    } catch (e) { /* offline for a moment: try again next time */ }
  }, 10000);
})();

// Label job progress, live from server-sent events; the page reloads once the job is done.
(function () {
  const box = document.getElementById("job");
  if (!box || box.dataset.remaining === "0") return;
  const bar = document.getElementById("job-bar"), text = document.getElementById("job-text"), rate = document.getElementById("job-rate");
  const es = new EventSource(`/labels/jobs/${box.dataset.job}/events`);
  const failures = document.getElementById("job-failures");
  let first = null;
  es.addEventListener("progress", (ev) => {
    const { progress: p, elapsed_s } = JSON.parse(ev.data);
    const finished = p.done + p.failed + p.cancelled;
    bar.max = Math.max(p.total, 1);
    bar.value = finished;
    text.textContent = `${p.done} bought, ${p.failed} failed, ${p.cancelled ? p.cancelled + " cancelled, " : ""}${p.remaining} remaining of ${p.total}.`;
    // The rate counts only what finished while this page watched, so coming back is honest.
    if (first === null) first = { n: finished, t: elapsed_s };
    const perSec = (finished - first.n) / Math.max(elapsed_s - first.t, 0.001);
    const retries = document.getElementById("job-retries");
    if (retries && p.retries) retries.textContent = `TikTok needed ${p.retries} retried call${p.retries === 1 ? "" : "s"} (last: ${p.last_retry}).`;
    rate.textContent = perSec > 0 && p.remaining > 0 ? `${perSec.toFixed(1)} labels/s · about ${Math.ceil(p.remaining / perSec)} s left` : "";
    if (failures) {
      failures.replaceChildren(...p.failures.slice(0, 50).map(([id, why]) => {
        const li = document.createElement("li");
        li.textContent = `Package ${id}: ${why}`;
        return li;
      }));
    }
    if (p.remaining === 0) { es.close(); location.reload(); }
  });
  es.onerror = () => { es.close(); setTimeout(() => location.reload(), 3000); };
})();

// "Select all" on the orders list.
(function () {
  const all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", () => {
    for (const box of document.querySelectorAll('#orders input[name="order"]')) box.checked = all.checked;
  });
})();

// The packing bench (scan to verify): each scan is checked without leaving the page, so the
// sound is allowed (the scanner's keystrokes count as the person's own), then a short high beep
// when a ticket and its label match and a long low buzz when not. Without script, the form
// posts and the page answers the same way, silently.
(function () {
  const box = document.getElementById("verify-result");
  if (!box) return;
  let audio = null;
  function sound(outcome) {
    if (!outcome) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const ok = outcome === "success";
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = ok ? "sine" : "square";
      osc.frequency.value = ok ? 1320 : 180;
      gain.gain.value = ok ? 0.2 : 0.6;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (ok ? 0.12 : 0.8));
    } catch (e) { /* no sound here: the colour says it */ }
  }
  async function submit(ev) {
    const form = ev.target.closest("form");
    if (!form || !box.contains(form)) return;
    ev.preventDefault();
    try {
      const r = await fetch(form.action, { method: "POST", body: new FormData(form) });
      const next = new DOMParser().parseFromString(await r.text(), "text/html");
      const fresh = next.getElementById("verify-result");
      if (!fresh) { location.href = r.url; return; }
      box.innerHTML = fresh.innerHTML;
      box.dataset.outcome = fresh.dataset.outcome || "";
      history.replaceState(null, "", r.url);
      sound(fresh.dataset.outcome);
      const input = document.getElementById("f-code");
      if (input) input.focus();
    } catch (e) { form.submit(); }
  }
  box.addEventListener("submit", submit);
})();
