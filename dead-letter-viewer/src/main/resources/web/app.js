// Jobwire dead-letter viewer. Everything inside a dead letter is untrusted: it is only ever put
// into the page as text (text nodes / textContent), never as HTML.
'use strict';

const state = { config: null, session: { authenticated: false }, version: -1, selected: new Set(), replayScope: null };
const FILTERS = ['topic', 'type', 'reason', 'exception', 'status', 'from', 'to', 'q'];
const SVG_NS = 'http://www.w3.org/2000/svg';

// ---------- tiny DOM helpers (text only) ----------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'onclick') node.addEventListener('click', v);
    else if (k === 'text') node.textContent = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function $(id) { return document.getElementById(id); }
function short(s, n) { s = s == null ? '' : String(s); return s.length > n ? s.slice(0, n) + '…' : s; }
function time(iso) { return iso ? String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }
function notice(text) { $('notice').textContent = text || ''; }

// ---------- URL state: the filters live in the query string ----------
function params() { return new URLSearchParams(location.search); }
function filterParams() {
  const p = params(); const out = new URLSearchParams();
  for (const f of FILTERS) if (p.get(f)) out.set(f, p.get(f));
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
    throw err;
  }
  return data;
}

// ---------- header: auth and live status ----------
function renderAuth() {
  const box = clear($('auth'));
  if (!state.config) return;
  if (state.config.readOnly) { box.append(el('span', { class: 'badge', id: 'read-only' }, 'read-only')); return; }
  if (state.session.authenticated) {
    box.append(el('span', { id: 'signed-in' }, 'Signed in as ' + state.session.user + ' '),
      el('button', { id: 'signout-btn', type: 'button', onclick: signOut }, 'Sign out'));
  } else {
    box.append(el('button', { id: 'signin-btn', type: 'button', onclick: () => openLogin() }, 'Sign in to act'));
  }
}
function openLogin() { $('login-error').textContent = ''; $('login-dialog').showModal(); $('login-token').focus(); }
async function signIn(ev) {
  ev.preventDefault();
  try {
    state.session = await api('/api/session', { body: { token: $('login-token').value, user: $('login-user').value } });
    $('login-token').value = '';
    $('login-dialog').close();
    renderAuth();
    render();
  } catch (e) { $('login-error').textContent = e.message; }
}
async function signOut() {
  try { await api('/api/session/logout', { body: {} }); } catch (e) { /* ignore */ }
  state.session = { authenticated: false };
  renderAuth();
  render();
}
function canAct() { return state.config && !state.config.readOnly && state.session.authenticated; }
function needSignIn() { if (canAct()) return false; if (!state.config.readOnly) openLogin(); return true; }

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
      select.append(el('option', { value: name }, count === undefined ? name : name + ' (' + count + ')'));
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
}
function applyFilters(ev) {
  ev.preventDefault();
  const p = params();
  for (const name of FILTERS) { const v = $('f-' + name).value.trim(); if (v) p.set(name, v); else p.delete(name); }
  p.delete('page');
  if (!p.get('view') || p.get('view') === 'detail') p.set('view', p.get('view') === 'detail' ? 'list' : 'groups');
  p.delete('ref');
  go('?' + p.toString());
}

// ---------- views ----------
async function render() {
  const view = params().get('view') || 'groups';
  for (const v of ['groups', 'list', 'replays']) $('nav-' + v).classList.toggle('active', v === view);
  syncFilterForm();
  const main = $('view');
  try {
    if (view === 'list') await renderList(main);
    else if (view === 'detail') await renderDetail(main, params().get('ref'));
    else if (view === 'replays') await renderReplays(main);
    else await renderGroups(main);
  } catch (e) {
    clear(main).append(el('p', { class: 'error' }, 'Could not load: ' + e.message));
  }
}

function histogram(counts) {
  const w = 240, h = 36, n = counts.length, max = Math.max(1, ...counts);
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('class', 'chart'); svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'arrivals over time');
  const bw = w / n;
  counts.forEach((c, i) => {
    if (!c) return;
    const bh = Math.max(1, Math.round((c / max) * (h - 2)));
    const r = document.createElementNS(SVG_NS, 'rect');
    r.setAttribute('x', (i * bw + 1).toFixed(1)); r.setAttribute('y', String(h - bh));
    r.setAttribute('width', Math.max(1, bw - 2).toFixed(1)); r.setAttribute('height', String(bh));
    const t = document.createElementNS(SVG_NS, 'title'); t.textContent = c + ' dead letter(s)';
    r.append(t); svg.append(r);
  });
  return svg;
}

function counts(map) { return Object.entries(map || {}).map(([k, v]) => k + ' (' + v + ')').join(', '); }

async function renderGroups(main) {
  const data = await api('/api/groups?' + filterParams().toString());
  clear(main);
  main.append(el('p', { class: 'muted', id: 'summary' },
    data.total + ' dead letter(s) in ' + data.groups.length + ' group(s)' +
    (data.total ? ', ' + time(data.from) + ' – ' + time(data.to) : '')));
  const grid = el('div', { class: 'groups', id: 'groups' });
  for (const g of data.groups) {
    const listHref = link({ view: 'list', group: g.id, page: null, ref: null });
    const card = el('div', { class: 'group', 'data-group': g.id },
      el('span', { class: 'group-count' }, g.count),
      el('h3', { class: 'group-title' }, g.exceptionClass || '(no exception class)'),
      el('div', { class: 'norm', title: 'normalised message' }, g.normalizedMessage || '(no message)'),
      g.topFrame ? el('div', { class: 'frame muted' }, 'at ' + g.topFrame) : null,
      histogram(g.histogram),
      el('div', { class: 'muted' }, 'first ' + time(g.firstSeen) + ' · last ' + time(g.lastSeen)),
      el('div', {}, 'Task types: ' + counts(g.taskTypes)),
      el('div', { class: 'muted' }, 'Reasons: ' + counts(g.reasons) + ' · Topics: ' + counts(g.topics)),
      el('div', { class: 'actions' },
        el('a', { href: listHref, class: 'group-open' }, 'Show dead letters'),
        el('a', { href: link({ view: 'detail', ref: g.sample.ref }), class: 'group-sample' }, 'Newest example'),
        state.config.readOnly ? null : el('button', { type: 'button', class: 'group-replay',
          onclick: () => openReplay({ group: g.id, filter: Object.fromEntries(filterParams()) }, 'Replay group (' + g.count + ')') }, 'Replay group'),
        state.config.readOnly ? null : el('button', { type: 'button', class: 'group-resolve',
          onclick: () => resolve({ group: g.id, filter: Object.fromEntries(filterParams()) }, g.count) }, 'Resolve group')));
    grid.append(card);
  }
  if (!data.groups.length) grid.append(el('p', { class: 'muted' }, 'No dead letters match.'));
  main.append(grid);
}

function markBadge(mark) {
  if (!mark) return el('span', { class: 'badge' }, 'open');
  const s = mark.state.toLowerCase();
  return el('span', { class: 'badge ' + s, title: 'by ' + mark.by + ' at ' + mark.at }, s);
}

async function renderList(main) {
  const p = params();
  const page = parseInt(p.get('page') || '0', 10) || 0;
  const q = filterParams(); if (p.get('group')) q.set('group', p.get('group'));
  q.set('page', page); q.set('size', 50);
  const data = await api('/api/dead-letters?' + q.toString());
  clear(main);
  const toolbar = el('div', { class: 'toolbar' },
    el('span', { id: 'summary' }, data.total + ' dead letter(s)' + (p.get('group') ? ' in group ' + p.get('group') : '')),
    p.get('group') ? el('a', { href: link({ group: null, page: null }) }, 'all groups') : null);
  if (!state.config.readOnly) {
    const filter = Object.fromEntries(filterParams()); if (p.get('group')) filter.group = p.get('group');
    toolbar.append(
      el('button', { type: 'button', id: 'replay-selected', onclick: () => {
        if (!state.selected.size) { notice('Select dead letters first.'); return; }
        openReplay({ refs: [...state.selected] }, 'Replay ' + state.selected.size + ' selected');
      } }, 'Replay selected'),
      el('button', { type: 'button', id: 'replay-all', onclick: () => openReplay({ filter }, 'Replay all ' + data.total + ' matching') }, 'Replay all matching'),
      el('button', { type: 'button', id: 'resolve-selected', onclick: () => {
        if (!state.selected.size) { notice('Select dead letters first.'); return; }
        resolve({ refs: [...state.selected] }, state.selected.size);
      } }, 'Resolve selected'));
  }
  main.append(toolbar);
  const table = el('table', { id: 'dead-letters' });
  table.append(el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, 'Time'), el('th', {}, 'Task type'),
    el('th', {}, 'Reason'), el('th', {}, 'Exception'), el('th', {}, 'Message'), el('th', {}, 'Attempts'),
    el('th', {}, 'Original'), el('th', {}, 'Key'), el('th', {}, 'Status'))));
  const body = el('tbody');
  for (const d of data.items) {
    const box = el('input', { type: 'checkbox', class: 'select', 'aria-label': 'select ' + d.ref });
    box.checked = state.selected.has(d.ref);
    box.addEventListener('change', () => { if (box.checked) state.selected.add(d.ref); else state.selected.delete(d.ref); });
    const original = d.originalTopic ? d.originalTopic + '/' + (d.originalPartition ?? '?') + '/' + (d.originalOffset ?? '?') : '';
    body.append(el('tr', { class: 'dl-row', 'data-ref': d.ref },
      el('td', {}, box),
      el('td', {}, el('a', { href: link({ view: 'detail', ref: d.ref }), class: 'dl-link' }, time(d.timestamp))),
      el('td', { class: 'type' }, d.taskType || ''),
      el('td', {}, d.decodeError ? el('span', { class: 'badge bad', title: d.decodeError }, 'decode error') : (d.reason || '')),
      el('td', { class: 'exception' }, d.exceptionClass || ''),
      el('td', { class: 'msg', title: d.decodeError || d.message || '' }, short(d.decodeError || d.message, 160)),
      el('td', { class: 'num' }, d.attempts ?? ''),
      el('td', {}, original),
      el('td', { class: 'key' }, short(d.key, 60)),
      el('td', {}, markBadge(d.mark))));
  }
  table.append(body);
  main.append(table);
  const pages = Math.max(1, Math.ceil(data.total / data.size));
  main.append(el('div', { class: 'pager' },
    page > 0 ? el('a', { href: link({ page: page - 1 }), id: 'prev' }, '← newer') : null,
    el('span', {}, 'page ' + (page + 1) + ' of ' + pages),
    page + 1 < pages ? el('a', { href: link({ page: page + 1 }), id: 'next' }, 'older →') : null));
}

function field(dl, name, value) {
  if (value === null || value === undefined || value === '') return;
  dl.append(el('dt', {}, name), el('dd', {}, value));
}

async function renderDetail(main, ref) {
  if (!ref) { go(link({ view: 'list' })); return; }
  const parts = ref.split('/');
  const offset = parts.pop(), partition = parts.pop(), topic = parts.join('/');
  const d = await api('/api/dead-letters/' + encodeURIComponent(topic) + '/' + encodeURIComponent(partition) + '/' + encodeURIComponent(offset));
  const e = d.entry;
  clear(main);
  const wrap = el('div', { class: 'detail', id: 'detail', 'data-ref': e.ref });
  const actions = el('div', { class: 'toolbar' }, el('a', { href: link({ view: 'list', ref: null }) }, '← list'),
    el('a', { href: link({ view: 'list', ref: null, group: e.group }) }, 'same error group'), markBadge(e.mark));
  if (!state.config.readOnly) {
    actions.append(el('button', { type: 'button', id: 'replay-btn', onclick: () => openReplay({ refs: [e.ref] }, 'Replay ' + e.ref) }, 'Replay'));
    if (e.mark && e.mark.state === 'RESOLVED') {
      actions.append(el('button', { type: 'button', id: 'reopen-btn', onclick: () => setMark({ refs: [e.ref] }, 'OPEN') }, 'Re-open'));
    } else {
      actions.append(el('button', { type: 'button', id: 'resolve-btn', onclick: () => resolve({ refs: [e.ref] }, 1) }, 'Mark resolved'));
    }
  }
  wrap.append(actions);

  const summary = el('dl', { class: 'fields' });
  field(summary, 'Dead letter', e.ref);
  field(summary, 'Dead-lettered', time(e.timestamp));
  field(summary, 'Format', e.format);
  field(summary, 'Task type', e.taskType);
  field(summary, 'Task id', e.taskId);
  field(summary, 'Reason', e.reason);
  field(summary, 'Attempts', e.attempts);
  field(summary, 'Original record', e.originalTopic ? e.originalTopic + '/' + (e.originalPartition ?? '?') + '/' + (e.originalOffset ?? '?') : null);
  field(summary, 'Original timestamp', time(d.originalTimestamp));
  field(summary, 'Consumer group', d.consumerGroup);
  field(summary, 'Worker', d.worker);
  field(summary, 'Replay count', e.replayCount);
  if (e.mark) field(summary, 'Mark', e.mark.state + ' by ' + e.mark.by + ' at ' + time(e.mark.at) + (e.mark.target ? ' → ' + e.mark.target : '') + (e.mark.note ? ' — ' + e.mark.note : ''));
  wrap.append(el('section', {}, el('h2', {}, 'Dead letter'), summary));

  const error = el('section', {}, el('h2', {}, 'Error'));
  if (e.decodeError) error.append(el('p', { class: 'error', id: 'd-decode-error' }, 'Could not decode the dead-letter headers: ' + e.decodeError));
  error.append(el('p', {}, el('strong', { id: 'd-exception' }, e.exceptionClass || '')),
    el('pre', { id: 'd-message' }, e.message || ''));
  wrap.append(error);

  if (!d.onBroker) {
    wrap.append(el('section', {}, el('p', { class: 'error' }, 'This record is no longer on the broker (retention); only the indexed summary is left.')));
  } else {
    wrap.append(el('section', {}, el('h2', {}, 'Key (' + d.key.encoding + ')'), el('pre', { id: 'd-key' }, d.key.text ?? '(no key)')));
    wrap.append(el('section', {}, el('h2', {}, 'Payload (' + d.value.encoding + ', ' + d.value.size + ' bytes)'),
      el('pre', { id: 'd-payload' }, d.value.text ?? '(empty)')));
    const ht = el('table', { id: 'd-headers' }, el('thead', {}, el('tr', {}, el('th', {}, 'Header'), el('th', {}, 'Value'))));
    const hb = el('tbody');
    for (const h of d.headers) {
      hb.append(el('tr', {}, el('td', {}, h.key), el('td', {}, el('pre', {}, (h.binary ? 'hex: ' : '') + (h.value ?? '')))));
    }
    ht.append(hb);
    wrap.append(el('section', {}, el('h2', {}, 'Headers (' + d.headers.length + ')'), ht));
    if (d.attemptHistory && d.attemptHistory.length) {
      const at = el('table', { id: 'd-attempts' }, el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'At'), el('th', {}, 'Exception'), el('th', {}, 'Message'))));
      const ab = el('tbody');
      for (const a of d.attemptHistory) ab.append(el('tr', {}, el('td', {}, a.attempt), el('td', {}, time(a.at)), el('td', {}, a.exceptionClass), el('td', {}, el('pre', {}, a.message))));
      at.append(ab);
      wrap.append(el('section', {}, el('h2', {}, 'Attempt history'), at));
    }
    if (d.stackTrace) wrap.append(el('section', {}, el('h2', {}, 'Stack trace'), el('pre', { id: 'd-stack' }, d.stackTrace)));
  }
  main.append(wrap);
}

async function renderReplays(main) {
  const data = await api('/api/replays');
  clear(main);
  main.append(el('h2', {}, 'Replay jobs on this viewer'));
  if (!data.jobs.length) main.append(el('p', { class: 'muted' }, 'None since this viewer started.'));
  for (const j of data.jobs) main.append(jobView(j));
  main.append(el('h2', {}, 'Audit trail (' + data.audit.length + ' newest records, every viewer)'));
  const t = el('table', { id: 'audit' }, el('thead', {}, el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Who'),
    el('th', {}, 'Job'), el('th', {}, 'Sent / refused / failed'), el('th', {}, 'Dead letters → target'))));
  const b = el('tbody');
  for (const a of data.audit) {
    const items = el('td', {});
    for (const i of a.items.slice(0, 20)) {
      items.append(el('div', {}, el('a', { href: link({ view: 'detail', ref: i.ref }) }, i.ref),
        ' → ' + (i.target || '?') + ' ' + i.outcome + (i.result ? ': ' + i.result : '')));
    }
    if (a.items.length > 20) items.append(el('div', { class: 'muted' }, '… and ' + (a.items.length - 20) + ' more'));
    b.append(el('tr', {}, el('td', {}, time(a.at)), el('td', {}, a.actor), el('td', {}, short(a.jobId, 8) + ' #' + a.part),
      el('td', {}, a.sent + ' / ' + a.refused + ' / ' + a.failed), items));
  }
  t.append(b);
  main.append(t);
}

function jobView(j) {
  const pct = j.total ? Math.round(100 * j.processed / j.total) : 100;
  const bar = el('div'); bar.style.width = pct + '%';
  const box = el('div', { class: 'job', 'data-job': j.id },
    el('div', {}, 'Job ' + short(j.id, 8) + ' by ' + j.actor + ': ' + j.state + ' — ' + j.processed + ' of ' + j.total +
      ' (' + j.sent + ' sent, ' + j.refused + ' refused, ' + j.failed + ' failed)'),
    el('div', { class: 'progress' }, bar));
  if (j.error) box.append(el('div', { class: 'error' }, j.error));
  for (const i of (j.items || []).filter(x => x.outcome !== 'SENT').slice(0, 20)) {
    box.append(el('div', { class: 'error' }, i.ref + ': ' + i.outcome + ' — ' + i.result));
  }
  if (j.state === 'RUNNING' && canAct()) {
    box.append(el('button', { type: 'button', onclick: () => api('/api/replays/' + encodeURIComponent(j.id) + '/cancel', { body: {} }).then(render) }, 'Cancel'));
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
  clear($('replay-result'));
  $('replay-go').disabled = false;
  $('replay-dialog').showModal();
}
function replayBody(dryRun) {
  return Object.assign({}, state.replayScope, { target: $('replay-target').value.trim() || null, force: $('replay-force').checked, dryRun });
}
async function dryRun() {
  const out = clear($('replay-result'));
  out.append(el('p', { class: 'muted' }, 'Checking…'));
  try {
    const r = await api('/api/replay', { body: replayBody(true) });
    clear(out).append(el('p', { id: 'dry-summary' }, 'Dry run: would send ' + r.wouldSend + ' of ' + r.total + ', refuse ' + r.refused + '. Nothing was sent.'));
    for (const x of r.refusals) out.append(el('div', { class: 'error' }, x.ref + ': ' + x.result));
    for (const p of r.records.slice(0, 10)) {
      out.append(el('details', {}, el('summary', {}, p.ref + ' → ' + p.topic + ' (replay-count ' + p.replayCount + ')'),
        el('pre', {}, 'key: ' + (p.key ?? '(none)') + '\n' + p.headers.map(h => h.key + ': ' + h.value).join('\n') + '\n\n' + (p.value ?? ''))));
    }
  } catch (e) { clear(out).append(el('p', { class: 'error' }, e.message)); }
}
async function replay() {
  const out = clear($('replay-result'));
  $('replay-go').disabled = true;
  try {
    let job = await api('/api/replay', { body: replayBody(false) });
    while (true) {
      clear(out).append(jobView(job));
      if (job.state !== 'RUNNING') break;
      await new Promise(r => setTimeout(r, 700));
      job = await api('/api/replays/' + encodeURIComponent(job.id));
    }
    out.append(el('p', { id: 'replay-done' }, 'Replay ' + job.state.toLowerCase() + ': ' + job.sent + ' sent, ' + job.refused + ' refused, ' + job.failed + ' failed.'));
    state.selected.clear();
  } catch (e) {
    clear(out).append(el('p', { class: 'error' }, e.message));
    $('replay-go').disabled = false;
  }
}
async function resolve(scope, count) {
  if (needSignIn()) return;
  const note = window.prompt('Mark ' + count + ' dead letter(s) resolved without replaying. Note (optional):', '');
  if (note === null) return;
  await setMark(Object.assign({}, scope, { note }), 'RESOLVED');
}
async function setMark(scope, markState) {
  try {
    const r = await api('/api/marks', { body: Object.assign({}, scope, { state: markState }) });
    notice(r.marked + ' dead letter(s) marked ' + r.state.toLowerCase() + '.');
    state.selected.clear();
    render();
  } catch (e) { notice('Could not mark: ' + e.message); }
}

// ---------- live updates: poll the index version ----------
async function poll() {
  try {
    const v = await api('/api/version');
    $('live').textContent = v.ready ? 'live' : 'loading…';
    if (state.version !== -1 && v.version !== state.version) {
      const view = params().get('view') || 'groups';
      if (view !== 'detail' && !$('replay-dialog').open && !$('login-dialog').open) { await render(); loadFacets(); }
    }
    state.version = v.version;
  } catch (e) { $('live').textContent = 'disconnected'; }
}

async function init() {
  $('filters').addEventListener('submit', applyFilters);
  $('clear').addEventListener('click', () => go('?view=' + (params().get('view') || 'groups')));
  $('login-form').addEventListener('submit', signIn);
  $('login-cancel').addEventListener('click', () => $('login-dialog').close());
  $('replay-dry').addEventListener('click', dryRun);
  $('replay-go').addEventListener('click', replay);
  $('replay-close').addEventListener('click', () => { $('replay-dialog').close(); render(); });
  document.addEventListener('click', ev => {
    const a = ev.target.closest && ev.target.closest('a[href^="?"]');
    if (a && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey) { ev.preventDefault(); go(a.getAttribute('href')); }
  });
  window.addEventListener('popstate', render);
  state.config = await api('/api/config');
  try { state.session = await api('/api/session'); } catch (e) { state.session = { authenticated: false }; }
  renderAuth();
  await loadFacets();
  await render();
  await poll();
  setInterval(poll, 2000);
}
document.addEventListener('DOMContentLoaded', init);
