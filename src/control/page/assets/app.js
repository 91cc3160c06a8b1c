// ocpp-sim control page: plain modern JS, no framework, no build step. Everything from the network is
// shown through textContent (never innerHTML), so a charge point's identity or a CSMS's text cannot
// inject markup. The token comes from the URL fragment (#token=…, never sent to the server), is kept in
// sessionStorage and removed from the visible URL.

const ROW_HEIGHT = 30; // px, the list's fixed row height (style.css .row)
const OVERSCAN = 10; // rows fetched and drawn above and below the visible ones
const POLL_MS = 1000;
const MAX_EVENTS = 200; // lines kept in the event log
const MAX_FRAMES = 60; // frames drawn in the detail

const $ = (id) => document.getElementById(id);

// ---- token -------------------------------------------------------------------------------------

function takeToken() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem('ocpp-sim-token', decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('ocpp-sim-token');
}

let token = takeToken();

function askForToken(why) {
  $('app').hidden = true;
  $('token-form').hidden = false;
  setConn(why, 'bad');
  $('token-input').focus();
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('token-input').value.trim();
  sessionStorage.setItem('ocpp-sim-token', token);
  $('token-form').hidden = true;
  start();
});

// ---- API ---------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, description) {
    super(`${status} ${code}${description ? `: ${description}` : ''}`);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try {
    data = await res.json();
  } catch {
    // not JSON: described below
  }
  if (res.status === 401) {
    askForToken('The token was refused: paste the one the run printed.');
    throw new ApiError(401, 'Unauthorized', data?.description ?? '');
  }
  if (!res.ok && !(data && Array.isArray(data.results))) throw new ApiError(res.status, data?.error ?? 'Error', data?.description ?? '');
  return data;
}

const cpPath = (identity) => `/api/charge-points/${encodeURIComponent(identity)}`;

function setConn(text, kind) {
  const el = $('conn');
  el.textContent = text;
  el.className = `conn ${kind}`;
}

// ---- fleet at a glance -------------------------------------------------------------------------

const fmt = new Intl.NumberFormat('en');
const knownStates = new Set();

function chips(ul, counts) {
  const entries = Object.entries(counts ?? {});
  // Reuse the list items: one per key, text "State: n" (the state is written, not only coloured).
  ul.replaceChildren(
    ...entries.map(([k, n]) => {
      const li = document.createElement('li');
      li.className = `chip s-${cssName(k)}`;
      li.textContent = `${k}: ${fmt.format(n)}`;
      return li;
    }),
  );
}

function cssName(s) {
  return String(s).replace(/[^A-Za-z0-9-]/g, '');
}

function showFleet(f) {
  $('f-total').textContent = fmt.format(f.total);
  $('f-online').textContent = fmt.format(f.online);
  $('f-booted').textContent = fmt.format(f.booted);
  $('f-tx').textContent = fmt.format(f.transactions?.active ?? 0);
  $('f-rate').textContent = (f.rates?.messagesPerSec ?? 0).toFixed(1);
  $('f-p95').textContent = f.latency?.p95Ms == null ? '–' : `${Math.round(f.latency.p95Ms)} ms`;
  $('f-errors').textContent = fmt.format(f.errors ?? 0);
  $('f-manual').textContent = fmt.format(Object.values(f.manualActions ?? {}).reduce((a, b) => a + b, 0));
  chips($('f-states'), f.byState);
  chips($('f-connectors'), f.connectors);
  const select = $('state-filter');
  for (const s of Object.keys(f.byState ?? {})) {
    if (knownStates.has(s)) continue;
    knownStates.add(s);
    const o = document.createElement('option');
    o.value = s;
    o.textContent = s;
    select.append(o);
  }
}

async function pollFleet() {
  try {
    showFleet(await api('GET', '/api/fleet'));
    setConn('Live', 'ok');
  } catch (e) {
    if (e.status !== 401) setConn(`Not connected: ${e.message}`, 'bad');
  }
}

// ---- the virtualised list ----------------------------------------------------------------------
// Only the visible rows (plus OVERSCAN) exist in the DOM, drawn from one API page (offset/limit) of
// exactly that window, so 100,000 charge points cost what 40 do. The spacer gives the scrollbar its length.

const viewport = $('viewport');
const spacer = $('spacer');
const rows = []; // pooled row elements
let listTotal = 0;
let windowStart = 0; // index of windowItems[0]
let windowItems = [];
let listSeq = 0;
let selected = null; // identity
let focusIndex = -1;

function glob() {
  const text = $('search').value.trim();
  if (text === '') return '';
  // A plain word finds identities containing it; a glob is taken as typed.
  return /[*?]/.test(text) ? text : `*${text}*`;
}

function visibleRange() {
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const count = Math.ceil(viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
  return { first, count };
}

async function loadWindow() {
  const { first, count } = visibleRange();
  const seq = ++listSeq;
  const params = new URLSearchParams({ offset: String(first), limit: String(Math.min(1000, count)) });
  if (glob()) params.set('q', glob());
  if ($('state-filter').value) params.set('state', $('state-filter').value);
  try {
    const page = await api('GET', `/api/charge-points?${params}`);
    if (seq !== listSeq) return; // a newer window was asked for meanwhile
    listTotal = page.total;
    windowStart = page.offset ?? first;
    windowItems = page.items;
    $('list-count').textContent = `${fmt.format(listTotal)} charge point${listTotal === 1 ? '' : 's'}`;
    drawRows();
  } catch (e) {
    if (seq === listSeq && e.status !== 401) $('list-count').textContent = `Cannot list: ${e.message}`;
  }
}

function rowElement(i) {
  while (rows.length <= i) {
    const row = document.createElement('div');
    row.className = 'row';
    row.setAttribute('role', 'option');
    row.tabIndex = -1;
    const id = document.createElement('span');
    id.className = 'id';
    const state = document.createElement('span');
    state.className = 'state';
    const conn = document.createElement('span');
    conn.className = 'conns';
    row.append(id, state, conn);
    row.addEventListener('click', () => select(row.dataset.identity, Number(row.dataset.index)));
    viewport.append(row);
    rows.push(row);
  }
  return rows[i];
}

function connectorWord(c) {
  return `#${c.id} ${c.status}${c.errorCode ? ` (${c.errorCode})` : ''}`;
}

function drawRows() {
  spacer.style.height = `${listTotal * ROW_HEIGHT}px`;
  viewport.setAttribute('aria-setsize', String(listTotal));
  let n = 0;
  for (let k = 0; k < windowItems.length; k++) {
    const cp = windowItems[k];
    const index = windowStart + k;
    const row = rowElement(n++);
    row.hidden = false;
    row.style.top = `${index * ROW_HEIGHT}px`;
    row.dataset.identity = cp.identity;
    row.dataset.index = String(index);
    row.setAttribute('aria-posinset', String(index + 1));
    row.setAttribute('aria-selected', String(cp.identity === selected));
    row.id = `row-${index}`;
    const [id, state, conns] = row.children;
    id.textContent = cp.identity;
    state.textContent = cp.state;
    state.className = `state s-${cssName(cp.state)}`;
    conns.textContent = cp.connectors.map(connectorWord).join('  ') + (cp.lastError ? `  ⚠ ${cp.lastError}` : '');
  }
  for (let k = n; k < rows.length; k++) rows[k].hidden = true;
  if (focusIndex >= 0) viewport.setAttribute('aria-activedescendant', `row-${focusIndex}`);
}

let scrollPending = false;
viewport.addEventListener('scroll', () => {
  if (scrollPending) return;
  scrollPending = true;
  requestAnimationFrame(() => {
    scrollPending = false;
    loadWindow();
  });
});

let searchTimer = 0;
function restartList() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    viewport.scrollTop = 0;
    focusIndex = -1;
    loadWindow();
    restartFleetEvents();
  }, 150);
}
$('search').addEventListener('input', restartList);
$('state-filter').addEventListener('change', restartList);

// Keyboard: arrows move through the list (scrolling it), Enter opens the charge point.
viewport.addEventListener('keydown', (e) => {
  if (!['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End', 'Enter', ' '].includes(e.key)) return;
  e.preventDefault();
  if (listTotal === 0) return;
  const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
  if (e.key === 'Enter' || e.key === ' ') {
    const item = windowItems[focusIndex - windowStart];
    if (item) select(item.identity, focusIndex);
    return;
  }
  const step = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity }[e.key];
  // Nothing focused yet: the first move down lands on the first row.
  const from = focusIndex < 0 ? (step > 0 ? -1 : 0) : focusIndex;
  focusIndex = Math.min(listTotal - 1, Math.max(0, from + step));
  const top = focusIndex * ROW_HEIGHT;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
  for (const r of rows) r.classList.toggle('focused', Number(r.dataset.index) === focusIndex && !r.hidden);
  viewport.setAttribute('aria-activedescendant', `row-${focusIndex}`);
  loadWindow();
});

// ---- one charge point --------------------------------------------------------------------------

let detailKey = '';

function select(identity, index) {
  if (!identity) return;
  selected = identity;
  if (index !== undefined) focusIndex = index;
  detailKey = '';
  $('d-identity').textContent = identity;
  $('d-none').hidden = true;
  $('d-body').hidden = false;
  $('result').textContent = '';
  drawRows();
  loadDetail();
  restartSelectedEvents();
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

async function loadDetail() {
  if (!selected) return;
  const identity = selected;
  let d;
  try {
    d = await api('GET', cpPath(identity));
  } catch (e) {
    if (identity === selected && e.status !== 401) $('d-state').textContent = `unknown (${e.message})`;
    return;
  }
  if (identity !== selected) return;
  const key = JSON.stringify(d);
  if (key === detailKey) return; // unchanged: keep the DOM (and the reader's place) as it is
  detailKey = key;
  $('d-state').textContent = d.state;
  $('d-state').className = `state s-${cssName(d.state)}`;
  $('d-ocpp').textContent = d.ocpp;
  $('d-profile').textContent = d.profile;
  $('d-error').hidden = !d.lastError;
  $('d-error').textContent = d.lastError ? `Last error: ${d.lastError}` : '';
  $('d-connectors').replaceChildren(
    ...d.connectors.map((c) => {
      const tr = document.createElement('tr');
      const status = cell(c.status + (c.paused ? ' (scenario paused)' : ''));
      status.className = `s-${cssName(c.status)}`;
      status.dataset.connector = String(c.id);
      tr.append(
        cell(String(c.id)),
        status,
        cell(c.phase),
        // "" = a transaction the CSMS has not given an id yet (1.6 before StartTransaction.conf).
        cell(c.transactionId == null ? '–' : c.transactionId === '' ? '(id pending)' : String(c.transactionId)),
        cell(`${(c.powerW / 1000).toFixed(1)} kW`),
        cell(`${(c.energyWh / 1000).toFixed(2)} kWh`),
        cell(c.soc == null ? '–' : `${Math.round(c.soc)} %`),
        cell(c.errorCode ?? '–'),
      );
      return tr;
    }),
  );
  const frames = (d.frames ?? []).slice(-MAX_FRAMES);
  $('d-frames').replaceChildren(
    ...frames.map((f) => {
      const li = document.createElement('li');
      li.className = `frame ${cssName(f.dir)}`;
      const arrow = f.dir === 'out' ? '→ sent' : f.dir === 'in' ? '← received' : '· event';
      li.textContent = `${new Date(f.at).toISOString().slice(11, 23)} ${arrow} ${f.text}`;
      return li;
    }),
  );
}

// ---- actions -----------------------------------------------------------------------------------

function num(id) {
  const v = $(id).value.trim();
  return v === '' ? undefined : Number(v);
}
function text(id) {
  const v = $(id).value.trim();
  return v === '' ? undefined : v;
}

/** The body of an action: only the fields it takes that were filled in (the API has every default). */
function argsFor(action) {
  const a = {};
  const connectorActions = ['plug', 'unplug', 'authorize', 'start', 'stop', 'fault', 'recover', 'demand', 'resume'];
  if (connectorActions.includes(action)) a.connector = num('a-connector');
  if (action === 'fault') a.errorCode = text('a-error-code');
  if (action === 'authorize' || action === 'start') a.idTag = text('a-id-tag');
  if (action === 'stop') a.reason = text('a-reason');
  if (action === 'plug' || action === 'demand') a.soc = num('a-soc');
  if (action === 'plug') a.maxPowerW = num('a-power');
  if (action === 'demand') a.powerW = num('a-power');
  if (action === 'disconnect' && num('a-for') !== undefined) a.forMs = num('a-for') * 1000;
  for (const k of Object.keys(a)) if (a[k] === undefined) delete a[k];
  return a;
}

function showResult(action, target, reply) {
  const lines = [];
  if (reply.matched === 0) lines.push(`${action}: no charge point matches ${target}`);
  for (const r of reply.results ?? []) {
    if (r.ok && r.answer !== undefined) lines.push(`${action} ${r.identity}: answered ${JSON.stringify(r.answer)}`);
    else if (r.ok) lines.push(`${action} ${r.identity}: ok`);
    else if (r.callError) lines.push(`${action} ${r.identity}: CALLERROR ${r.callError.code} ${r.callError.description ?? ''}`);
    else lines.push(`${action} ${r.identity}: failed: ${r.error ?? ''}`);
  }
  if (reply.matched > 1) lines.push(`${reply.matched} matched`);
  $('result').textContent = lines.join('\n');
}

async function act(action, body) {
  const target = $('a-all').checked ? glob() || '*' : selected;
  if (!target) return;
  $('result').textContent = `${action} ${target}…`;
  try {
    showResult(action, target, await api('POST', `${cpPath(target)}/${encodeURIComponent(action)}`, body));
  } catch (e) {
    $('result').textContent = `${action} ${target}: ${e.message}`;
  }
  loadDetail();
  loadWindow();
}

$('actions').addEventListener('click', (e) => {
  const button = e.target.closest('button[data-action]');
  if (button) act(button.dataset.action, argsFor(button.dataset.action));
});

$('raw').addEventListener('submit', async (e) => {
  e.preventDefault();
  let payload;
  try {
    payload = JSON.parse($('raw-payload').value || '{}');
  } catch (err) {
    $('result').textContent = `The payload is not JSON: ${err.message}`;
    return;
  }
  const target = selected;
  if (!target) return;
  $('result').textContent = `send ${text('raw-action')}…`;
  try {
    showResult('send', target, await api('POST', `${cpPath(target)}/send`, { action: text('raw-action') ?? 'Heartbeat', payload }));
  } catch (err) {
    $('result').textContent = `send ${target}: ${err.message}`;
  }
  loadDetail();
});

// ---- event stream ------------------------------------------------------------------------------
// fetch() and a stream reader (EventSource cannot send the Authorization header). Two streams: the
// fleet's rare events (problems, manual actions) within the search, and everything of the shown charge point.

function logEvent(ev) {
  const ol = $('events');
  const li = document.createElement('li');
  const { type, identity, at, ...rest } = ev;
  const time = typeof at === 'number' ? new Date(at).toISOString().slice(11, 23) : '';
  li.textContent = `${time} ${identity ?? ''} ${type}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''}`;
  li.className = `ev ${cssName(type)}`;
  ol.prepend(li);
  while (ol.childElementCount > MAX_EVENTS) ol.lastElementChild.remove();
}

function stream(params, onEvent) {
  const ctrl = new AbortController();
  (async () => {
    let delay = 1000;
    while (!ctrl.signal.aborted) {
      try {
        const res = await fetch(`/api/events?${new URLSearchParams(params)}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          signal: ctrl.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (!data) continue; // a keep-alive comment
            try {
              onEvent(JSON.parse(data));
            } catch {
              // not an event
            }
          }
        }
      } catch {
        if (ctrl.signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(15000, delay * 2);
    }
  })();
  return ctrl;
}

let fleetEvents = null;
let selectedEvents = null;
let refreshSoon = 0;

function restartFleetEvents() {
  fleetEvents?.abort();
  const params = { types: 'problem,action' };
  if (glob()) params.q = glob();
  fleetEvents = stream(params, (ev) => {
    if (ev.identity !== selected) logEvent(ev);
  });
}

function restartSelectedEvents() {
  selectedEvents?.abort();
  if (!selected) return;
  selectedEvents = stream({ q: selected }, (ev) => {
    logEvent(ev);
    // A change of the shown charge point: redraw it soon (once for a burst of events).
    clearTimeout(refreshSoon);
    refreshSoon = setTimeout(() => {
      loadDetail();
      loadWindow();
    }, 100);
  });
}

// ---- start -------------------------------------------------------------------------------------

let started = false;
function start() {
  if (!token) {
    askForToken('No token: open the URL the run printed (it ends in #token=…) or paste the token.');
    return;
  }
  $('app').hidden = false;
  pollFleet();
  loadWindow();
  restartFleetEvents();
  if (started) return;
  started = true;
  setInterval(() => {
    if (document.hidden || $('app').hidden) return;
    pollFleet();
    loadWindow();
    loadDetail();
  }, POLL_MS);
}

start();
