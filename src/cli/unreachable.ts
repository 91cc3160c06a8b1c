/**
 * Fail fast when the CSMS cannot be reached: when no charge point has managed to connect for a while
 * (`--give-up-after`) although they kept trying, the run stops, names the URL and says what to check,
 * from the causes the charge points saw (metrics/shard-stats.ts connectError) — rather than waiting out
 * the whole --duration and printing raw ECONNREFUSED lines.
 */
import type { FleetStats } from '../metrics/fleet-stats.js';
import type { ConnectErrorCount } from '../metrics/shard-stats.js';
import { formatDuration } from '../util/duration.js';
import { redactUrl } from '../util/redact.js';

/** Why the run gave up, and what to check: one reason line for the verdict, hint lines for the summary. */
export interface Unreachable {
  reason: string;
  hints: string[];
}

/**
 * A watch over the fleet's counters, called about twice a second: returns the verdict once no charge
 * point has been connected, nor managed to connect, for `giveUpMs` while attempts kept failing. A fleet
 * offline on purpose (a scenario's `disconnect`) makes no attempts and is never given up on.
 */
export function reachabilityWatch(stats: FleetStats, url: string, giveUpMs: number, startedAt: number): (now: number) => Unreachable | undefined {
  let since = startedAt;
  let failuresBefore = stats.total('connectFailures');
  let lastOpen = stats.lastOpenAt();
  return (now) => {
    const states = stats.states();
    const online = states.connected + states.booted + states.charging + states.faulted;
    const failures = stats.total('connectFailures');
    const opened = stats.lastOpenAt();
    if (online > 0 || opened !== lastOpen) {
      lastOpen = opened;
      since = now;
      failuresBefore = failures;
      return undefined;
    }
    if (giveUpMs <= 0 || now - since < giveUpMs || failures === failuresBefore) return undefined;
    return describeUnreachable(url, now - since, failures - failuresBefore, stats.connectErrors());
  };
}

export function describeUnreachable(url: string, forMs: number, attempts: number, causes: readonly ConnectErrorCount[]): Unreachable {
  const shown = redactUrl(url);
  const top = causes[0];
  const reason =
    `CSMS unreachable: no charge point could connect to ${shown} for ${formatDuration(forMs)} (${attempts} attempts failed` +
    (top ? `, most with ${top.cause}` : '') +
    ')';
  const hints = causes.slice(0, 3).map((c) => `${c.cause} ×${c.count} (e.g. "${c.sample}"): ${hintFor(c.cause, shown)}`);
  return { reason, hints };
}

/** What to check for one cause of failed connections. */
export function hintFor(cause: string, url: string): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* keep the whole URL */
  }
  if (cause === 'ECONNREFUSED') return `nothing accepts connections at ${host}: is the CSMS up, and listening on that address and port?`;
  if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') return `the host name in ${url} does not resolve: check it`;
  if (cause === 'ETIMEDOUT' || cause === 'EHOSTUNREACH' || cause === 'ENETUNREACH' || cause === 'timeout') return `no answer from ${host}: a firewall, or the wrong address?`;
  if (cause === 'ECONNRESET') return `${host} closed the connection during the handshake: a wss:// (TLS) server reached with ws://? Try wss:// — or a proxy in the way`;
  if (/ALTNAME/.test(cause)) return `the CSMS's TLS certificate does not name ${host}: connect with the host name the certificate was issued for`;
  if (/EXPIRED/.test(cause)) return `the CSMS's TLS certificate has expired (or is not yet valid): check its dates and this machine's clock`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(cause)) return `the CSMS's TLS certificate is not trusted: give the CA that signed it with --ca FILE (a self-signed certificate needs that too)`;
  if (/WRONG_VERSION_NUMBER|EPROTO|PACKET_LENGTH/.test(cause)) return `${host} does not speak TLS: a wss:// URL to a plain ws:// port? Try ws://`;
  if (cause === 'HTTP 400') return `${host} refused the WebSocket upgrade as a bad request: a ws:// URL to a wss:// (TLS) port? Try wss:// — or check the URL's path`;
  if (cause === 'HTTP 401' || cause === 'HTTP 403') return `the CSMS refused the charge points' credentials: check --password / --passwords (security profile 1) or --cert/--key (profile 3)`;
  if (cause === 'HTTP 404') return `the CSMS has no WebSocket endpoint at that path: check the path in ${url}`;
  if (cause === 'subprotocol') return `the server accepted the WebSocket but not the OCPP subprotocol: is ${url} an OCPP 1.6J endpoint?`;
  if (cause.startsWith('HTTP ')) return `the CSMS answered the WebSocket upgrade with ${cause}: check the URL and the CSMS's logs`;
  return `check that the CSMS at ${url} is up and reachable from this machine`;
}
