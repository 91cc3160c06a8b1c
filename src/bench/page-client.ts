/**
 * The control page's traffic without a browser, as a process of its own (so its CPU is not the
 * simulator's): what src/control/page/assets/app.js does — every second /api/fleet, one list window
 * of 60 rows (scrolling through the fleet) and one charge point's detail; two event streams open, the
 * fleet's problems and manual actions and every event of the charge point shown. On SIGTERM it prints
 * `{"requests": n, "events": n}` and exits.
 *
 *   node dist/bench/page-client.js <control URL> <token> <fleet size> <identity shown>
 */
const [url, token, totalText, shown] = process.argv.slice(2);
const total = Number(totalText);
const POLL_MS = 1000;
const WINDOW_ROWS = 60;
const headers = { authorization: `Bearer ${token}` };
const abort = new AbortController();
const counts = { requests: 0, events: 0 };

const get = (path: string) =>
  fetch(`${url}${path}`, { headers, signal: abort.signal })
    .then((r) => r.arrayBuffer())
    .then(() => counts.requests++)
    .catch(() => {});

const stream = (query: string) =>
  fetch(`${url}/api/events?${query}`, { headers, signal: abort.signal })
    .then(async (r) => {
      const decoder = new TextDecoder();
      for await (const chunk of r.body! as unknown as AsyncIterable<Uint8Array>) counts.events += decoder.decode(chunk, { stream: true }).split('\ndata:').length - 1;
    })
    .catch(() => {});

void stream('types=problem,action');
void stream(`q=${encodeURIComponent(shown)}`);
let offset = 0;
const timer = setInterval(() => {
  void get('/api/fleet');
  void get(`/api/charge-points?offset=${offset}&limit=${WINDOW_ROWS}`);
  void get(`/api/charge-points/${encodeURIComponent(shown)}`);
  offset = (offset + WINDOW_ROWS) % Math.max(1, total - WINDOW_ROWS);
}, POLL_MS);

process.on('SIGTERM', () => {
  clearInterval(timer);
  abort.abort();
  process.stdout.write(`${JSON.stringify(counts)}\n`, () => process.exit(0));
});
