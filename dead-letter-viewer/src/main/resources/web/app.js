// Jobwire dead-letter viewer. Everything inside a dead letter is untrusted: it is only ever put
// into the page as text (text nodes / textContent), never as HTML; invisible and direction-changing
// characters in it are shown as visible markers.
'use strict';

const state = {
  config: null, session: { authenticated: false }, version: -1, selected: new Set(), replayScope: null,
  paused: false, missed: 0, reader: null, notIndexed: 0,
};
const FILTERS = ['topic', 'type', 'reason', 'exception', 'status', 'range', 'from', 'to', 'q'];
const SVG_NS = 'http://www.w3.org/2000/svg';

// ---------- visible text: bidi controls and zero-width characters become markers ----------
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
function codeName(ch) { return 'U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0'); }
function visibleText(s) {
  s = String(s);
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of s.matchAll(INVISIBLE)) {
    if (m.index > last) frag.append(document.createTextNode(s.slice(last, m.index)));
    const mark = document.createElement('span');
    mark.className = 'ctl';
    mark.title = 'invisible character ' + codeName(m[0]) + ' in the data';
    mark.textContent = codeName(m[0]);
    frag.append(mark);
    last = m.index + m[0].length;
  }
  if (last < s.length) frag.append(document.createTextNode(s.slice(last)));
  return frag;
}
function visibleAttr(s) { return String(s).replace(INVISIBLE, ch => '<' + codeName(ch) + '>'); }

// ---------- tiny DOM helpers (text only) ----------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'onclick') node.addEventListener('click', v);
    else if (k === 'text') node.append(visibleText(v));
    else node.setAttribute(k, visibleAttr(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : visibleText(c));
  }
  return node;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function $(id) { return document.getElementById(id); }
function short(s, n) { s = s == null ? '' : String(s); return s.length > n ? s.slice(0, n) + '…' : s; }
function simpleName(cls) { return cls ? String(cls).split('.').pop() : ''; }
function notice(text) { $('notice').textContent = text || ''; }
function fmt(n) { return Number(n || 0).toLocaleString('en'); }

// ---------- times: UTC, and how long ago ----------
function utc(iso) { return iso ? String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }
function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (isNaN(s)) return '';
  const abs = Math.abs(s), future = s < 0;
  const span = abs < 45 ? abs + ' s' : abs < 5400 ? Math.round(abs / 60) + ' min'
    : abs < 129600 ? Math.round(abs / 3600) + ' h' : Math.round(abs / 86400) + ' days';
  return future ? 'in ' + span : span + ' ago';
}
function when(iso) {
  return el('span', { class: 'when' }, el('time', { datetime: iso, title: iso }, utc(iso)), el('span', { class: 'ago' }, ago(iso)));
}
function axisLabel(ms, spanMs) {
  const d = new Date(ms).toISOString();
  return spanMs > 2 * 86400000 ? d.slice(5, 10) + ' ' + d.slice(11, 16) : d.slice(11, 16);
}

// ---------- URL state: the filters live in the query string; "open" is the default status ----------
function params() { return new URLSearchParams(location.search); }
function statusParam() { return params().get('status') || 'open'; }
function filterParams() {
  const p = params(); const out = new URLSearchParams();
  for (const f of FILTERS) if (p.get(f)) out.set(f, p.get(f));
  if (!out.get('status')) out.set('status', 'open');
  return out;
}
function link(changes) {
  const p = params();
  for (const [k, v] of Object.entries(changes)) { if (v === null || v === '' || v === undefined) p.delete(k); else p.set(k, v); }
  return '?' + p.toString();
}
function go(href) { history.pushState(null, '', href); render(); }

// ---------- API ----------
async function api(path, options) {
  const opts = Object.assign({ credentials: 'same-origin', headers: {} }, options || {});
  if (opts.body !== undefined) {
    opts.method = opts.method || 'POST';
    opts.headers['Content-Type'] = 'application/json';
    if (state.session.csrfToken) opts.headers['X-CSRF-Token'] = state.session.csrfToken;
    opts.body = JSON.stringify(opts.body);
  }
  const res = await fetch(path, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const err = new Error((data && data.error) || ('HTTP ' + res.status));
    err.status = res.status;
    if (res.status === 401 && state.session.readAuth && !path.startsWith('/api/session')) {
      state.session.authenticated = false; renderAuth(); openLogin();
    }
    throw err;
  }
  return data;
}

// ---------- header: auth, live status, pause ----------
function canAct() { return state.config && !state.config.readOnly && state.session.authenticated && state.session.canAct; }
function renderAuth() {
  const box = clear($('auth'));
  if (state.session.readOnly && !state.session.readAuth) { box.append(el('span', { class: 'badge', id: 'read-only' }, 'read-only')); return; }
  if (state.session.authenticated) {
    box.append(el('span', { id: 'signed-in' }, 'Signed in as ' + state.session.user + (state.session.canAct ? '' : ' (read only)') + ' '),
      el('button', { id: 'signout-btn', type: 'button', onclick: signOut }, 'Sign out'));
  } else {
    box.append(el('button', { id: 'signin-btn', type: 'button', onclick: () => openLogin() },
      state.session.readAuth ? 'Sign in' : 'Sign in to act'));
  }
}
function openLogin() {
  if ($('login-dialog').open) return;
  $('login-title').textContent = state.session.readAuth ? 'Sign in to read and act' : 'Sign in to replay and resolve';
  $('login-error').textContent = '';
  $('login-dialog').showModal();
  $('login-token').focus();
}
async function signIn(ev) {
  ev.preventDefault();
  try {
    state.session = await api('/api/session', { body: { token: $('login-token').value, user: $('login-user').value } });
    $('login-token').value = '';
    $('login-dialog').close();
    await start();
  } catch (e) { $('login-error').textContent = e.message; }
}
async function signOut() {
  try { await api('/api/session/logout', { body: {} }); } catch (e) { /* ignore */ }
  state.session = await api('/api/session');
  renderAuth();
  if (state.session.readAuth) { clear($('view')); openLogin(); } else render();
}
function needSignIn() {
  if (canAct()) return false;
  if (state.session.authenticated && !state.session.canAct) { notice('Signed in with the read token: it cannot replay or resolve.'); return true; }
  if (!state.config.readOnly) openLogin();
  return true;
}
function togglePause() {
  state.paused = !state.paused;
  const b = $('pause-btn');
  b.setAttribute('aria-pressed', String(state.paused));
  if (!state.paused && state.missed) { state.missed = 0; render(); loadFacets(); }
  updateLive();
}
function updateLive() {
  const live = $('live'), b = $('pause-btn'), r = state.reader;
  live.className = 'badge';
  if (!r) { live.textContent = 'disconnected'; live.classList.add('bad'); }
  else if (r.state === 'FAILED' || r.state === 'STALLED') { live.textContent = 'not following'; live.classList.add('bad'); }
  else if (r.state === 'CATCHING_UP') live.textContent = 'loading…';
  else if (state.paused) { live.textContent = 'paused'; live.classList.add('paused'); }
  else { live.textContent = 'live'; live.classList.add('live'); }
  b.textContent = state.paused ? 'Resume updates' + (state.missed ? ' (' + state.missed + ' new)' : '') : 'Pause updates';
}
function renderReaderAlert(v) {
  const box = $('reader-alert'), r = v && v.reader;
  if (!r || r.state === 'LIVE' || r.state === 'CATCHING_UP') { box.hidden = true; clear(box); }
  else {
    box.hidden = false;
    clear(box).append(r.state === 'RETRYING'
      ? 'Kafka reader retrying: ' + (r.lastError || '') + '. New dead letters may be missing.'
      : 'Not following Kafka (' + r.state.toLowerCase() + '): ' + (r.lastError || 'no successful read for ' + Math.round(r.millisSinceLastPoll / 1000) + ' s')
        + '. What you see stopped at ' + utc(new Date(Date.now() - r.millisSinceLastPoll).toISOString()) + '; new dead letters are not shown. Restart the viewer.');
  }
  const cov = $('coverage');
  if (v && v.notIndexed > 0) {
    cov.hidden = false;
    clear(cov).append(fmt(v.notIndexed) + ' older dead letter(s) are not indexed (memory budget or per-topic limit) and are not in these counts. ',
      el('a', { href: link({ view: 'index' }), id: 'coverage-link' }, 'Which offsets, and how to open them'));
  } else { cov.hidden = true; clear(cov); }
}

// ---------- filters ----------
async function loadFacets() {
  const f = await api('/api/facets');
  const fill = (id, values, key) => {
    const select = $(id); const current = params().get(key) || '';
    clear(select).append(el('option', { value: '' }, 'all'));
    const names = Object.keys(values || {});
    if (current && !names.includes(current)) names.push(current);
    for (const name of names) {
      const count = values[name];
      select.append(el('option', { value: name }, count === undefined ? name : name + ' (' + fmt(count) + ')'));
    }
    select.value = current;
  };
  fill('f-topic', f.topics, 'topic');
  fill('f-type', f.taskTypes, 'type');
  fill('f-reason', f.reasons, 'reason');
  fill('f-exception', f.exceptionClasses, 'exception');
}
function syncFilterForm() {
  const p = params();
  for (const name of FILTERS) { const input = $('f-' + name); if (input) input.value = p.get(name) || ''; }
  $('f-status').value = statusParam();
  const custom = !p.get('range') && (p.get('from') || p.get('to'));
  if (custom) $('f-range').value = 'custom';
  $('filters').classList.toggle('custom', $('f-range').value === 'custom');
}
function applyFilters(ev) {
  if (ev) ev.preventDefault();
  const p = params();
  for (const name of FILTERS) { const v = $('f-' + name).value.trim(); if (v) p.set(name, v); else p.delete(name); }
  if (p.get('range') === 'custom') p.delete('range'); else { p.delete('from'); p.delete('to'); }
  p.delete('page'); p.delete('gpage');
  if (!p.get('view') || p.get('view') === 'detail' || p.get('view') === 'index') p.set('view', p.get('view') === 'detail' ? 'list' : 'groups');
  p.delete('ref');
  state.selected.clear();
  go('?' + p.toString());
}

// ---------- views ----------
// Renders run one after another: a live refresh that started before the user changed the filters
// must not finish after (and paint over) the render of the new filters.
let rendering = Promise.resolve();
function render() {
  rendering = rendering.then(renderNow, renderNow);
  return rendering;
}
async function renderNow() {
  const view = params().get('view') || 'groups';
  for (const v of ['groups', 'list', 'replays']) $('nav-' + v).classList.toggle('active', v === view);
  syncFilterForm();
  const main = $('view');
  try {
    if (view === 'list') await renderList(main);
    else if (view === 'detail') await renderDetail(main, params().get('ref'));
    else if (view === 'replays') await renderReplays(main);
    else if (view === 'index') await renderIndex(main);
    else await renderGroups(main);
  } catch (e) {
    clear(main).append(el('p', { class: 'error' }, 'Could not load: ' + e.message));
  }
}

// A bar chart of arrivals with a time axis: start, middle and end of the range, and the tallest bar's count.
function histogram(counts, fromIso, toIso) {
  const w = 300, h = 40, axis = 14, n = counts.length, max = Math.max(1, ...counts);
  const from = Date.parse(fromIso), to = Date.parse(toIso), span = to - from;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', h + axis); svg.setAttribute('viewBox', '0 0 ' + w + ' ' + (h + axis));
  svg.setAttribute('class', 'chart'); svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'arrivals from ' + utc(fromIso) + ' to ' + utc(toIso));
  const bw = w / n;
  counts.forEach((c, i) => {
    if (!c) return;
    const bh = Math.max(1, Math.round((c / max) * (h - 12)));
    const r = document.createElementNS(SVG_NS, 'rect');
    r.setAttribute('class', 'bar');
    r.setAttribute('x', (i * bw + 1).toFixed(1)); r.setAttribute('y', String(h - bh));
    r.setAttribute('width', Math.max(1, bw - 2).toFixed(1)); r.setAttribute('height', String(bh));
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = c + ' dead letter(s) from ' + utc(new Date(from + span * i / n).toISOString()) + ' to ' + utc(new Date(from + span * (i + 1) / n).toISOString());
    r.append(t); svg.append(r);
  });
  const base = document.createElementNS(SVG_NS, 'line');
  base.setAttribute('x1', '0'); base.setAttribute('x2', String(w)); base.setAttribute('y1', String(h + .5)); base.setAttribute('y2', String(h + .5));
  svg.append(base);
  const label = (x, text, anchor, y) => {
    const t = document.createElementNS(SVG_NS, 'text');
    t.setAttribute('x', String(x)); t.setAttribute('y', String(y)); t.setAttribute('text-anchor', anchor);
    t.setAttribute('class', 'tick'); t.textContent = text; svg.append(t);
  };
  if (!isNaN(span)) {
    label(0, axisLabel(from, span), 'start', h + axis - 2);
    label(w / 2, axisLabel(from + span / 2, span), 'middle', h + axis - 2);
    label(w, axisLabel(to, span) + ' UTC', 'end', h + axis - 2);
  }
  label(w, 'max ' + max, 'end', 9);
  return svg;
}

function counts(map) { return Object.entries(map || {}).map(([k, v]) => k + ' (' + fmt(v) + ')').join(', '); }

async function renderGroups(main) {
  const gpage = parseInt(params().get('gpage') || '0', 10) || 0;
  const q = filterParams(); q.set('page', gpage); q.set('size', 50);
  const data = await api('/api/groups?' + q.toString());
  const status = statusParam();
  clear(main);
  const sc = data.statusCounts || {};
  const first = data.groups.length ? gpage * data.size + 1 : 0;
  main.append(el('p', { id: 'summary' },
    el('strong', {}, fmt(data.total) + (status === 'all' ? '' : ' ' + status) + ' dead letter(s)'),
    ' in ' + fmt(data.totalGroups) + ' group(s)',
    el('span', { class: 'muted', id: 'status-counts' }, ' · open ' + fmt(sc.open) + ' · replayed ' + fmt(sc.replayed) + ' · resolved ' + fmt(sc.resolved)),
    data.totalGroups > data.groups.length ? el('span', { class: 'muted' }, ' · groups ' + first + '–' + (first + data.groups.length - 1)) : null,
    data.from ? el('span', { class: 'muted' }, ' · ' + utc(data.from) + ' – ' + utc(data.to)) : null));
  const grid = el('div', { class: 'groups', id: 'groups' });
  const filter = Object.fromEntries(filterParams());
  for (const g of data.groups) {
    const listHref = link({ view: 'list', group: g.id, page: null, ref: null, gpage: null });
    const messages = el('div', { class: 'norm', title: 'messages with names, numbers, ids and quoted values masked' });
    const entries = Object.entries(g.messages || {});
    if (!entries.length) messages.append('(no message)');
    entries.forEach(([m, c], i) => { if (i) messages.append(el('br')); messages.append((m || '(no message)') + (entries.length > 1 ? '  ×' + fmt(c) : '')); });
    const card = el('div', { class: 'group', 'data-group': g.id },
      el('span', { class: 'group-count' }, fmt(g.count), el('small', {}, status === 'all' ? 'dead letters' : status)),
      el('h3', { class: 'group-title', title: g.exceptionClass }, g.exceptionClass || '(no exception class)'),
      (g.topFrames || []).length ? el('div', { class: 'frame muted' }, ...g.topFrames.flatMap((f, i) => i ? [el('br'), 'at ' + f] : ['at ' + f])) : null,
      messages,
      el('div', { class: 'states' },
        el('span', { class: 'n-open' }, fmt(g.open) + ' open'), ' · ',
        el('span', { class: 'n-replayed' }, fmt(g.replayed) + ' replayed'), ' · ',
        el('span', { class: 'n-resolved' }, fmt(g.resolved) + ' resolved')),
      histogram(g.histogram, data.from, data.to),
      el('div', { class: 'muted' }, 'first ', el('span', { title: g.firstSeen }, ago(g.firstSeen)), ' · last ',
        el('span', { title: g.lastSeen }, ago(g.lastSeen)), ' (' + utc(g.lastSeen) + ')'),
      el('div', {}, 'Task types: ' + counts(g.taskTypes)),
      el('div', { class: 'muted' }, 'Reasons: ' + counts(g.reasons) + ' · Topics: ' + counts(g.topics)),
      el('div', { class: 'actions' },
        el('a', { href: listHref, class: 'group-open' }, 'Show dead letters'),
        state.config.readOnly ? null : el('button', { type: 'button', class: 'group-replay',
          onclick: () => openReplay({ group: g.id, filter }, 'Replay ' + fmt(g.count) + ' ' + (status === 'all' ? '' : status + ' ') + 'dead letter(s) of this group') },
          'Replay ' + (status === 'all' ? 'group' : status)),
        state.config.readOnly || status === 'resolved' ? null : el('button', { type: 'button', class: 'group-resolve',
          onclick: () => resolve({ group: g.id, filter }, g.count) }, 'Resolve ' + (status === 'all' ? 'group' : status))));
    grid.append(card);
  }
  if (!data.groups.length) grid.append(el('p', { class: 'muted', id: 'empty' }, status === 'open'
    ? 'Nothing open: every dead letter that matches was replayed or resolved.' : 'No dead letters match.'));
  main.append(grid);
  const pages = Math.max(1, Math.ceil(data.totalGroups / data.size));
  if (pages > 1) {
    main.append(el('div', { class: 'pager' },
      gpage > 0 ? el('a', { href: link({ gpage: gpage - 1 }), id: 'gprev' }, '← larger groups') : null,
      el('span', {}, 'groups page ' + (gpage + 1) + ' of ' + pages),
      gpage + 1 < pages ? el('a', { href: link({ gpage: gpage + 1 }), id: 'gnext' }, 'smaller groups →') : null));
  }
}

function markBadge(mark) {
  if (!mark || mark.state === 'OPEN') {
    const title = mark && mark.previous ? 're-opened by ' + mark.by + ' at ' + utc(mark.at) + '; before: ' + mark.previous.state.toLowerCase() + ' by ' + mark.previous.by : null;
    return el('span', { class: 'badge open', title }, 'open');
  }
  const s = mark.state.toLowerCase();
  return el('span', { class: 'badge ' + s, title: 'by ' + mark.by + ' at ' + utc(mark.at) + (mark.note ? ' — ' + mark.note : '') }, s);
}

// Did the replay work: a link to the dead letter it came back as, or "no new dead letter".
function outcomeView(o) {
  if (!o) return null;
  if (o.state === 'FAILED_AGAIN') {
    const newest = o.newDeadLetters[0];
    return el('span', { class: 'outcome failed' }, '✗ failed again → ',
      el('a', { href: link({ view: 'detail', ref: newest }), class: 'outcome-link' }, newest));
  }
  if (o.state === 'SUCCEEDED') return el('span', { class: 'outcome ok', title: 'no new dead letter within the outcome window after ' + utc(o.replayedAt) }, '✓ no new dead letter');
  return el('span', { class: 'outcome pending', title: 'a new dead letter until ' + utc(o.decidedBy) + ' would mean it failed again' }, '… waiting until ' + ago(o.decidedBy).replace('in ', '+'));
}

async function renderList(main) {
  const p = params();
  const page = parseInt(p.get('page') || '0', 10) || 0;
  const q = filterParams(); if (p.get('group')) q.set('group', p.get('group'));
  q.set('page', page); q.set('size', 50);
  const data = await api('/api/dead-letters?' + q.toString());
  clear(main);
  const toolbar = el('div', { class: 'toolbar' },
    el('span', { id: 'summary' }, fmt(data.total) + ' ' + (statusParam() === 'all' ? '' : statusParam() + ' ') + 'dead letter(s)' + (p.get('group') ? ' in group ' + p.get('group') : '')),
    p.get('group') ? el('a', { href: link({ group: null, page: null }) }, 'all groups') : null,
    el('span', { id: 'selected-count', class: 'muted' }, state.selected.size ? state.selected.size + ' selected' : ''));
  if (!state.config.readOnly) {
    const filter = Object.fromEntries(filterParams()); if (p.get('group')) filter.group = p.get('group');
    const needSelection = fn => () => { if (!state.selected.size) { notice('Select dead letters first.'); return; } fn(); };
    toolbar.append(
      el('button', { type: 'button', id: 'replay-selected', onclick: needSelection(() => openReplay({ refs: [...state.selected] }, 'Replay ' + state.selected.size + ' selected')) }, 'Replay selected'),
      el('button', { type: 'button', id: 'resolve-selected', onclick: needSelection(() => resolve({ refs: [...state.selected] }, state.selected.size)) }, 'Resolve selected'),
      el('button', { type: 'button', id: 'reopen-selected', onclick: needSelection(() => setMark({ refs: [...state.selected] }, 'OPEN')) }, 'Re-open selected'),
      el('button', { type: 'button', id: 'replay-all', onclick: () => openReplay({ filter }, 'Replay all ' + fmt(data.total) + ' matching') }, 'Replay all ' + fmt(data.total) + ' matching'));
  }
  main.append(toolbar);
  const selectAll = el('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'select every dead letter on this page' });
  const table = el('table', { id: 'dead-letters', class: 'dl' });
  const widths = ['2.2em', '12.5em', '8em', '10.5em', '10em', null, '5.2em', '10em', '8em', '9.5em'];
  const cols = el('colgroup');
  widths.forEach(w => { const c = el('col'); if (w) c.style.width = w; cols.append(c); }); // CSSOM: the CSP forbids style attributes
  table.append(cols);
  table.append(el('thead', {}, el('tr', {}, el('th', {}, selectAll), el('th', {}, 'Time (UTC)'), el('th', {}, 'Task type'),
    el('th', {}, 'Reason'), el('th', {}, 'Exception'), el('th', {}, 'Message'), el('th', { class: 'num' }, 'Attempts'),
    el('th', {}, 'Original'), el('th', {}, 'Key'), el('th', { class: 'status' }, 'Status'))));
  const body = el('tbody');
  const boxes = [];
  const updateCount = () => {
    $('selected-count').textContent = state.selected.size ? state.selected.size + ' selected' : '';
    selectAll.checked = boxes.length > 0 && boxes.every(b => b.checked);
    selectAll.indeterminate = !selectAll.checked && boxes.some(b => b.checked);
  };
  for (const d of data.items) {
    const box = el('input', { type: 'checkbox', class: 'select', 'aria-label': 'select ' + d.ref, 'data-ref': d.ref });
    box.checked = state.selected.has(d.ref);
    box.addEventListener('change', () => { if (box.checked) state.selected.add(d.ref); else state.selected.delete(d.ref); updateCount(); });
    boxes.push(box);
    const original = d.originalTopic ? d.originalTopic + '/' + (d.originalPartition ?? '?') + '/' + (d.originalOffset ?? '?') : '';
    body.append(el('tr', { class: 'dl-row', 'data-ref': d.ref },
      el('td', {}, box),
      el('td', { class: 'when' }, el('a', { href: link({ view: 'detail', ref: d.ref }), class: 'dl-link' }, when(d.timestamp))),
      el('td', { class: 'type', title: d.taskType || '' }, d.taskType || ''),
      el('td', { title: d.reason || '' }, d.decodeError ? el('span', { class: 'badge bad', title: d.decodeError }, 'decode error') : (d.reason || '')),
      el('td', { class: 'exception', title: d.exceptionClass || '' }, simpleName(d.exceptionClass)),
      el('td', { class: 'msg', title: short(d.decodeError || d.message || '', 500) }, short(d.decodeError || d.message, 200),
        d.valueOmittedBytes != null ? el('span', { class: 'badge bad', title: 'the value was too large to dead-letter' }, ' value omitted') : null),
      el('td', { class: 'num' }, d.attempts ?? ''),
      el('td', { title: original }, original),
      el('td', { class: 'key', title: short(d.key || '', 500) }, short(d.key, 80)),
      el('td', { class: 'status' }, markBadge(d.mark), outcomeView(d.outcome))));
  }
  selectAll.addEventListener('change', () => {
    for (const b of boxes) { b.checked = selectAll.checked; if (b.checked) state.selected.add(b.dataset.ref); else state.selected.delete(b.dataset.ref); }
    updateCount();
  });
  updateCount();
  table.append(body);
  main.append(table);
  const pages = Math.max(1, Math.ceil(data.total / data.size));
  main.append(el('div', { class: 'pager' },
    page > 0 ? el('a', { href: link({ page: page - 1 }), id: 'prev' }, '← newer') : null,
    el('span', {}, 'page ' + fmt(page + 1) + ' of ' + fmt(pages)),
    page + 1 < pages ? el('a', { href: link({ page: page + 1 }), id: 'next' }, 'older →') : null));
}

function field(dl, name, value) {
  if (value === null || value === undefined || value === '') return;
  dl.append(el('dt', {}, name), el('dd', {}, value));
}
function refLink(ref) { return el('a', { href: link({ view: 'detail', ref }) }, ref); }

async function renderDetail(main, ref) {
  if (!ref) { go(link({ view: 'list' })); return; }
  const parts = ref.split('/');
  const offset = parts.pop(), partition = parts.pop(), topic = parts.join('/');
  const d = await api('/api/dead-letters/' + encodeURIComponent(topic) + '/' + encodeURIComponent(partition) + '/' + encodeURIComponent(offset));
  const e = d.entry;
  clear(main);
  const wrap = el('div', { class: 'detail', id: 'detail', 'data-ref': e.ref });
  const actions = el('div', { class: 'toolbar' }, el('a', { href: link({ view: 'list', ref: null }) }, '← list'),
    el('a', { href: link({ view: 'list', ref: null, group: e.group }) }, 'same error group'), markBadge(e.mark), outcomeView(e.outcome));
  if (!state.config.readOnly) {
    actions.append(el('button', { type: 'button', id: 'replay-btn', onclick: () => openReplay({ refs: [e.ref] }, 'Replay ' + e.ref) }, 'Replay'));
    if (e.mark && e.mark.state === 'RESOLVED') {
      actions.append(el('button', { type: 'button', id: 'reopen-btn', onclick: () => setMark({ refs: [e.ref] }, 'OPEN') }, 'Re-open'));
    } else {
      actions.append(el('button', { type: 'button', id: 'resolve-btn', onclick: () => resolve({ refs: [e.ref] }, 1) }, 'Mark resolved'));
    }
  }
  wrap.append(actions);
  if (!d.indexed) wrap.append(el('p', { class: 'alert' }, 'This dead letter is older than what the index holds; it was read from Kafka for this page.'));
  if (e.valueOmittedBytes != null) {
    wrap.append(el('p', { class: 'alert bad', id: 'd-value-omitted' }, 'The original value (' + (e.valueOmittedBytes >= 0 ? fmt(e.valueOmittedBytes) + ' bytes' : 'size unknown')
      + ') was too large to dead-letter: the payload below is the worker\'s marker, not the task. It cannot be replayed from here.'));
  }

  const summary = el('dl', { class: 'fields' });
  field(summary, 'Dead letter', e.ref);
  field(summary, 'Dead-lettered', when(e.timestamp));
  field(summary, 'Format', e.format);
  field(summary, 'Task type', e.taskType);
  field(summary, 'Task id', e.taskId);
  field(summary, 'Reason', e.reason);
  field(summary, 'Attempts', e.attempts);
  field(summary, 'Original record', e.originalTopic ? e.originalTopic + '/' + (e.originalPartition ?? '?') + '/' + (e.originalOffset ?? '?') : null);
  field(summary, 'Original timestamp', utc(d.originalTimestamp));
  field(summary, 'Consumer group', d.consumerGroup);
  field(summary, 'Worker', d.worker);
  field(summary, 'Replay count', e.replayCountMalformed ? 'malformed (counts as the loop-guard limit)' : e.replayCount);
  if (e.replayOf) field(summary, 'Replay of', refLink(e.replayOf));
  if (e.earlierRounds) field(summary, 'Earlier dead-letter rounds', e.earlierRounds);
  if (e.mark) {
    const m = e.mark;
    field(summary, 'Mark', m.state + ' by ' + m.by + ' at ' + utc(m.at) + (m.target ? ' → ' + m.target : '') + (m.replayedTo ? ' (' + m.replayedTo + ')' : '') + (m.note ? ' — ' + m.note : ''));
    if (m.replays) field(summary, 'Replays of this dead letter', m.replays + ' of at most ' + state.config.maxReplayCount + ' (loop guard)');
    if (m.previous) field(summary, 'Before that', m.previous.state + ' by ' + m.previous.by + ' at ' + utc(m.previous.at) + (m.previous.note ? ' — ' + m.previous.note : ''));
  }
  if (d.replays && d.replays.length) {
    const list = el('span', {});
    d.replays.forEach((r, i) => { if (i) list.append(', '); list.append(refLink(r)); });
    field(summary, 'Its replays failed again as', list);
  }
  wrap.append(el('section', {}, el('h2', {}, 'Dead letter'), summary));

  const error = el('section', {}, el('h2', {}, 'Error'));
  if (e.decodeError) error.append(el('p', { class: 'error', id: 'd-decode-error' }, 'Could not decode the dead-letter headers: ' + e.decodeError));
  error.append(el('p', {}, el('strong', { id: 'd-exception' }, e.exceptionClass || '')),
    el('pre', { id: 'd-message' }, d.message || ''));
  wrap.append(error);

  if (!d.onBroker) {
    wrap.append(el('section', {}, el('p', { class: 'error' }, 'This record is no longer on the broker (retention); only the indexed summary is left.')));
  } else {
    wrap.append(el('section', {}, el('h2', {}, 'Key (' + d.key.encoding + ')'), el('pre', { id: 'd-key' }, d.key.text ?? '(no key)')));
    wrap.append(el('section', {}, el('h2', {}, 'Payload (' + d.value.encoding + ', ' + fmt(d.value.size) + ' bytes)'),
      el('pre', { id: 'd-payload' }, d.value.text ?? '(empty)')));
    if (d.attemptHistory && d.attemptHistory.length) {
      const at = el('table', { id: 'd-attempts' }, el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'At (UTC)'), el('th', {}, 'Exception'), el('th', {}, 'Message'))));
      const ab = el('tbody');
      for (const a of d.attemptHistory) ab.append(el('tr', {}, el('td', {}, a.attempt), el('td', {}, when(a.at)), el('td', {}, a.exceptionClass), el('td', {}, el('pre', {}, a.message))));
      at.append(ab);
      wrap.append(el('section', {}, el('h2', {}, 'Attempt history (' + d.attemptHistory.length + ', every retry round)'), at));
    }
    if (d.stackTrace) wrap.append(el('section', {}, el('h2', {}, 'Stack trace'), el('pre', { id: 'd-stack' }, d.stackTrace)));
    (d.earlierRounds || []).forEach((round, i) => {
      const dl = el('dl', { class: 'fields' });
      for (const h of round) field(dl, h.key, el('pre', {}, (h.binary ? 'hex: ' : '') + (h.value ?? '')));
      wrap.append(el('section', { class: 'earlier-round' }, el('h2', {}, 'Earlier dead-letter round ' + (i + 1) + ' (jobwire.prev-dlt.*)'), dl));
    });
    const ht = el('table', { id: 'd-headers' }, el('thead', {}, el('tr', {}, el('th', {}, 'Header'), el('th', {}, 'Value'))));
    const hb = el('tbody');
    for (const h of d.headers) {
      hb.append(el('tr', {}, el('td', {}, h.key), el('td', {}, el('pre', {}, (h.binary ? 'hex: ' : '') + (h.value ?? '')))));
    }
    ht.append(hb);
    wrap.append(el('section', {}, el('h2', {}, 'Headers (' + d.headers.length + ')'), ht));
  }
  main.append(wrap);
}

async function renderIndex(main) {
  const c = await api('/api/index');
  clear(main);
  main.append(el('h2', {}, 'What the index holds'),
    el('p', {}, fmt(c.entries) + ' dead letters in ' + Math.round(c.bytes / 1048576) + ' MB of a ' + Math.round(c.budgetBytes / 1048576)
      + ' MB budget (JOBWIRE_VIEWER_INDEX_MEMORY), at most ' + fmt(c.maxPerTopic) + ' per topic (JOBWIRE_VIEWER_MAX_PER_TOPIC). Evicted so far: '
      + fmt(c.evictedForMemory) + ' for memory, ' + fmt(c.evictedForCount) + ' for the per-topic limit.'));
  const t = el('table', { id: 'not-indexed' }, el('thead', {}, el('tr', {}, el('th', {}, 'Topic'), el('th', {}, 'Partition'),
    el('th', {}, 'Offsets not indexed'), el('th', { class: 'num' }, 'Records'))));
  const b = el('tbody');
  for (const g of c.notIndexed) b.append(el('tr', {}, el('td', {}, g.topic), el('td', {}, g.partition), el('td', {}, fmt(g.fromOffset) + ' – ' + fmt(g.toOffset)), el('td', { class: 'num' }, fmt(g.records))));
  if (!c.notIndexed.length) b.append(el('tr', {}, el('td', { colspan: 4 }, 'Everything on the broker is indexed.')));
  t.append(b);
  const input = el('input', { id: 'open-ref', placeholder: 'topic/partition/offset', size: 40 });
  main.append(t, el('p', {}, 'Such a dead letter is not in the lists and counts, but it can still be opened, checked and replayed by its reference (read from Kafka): '),
    el('form', { id: 'open-ref-form' }, input, ' ', el('button', { type: 'submit' }, 'Open')));
  $('open-ref-form').addEventListener('submit', ev => { ev.preventDefault(); if (input.value.trim()) go(link({ view: 'detail', ref: input.value.trim() })); });
}

async function renderReplays(main) {
  const data = await api('/api/replays');
  clear(main);
  main.append(el('h2', {}, 'Replay jobs on this viewer'));
  if (!data.jobs.length) main.append(el('p', { class: 'muted' }, 'None since this viewer started.'));
  for (const j of data.jobs) main.append(jobView(j));
  main.append(el('h2', {}, 'Audit trail (' + data.audit.length + ' newest records, every viewer)'));
  const t = el('table', { id: 'audit' }, el('thead', {}, el('tr', {}, el('th', {}, 'When (UTC)'), el('th', {}, 'Who'), el('th', {}, 'Action'),
    el('th', {}, 'Selection'), el('th', {}, 'Done / refused / failed'), el('th', {}, 'Dead letters'))));
  const b = el('tbody');
  for (const a of data.audit) {
    const items = el('td', {});
    for (const i of a.items.slice(0, 20)) {
      items.append(el('div', {}, i.ref ? refLink(i.ref) : '', (i.target ? ' → ' + i.target : '') + ' ' + i.outcome + (i.result ? ': ' + i.result : '')));
    }
    if (a.items.length > 20) items.append(el('div', { class: 'muted' }, '… and ' + (a.items.length - 20) + ' more'));
    const sel = a.selection ? Object.entries(a.selection).map(([k, v]) => k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ') : '';
    b.append(el('tr', { class: 'audit-row', 'data-action': a.action || 'REPLAY' }, el('td', {}, when(a.at)), el('td', {}, a.actor),
      el('td', {}, (a.action || 'REPLAY') + (a.override ? ' (loop guard overridden: ' + a.override + ')' : '') + (a.part ? ' #' + a.part : '')),
      el('td', {}, sel), el('td', {}, a.done + ' / ' + a.refused + ' / ' + a.failed), items));
  }
  t.append(b);
  main.append(t);
}

// Progress: one segment per outcome. Green only for what was sent; refused amber, failed red.
function progressBar(j) {
  const bar = el('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': j.total, 'aria-valuenow': j.processed });
  const seg = (cls, n) => { if (n > 0 && j.total) { const s = el('span', { class: cls, title: n + ' ' + cls }); s.style.width = (100 * n / j.total) + '%'; bar.append(s); } };
  if (j.dryRun) seg('would', j.wouldSend); else seg('sent', j.sent);
  seg('refused', j.refused);
  seg('failed', j.failed);
  return bar;
}
function jobSummary(j) {
  return (j.dryRun ? 'Dry run' : 'Replay') + ' ' + short(j.id, 8) + ' by ' + j.actor + ': ' + j.state.toLowerCase() + ' — ' + fmt(j.processed) + ' of ' + fmt(j.total)
    + (j.dryRun ? ' (' + fmt(j.wouldSend) + ' would be sent, ' : ' (' + fmt(j.sent) + ' sent, ') + fmt(j.refused) + ' refused, ' + fmt(j.failed) + ' failed)'
    + (j.override ? '; loop guard overridden: ' + j.override : '');
}
function jobView(j) {
  const box = el('div', { class: 'job', 'data-job': j.id, 'data-state': j.state }, el('div', { class: 'job-summary' }, jobSummary(j)), progressBar(j));
  if (j.error) box.append(el('div', { class: 'error' }, j.error));
  for (const i of (j.items || []).filter(x => x.outcome !== 'SENT').slice(0, 20)) {
    box.append(el('div', { class: 'error' }, refLink(i.ref), ': ' + i.outcome + ' — ' + i.result));
  }
  if (j.state === 'RUNNING' && canAct()) {
    box.append(el('button', { type: 'button', class: 'cancel-job', onclick: () => api('/api/replays/' + encodeURIComponent(j.id) + '/cancel', { body: {} }).then(render) }, 'Cancel'));
  }
  return box;
}

// ---------- actions ----------
function openReplay(scope, title) {
  if (needSignIn()) return;
  state.replayScope = scope;
  $('replay-title').textContent = title;
  $('replay-target').value = '';
  $('replay-force').checked = false;
  $('replay-override').value = '';
  const targets = clear($('replay-targets'));
  for (const t of state.config.replayTargets || []) targets.append(el('option', { value: t }));
  clear($('replay-result'));
  $('replay-go').disabled = false;
  $('replay-dry').disabled = false;
  $('replay-dialog').showModal();
}
function replayBody(dryRun) {
  return Object.assign({}, state.replayScope, {
    target: $('replay-target').value.trim() || null, force: $('replay-force').checked,
    override: $('replay-override').value.trim() || null, dryRun,
  });
}
// Runs a job (dry run or replay) and shows its progress until it ends.
async function runJob(dryRun) {
  const out = clear($('replay-result'));
  $('replay-go').disabled = true; $('replay-dry').disabled = true;
  try {
    let job = await api('/api/replay', { body: replayBody(dryRun) });
    while (true) {
      clear(out).append(jobView(job));
      if (job.state !== 'RUNNING') break;
      await new Promise(r => setTimeout(r, 700));
      job = await api('/api/replays/' + encodeURIComponent(job.id));
    }
    if (dryRun) {
      out.append(el('p', { id: 'dry-summary' }, 'Dry run: would send ' + fmt(job.wouldSend) + ' of ' + fmt(job.total) + ', refuse ' + fmt(job.refused) + '. Nothing was sent.'));
      for (const p of job.records.slice(0, 10)) {
        out.append(el('details', {}, el('summary', {}, p.ref + ' → ' + p.topic + ' (replay ' + p.replayCount + ')'),
          el('pre', {}, 'key: ' + (p.key ?? '(none)') + '\n' + p.headers.map(h => h.key + ': ' + h.value).join('\n') + '\n\n' + (p.value ?? ''))));
      }
      $('replay-go').disabled = false; $('replay-dry').disabled = false;
    } else {
      const cls = job.sent === job.total ? '' : 'error';
      out.append(el('p', { id: 'replay-done', class: cls }, 'Replay ' + job.state.toLowerCase() + ': ' + fmt(job.sent) + ' sent, ' + fmt(job.refused) + ' refused, ' + fmt(job.failed) + ' failed.'));
      state.selected.clear();
      $('replay-dry').disabled = false;
    }
  } catch (e) {
    clear(out).append(el('p', { class: 'error' }, e.message));
    $('replay-go').disabled = false; $('replay-dry').disabled = false;
  }
}
async function resolve(scope, count) {
  if (needSignIn()) return;
  const note = window.prompt('Mark ' + count + ' dead letter(s) resolved without replaying. Note (optional):', '');
  if (note === null) return;
  await setMark(Object.assign({}, scope, { note }), 'RESOLVED');
}
async function setMark(scope, markState) {
  if (needSignIn()) return;
  try {
    const r = await api('/api/marks', { body: Object.assign({}, scope, { state: markState }) });
    notice(r.marked + ' dead letter(s) marked ' + r.state.toLowerCase() + (r.refused ? ', ' + r.refused + ' refused' : '') + (r.failed ? ', ' + r.failed + ' failed' : '') + '.');
    state.selected.clear();
    await render();
  } catch (e) { notice('Could not mark: ' + e.message); }
}

// ---------- live updates: poll the index version; paused means "tell me, don't redraw" ----------
async function poll() {
  try {
    const v = await api('/api/version');
    state.reader = v.reader;
    renderReaderAlert(v);
    if (state.version !== -1 && v.version !== state.version) {
      const view = params().get('view') || 'groups';
      const busy = view === 'detail' || view === 'index' || $('replay-dialog').open || $('login-dialog').open;
      if (state.paused || busy) state.missed++;
      else { await render(); loadFacets(); }
    }
    state.version = v.version;
  } catch (e) { state.reader = null; }
  updateLive();
}

let started = false;
async function start() {
  state.config = await api('/api/config');
  renderAuth();
  await loadFacets();
  await render();
  await poll();
  if (!started) { started = true; setInterval(poll, 2000); }
}

async function init() {
  $('filters').addEventListener('submit', applyFilters);
  $('f-range').addEventListener('change', () => $('filters').classList.toggle('custom', $('f-range').value === 'custom'));
  $('clear').addEventListener('click', () => { state.selected.clear(); go('?view=' + (params().get('view') || 'groups')); });
  $('login-form').addEventListener('submit', signIn);
  $('login-cancel').addEventListener('click', () => $('login-dialog').close());
  $('replay-dry').addEventListener('click', () => runJob(true));
  $('replay-go').addEventListener('click', () => runJob(false));
  $('replay-close').addEventListener('click', () => { $('replay-dialog').close(); render(); });
  $('pause-btn').addEventListener('click', togglePause);
  document.addEventListener('click', ev => {
    const a = ev.target.closest && ev.target.closest('a[href^="?"]');
    if (a && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey) { ev.preventDefault(); go(a.getAttribute('href')); }
  });
  window.addEventListener('popstate', render);
  try { state.session = await api('/api/session'); } catch (e) { state.session = { authenticated: false }; }
  renderAuth();
  if (state.session.readAuth && !state.session.authenticated) {
    clear($('view')).append(el('p', { class: 'muted', id: 'sign-in-first' }, 'This viewer needs the token for reading too. Sign in to see the dead letters.'));
    openLogin();
    return;
  }
  await start();
}
document.addEventListener('DOMContentLoaded', init);
