// The review page: the queue from GET /v1/review, the document of the selected item with its
// evidence highlighted, and decisions POSTed to /v1/review/{id} with the item's lock_version.
// The API key is asked for once and kept in sessionStorage (this tab only); with the server's
// auth turned off (AUTH_ENABLED=false) no key is needed.
"use strict";

(() => {
  const KEY_STORE = "ogi-review-key";
  const PAGE = 100; // the first page; more as the reviewer gets near the end of the list
  const MAX_PAGE = 500;
  const KIND_LABELS = {
    ambiguous_split: "ambiguous split",
    failed_identity: "failed identity",
    disagreement: "rules vs LLM",
    ungrounded: "ungrounded",
    fuzzy_label: "fuzzy label",
    missing: "missing",
    low_confidence: "low confidence",
  };

  const page = document.body.dataset;
  const authOn = page.auth === "true";
  const kinds = page.kinds.split(" ");
  const tables = page.tables.split(" ");
  const $ = (id) => document.getElementById(id);

  const state = {
    items: [],
    index: -1,
    next: null,
    counts: {},
    total: 0,
    filters: { reason: "", table: "", agency: "", year: "" },
    docs: new Map(), // record id -> Promise of the document text
    busy: false,
    loadingMore: false,
  };

  class AuthNeeded extends Error {}

  // --- HTTP ---------------------------------------------------------------------------------

  function headers(extra) {
    const out = Object.assign({ Accept: "application/json" }, extra || {});
    const key = sessionStorage.getItem(KEY_STORE);
    if (key) out.Authorization = "Bearer " + key;
    return out;
  }

  async function api(path, options = {}) {
    const response = await fetch(path, { ...options, headers: headers(options.headers) });
    if (response.status === 401) {
      askForKey(await problemDetail(response));
      throw new AuthNeeded();
    }
    return response;
  }

  async function problemDetail(response) {
    try {
      const body = await response.json();
      return body.detail || body.title || response.statusText;
    } catch (err) {
      return response.statusText;
    }
  }

  // --- the queue ----------------------------------------------------------------------------

  function queueUrl(limit, cursor) {
    const params = new URLSearchParams({ limit: String(limit) });
    const f = state.filters;
    if (f.reason) params.set("reason", f.reason);
    if (f.table) params.set("table", f.table);
    if (f.agency) params.set("agency", f.agency);
    if (f.year) params.set("report_year", f.year);
    if (cursor) params.set("cursor", cursor);
    return "/v1/review?" + params;
  }

  // Reload the queue; then select `prefer` (ids in order of preference) or the same position.
  async function loadQueue(prefer = []) {
    const limit = Math.min(MAX_PAGE, Math.max(PAGE, state.items.length));
    const response = await api(queueUrl(limit));
    if (!response.ok) {
      flash(await problemDetail(response), "error");
      return;
    }
    const data = await response.json();
    state.items = data.items;
    state.next = data.next_cursor;
    state.counts = data.counts;
    state.total = data.total;
    const wanted = prefer.map((id) => state.items.findIndex((it) => it.id === id)).find((i) => i >= 0);
    const index = wanted !== undefined ? wanted : Math.min(Math.max(state.index, 0), state.items.length - 1);
    // the document is fetched while the queue is drawn
    if (state.items[index]) documentText(state.items[index].record_id).catch(() => {});
    renderKinds();
    renderQueue();
    select(index, false);
  }

  async function loadMore() {
    if (!state.next || state.loadingMore) return;
    state.loadingMore = true;
    try {
      await appendPage();
    } finally {
      state.loadingMore = false;
    }
  }

  async function appendPage() {
    const response = await api(queueUrl(2 * PAGE, state.next));
    if (!response.ok) {
      flash(await problemDetail(response), "error");
      return;
    }
    const data = await response.json();
    state.items = state.items.concat(data.items);
    state.next = data.next_cursor;
    renderQueue();
  }

  function renderKinds() {
    const nav = $("kinds");
    nav.textContent = "";
    const all = Object.values(state.counts).reduce((a, b) => a + b, 0);
    nav.append(chip("", "all", all));
    for (const kind of kinds) {
      const count = state.counts[kind] || 0;
      // kinds with nothing waiting stay out of the way, unless chosen
      if (count || state.filters.reason === kind) nav.append(chip(kind, KIND_LABELS[kind] || kind, count));
    }
  }

  function chip(kind, label, count) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chip" + (state.filters.reason === kind ? " on" : "") + (count ? "" : " zero");
    button.append(label);
    const b = document.createElement("b");
    b.textContent = count;
    button.append(b);
    button.addEventListener("click", () => setFilter("reason", kind));
    return button;
  }

  function renderQueue() {
    const list = $("queue");
    list.textContent = "";
    const fragment = document.createDocumentFragment();
    state.items.forEach((item, i) => {
      const li = document.createElement("li");
      li.dataset.index = i;
      li.dataset.id = item.id;
      li.append(el("span", "q-path", item.path), confidencePill(item.confidence));
      li.append(el("span", "q-value", display(item.value)), el("span", "q-kind", KIND_LABELS[item.reason_kind] || item.reason_kind));
      fragment.append(li);
    });
    list.append(fragment);
    $("more").hidden = !state.next;
    const shown = state.items.length;
    $("queue-count").textContent = state.total
      ? `${state.total} pending${shown < state.total ? ` · ${shown} shown` : ""}`
      : "queue empty";
    document.title = `Review (${state.total}) · ogi-extract`;
    $("empty").hidden = state.items.length > 0;
    $("item").hidden = state.items.length === 0;
  }

  // --- the selected item --------------------------------------------------------------------

  function current() {
    return state.items[state.index];
  }

  function select(index, clearStatus = true) {
    if (!state.items.length) {
      state.index = -1;
      showDocument(null);
      return;
    }
    state.index = Math.max(0, Math.min(index, state.items.length - 1));
    for (const li of $("queue").querySelectorAll("li.on")) li.classList.remove("on");
    const row = $("queue").children[state.index];
    if (row) {
      row.classList.add("on");
      row.scrollIntoView({ block: "nearest" });
    }
    if (clearStatus) flash("");
    renderItem(current());
    showDocument(current());
  }

  function move(step) {
    if (!state.items.length) return;
    const target = state.index + step;
    if (target >= state.items.length && state.next) {
      loadMore().then(() => select(target));
      return;
    }
    select(target);
  }

  function renderItem(item) {
    $("item-path").textContent = item.path;
    const where = [item.agency || "agency unknown", item.report_year || "year unknown", item.record_id, "v" + item.record_version];
    $("item-where").textContent = where.join(" · ");
    const value = $("item-value");
    value.textContent = "";
    value.className = "value" + (typeof item.value === "string" ? " text" : "");
    value.append(display(item.value, true));
    $("item-confidence").textContent = `confidence ${item.confidence.toFixed(2)} · ${item.method}`;
    $("item-reason").textContent = item.reason || KIND_LABELS[item.reason_kind];
    const candidates = $("candidates");
    candidates.textContent = "";
    (item.candidates || []).slice(0, 9).forEach((value, i) => {
      const button = document.createElement("button");
      button.type = "button";
      button.append(el("kbd", "", String(i + 1)), display(value));
      button.title = value === item.value ? "keep this value (accept)" : "use this value";
      button.addEventListener("click", () => pickCandidate(i));
      candidates.append(button);
    });
    const input = $("correct-input");
    input.value = "";
    input.placeholder = isList(item) ? "corrected text… (c, Enter)" : "correct value… (c, Enter)";
    input.title = isList(item) ? "the item's text as the document prints it" : "a number; - for a blank cell";
    $("reject").hidden = !isList(item);
  }

  async function showDocument(item) {
    const pane = $("doc");
    if (!item) {
      pane.textContent = "";
      $("doc-title").textContent = "document";
      $("doc-note").textContent = "";
      return;
    }
    $("doc-title").textContent = "document · " + item.record_id;
    let text;
    try {
      text = await documentText(item.record_id);
    } catch (err) {
      if (!(err instanceof AuthNeeded)) flash("could not load the document: " + err.message, "error");
      return;
    }
    if (current() !== item) return; // the reviewer moved on meanwhile
    pane.textContent = "";
    const span = item.context.document_span;
    if (!span) {
      pane.append(text);
      $("doc-note").textContent = "no evidence in the text for this value";
      pane.scrollTop = 0;
      return;
    }
    $("doc-note").textContent = `evidence at ${span[0]}–${span[1]}`;
    const mark = el("mark", "", text.slice(span[0], span[1]) || " ");
    pane.append(text.slice(0, span[0]), mark, text.slice(span[1]));
    mark.scrollIntoView({ block: "center" });
  }

  function documentText(recordId) {
    if (!state.docs.has(recordId)) {
      const url = `/v1/review/records/${encodeURIComponent(recordId)}/document`;
      const pending = api(url).then(async (r) => {
        if (!r.ok) throw new Error(await problemDetail(r));
        return r.text();
      });
      pending.catch(() => state.docs.delete(recordId));
      state.docs.set(recordId, pending);
    }
    return state.docs.get(recordId);
  }

  // --- decisions ----------------------------------------------------------------------------

  async function decide(action, extra = {}) {
    const item = current();
    if (!item || state.busy) return;
    await post(`/v1/review/${item.id}`, { action, lock_version: item.lock_version, ...extra }, item, action);
  }

  async function post(url, payload, item, action) {
    state.busy = true;
    setBusy(true);
    // after the decision: the next item still waiting, in queue order (recheck may resolve
    // several items at once); on a conflict, this one again
    const following = state.items.slice(state.index + 1).map((it) => it.id);
    try {
      const response = await api(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      const data = await response.json();
      if (response.ok) {
        // back to the keyboard shortcuts: the next item is decided with j/k/a/c as well
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        const record = data.record;
        const cleared = data.resolved_items.length > 1 ? ` · ${data.resolved_items.length - 1} more cleared by recheck` : "";
        const pending = record.status === "complete" ? "record complete" : `${record.pending} pending in this record`;
        flash(`${pastTense(action)} ${data.decision.path}${cleared} · ${pending}`, "ok");
        await loadQueue(following);
      } else if (response.status === 409) {
        flash("changed meanwhile: " + (data.detail || "reload"), "error");
        await loadQueue([item.id, ...following]);
        flash("changed meanwhile: " + (data.detail || "reload"), "error");
      } else {
        flash(data.detail || response.statusText, "error");
      }
    } catch (err) {
      if (!(err instanceof AuthNeeded)) flash(err.message, "error");
    } finally {
      state.busy = false;
      setBusy(false);
    }
  }

  function accept() {
    decide("accept");
  }

  function correct(raw) {
    const item = current();
    if (!item) return;
    const text = raw.trim();
    if (!text) {
      flash("type the corrected value first (- for a blank cell)", "error");
      return;
    }
    decide("correct", { value: text });
  }

  function pickCandidate(i) {
    const item = current();
    if (!item || !item.candidates || i >= item.candidates.length) return;
    const value = item.candidates[i];
    if (value === item.value) decide("accept");
    else decide("correct", { value });
  }

  function reject() {
    const item = current();
    if (item && isList(item)) decide("reject");
  }

  function addSelection(list) {
    const item = current();
    const selection = window.getSelection();
    const text = selection ? selection.toString().trim() : "";
    if (!item || !text || !$("doc").contains(selection.anchorNode)) {
      flash("select the item's text in the document first", "error");
      return;
    }
    const url = `/v1/review/records/${encodeURIComponent(item.record_id)}/items`;
    post(url, { list, text, lock_version: item.lock_version }, item, "add");
  }

  // --- small helpers ------------------------------------------------------------------------

  function isList(item) {
    return ["problems", "measures", "plans"].includes(item.table);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function display(value, rich) {
    if (value === null || value === undefined) {
      return rich ? el("span", "blank", "blank") : "blank";
    }
    return String(value);
  }

  function confidencePill(confidence) {
    const level = confidence < 0.5 ? "low" : confidence < 0.8 ? "mid" : "high";
    return el("span", "pill " + level, confidence.toFixed(2));
  }

  function pastTense(action) {
    return { accept: "accepted", correct: "corrected", reject: "rejected", add: "added" }[action] || action;
  }

  function flash(message, kind = "") {
    const status = $("status");
    status.textContent = message;
    status.className = "status" + (kind ? " " + kind : "");
  }

  function setBusy(busy) {
    for (const id of ["accept", "correct", "reject"]) $(id).disabled = busy;
  }

  function setFilter(name, value) {
    state.filters[name] = value;
    state.items = [];
    state.index = 0;
    loadQueue().catch(ignoreAuth);
  }

  function ignoreAuth(err) {
    if (!(err instanceof AuthNeeded)) flash(err.message, "error");
  }

  function askForKey(problem) {
    $("key-error").textContent = problem || "";
    const dialog = $("key-dialog");
    if (!dialog.open) dialog.showModal();
    $("key-input").focus();
  }

  // --- wiring -------------------------------------------------------------------------------

  function wire() {
    const tableSelect = $("f-table");
    for (const table of tables) tableSelect.append(new Option(table, table));
    tableSelect.addEventListener("change", () => setFilter("table", tableSelect.value));
    let timer = 0;
    for (const [id, name] of [["f-agency", "agency"], ["f-year", "year"]]) {
      $(id).addEventListener("input", (e) => {
        clearTimeout(timer);
        timer = setTimeout(() => setFilter(name, e.target.value.trim()), 300);
      });
    }
    $("filters").addEventListener("submit", (e) => e.preventDefault());

    $("queue").addEventListener("scroll", (e) => {
      const list = e.target;
      if (state.next && list.scrollTop + list.clientHeight > list.scrollHeight - 200) loadMore().catch(ignoreAuth);
    });
    $("queue").addEventListener("click", (e) => {
      const li = e.target.closest("li");
      if (li) select(Number(li.dataset.index));
    });
    $("more").addEventListener("click", () => loadMore().catch(ignoreAuth));
    $("accept").addEventListener("click", accept);
    $("reject").addEventListener("click", reject);
    $("next").addEventListener("click", () => move(1));
    $("prev").addEventListener("click", () => move(-1));
    $("correct-form").addEventListener("submit", (e) => {
      e.preventDefault();
      correct($("correct-input").value);
    });
    for (const button of document.querySelectorAll("[data-add]")) {
      button.addEventListener("click", () => addSelection(button.dataset.add));
    }

    $("key-button").addEventListener("click", () => askForKey(""));
    $("key-form").addEventListener("submit", () => {
      sessionStorage.setItem(KEY_STORE, $("key-input").value.trim());
      $("key-input").value = "";
      state.docs.clear();
      loadQueue().catch(ignoreAuth);
    });
    $("help-button").addEventListener("click", () => $("help-dialog").showModal());

    document.addEventListener("keydown", onKey);
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    if (e.target.matches("input, select, textarea")) {
      if (e.key === "Escape") e.target.blur();
      return; // typing: Enter submits the form
    }
    const actions = {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      a: accept,
      r: reject,
      c: () => $("correct-input").focus(),
      "?": () => $("help-dialog").showModal(),
    };
    const action = actions[e.key] || (/^[1-9]$/.test(e.key) ? () => pickCandidate(Number(e.key) - 1) : null);
    if (action) {
      e.preventDefault(); // `c` must not type itself into the input it focuses
      action();
    }
  }

  wire();
  if (authOn && !sessionStorage.getItem(KEY_STORE)) askForKey("");
  else loadQueue().catch(ignoreAuth);
})();
