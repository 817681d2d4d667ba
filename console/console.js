// The Sluice admin console: a small script over /admin/api, shipped inside the sluice binary.
// Every request carries the session's CSRF token; the session itself is an HttpOnly cookie.
"use strict";

const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const pageName = document.body.dataset.page;
const root = document.getElementById("page");
const notice = document.getElementById("notice");

// ---------------------------------------------------------------- helpers

/** An element: el("td", {class: "num"}, "42"). Text is always text, never markup. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  return appendChildren(node, children);
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  return appendChildren(node, children);
}

/** Appends children, nested lists flattened; null, undefined and false (a condition not met) add nothing. */
function appendChildren(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class APIError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls the admin API; a lost session goes back to the sign-in page. */
async function api(method, path, body) {
  const headers = { Accept: "application/json", "X-CSRF-Token": csrfToken };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch("/admin/api" + path, init);
  if (response.status === 401) {
    window.location.assign("/admin/login");
    throw new APIError(401, "signed out");
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (_) {
    json = null;
  }
  if (!response.ok) {
    const message = (json && json.error && (json.error.message || json.error)) || response.statusText || "request failed";
    throw new APIError(response.status, String(message));
  }
  return json;
}

/** The list in an API answer, whether bare or under `field`. */
function listOf(answer, field) {
  if (Array.isArray(answer)) return answer;
  if (answer && Array.isArray(answer[field])) return answer[field];
  if (answer && Array.isArray(answer.data)) return answer.data;
  return [];
}

function say(message, isError) {
  notice.textContent = message;
  notice.className = isError ? "notice error" : "notice";
  notice.hidden = false;
}

function clearNotice() {
  notice.hidden = true;
  notice.textContent = "";
}

/** Runs an action from a button, disabling it meanwhile and reporting failures. */
async function act(button, action) {
  if (button) button.disabled = true;
  clearNotice();
  try {
    await action();
  } catch (error) {
    if (!(error instanceof APIError && error.status === 401)) say(error.message, true);
  } finally {
    if (button) button.disabled = false;
  }
}

function when(value) {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function dollars(value) {
  if (value === null || value === undefined) return "—";
  const amount = Number(value);
  return "$" + (amount < 1 && amount > 0 ? amount.toFixed(4) : amount.toFixed(2));
}

function count(value) {
  return Number(value || 0).toLocaleString();
}

function table(headers, rows, caption) {
  return el("div", { class: "table-wrap" },
    el("table", {},
      caption ? el("caption", { class: "muted" }, caption) : null,
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", class: h.num ? "num" : null }, h.label || h)))),
      el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: headers.length, class: "muted" }, "Nothing yet.")))));
}

function field(label, input, hint) {
  const id = input.id || "f-" + Math.random().toString(36).slice(2);
  input.id = id;
  return el("div", {}, el("label", { for: id }, label), input, hint ? el("p", { class: "hint" }, hint) : null);
}

function formData(form) {
  const values = {};
  for (const [name, value] of new FormData(form).entries()) values[name] = typeof value === "string" ? value.trim() : value;
  return values;
}

/** A modal dialog with a form; resolves with its values, or null when cancelled. */
function ask(title, fields, submitLabel) {
  return new Promise((resolve) => {
    const form = el("form", { method: "dialog" },
      el("h2", {}, title), fields,
      el("div", { class: "actions" },
        el("button", { type: "submit", value: "ok" }, submitLabel || "Save"),
        el("button", { type: "submit", value: "cancel", class: "secondary", formnovalidate: true }, "Cancel")));
    const dialog = el("dialog", { "aria-label": title }, form);
    dialog.addEventListener("close", () => {
      const values = dialog.returnValue === "ok" ? formData(form) : null;
      dialog.remove();
      resolve(values);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

function optionalNumber(text) {
  if (text === undefined || text === null || text === "") return null;
  const number = Number(text);
  if (!Number.isFinite(number) || number < 0) throw new Error("“" + text + "” is not a number of dollars");
  return number;
}

function modelList(text) {
  return (text || "").split(",").map((m) => m.trim()).filter(Boolean);
}

// ---------------------------------------------------------------- keys

function secretPanel(name, secret) {
  const output = el("output", { id: "new-secret", "aria-label": "Key secret" }, secret);
  const copy = el("button", { type: "button", id: "copy-secret" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents(output);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    }
    copy.textContent = "Copied";
  });
  return el("div", { class: "secret", role: "region", "aria-label": "New key secret" },
    el("p", {}, el("strong", {}, "Key “" + name + "”: "), "copy it now. It is shown only this once and cannot be shown again."),
    output, copy,
    el("button", { type: "button", class: "secondary", onclick: (event) => event.target.closest(".secret").remove() }, "Done"));
}

function keyStatus(key) {
  const status = key.status || (key.revoked_at ? "revoked" : "active");
  const kind = status === "active" ? "ok" : "bad";
  return el("span", { class: "badge " + kind }, status);
}

async function keysPage() {
  const [keysAnswer, teamsAnswer] = await Promise.all([api("GET", "/keys"), api("GET", "/teams").catch(() => [])]);
  const keys = listOf(keysAnswer, "keys");
  const teams = listOf(teamsAnswer, "teams");
  const teamOptions = () => [el("option", { value: "" }, "(none)"), ...teams.map((t) => el("option", { value: t.name }, t.name))];

  const createForm = el("form", { class: "panel", id: "create-key" },
    el("h2", {}, "Create a key"),
    el("div", { class: "fields" },
      field("Name", el("input", { name: "name", required: true, autocomplete: "off" })),
      field("Role", el("select", { name: "role" }, el("option", { value: "user" }, "user (model API)"), el("option", { value: "admin" }, "admin (console and admin API)"))),
      field("Team", el("select", { name: "team" }, teamOptions())),
      field("Budget (USD)", el("input", { name: "budget", inputmode: "decimal", placeholder: "none" })),
      field("Budget period", el("select", { name: "period" }, ["month", "week", "day"].map((p) => el("option", { value: p }, p)))),
      field("Models", el("input", { name: "models", placeholder: "all; or claude-*,gpt-4o" }))),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Create key")));
  createForm.addEventListener("submit", (event) => {
    event.preventDefault();
    act(event.submitter, async () => {
      const values = formData(createForm);
      const body = { name: values.name, role: values.role, models: modelList(values.models) };
      if (values.team) body.team = values.team;
      const budget = optionalNumber(values.budget);
      if (budget !== null) {
        body.budget_usd = budget;
        body.budget_period = values.period;
      }
      const answer = await api("POST", "/keys", body);
      const created = answer.key && typeof answer.key === "object" ? answer.key : answer;
      const secret = answer.secret || (typeof answer.key === "string" ? answer.key : created.key);
      await render();
      root.prepend(secretPanel(created.name || values.name, secret));
      document.getElementById("copy-secret").focus();
    });
  });

  const rows = keys.map((key) => {
    const active = (key.status || "active") === "active";
    const edit = el("button", { type: "button", class: "small secondary", "aria-label": "Edit " + key.name }, "Edit");
    edit.addEventListener("click", () => act(edit, async () => {
      const values = await ask("Edit “" + key.name + "”", [
        field("Team", (() => { const s = el("select", { name: "team" }, teamOptions()); s.value = key.team || ""; return s; })()),
        field("Budget (USD)", el("input", { name: "budget", inputmode: "decimal", value: key.budget_usd ?? "", placeholder: "none" })),
        field("Budget period", (() => { const s = el("select", { name: "period" }, ["month", "week", "day"].map((p) => el("option", { value: p }, p))); s.value = key.budget_period || "month"; return s; })()),
        field("Models", el("input", { name: "models", value: (key.models || []).join(","), placeholder: "all" }), "Comma-separated globs; empty allows every model."),
      ]);
      if (!values) return;
      const budget = optionalNumber(values.budget);
      const body = { team: values.team || null, models: modelList(values.models), budget_usd: budget };
      if (budget !== null) body.budget_period = values.period;
      await api("PATCH", "/keys/" + encodeURIComponent(key.name), body);
      await render();
      say("Key “" + key.name + "” updated.");
    }));
    const rotate = el("button", { type: "button", class: "small secondary", "aria-label": "Rotate " + key.name, disabled: !active }, "Rotate");
    rotate.addEventListener("click", () => act(rotate, async () => {
      const values = await ask("Rotate “" + key.name + "”", [
        field("Grace period", el("input", { name: "grace", value: "10m" }), "The old secret keeps working this long (e.g. 0s, 10m, 24h)."),
      ], "Rotate");
      if (!values) return;
      const answer = await api("POST", "/keys/" + encodeURIComponent(key.name) + "/rotate", { grace: values.grace || "0s" });
      const secret = answer.secret || (typeof answer.key === "string" ? answer.key : answer.key && answer.key.key);
      await render();
      root.prepend(secretPanel(key.name, secret));
      document.getElementById("copy-secret").focus();
    }));
    const revoke = el("button", { type: "button", class: "small danger", "aria-label": "Revoke " + key.name, disabled: !active }, "Revoke");
    revoke.addEventListener("click", () => act(revoke, async () => {
      if (!window.confirm("Revoke “" + key.name + "”? Requests with it are refused from now on.")) return;
      await api("POST", "/keys/" + encodeURIComponent(key.name) + "/revoke");
      await render();
      say("Key “" + key.name + "” revoked.");
    }));
    return el("tr", { "data-key": key.name },
      el("th", { scope: "row" }, key.name),
      el("td", {}, el("code", {}, (key.prefix || "") + "…")),
      el("td", {}, key.role === "admin" ? el("span", { class: "badge admin" }, "admin") : "user"),
      el("td", {}, keyStatus(key)),
      el("td", {}, key.team || "—"),
      el("td", {}, key.budget_usd === null || key.budget_usd === undefined ? "—" : dollars(key.budget_usd) + "/" + (key.budget_period || "month")),
      // An admin key reaches the model API only through models it was given.
      el("td", {}, (key.models || []).length ? key.models.join(", ") : key.role === "admin" ? "none" : "all"),
      el("td", { class: "nowrap" }, when(key.created_at)),
      el("td", { class: "nowrap" }, when(key.last_used_at)),
      el("td", {}, el("div", { class: "actions" }, edit, rotate, revoke)));
  });
  root.replaceChildren(createForm,
    el("h2", {}, "Keys"),
    table(["Name", "Prefix", "Role", "Status", "Team", "Budget", "Models", "Created", "Last used", "Actions"], rows));
}

// ---------------------------------------------------------------- teams

async function teamsPage() {
  const [teamsAnswer, budgetsAnswer] = await Promise.all([api("GET", "/teams"), api("GET", "/budgets").catch(() => [])]);
  const teams = listOf(teamsAnswer, "teams");
  const spent = new Map(listOf(budgetsAnswer, "budgets").filter((b) => b.scope === "team").map((b) => [b.name, b.spent_usd]));
  const createForm = el("form", { class: "panel", id: "create-team" },
    el("h2", {}, "Create a team"),
    el("div", { class: "fields" },
      field("Name", el("input", { name: "name", required: true, autocomplete: "off" })),
      field("Policy", el("input", { name: "policy", placeholder: "the default" })),
      field("Budget (USD)", el("input", { name: "budget", inputmode: "decimal", placeholder: "none" })),
      field("Budget period", el("select", { name: "period" }, ["month", "week", "day"].map((p) => el("option", { value: p }, p))))),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Create team")));
  createForm.addEventListener("submit", (event) => {
    event.preventDefault();
    act(event.submitter, async () => {
      const values = formData(createForm);
      const body = { name: values.name };
      if (values.policy) body.policy = values.policy;
      const budget = optionalNumber(values.budget);
      if (budget !== null) {
        body.budget_usd = budget;
        body.budget_period = values.period;
      }
      await api("POST", "/teams", body);
      await render();
      say("Team “" + values.name + "” created.");
    });
  });
  const rows = teams.map((team) => {
    const edit = el("button", { type: "button", class: "small secondary", "aria-label": "Edit " + team.name }, "Edit");
    edit.addEventListener("click", () => act(edit, async () => {
      const values = await ask("Edit team “" + team.name + "”", [
        field("Policy", el("input", { name: "policy", value: team.policy || "", placeholder: "the default" })),
        field("Budget (USD)", el("input", { name: "budget", inputmode: "decimal", value: team.budget_usd ?? "", placeholder: "none" })),
        field("Budget period", (() => { const s = el("select", { name: "period" }, ["month", "week", "day"].map((p) => el("option", { value: p }, p))); s.value = team.budget_period || "month"; return s; })()),
      ]);
      if (!values) return;
      const budget = optionalNumber(values.budget);
      const body = { policy: values.policy || null, budget_usd: budget };
      if (budget !== null) body.budget_period = values.period;
      await api("PATCH", "/teams/" + encodeURIComponent(team.name), body);
      await render();
      say("Team “" + team.name + "” updated.");
    }));
    const remove = el("button", { type: "button", class: "small danger", "aria-label": "Remove " + team.name }, "Remove");
    remove.addEventListener("click", () => act(remove, async () => {
      if (!window.confirm("Remove team “" + team.name + "”?")) return;
      await api("DELETE", "/teams/" + encodeURIComponent(team.name));
      await render();
      say("Team “" + team.name + "” removed.");
    }));
    return el("tr", {},
      el("th", { scope: "row" }, team.name),
      el("td", {}, team.policy || "(default)"),
      el("td", {}, team.budget_usd === null || team.budget_usd === undefined ? "—" : dollars(team.budget_usd) + "/" + (team.budget_period || "month")),
      el("td", { class: "num" }, spent.has(team.name) ? dollars(spent.get(team.name)) : "—"),
      el("td", {}, when(team.created_at)),
      el("td", {}, el("div", { class: "actions" }, edit, remove)));
  });
  root.replaceChildren(createForm, el("h2", {}, "Teams"),
    table(["Name", "Policy", "Budget", { label: "Spent this period", num: true }, "Created", "Actions"], rows));
}

// ---------------------------------------------------------------- usage

const seriesClasses = 8;

/** Stacked bars over days: `series` is [{name, values: {day: number}}]. */
function stackedBarChart(title, days, series, format) {
  const width = 960, height = 300, left = 64, right = 16, top = 16, bottom = 40;
  const totals = days.map((day) => series.reduce((sum, s) => sum + (s.values[day] || 0), 0));
  const maximum = Math.max(...totals, 0) || 1;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const slot = plotWidth / Math.max(days.length, 1);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  for (let step = 0; step <= 4; step++) {
    const y = top + plotHeight - (plotHeight * step) / 4;
    chart.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: y, y2: y }));
    chart.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, format((maximum * step) / 4)));
  }
  chart.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: top + plotHeight, y2: top + plotHeight }));
  const labelEvery = Math.ceil(days.length / 12);
  days.forEach((day, index) => {
    const x = left + slot * index + (slot - barWidth) / 2;
    let y = top + plotHeight;
    series.forEach((s, seriesIndex) => {
      const value = s.values[day] || 0;
      if (!value) return;
      const h = (value / maximum) * plotHeight;
      y -= h;
      chart.append(svg("rect", { class: "s" + (seriesIndex % seriesClasses), x, y, width: barWidth, height: Math.max(h, 0.5) },
        svg("title", {}, `${s.name}, ${day}: ${format(value)}`)));
    });
    if (index % labelEvery === 0) {
      chart.append(svg("text", { x: x + barWidth / 2, y: height - bottom + 16, "text-anchor": "middle" }, day.slice(5)));
    }
  });
  const legend = el("ul", { class: "legend" },
    series.map((s, index) => el("li", {}, el("span", { class: "swatch s" + (index % seriesClasses), "aria-hidden": "true" }), s.name)));
  return el("figure", { class: "panel" }, el("figcaption", {}, el("strong", {}, title)), chart, legend);
}

/** The periods a chart of the last `days` days has: days, or weeks past a month. */
function buckets(days) {
  const step = days > 31 ? 7 : 1;
  const today = new Date();
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
  const list = [];
  for (let start = end - days * 86400000; start < end; start += step * 86400000) {
    const from = new Date(start);
    list.push({ label: from.toISOString().slice(0, 10), from: from.toISOString(), to: new Date(Math.min(start + step * 86400000, end)).toISOString() });
  }
  return list;
}

async function usagePage() {
  const controls = el("form", { class: "panel", id: "usage-controls" },
    el("div", { class: "fields" },
      field("Period", el("select", { name: "days" }, [["7", "last 7 days"], ["30", "last 30 days"], ["90", "last 90 days (weekly)"]].map(([v, l]) => el("option", { value: v }, l)))),
      field("Per", el("select", { name: "by" }, [["key", "key"], ["team", "team"], ["model", "model"]].map(([v, l]) => el("option", { value: v }, l)))),
      field("Measure", el("select", { name: "measure" }, [["cost_usd", "spend (USD)"], ["requests", "requests"], ["tokens", "tokens"]].map(([v, l]) => el("option", { value: v }, l))))));
  const output = el("div", { id: "usage-output" });
  root.replaceChildren(controls, output);
  const draw = async () => {
    const values = formData(controls);
    const periods = buckets(Number(values.days));
    const query = (from, to) => `/usage?by=${values.by}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    // One answer per bar, and one for the whole range's table.
    const [whole, ...perPeriod] = await Promise.all([
      api("GET", query(periods[0].from, periods[periods.length - 1].to)),
      ...periods.map((p) => api("GET", query(p.from, p.to))),
    ]);
    const measure = (row) => values.measure === "tokens" ? (row.input_tokens || 0) + (row.output_tokens || 0) : Number(row[values.measure] || 0);
    const format = values.measure === "cost_usd" ? dollars : count;
    const nameOf = (row) => row[values.by] || "-";
    const series = new Map();
    perPeriod.forEach((answer, index) => {
      for (const row of listOf(answer, "rows")) {
        const name = nameOf(row);
        const entry = series.get(name) || { name, values: {}, total: 0 };
        entry.values[periods[index].label] = (entry.values[periods[index].label] || 0) + measure(row);
        entry.total += measure(row);
        series.set(name, entry);
      }
    });
    const ranked = [...series.values()].sort((a, b) => b.total - a.total);
    // Beyond seven groups the rest share one colour, so the chart stays readable.
    const shown = ranked.slice(0, seriesClasses - 1);
    if (ranked.length > shown.length) {
      const rest = { name: "others", values: {} };
      for (const s of ranked.slice(shown.length)) for (const [d, v] of Object.entries(s.values)) rest.values[d] = (rest.values[d] || 0) + v;
      shown.push(rest);
    }
    const totals = new Map();
    for (const row of listOf(whole, "rows")) {
      const name = nameOf(row);
      const entry = totals.get(name) || { requests: 0, errors: 0, input: 0, output: 0, hits: 0, cost: 0 };
      entry.requests += row.requests || 0;
      entry.errors += row.errors || 0;
      entry.input += row.input_tokens || 0;
      entry.output += row.output_tokens || 0;
      entry.hits += row.cache_hits || 0;
      entry.cost += Number(row.cost_usd || 0);
      totals.set(name, entry);
    }
    const label = { cost_usd: "Spend", requests: "Requests", tokens: "Tokens" }[values.measure];
    const rowsOut = [...totals.entries()].sort((a, b) => b[1].cost - a[1].cost || b[1].requests - a[1].requests).map(([name, t]) => el("tr", {},
      el("th", { scope: "row" }, name),
      el("td", { class: "num" }, count(t.requests)), el("td", { class: "num" }, count(t.errors)),
      el("td", { class: "num" }, count(t.input)), el("td", { class: "num" }, count(t.output)),
      el("td", { class: "num" }, count(t.hits)), el("td", { class: "num" }, dollars(t.cost))));
    output.replaceChildren(
      stackedBarChart(`${label} per ${periods.length > 31 || Number(values.days) > 31 ? "week" : "day"}, per ${values.by}`, periods.map((p) => p.label), shown, format),
      table([values.by, { label: "Requests", num: true }, { label: "Errors", num: true }, { label: "Input tokens", num: true },
        { label: "Output tokens", num: true }, { label: "Cache hits", num: true }, { label: "Spend", num: true }], rowsOut));
  };
  controls.addEventListener("change", () => act(null, draw));
  await draw();
}

// ---------------------------------------------------------------- policies

async function policiesPage() {
  const policies = listOf(await api("GET", "/policies"), "policies");
  const select = el("select", { name: "policy", id: "policy-name" }, policies.map((p) => el("option", { value: p.name, selected: p.default }, p.name + (p.default ? " (default)" : ""))));
  const source = el("pre", { class: "policy", id: "policy-source", tabindex: "0", "aria-label": "Policy file" });
  const text = el("textarea", { name: "text", id: "policy-text", required: true, placeholder: "Paste a prompt to see what the policy would scrub or refuse." });
  const verdict = el("div", { class: "verdict", id: "policy-verdict", role: "status", "aria-live": "polite" });
  const tester = el("form", { class: "panel", id: "policy-test" },
    el("h2", {}, "Test a text against a policy"),
    field("Policy", select), field("Text", text),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Test")), verdict);
  const show = async () => {
    const name = select.value;
    if (!name) return;
    const policy = await api("GET", "/policies/" + encodeURIComponent(name));
    source.textContent = JSON.stringify({ stages: policy.stages, ...policy.settings }, null, 2);
  };
  select.addEventListener("change", () => act(null, show));
  tester.addEventListener("submit", (event) => {
    event.preventDefault();
    act(event.submitter, async () => {
      const answer = await api("POST", "/policies/" + encodeURIComponent(select.value) + "/test", { text: text.value });
      const refused = Boolean(answer.refused);
      const found = answer.found || [];
      verdict.replaceChildren(
        el("p", {}, el("span", { class: "badge " + (refused ? "bad" : "ok") }, refused ? "refused" : "allowed"), " ",
          refused ? answer.reason || "" : found.length ? "scrubbed: " + found.join(", ") : "nothing to scrub"),
        refused ? null : el("div", {}, el("p", { class: "hint" }, "What would go upstream:"), el("pre", { id: "policy-scrubbed" }, answer.upstream || "")));
    });
  });
  const rows = policies.map((p) => el("tr", {},
    el("th", { scope: "row" }, p.name + (p.default ? " (default)" : "")),
    el("td", {}, el("span", { class: "badge " + (p.valid === false ? "bad" : "ok") }, p.valid === false ? "refused" : "valid")),
    el("td", {}, (p.stages || []).join(", ") || "—"),
    el("td", {}, p.error || "")));
  root.replaceChildren(tester, el("h2", {}, "Policies"), table(["Policy", "Status", "Stages", "Problem"], rows),
    el("h2", {}, "Stages and settings"), source);
  await show();
}

// ---------------------------------------------------------------- audit

async function auditPage() {
  const controls = el("form", { class: "panel" },
    el("div", { class: "fields" }, field("Since", el("select", { name: "since" }, [["1d", "1 day"], ["7d", "7 days"], ["30d", "30 days"], ["365d", "a year"]].map(([v, l]) => el("option", { value: v, selected: v === "7d" }, l))))));
  const output = el("div", {});
  root.replaceChildren(controls, output);
  const draw = async () => {
    const entries = listOf(await api("GET", "/audit?since=" + formData(controls).since + "&limit=500"), "entries");
    output.replaceChildren(table(["When", "Who", "Action", "Target", "Details"], entries.map((entry) => el("tr", {},
      el("td", { class: "nowrap" }, when(entry.at)), el("td", {}, entry.actor), el("td", {}, el("code", {}, entry.action)),
      el("th", { scope: "row" }, entry.target), el("td", { class: "details" }, describeDetails(entry.details))))));
  };
  controls.addEventListener("change", () => act(null, draw));
  await draw();
}

/** An audit entry's details as `field: value` lines: changes as `from → to`, empty fields left out. */
function describeDetails(details) {
  if (typeof details !== "object" || details === null) return String(details ?? "");
  const show = (value) => value === null || value === undefined ? "none" : Array.isArray(value) ? value.join(", ") || "none" : typeof value === "object" ? JSON.stringify(value) : String(value);
  const parts = [];
  for (const [name, value] of Object.entries(details)) {
    if (value === null || (Array.isArray(value) && !value.length)) continue;
    if (value && typeof value === "object" && !Array.isArray(value) && "from" in value && "to" in value) {
      parts.push(`${name}: ${show(value.from)} → ${show(value.to)}`);
    } else {
      parts.push(`${name}: ${show(value)}`);
    }
  }
  return parts.map((part, index) => [index ? el("br") : null, el("code", {}, part)]);
}

// ---------------------------------------------------------------- status

function tile(label, value) {
  return el("div", { class: "tile" }, el("div", { class: "value" }, value), el("div", { class: "label" }, label));
}

async function statusPage() {
  const status = await api("GET", "/status");
  const backends = listOf(status, "backends");
  const engines = backends.filter((b) => b.engine);
  const throughput = engines.reduce((sum, b) => sum + Number(b.engine.generation_tokens_per_second || 0), 0);
  const queued = engines.reduce((sum, b) => sum + Number(b.engine.queue_depth || 0), 0);
  const cache = status.cache || {};
  const tiles = el("div", { class: "tiles" },
    tile("Database", status.database || "—"),
    tile("Requests since start", count(status.requests)),
    tile("Engine queue", engines.length ? count(queued) : "no engine"),
    tile("Engine throughput", engines.length ? throughput.toFixed(1) + " tok/s" : "no engine"),
    tile("Cache hit rate", cache.hit_rate === null || cache.hit_rate === undefined ? "—" : (cache.hit_rate * 100).toFixed(1) + " %"));
  const rows = [];
  for (const backend of backends) {
    const health = (ok, text) => el("span", { class: "badge " + (ok ? "ok" : "bad") }, text);
    if (backend.engine) {
      const e = backend.engine;
      rows.push(el("tr", {}, el("th", { scope: "row" }, backend.name), el("td", {}, backend.kind), el("td", {}, "embedded engine"),
        el("td", {}, health(true, "serving")),
        el("td", {}, `${e.busy_sequences}/${e.sequences} busy, ${e.queue_depth} queued, ${Number(e.generation_tokens_per_second).toFixed(1)} tok/s`)));
    }
    for (const replica of backend.replicas || []) {
      const detail = replica.failing_health_check ? "failing its health check"
        : replica.ejected_for_seconds ? `left out for ${Math.ceil(replica.ejected_for_seconds)} s after ${replica.consecutive_failures} failures`
        : `${replica.outstanding} in flight`;
      rows.push(el("tr", {}, el("th", { scope: "row" }, backend.name), el("td", {}, backend.kind), el("td", {}, el("code", {}, replica.url)),
        el("td", {}, health(replica.available, replica.available ? "healthy" : "left out")), el("td", {}, detail)));
    }
  }
  const errors = listOf(status, "recent_errors");
  root.replaceChildren(tiles, el("h2", {}, "Backends and replicas"), table(["Backend", "Type", "Replica", "Health", "Now"], rows),
    el("h2", {}, "Recent errors"), table(["When", "Status", "Request", "Key", "Error"], errors.map((e) => el("tr", {},
      el("td", {}, when(e.at)), el("td", {}, e.status), el("td", {}, el("code", {}, `${e.method} ${e.path}`)), el("td", {}, e.key || "—"),
      el("td", {}, e.error)))));
}

// ---------------------------------------------------------------- start

const pages = { keys: keysPage, teams: teamsPage, usage: usagePage, policies: policiesPage, audit: auditPage, status: statusPage };

async function render() {
  await pages[pageName]();
}

for (const link of document.querySelectorAll("[data-nav]")) {
  if (link.dataset.nav === pageName) link.setAttribute("aria-current", "page");
}
if (pages[pageName]) {
  act(null, render).then(() => {
    const loading = root.querySelector("p.muted");
    if (loading && loading.textContent === "Loading…") loading.remove();
    document.body.setAttribute("data-ready", "true");
  });
}
