// Shows stored UTC times in the viewer's own time zone; the server renders UTC as a fallback.
document.addEventListener("DOMContentLoaded", () => {
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const el of document.querySelectorAll("time[datetime]")) {
    const d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) { el.title = el.textContent; el.textContent = fmt.format(d); }
  }
  const link = document.getElementById("invite-link");
  if (link) { link.addEventListener("focus", () => link.select()); }
});
