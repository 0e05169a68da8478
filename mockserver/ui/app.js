// The live state page: reads the control plane's public JSON (/__mock/...) with the tenant's token and
// draws it. Everything shown goes through textContent or setAttribute, never innerHTML: entity fields are
// whatever clients sent. No framework, no build step.
"use strict";

const API = "/__mock";
const PAGE_SIZE = 20;
const POLL_MS = 1000;
const FULL_REFRESH_MS = 5000; // control-plane writes are not journaled, and a running clock moves entities
const JOURNAL_SHOWN = 20;
const NAME_KEYS = ["name", "title", "sms_campaign_id", "sender", "brand_id"];
const TIME_KEYS = ["scheduled_at", "start_at", "created_at", "updated_at", "finished_at"];
const SVG = "http://www.w3.org/2000/svg";

const view = {
  token: null,
  generation: 0,   // bumped when the token changes: answers for an older token are dropped
  marker: null,    // journal's newest seq and count, and the clock: a change means a full refresh
  lastFull: 0,
  offsets: {},     // "provider/collection" -> offset of the page shown
  selected: null,  // {provider, collection, id}
  operations: {},  // provider -> [{operationId, statuses}] (from the coverage report)
  timer: null,
  busy: false,
  forceFull: false,
  machines: null,  // the last state machines read, with their counts
};

// ----------------------------------------------------------------------------------------- helpers

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function say(text, isError) {
  const status = $("status");
  status.textContent = text || "";
  status.className = isError ? "status error" : "status";
}

class Refused extends Error {
  constructor(status, body) {
    super(`${status}: ${body && body.message ? body.message : JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

class Stale extends Error {}

async function call(method, path, body) {
  const generation = view.generation;
  const headers = { Authorization: `Bearer ${view.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(API + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
  });
  const text = await response.text();
  if (generation !== view.generation) throw new Stale();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (_) { parsed = text; }
  if (!response.ok) throw new Refused(response.status, parsed);
  return parsed;
}

const get = (path) => call("GET", path);
const enc = encodeURIComponent;

function short(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// ------------------------------------------------------------------------------------------ token

function openTenant(token) {
  token = (token || "").trim();
  view.generation += 1;
  view.token = token || null;
  view.marker = null;
  view.offsets = {};
  view.selected = null;
  view.machines = null;
  // Nothing of the previous tenant stays on screen.
  clear($("providers"));
  clear(document.querySelector("#journal tbody"));
  clear($("faults"));
  clear($("coverage"));
  $("entity").textContent = "Click a row to see the entity as its provider renders it.";
  $("entity-name").textContent = "";
  $("journal-count").textContent = "";
  $("coverage-summary").textContent = "";
  const shown = Boolean(view.token);
  $("main").hidden = !shown;
  $("clock").hidden = !shown;
  $("reset").hidden = !shown;
  $("token").value = token;
  if (!shown) {
    say("Give the bearer token of the tenant to look at (it is remembered in this browser).");
    return;
  }
  try { localStorage.setItem("mockserver.token", token); } catch (_) { /* private mode: fine */ }
  document.title = "mockserver · live state";
  say("");
  refresh(true);
}

// ----------------------------------------------------------------------------------------- refresh

async function refresh(full) {
  if (!view.token) return;
  if (view.busy) { view.forceFull = view.forceFull || full; return; } // the next poll does it
  full = full || view.forceFull;
  view.forceFull = false;
  view.busy = true;
  try {
    const [clock, journal] = await Promise.all([get("/clock"), get(`/requests?latest=${JOURNAL_SHOWN}`)]);
    drawClock(clock);
    drawJournal(journal);
    const newest = journal.requests.length ? journal.requests[0].seq : 0;
    const marker = `${journal.count}|${newest}|${clock.frozen}|${clock.frozen ? clock.now : ""}`;
    const now = Date.now();
    if (full || marker !== view.marker || now - view.lastFull >= FULL_REFRESH_MS) {
      view.marker = marker;
      view.lastFull = now;
      await refreshState();
    }
    say("");
  } catch (error) {
    if (error instanceof Stale) return;
    view.marker = null; // try everything again next time
    if (error instanceof Refused && error.status === 401) {
      say("This token is refused by the server (401).", true);
    } else {
      say(`Could not read the control plane: ${error.message}`, true);
    }
  } finally {
    view.busy = false;
  }
}

async function refreshState() {
  // The machines' counts pass over every entity (hundreds of ms for 100,000): tables first, counts after.
  const machinesComing = get("/machines");
  machinesComing.catch(() => {}); // awaited below; a failure is reported there
  const [index, coverage, faults] = await Promise.all([get(""), get("/coverage"), get("/faults")]);
  const pages = {};
  await Promise.all(index.providers.flatMap((provider) => provider.collections.map(async (collection) => {
    const key = `${provider.id}/${collection}`;
    const offset = view.offsets[key] || 0;
    pages[key] = await get(`/${enc(provider.id)}/${enc(collection)}?order=newest&offset=${offset}&limit=${PAGE_SIZE}`);
  })));
  drawProviders(index.providers, pages);
  drawCoverage(coverage);
  drawFaults(faults.faults);
  if (view.selected) await showEntity(view.selected, true);
  drawMachines((await machinesComing).providers);
}

// ------------------------------------------------------------------------------------------ clock

function drawClock(clock) {
  $("clock-now").textContent = clock.now;
  $("clock-state").textContent = clock.frozen ? "frozen" : "running";
  $("clock-state").className = clock.frozen ? "badge frozen" : "badge running";
  $("clock-freeze").textContent = clock.frozen ? "Unfreeze" : "Freeze";
  $("clock-freeze").dataset.frozen = clock.frozen ? "true" : "false";
}

async function act(what, action) {
  try {
    await action();
    say(what);
  } catch (error) {
    if (error instanceof Stale) return;
    const reasons = error.body && error.body.details && error.body.details.reasons;
    say(`${what} refused: ${error.message}${reasons ? " (" + reasons.join("; ") + ")" : ""}`, true);
    return;
  }
  await refresh(true);
}

// -------------------------------------------------------------------------------------- providers

function columnsOf(items) {
  const present = new Set(items.flatMap((item) => Object.keys(item)));
  const name = NAME_KEYS.find((key) => present.has(key));
  const times = TIME_KEYS.filter((key) => present.has(key)).slice(0, 3);
  return ["id", ...(present.has("status") ? ["status"] : []), ...(name ? [name] : []), ...times];
}

function drawProviders(providers, pages) {
  const root = $("providers");
  clear(root);
  for (const provider of providers) {
    const section = el("section", { class: "panel provider", "data-provider": provider.id },
      el("h2", {}, provider.title, " ", el("span", { class: "sub" }, provider.base_path)));
    for (const collection of provider.collections) {
      const page = pages[`${provider.id}/${collection}`];
      section.append(drawCollection(provider.id, collection, page));
      // Kept from the last drawing until the fresh counts arrive.
      const machine = view.machines && (view.machines[provider.id] || {})[collection];
      section.append(el("div", { class: "machine-slot", "data-machine": `${provider.id}/${collection}` },
        machine ? drawMachine(provider.id, collection, machine) : null));
    }
    root.append(section);
  }
}

function drawCollection(providerId, collection, page) {
  const key = `${providerId}/${collection}`;
  const columns = columnsOf(page.items);
  const head = el("tr", {}, ...columns.map((column) => el("th", {}, column)));
  const body = el("tbody");
  for (const item of page.items) {
    const id = String(item.id);
    const row = el("tr", { class: "entity-row", "data-id": id, tabindex: 0 },
      ...columns.map((column) => {
        const kind = column === "status" ? `status s-${short(item[column])}`
          : TIME_KEYS.includes(column) ? "time" : column === "id" ? "id" : null;
        return el("td", { class: kind }, short(item[column]));
      }));
    const selected = view.selected;
    if (selected && selected.provider === providerId && selected.collection === collection && selected.id === id) {
      row.classList.add("selected");
    }
    const open = () => showEntity({ provider: providerId, collection, id }, false);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
    body.append(row);
  }
  if (!page.items.length) body.append(el("tr", {}, el("td", { colspan: columns.length, class: "empty" }, "none")));
  const first = page.total ? page.offset + 1 : 0;
  const last = page.offset + page.items.length;
  const prev = el("button", { type: "button", class: "prev" }, "‹ newer");
  const next = el("button", { type: "button", class: "next" }, "older ›");
  prev.disabled = page.offset === 0;
  next.disabled = last >= page.total;
  prev.addEventListener("click", () => { view.offsets[key] = Math.max(0, page.offset - PAGE_SIZE); refresh(true); });
  next.addEventListener("click", () => { view.offsets[key] = page.offset + PAGE_SIZE; refresh(true); });
  return el("div", { class: "collection", "data-collection": key },
    el("div", { class: "collection-head" },
      el("h3", {}, collection),
      el("span", { class: "pager" }, prev, el("span", { class: "range" }, `${first}–${last} of ${page.total}, newest first`), next)),
    el("table", { class: "grid entities" }, el("thead", {}, head), body));
}

function drawMachines(machines) {
  view.machines = machines;
  for (const slot of document.querySelectorAll(".machine-slot")) {
    const [providerId, collection] = slot.dataset.machine.split("/");
    const machine = (machines[providerId] || {})[collection];
    clear(slot);
    if (machine) slot.append(drawMachine(providerId, collection, machine));
  }
}

async function showEntity(target, quiet) {
  view.selected = target;
  for (const row of document.querySelectorAll(".entity-row.selected")) row.classList.remove("selected");
  const section = document.querySelector(`.collection[data-collection="${CSS.escape(target.provider + "/" + target.collection)}"]`);
  if (section) {
    for (const row of section.querySelectorAll(".entity-row")) {
      if (row.dataset.id === target.id) row.classList.add("selected");
    }
  }
  $("entity-name").textContent = `${target.provider} ${target.collection} ${target.id}`;
  try {
    const entity = await get(`/${enc(target.provider)}/${enc(target.collection)}/${enc(target.id)}`);
    $("entity").textContent = JSON.stringify(entity, null, 2);
  } catch (error) {
    if (error instanceof Stale) return;
    if (error instanceof Refused && error.status === 404) {
      $("entity").textContent = "Gone: this entity no longer exists.";
    } else if (!quiet) {
      $("entity").textContent = `Could not read it: ${error.message}`;
    }
  }
}

// --------------------------------------------------------------------------------- state machine

// Statuses on a row in the table's order; a client's moves arc above, the clock's below (dashed).
function drawMachine(providerId, collection, machine) {
  const W = 108, H = 44, GAP = 26, PAD = 14;
  const index = new Map(machine.statuses.map((status, i) => [status, i]));
  const centre = (i) => PAD + i * (W + GAP) + W / 2;
  // One arc per (side, from, to), its actions joined.
  const arcs = new Map();
  for (const move of machine.transitions) {
    const key = `${move.by}|${move.from}|${move.to}`;
    if (!arcs.has(key)) arcs.set(key, { ...move, actions: [] });
    arcs.get(key).actions.push(move.action);
  }
  // Heights apart enough that a longer arc's label clears a shorter one's (and a self-loop's) below it.
  const rise = (arc) => arc.from === arc.to ? 22 : 28 + 20 * Math.abs(index.get(arc.from) - index.get(arc.to));
  const above = [...arcs.values()].filter((arc) => arc.by === "client");
  const below = [...arcs.values()].filter((arc) => arc.by !== "client");
  const top = Math.max(24, ...above.map(rise)) + 18;
  const bottom = Math.max(24, ...below.map(rise)) + 18;
  const width = PAD * 2 + machine.statuses.length * (W + GAP) - GAP;
  const height = top + H + bottom;
  const root = svg("svg", {
    class: "machine", viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "aria-label": `${providerId} ${collection} state machine`,
  });
  const markerId = `arrow-${providerId}-${collection}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const defs = svg("defs");
  for (const [suffix, cls] of [["client", "client"], ["clock", "clock"]]) {
    const marker = svg("marker", {
      id: `${markerId}-${suffix}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: "auto-start-reverse",
    });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: `head ${cls}` }));
    defs.append(marker);
  }
  root.append(defs);
  for (const arc of [...above, ...below]) {
    const up = arc.by === "client";
    const edge = up ? top : top + H;
    const dir = up ? -1 : 1;
    const a = index.get(arc.from), b = index.get(arc.to);
    const h = rise(arc);
    let d, lx, ly;
    if (a === b) {
      const x = centre(a);
      d = `M${x - 14},${edge} C${x - 34},${edge + dir * h * 1.3} ${x + 34},${edge + dir * h * 1.3} ${x + 14},${edge}`;
      lx = x + 34; ly = edge + dir * h * 0.7;
    } else {
      const shift = b > a ? 12 : -12;
      const x1 = centre(a) + shift, x2 = centre(b) - shift;
      d = `M${x1},${edge} Q${(x1 + x2) / 2},${edge + dir * 2 * h} ${x2},${edge}`;
      lx = (x1 + x2) / 2; ly = edge + dir * h + (up ? -4 : 12);
    }
    const group = svg("g", { class: `arc ${up ? "client" : "clock"}` });
    group.append(svg("path", { d, class: "edge", "marker-end": `url(#${markerId}-${up ? "client" : "clock"})` }));
    group.append(svg("text", { x: lx, y: ly, "text-anchor": a === b ? "start" : "middle", class: "action" },
      arc.actions.join(" / ")));
    root.append(group);
  }
  machine.statuses.forEach((status, i) => {
    const count = machine.counts[status] || 0;
    const x = centre(i) - W / 2;
    const node = svg("g", { class: count ? "node occupied" : "node", "data-status": status });
    node.append(svg("rect", { x, y: top, width: W, height: H, rx: 8 }));
    node.append(svg("text", { x: x + W / 2, y: top + 18, "text-anchor": "middle", class: "name" }, status));
    node.append(svg("text", { x: x + W / 2, y: top + 35, "text-anchor": "middle", class: "count" }, String(count)));
    root.append(node);
  });
  return el("figure", { class: "machine-figure" }, root,
    el("figcaption", {}, `${collection}: how many sit in each status · `,
      el("span", { class: "legend client" }, "— a client's call"), " · ",
      el("span", { class: "legend clock" }, "- - the clock")));
}

// ---------------------------------------------------------------------------------------- journal

function drawJournal(journal) {
  const body = document.querySelector("#journal tbody");
  clear(body);
  $("journal-count").textContent = `${journal.count} calls, latest first`;
  for (const entry of journal.requests) {
    const contract = entry.contract.valid ? "kept" : `broken: ${entry.contract.reasons.join("; ")}`;
    body.append(el("tr", { class: entry.fault ? "faulted" : null },
      el("td", {}, entry.seq),
      el("td", { class: "time" }, entry.time),
      el("td", {}, entry.provider),
      el("td", {}, entry.operationId || `${entry.method} ${entry.path}`),
      el("td", { class: `code c${String(entry.status).charAt(0)}` }, entry.dropped ? "dropped" : entry.status),
      el("td", {}, entry.fault || ""),
      el("td", { class: entry.contract.valid ? "ok" : "bad" }, contract)));
  }
  if (!journal.requests.length) body.append(el("tr", {}, el("td", { colspan: 7, class: "empty" }, "no calls yet")));
}

// ----------------------------------------------------------------------------------------- faults

function drawFaults(faults) {
  const list = $("faults");
  clear(list);
  for (const fault of faults) {
    const what = [fault.status ? `answers ${fault.status}` : null, fault.delay_ms ? `waits ${fault.delay_ms} ms` : null,
      fault.drop ? "drops" : null].filter(Boolean).join(", ");
    const remove = el("button", { type: "button", class: "small" }, "remove");
    remove.addEventListener("click", () => act("Fault removed", () => call("DELETE", `/faults/${enc(fault.id)}`)));
    list.append(el("li", {}, el("code", {}, `${fault.provider} ${fault.operationId}`), ` ${what}, `,
      fault.times === null ? "until removed" : `${fault.times} more time${fault.times === 1 ? "" : "s"}`, " ", remove));
  }
  if (!faults.length) list.append(el("li", { class: "empty" }, "no fault armed"));
}

function fillFaultForm() {
  const providerSelect = $("fault-provider");
  const chosen = providerSelect.value;
  const ids = Object.keys(view.operations);
  if (providerSelect.options.length !== ids.length) {
    clear(providerSelect);
    for (const id of ids) providerSelect.append(el("option", { value: id }, id));
    if (ids.includes(chosen)) providerSelect.value = chosen;
    fillOperations();
  }
}

function fillOperations() {
  const operations = view.operations[$("fault-provider").value] || [];
  const select = $("fault-operation");
  const chosen = select.value;
  clear(select);
  for (const op of operations) select.append(el("option", { value: op.operationId }, op.operationId));
  if (operations.some((op) => op.operationId === chosen)) select.value = chosen;
  fillStatuses();
}

function fillStatuses() {
  const operations = view.operations[$("fault-provider").value] || [];
  const op = operations.find((o) => o.operationId === $("fault-operation").value);
  const select = $("fault-status");
  clear(select);
  for (const status of op ? op.statuses : []) select.append(el("option", { value: status }, status));
}

// --------------------------------------------------------------------------------------- coverage

function drawCoverage(report) {
  view.operations = {};
  for (const [pid, body] of Object.entries(report.providers)) {
    view.operations[pid] = body.operations.map((row) => ({
      operationId: row.operationId,
      statuses: Object.keys(row.outcomes).map(Number).filter((s) => s >= 400),
    })).filter((op) => op.statuses.length);
  }
  fillFaultForm();
  const total = report.summary;
  $("coverage-summary").textContent =
    `${total.outcomes.exercised}/${total.outcomes.documented} outcomes · ` +
    `${total.transitions.exercised}/${total.transitions.total} transitions`;
  const root = $("coverage");
  clear(root);
  for (const [pid, body] of Object.entries(report.providers)) {
    const s = body.summary;
    const rows = el("tbody");
    for (const row of body.operations) {
      const outcomes = el("td", { class: "outcomes" });
      for (const [status, count] of Object.entries(row.outcomes)) {
        outcomes.append(el("span", { class: count ? "chip hit" : "chip" }, count ? `${status}×${count}` : status), " ");
      }
      rows.append(el("tr", {}, el("td", {}, row.operationId), outcomes));
    }
    const moves = el("tbody");
    for (const row of body.transitions) {
      moves.append(el("tr", { class: row.count ? "hit" : null },
        el("td", {}, `${row.collection}: ${row.action}`), el("td", {}, `${row.from} → ${row.to === null ? "refused" : row.to}`),
        el("td", {}, row.count)));
    }
    root.append(el("details", { "data-provider": pid },
      el("summary", {}, el("b", {}, pid), ` ${s.outcomes.exercised}/${s.outcomes.documented} outcomes, ` +
        `${s.transitions.exercised}/${s.transitions.total} transitions`),
      el("table", { class: "grid compact" }, rows),
      body.transitions.length ? el("table", { class: "grid compact" }, moves) : null));
  }
}

// ------------------------------------------------------------------------------------------ start

function poll() {
  clearTimeout(view.timer);
  refresh(false).finally(() => { view.timer = setTimeout(poll, POLL_MS); });
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (event) => { event.preventDefault(); openTenant($("token").value); });
  $("clock-freeze").addEventListener("click", () => {
    const frozen = $("clock-freeze").dataset.frozen === "true";
    act(frozen ? "Clock running" : "Clock frozen", () => call("POST", "/clock", { freeze: !frozen }));
  });
  $("clock-set-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const when = $("clock-set").value.trim();
    act(`Clock set to ${when}`, () => call("POST", "/clock", { now: when }));
  });
  $("clock-advance-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = Number($("clock-advance").value);
    act(`Clock advanced ${seconds} s`, () => call("POST", "/clock", { advance: seconds }));
  });
  $("reset").addEventListener("click", () => {
    view.offsets = {};
    view.selected = null;
    $("entity").textContent = "Click a row to see the entity as its provider renders it.";
    $("entity-name").textContent = "";
    act("Tenant reset to its fixtures", () => call("POST", "/reset"));
  });
  $("fault-provider").addEventListener("change", fillOperations);
  $("fault-operation").addEventListener("change", fillStatuses);
  $("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      provider: $("fault-provider").value, operationId: $("fault-operation").value,
      status: Number($("fault-status").value), times: Number($("fault-times").value) || 1,
    };
    act(`Fault armed on ${body.operationId}`, () => call("POST", "/faults", body));
  });
  const given = new URLSearchParams(location.search).get("token");
  let remembered = null;
  try { remembered = localStorage.getItem("mockserver.token"); } catch (_) { /* none */ }
  if (given !== null) history.replaceState(null, "", location.pathname); // keep the token out of the address bar
  openTenant(given !== null ? given : remembered);
  poll();
});
