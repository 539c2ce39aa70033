/*
 * Vela console page (served at /console.js; see docs/console-api.md for the snapshot schema).
 *
 * Overview
 *  - Data in:  an EventSource on /api/stream ("snapshot" events, one JSON snapshot each). The browser
 *    reconnects by itself; if the stream is closed for good (e.g. 401) we retry with backoff and probe
 *    /api/snapshot to show the server's error text. A ?token=... in the page URL is passed on to every
 *    API request as ?token= (EventSource cannot send headers).
 *  - Modes:    "live" renders each new snapshot; "paused" keeps receiving into a local buffer (the
 *    last BUFFER_MAX snapshots) but leaves the view alone until Resume shows the latest;
 *    "replay" steps through snapshots loaded from /api/recording or from a local NDJSON file, with a
 *    slider and play/pause. Every mode renders through the same render(snapshot).
 *  - Rendering: coalesced to one render per animation frame. Tables keep one <tr> per id (Map id -> tr),
 *    update cells in place (only when the text changed), move rows only when out of order and remove
 *    rows that disappeared. All event handling is delegated from a few long-lived elements, so no
 *    listener is ever attached per row. Server text is only ever written with textContent.
 *  - Stable selectors used by tests: tr[data-worker-id] (td.name, td.state), tr[data-channel-id]
 *    (td.buffered), #deadlock-banner(.visible), #warnings, #stack, #pause, #download, #replay,
 *    #replay-slider, #status, #seq.
 */
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const BUFFER_MAX = 120; // snapshots kept while the view is paused or replaying
  const TOKEN = new URLSearchParams(location.search).get('token');
  const STATES = new Set(['running', 'parked', 'sleeping', 'waiting', 'done', 'failed', 'cancelled',
    'open', 'closed']);

  /** Builds an API URL, passing the page's token on as ?token=. */
  function apiUrl(path, params) {
    const q = new URLSearchParams(params || {});
    if (TOKEN) q.set('token', TOKEN);
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  }

  // ---- formatting ---------------------------------------------------------------------------
  const nf = new Intl.NumberFormat('en-US');
  const num = (n) => (typeof n === 'number' && isFinite(n) ? nf.format(n) : '—');

  function duration(ms) {
    if (typeof ms !== 'number' || !isFinite(ms)) return '—';
    const a = Math.abs(ms);
    let s;
    if (a < 1000) s = `${Math.round(a)} ms`;
    else if (a < 60e3) s = `${(a / 1000).toFixed(a < 10e3 ? 1 : 0)} s`;
    else if (a < 3600e3) s = `${Math.floor(a / 60e3)} min`;
    else if (a < 86400e3) s = `${(a / 3600e3).toFixed(1)} h`;
    else s = `${(a / 86400e3).toFixed(1)} d`;
    return ms < 0 ? `-${s}` : s;
  }

  function clock(iso) {
    const d = new Date(iso);
    if (typeof iso !== 'string' || isNaN(d)) return iso == null ? '—' : String(iso);
    const p = (n, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }

  /** Any JSON value as display text (never HTML). */
  function text(v) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'number') return num(v);
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'string') return v;
    return JSON.stringify(v);
  }

  const chanLabel = (id, name) => (name != null && name !== '' ? String(name) : id != null ? `#${id}` : '?');
  const stateClass = (s) => `chip st-${STATES.has(s) ? s : 'other'}`;

  // ---- small DOM helpers ----------------------------------------------------------------------
  function setText(el, s) {
    s = String(s);
    if (el.textContent !== s) el.textContent = s;
  }
  function setClass(el, c) {
    if (el.className !== c) el.className = c;
  }
  function el(tag, cls, txt) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt !== undefined) e.textContent = txt;
    return e;
  }

  /**
   * Keyed table update: one row per key, created once, updated in place, moved only when out of
   * order, removed when its key is gone.
   */
  function syncRows(tbody, rows, items, keyOf, create, update) {
    const keys = items.map(keyOf);
    const seen = new Set(keys);
    for (const [k, tr] of rows) if (!seen.has(k)) { tr.remove(); rows.delete(k); }
    let cursor = tbody.firstChild;
    items.forEach((it, i) => {
      const k = keys[i];
      let tr = rows.get(k);
      if (!tr) { tr = create(k, it); rows.set(k, tr); }
      update(tr, it);
      if (tr === cursor) cursor = cursor.nextSibling;
      else tbody.insertBefore(tr, cursor);
    });
  }

  // ---- sorting and filtering (per table, by clicking a th[data-sort]) --------------------------
  const sorts = new WeakMap(); // table -> {key, dir}

  function sorted(table, items, get) {
    const s = sorts.get(table);
    if (!s) return items;
    const val = (it) => get(it, s.key);
    return items.slice().sort((a, b) => {
      const x = val(a), y = val(b);
      if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1; // nulls last
      const c = typeof x === 'number' && typeof y === 'number' ? x - y
        : String(x).localeCompare(String(y), undefined, { numeric: true });
      return c * s.dir;
    });
  }

  function onSortClick(ev) {
    const th = ev.target.closest('th[data-sort]');
    if (!th) return;
    const table = th.closest('table');
    const cur = sorts.get(table);
    let next = { key: th.dataset.sort, dir: 1 };
    if (cur && cur.key === next.key) next = cur.dir === 1 ? { key: next.key, dir: -1 } : null;
    if (next) sorts.set(table, next); else sorts.delete(table);
    for (const h of table.querySelectorAll('th[data-sort]')) {
      const on = next && h.dataset.sort === next.key;
      h.classList.toggle('sort-asc', !!on && next.dir === 1);
      h.classList.toggle('sort-desc', !!on && next.dir === -1);
    }
    rerender();
  }

  const filterOf = (input) => input.value.trim().toLowerCase();
  const matches = (f, ...fields) => !f || fields.some((x) => x != null && String(x).toLowerCase().includes(f));

  // ---- page state -------------------------------------------------------------------------------
  const ui = {
    mode: 'live', paused: false, connected: false,
    latest: null, buffer: [], pendingCount: 0, shown: null,
    replay: { snaps: [], index: 0, timer: 0, playing: false },
    selected: null, // worker id (string) whose stack is shown
    workerById: new Map(),
  };
  const workerRows = new Map();
  const channelRows = new Map();
  const sectionViews = new Map(); // section key -> {root, table, tbody, rows, colsSig, count, note}
  let warningsSig = '', deadlockSig = '';

  // ---- rendering --------------------------------------------------------------------------------
  let pending = null, frame = 0;
  /** Schedules a render of snap on the next animation frame (only the newest one is drawn). */
  function show(snap) {
    pending = snap;
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; const s = pending; pending = null; if (s) render(s); });
  }
  function rerender() { if (ui.shown) show(ui.shown); }

  function render(snap) {
    ui.shown = snap;
    const notes = [];
    renderHeader(snap);
    const dead = renderDeadlock(snap.deadlock);
    renderWarnings(Array.isArray(snap.warnings) ? snap.warnings : []);
    notes.push(renderWorkers(snap.workers || {}, dead));
    notes.push(renderChannels(snap.channels || {}, dead));
    notes.push(...renderSections(snap.sections || {}));
    const t = $('truncated');
    const msg = notes.filter(Boolean).join(' · ');
    setText(t, msg);
    t.hidden = !msg;
  }

  function renderHeader(snap) {
    setText($('seq'), snap.seq ?? '—');
    const t = $('time');
    setText(t, clock(snap.time));
    t.title = snap.time == null ? '' : String(snap.time);
    setText($('uptime'), duration(snap.uptimeMillis));
    setText($('worker-count'), num(snap.workers && snap.workers.total));
    setText($('channel-count'), num(snap.channels && snap.channels.total));
    $('server-paused').hidden = !snap.paused;
    if (snap.schema !== 'vela-console' || snap.version !== 1) {
      setMessage(`Unexpected snapshot schema ${text(snap.schema)} v${text(snap.version)}; showing what is understood.`, 'schema');
    } else if (msgKind === 'schema') setMessage('');
  }

  /** "showing 500 of 10,234" when a list is truncated, else ''. */
  function truncNote(label, list, shownCount, countEl, noteEl) {
    const total = typeof list.total === 'number' ? list.total : shownCount;
    setText(countEl, num(total));
    let note = '';
    if (list.truncated > 0) note = `showing ${num((list.items || []).length)} of ${num(total)}`;
    setText(noteEl, note + (shownCount !== (list.items || []).length ? ` (${num(shownCount)} match filter)` : ''));
    return note && `${label}: ${note}`;
  }

  /** Shows or hides the banner; returns the deadlocked worker and channel ids. */
  function renderDeadlock(dl) {
    const banner = $('deadlock-banner');
    const dead = { workers: new Set(), channels: new Set() };
    banner.hidden = !dl;
    banner.classList.toggle('visible', !!dl);
    if (!dl) { deadlockSig = ''; return dead; }
    const workers = Array.isArray(dl.workers) ? dl.workers : [];
    for (const w of workers) {
      dead.workers.add(String(w.id));
      if (w.channel != null) dead.channels.add(String(w.channel));
    }
    const sig = JSON.stringify(dl);
    if (sig !== deadlockSig) {
      deadlockSig = sig;
      $('deadlock-workers').replaceChildren(...workers.map((w) => {
        const li = el('li');
        li.dataset.worker = String(w.id);
        li.append(el('span', 'name', w.name == null ? `#${w.id}` : String(w.name)),
          document.createTextNode(` ${w.op ?? 'parked'} on `),
          el('span', 'chan', chanLabel(w.channel, w.channelName)));
        return li;
      }));
      setText($('deadlock-report'), dl.report ?? '');
    }
    return dead;
  }

  function renderWarnings(list) {
    setText($('warning-count'), num(list.length));
    const sig = JSON.stringify(list);
    if (sig === warningsSig) return;
    warningsSig = sig;
    $('warnings').replaceChildren(...list.map((w) => {
      const li = el('li', w.worker != null ? 'clickable' : '');
      if (w.worker != null) li.dataset.worker = String(w.worker);
      li.append(el('span', 'chip kind', text(w.kind)), el('span', 'msg', text(w.message)));
      return li;
    }));
  }

  function workerDetail(w) {
    if (w.state === 'parked' || w.op) {
      const ch = w.channel != null || w.channelName != null ? ` on ${chanLabel(w.channel, w.channelName)}` : '';
      return `${ch}${w.op ? ` for ${w.op}` : ''}${w.timed ? ' (timed)' : ''}`;
    }
    if (w.error) return ` — ${w.error}`;
    return '';
  }

  function createWorkerRow(key) {
    const tr = el('tr');
    tr.dataset.workerId = key;
    tr.tabIndex = 0;
    const c = {
      name: el('td', 'name'), group: el('td', 'group'), state: el('td', 'state'),
      since: el('td', 'since num'), deadline: el('td', 'deadline num'),
      chip: el('span', 'chip'), detail: el('span', 'detail'),
    };
    c.state.append(c.chip, c.detail);
    tr.append(c.name, c.group, c.state, c.since, c.deadline);
    tr._c = c;
    return tr;
  }

  function updateWorkerRow(tr, w, dead) {
    const c = tr._c;
    const name = w.name == null ? `#${w.id}` : String(w.name);
    setText(c.name, name);
    if (c.name.title !== name) c.name.title = name;
    setText(c.group, w.group ?? '—');
    setText(c.chip, w.state ?? '?');
    setClass(c.chip, stateClass(w.state));
    const detail = workerDetail(w);
    setText(c.detail, detail);
    const tip = `${w.state ?? '?'}${detail}`;
    if (c.state.title !== tip) c.state.title = tip;
    setText(c.since, duration(w.sinceMillis));
    const dl = w.deadlineMillis;
    setText(c.deadline, dl == null ? '—' : dl <= 0 ? 'expired' : duration(dl));
    setClass(c.deadline, `deadline num${dl != null && dl <= 1000 ? ' soon' : ''}`);
    const key = tr.dataset.workerId;
    setClass(tr, `${dead.workers.has(key) ? 'deadlocked' : ''}${ui.selected === key ? ' selected' : ''}`.trim());
  }

  function renderWorkers(list, dead) {
    const table = $('workers');
    const f = filterOf($('worker-filter'));
    const all = Array.isArray(list.items) ? list.items : [];
    ui.workerById = new Map(all.map((w) => [String(w.id), w]));
    const items = sorted(table, all.filter((w) => matches(f, w.name, w.group, w.state, w.channelName, w.op, w.id)),
      (w, k) => w[k]);
    syncRows(table.tBodies[0], workerRows, items, (w) => String(w.id), createWorkerRow,
      (tr, w) => updateWorkerRow(tr, w, dead));
    return truncNote('workers', list, items.length, $('workers-count'), $('workers-note'));
  }

  function createChannelRow(key) {
    const tr = el('tr');
    tr.dataset.channelId = key;
    const c = {};
    for (const k of ['name', 'kind', 'capacity', 'buffered', 'sent', 'received', 'dropped', 'wsend', 'wrecv', 'state', 'history']) {
      c[k] = el('td', k === 'name' || k === 'kind' || k === 'state' || k === 'history' ? k : `${k} num`);
      tr.append(c[k]);
    }
    c.chip = el('span', 'chip');
    c.state.append(c.chip);
    const svgEl = (tag, attrs) => {
      const e = document.createElementNS(SVG_NS, tag);
      for (const [a, v] of Object.entries(attrs)) e.setAttribute(a, v);
      return e;
    };
    const svg = svgEl('svg', { class: 'spark', viewBox: '0 0 90 20', preserveAspectRatio: 'none' });
    c.cap = svgEl('line', { class: 'spark-cap', x1: 0, x2: 90, y1: 1, y2: 1 }); // capacity (top)
    c.line = svgEl('polyline', { points: '' });
    c.tip = svgEl('title', {});
    svg.append(c.tip, c.cap, c.line);
    c.history.append(svg);
    tr._c = c;
    return tr;
  }

  function sparkPoints(hist, capacity) {
    const h = hist.filter((v) => typeof v === 'number' && isFinite(v));
    if (!h.length) return '';
    const max = Math.max(1, ...h, typeof capacity === 'number' && capacity > 0 ? capacity : 0);
    const step = h.length > 1 ? 90 / (h.length - 1) : 0;
    const y = (v) => (19 - (v / max) * 18).toFixed(1);
    return h.length === 1 ? `0,${y(h[0])} 90,${y(h[0])}`
      : h.map((v, i) => `${(i * step).toFixed(1)},${y(v)}`).join(' ');
  }

  function updateChannelRow(tr, ch, dead) {
    const c = tr._c;
    const name = chanLabel(ch.id, ch.name);
    setText(c.name, name);
    if (c.name.title !== name) c.name.title = name;
    setText(c.kind, ch.kind ?? '—');
    setText(c.capacity, ch.capacity == null ? '∞' : num(ch.capacity));
    setText(c.buffered, typeof ch.buffered === 'number' ? String(ch.buffered) : '—');
    setText(c.sent, num(ch.sent));
    setText(c.received, num(ch.received));
    setText(c.dropped, num(ch.dropped));
    setClass(c.dropped, ch.dropped > 0 ? 'dropped num warn' : 'dropped num');
    setText(c.wsend, num(ch.waitingSenders));
    setText(c.wrecv, num(ch.waitingReceivers));
    setText(c.chip, ch.state ?? '?');
    setClass(c.chip, stateClass(ch.state));
    const hist = Array.isArray(ch.history) ? ch.history : [];
    const pts = sparkPoints(hist, ch.capacity);
    if (c.line.getAttribute('points') !== pts) c.line.setAttribute('points', pts);
    const capVis = typeof ch.capacity === 'number' && ch.capacity > 0 && pts ? 'visible' : 'hidden';
    if (c.cap.getAttribute('visibility') !== capVis) c.cap.setAttribute('visibility', capVis); // capacity line
    setText(c.tip, `buffered, last ${hist.length} samples: ${hist.join(' ')}`);
    setClass(tr, dead.channels.has(String(ch.id)) ? 'deadlocked' : ch.state === 'failed' ? 'failed' : '');
  }

  function renderChannels(list, dead) {
    const table = $('channels');
    const f = filterOf($('channel-filter'));
    const all = Array.isArray(list.items) ? list.items : [];
    const items = sorted(table, all.filter((ch) => matches(f, ch.name, ch.kind, ch.state, ch.id)),
      (ch, k) => (k === 'name' ? chanLabel(ch.id, ch.name) : ch[k]));
    syncRows(table.tBodies[0], channelRows, items, (ch) => String(ch.id), createChannelRow,
      (tr, ch) => updateChannelRow(tr, ch, dead));
    return truncNote('channels', list, items.length, $('channels-count'), $('channels-note'));
  }

  function sectionView(key) {
    let v = sectionViews.get(key);
    if (v) return v;
    const root = el('section', 'panel');
    root.dataset.section = key;
    const h = el('h2', '', `${key.charAt(0).toUpperCase()}${key.slice(1)} `);
    const count = el('span', 'count');
    const note = el('span', 'note');
    h.append(count, document.createTextNode(' '), note);
    const scroll = el('div', 'scroll');
    const table = el('table', 'grid');
    table.append(el('thead'), el('tbody'));
    scroll.append(table);
    root.append(h, scroll);
    $('sections').append(root);
    v = { root, table, tbody: table.tBodies[0], rows: new Map(), colsSig: null, count, note };
    sectionViews.set(key, v);
    return v;
  }

  function renderSections(sections) {
    const notes = [];
    const keys = Object.keys(sections).filter((k) => sections[k] && typeof sections[k] === 'object');
    for (const [k, v] of sectionViews) if (!keys.includes(k)) { v.root.remove(); sectionViews.delete(k); }
    for (const key of keys) {
      const sec = sections[key];
      const all = Array.isArray(sec.items) ? sec.items : [];
      const cols = Array.isArray(sec.columns) && sec.columns.length ? sec.columns.map(String)
        : Object.keys(all[0] || {});
      const v = sectionView(key);
      const sig = JSON.stringify(cols);
      if (sig !== v.colsSig) { // new columns: rebuild header and rows once
        v.colsSig = sig;
        const tr = el('tr');
        for (const c of cols) { const th = el('th', '', c); th.dataset.sort = c; tr.append(th); }
        v.table.tHead.replaceChildren(tr);
        v.tbody.replaceChildren();
        v.rows.clear();
        sorts.delete(v.table);
      }
      // Key rows by id, else by the first column's value; duplicates get an occurrence suffix.
      const used = new Map();
      const keyOf = (it) => {
        const base = String(it.id ?? it[cols[0]] ?? '');
        const n = used.get(base) || 0;
        used.set(base, n + 1);
        return n ? `${base}\u0000${n}` : base;
      };
      const items = sorted(v.table, all, (it, k) => it[k]);
      syncRows(v.tbody, v.rows, items, keyOf, () => {
        const tr = el('tr');
        tr._c = cols.map((c) => tr.appendChild(el('td', '')));
        return tr;
      }, (tr, it) => cols.forEach((c, i) => {
        const td = tr._c[i];
        setText(td, text(it[c]));
        setClass(td, typeof it[c] === 'number' ? 'num' : '');
      }));
      const n = truncNote(key, sec, items.length, v.count, v.note);
      if (n) notes.push(n);
    }
    return notes;
  }

  // ---- worker stack panel ------------------------------------------------------------------------
  let stackCtl = null;

  function markSelected(key) {
    for (const tr of $('workers').tBodies[0].querySelectorAll('tr.selected')) {
      if (tr.dataset.workerId !== key) tr.classList.remove('selected');
    }
    const tr = workerRows.get(key);
    if (tr) tr.classList.add('selected');
  }

  async function openStack(key) {
    ui.selected = key;
    markSelected(key);
    const w = ui.workerById.get(key);
    const title = $('stack-title'), pre = $('stack');
    setText(title, `Stack: ${w && w.name != null ? w.name : `#${key}`}`);
    $('stack-hint').hidden = true;
    $('stack-refresh').disabled = false;
    pre.className = 'loading';
    pre.textContent = 'loading…';
    if (stackCtl) stackCtl.abort();
    const ctl = (stackCtl = new AbortController());
    try {
      const res = await fetch(apiUrl('/api/stack', { worker: key }), { signal: ctl.signal, headers: { Accept: 'application/json' } });
      const body = await res.json().catch(() => null);
      if (ctl !== stackCtl) return;
      if (!res.ok || !body) {
        pre.className = 'error';
        pre.textContent = (body && body.error) || `HTTP ${res.status} ${res.statusText}`;
        return;
      }
      setText(title, `Stack: ${body.name ?? `#${key}`}${body.state ? ` (${body.state})` : ''}`);
      const frames = Array.isArray(body.stack) ? body.stack : [];
      pre.className = ui.mode === 'replay' ? 'live-note' : '';
      pre.textContent = frames.length ? frames.map((f) => `at ${f}`).join('\n') : '(no frames)';
    } catch (e) {
      if (e.name === 'AbortError') return;
      pre.className = 'error';
      pre.textContent = `request failed: ${e.message}`;
    }
  }

  function onWorkerActivate(ev) {
    if (ev.type === 'keydown' && ev.key !== 'Enter' && ev.key !== ' ') return;
    const host = ev.target.closest('[data-worker-id], [data-worker]');
    if (!host) return;
    if (ev.type === 'keydown') ev.preventDefault();
    openStack(host.dataset.workerId ?? host.dataset.worker);
  }

  // ---- status, messages, pause -------------------------------------------------------------------
  let msgKind = '';
  function setMessage(s, kind = 'error') {
    const m = $('message');
    msgKind = s ? kind : '';
    setText(m, s);
    m.hidden = !s;
  }

  function updateStatus() {
    const s = ui.mode === 'replay' ? 'replay' : !ui.connected ? 'disconnected' : ui.paused ? 'paused' : 'live';
    const st = $('status');
    setText(st, s);
    setClass(st, `status status-${s}`);
    const conn = $('conn');
    setText(conn, ui.connected ? 'connected' : 'reconnecting…');
    setClass(conn, ui.connected ? 'conn conn-up' : 'conn conn-down');
    document.body.dataset.mode = s;
    setText($('pause'), ui.paused ? 'Resume' : 'Pause');
    $('pause').disabled = ui.mode === 'replay';
    $('pause').setAttribute('aria-pressed', String(ui.paused));
    const p = $('pending');
    setText(p, `${num(ui.pendingCount)} new while paused`);
    p.hidden = !(ui.paused && ui.pendingCount > 0 && ui.mode === 'live');
  }

  function togglePause() {
    ui.paused = !ui.paused;
    if (!ui.paused) { ui.pendingCount = 0; ui.buffer = []; if (ui.latest && ui.mode === 'live') show(ui.latest); }
    updateStatus();
  }

  // ---- live stream -------------------------------------------------------------------------------
  let source = null, retryMs = 1000;

  function accept(snap) {
    if (!snap || typeof snap !== 'object') return;
    ui.latest = snap;
    if (ui.mode === 'live' && !ui.paused) { show(snap); return; }
    ui.buffer.push(snap); // held while paused or replaying; Resume / Live shows the newest
    if (ui.buffer.length > BUFFER_MAX) ui.buffer.splice(0, ui.buffer.length - BUFFER_MAX);
    if (ui.paused) { ui.pendingCount++; updateStatus(); }
  }

  function onSnapshotEvent(ev) {
    let snap;
    try { snap = JSON.parse(ev.data); } catch (e) { setMessage(`Bad snapshot from the stream: ${e.message}`); return; }
    if (!ui.connected) { ui.connected = true; updateStatus(); }
    if (msgKind === 'conn') setMessage('');
    accept(snap);
  }

  function connect() {
    const es = (source = new EventSource(apiUrl('/api/stream')));
    es.addEventListener('open', () => { ui.connected = true; retryMs = 1000; if (msgKind === 'conn') setMessage(''); updateStatus(); });
    es.addEventListener('snapshot', onSnapshotEvent);
    es.addEventListener('message', onSnapshotEvent); // tolerate events sent without a name
    es.addEventListener('error', () => {
      ui.connected = false;
      updateStatus();
      if (es.readyState === EventSource.CLOSED) { // the browser gave up (HTTP error): retry ourselves
        es.close();
        if (source === es) source = null;
        probe();
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 15000);
      }
    });
  }

  /** Fetches /api/snapshot: paints before the first event, and surfaces the server's error text. */
  async function probe() {
    try {
      const res = await fetch(apiUrl('/api/snapshot'), { headers: { Accept: 'application/json' } });
      const body = await res.json().catch(() => null);
      if (!res.ok) { setMessage(`Server: ${(body && body.error) || `HTTP ${res.status}`}`, 'conn'); return; }
      if (!ui.latest && body) accept(body);
    } catch (e) {
      setMessage(`Cannot reach the console server (${e.message}).`, 'conn');
    }
  }

  // ---- replay ------------------------------------------------------------------------------------
  function parseRecording(txt) {
    const t = txt.trim();
    if (t.startsWith('[')) return { snaps: JSON.parse(t).filter((s) => s && typeof s === 'object'), bad: 0 };
    const snaps = [];
    let bad = 0;
    for (const line of t.split(/\r?\n/)) {
      if (!line.trim()) continue;
      try { const s = JSON.parse(line); if (s && typeof s === 'object') snaps.push(s); else bad++; } catch { bad++; }
    }
    return { snaps, bad };
  }

  function enterReplay(txt, label) {
    let r;
    try { r = parseRecording(txt); } catch (e) { setMessage(`Cannot read ${label}: ${e.message}`); return; }
    if (!r.snaps.length) { setMessage(`${label} holds no snapshots.`); return; }
    setMessage(r.bad ? `${label}: skipped ${r.bad} unreadable line(s).` : '', 'replay');
    stopPlay();
    ui.mode = 'replay';
    ui.replay.snaps = r.snaps;
    const slider = $('replay-slider');
    slider.max = String(r.snaps.length - 1);
    setText($('replay-source'), label);
    $('replay-bar').hidden = false;
    $('live').hidden = false;
    updateStatus();
    replayGo(0);
  }

  function replayGo(i) {
    const snaps = ui.replay.snaps;
    i = Math.max(0, Math.min(snaps.length - 1, i | 0));
    ui.replay.index = i;
    const slider = $('replay-slider');
    if (slider.value !== String(i)) slider.value = String(i);
    const s = snaps[i];
    setText($('replay-pos'), `${i + 1} / ${snaps.length} · seq ${s.seq ?? '?'} · ${clock(s.time)}`);
    show(s);
  }

  function stopPlay() {
    clearTimeout(ui.replay.timer);
    ui.replay.playing = false;
    setText($('replay-play'), 'Play');
  }

  function playStep() {
    const r = ui.replay;
    if (!r.playing) return;
    if (r.index >= r.snaps.length - 1) { stopPlay(); return; }
    replayGo(r.index + 1);
    const speed = Number($('replay-speed').value) || 1;
    const ms = Math.min(5000, Math.max(50, (r.snaps[r.index].intervalMillis || 1000) / speed));
    r.timer = setTimeout(playStep, ms);
  }

  function togglePlay() {
    const r = ui.replay;
    if (r.playing) { stopPlay(); return; }
    if (r.index >= r.snaps.length - 1) replayGo(0);
    r.playing = true;
    setText($('replay-play'), 'Pause');
    const speed = Number($('replay-speed').value) || 1;
    r.timer = setTimeout(playStep, Math.max(50, (r.snaps[r.index].intervalMillis || 1000) / speed));
  }

  function exitReplay() {
    stopPlay();
    ui.mode = 'live';
    ui.paused = false;
    ui.pendingCount = 0;
    ui.buffer = [];
    ui.replay.snaps = [];
    $('replay-bar').hidden = true;
    $('live').hidden = true;
    if (msgKind === 'replay') setMessage('');
    updateStatus();
    if (ui.latest) show(ui.latest);
  }

  async function loadServerRecording() {
    const btn = $('replay');
    btn.disabled = true;
    try {
      const res = await fetch(apiUrl('/api/recording'));
      const txt = await res.text();
      if (!res.ok) {
        let err = `HTTP ${res.status}`;
        try { err = JSON.parse(txt).error || err; } catch { /* not JSON */ }
        setMessage(`Cannot load the recording: ${err}`);
        return;
      }
      enterReplay(txt, 'server recording');
    } catch (e) {
      setMessage(`Cannot load the recording: ${e.message}`);
    } finally {
      btn.disabled = false;
    }
  }

  // ---- wiring (all listeners attached once, here) ------------------------------------------------
  function init() {
    $('pause').addEventListener('click', togglePause);
    const dl = $('download');
    dl.href = apiUrl('/api/recording');
    dl.addEventListener('click', () => {
      dl.download = `vela-recording-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
    });
    $('replay').addEventListener('click', loadServerRecording);
    $('replay-file').addEventListener('change', async (ev) => {
      const input = ev.target;
      const file = input.files && input.files[0];
      if (!file) return;
      try { enterReplay(await file.text(), file.name); } catch (e) { setMessage(`Cannot read ${file.name}: ${e.message}`); }
      input.value = ''; // allow choosing the same file again
    });
    $('live').addEventListener('click', exitReplay);
    $('replay-play').addEventListener('click', togglePlay);
    $('replay-slider').addEventListener('input', (ev) => { stopPlay(); replayGo(Number(ev.target.value)); });
    $('stack-refresh').addEventListener('click', () => { if (ui.selected) openStack(ui.selected); });
    for (const id of ['workers', 'warnings', 'deadlock-workers']) {
      $(id).addEventListener('click', onWorkerActivate);
      $(id).addEventListener('keydown', onWorkerActivate);
    }
    document.querySelector('main').addEventListener('click', onSortClick);
    for (const id of ['worker-filter', 'channel-filter']) $(id).addEventListener('input', rerender);
    updateStatus();
    connect();
    probe();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
