/**
 * The checks made on a WebSocket upgrade request before ws completes the handshake: the charge
 * point identity from the URL, the OCPP subprotocol, and HTTP Basic authentication (security
 * profile 1). Pure functions plus one helper that refuses an upgrade on the raw socket.
 */
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { sameSecret } from '../util/secrets.js';

/**
 * The charge point identity: the last non-empty path segment, percent-decoded (OCPP-J 1.6 §3.1.1,
 * 2.0.1 Part 4 §3.1.1: the station appends `/<identity>` to the CSMS endpoint URL). The query string
 * is ignored. Null when there is no segment or it is not valid percent-encoding. Whether the
 * identity follows the OCPP rule is checked separately (util/identity.ts).
 */
export function identityFromPath(url: string | undefined): string | null {
  if (!url) return null;
  const q = url.indexOf('?');
  let end = q === -1 ? url.length : q;
  while (end > 0 && url.charCodeAt(end - 1) === 47 /* '/' */) end--;
  const start = url.lastIndexOf('/', end - 1) + 1;
  if (start >= end) return null;
  try {
    const identity = decodeURIComponent(url.slice(start, end));
    return identity.length > 0 ? identity : null;
  } catch {
    return null;
  }
}

/**
 * The subprotocol to answer a `Sec-WebSocket-Protocol` request header with: the first one the client
 * offers that is among `supported`, or null when it offers none of them. The client lists its
 * subprotocols in order of preference (RFC 6455 §4.1, §11.3.4) and the server selects one of them
 * (§4.2.2); a charging station that speaks several OCPP versions offers them all, most preferred
 * first, e.g. `ocpp2.0.1, ocpp1.6` (OCPP 2.0.1 Part 4 §3.1.2), so the client's order decides, not
 * the order of `supported`.
 */
export function chooseSubprotocol<T extends { readonly subprotocol: string }>(header: string | undefined, supported: readonly T[]): T | null {
  if (!header) return null;
  for (const token of header.split(',')) {
    const offered = token.trim();
    for (const candidate of supported) if (candidate.subprotocol === offered) return candidate;
  }
  return null;
}

/**
 * Checks `Authorization: Basic base64(identity:password)` (OCPP 1.6 Security Whitepaper, security
 * profile 1; 2.0.1 Part 2 A00.FR.2xx). The user name must equal the identity from the URL. RFC 7617
 * splits user and password at the first colon, which is why identities may not contain one.
 */
export function basicAuthOk(header: string | undefined, identity: string, password: string): boolean {
  if (!header || header.length < 7 || header.slice(0, 6).toLowerCase() !== 'basic ') return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return false;
  // The user name is the identity from the URL, no secret; the password is compared in constant time.
  return decoded.slice(0, colon) === identity && sameSecret(decoded.slice(colon + 1), password);
}

/** True for IPv4/IPv6 loopback peers (including IPv4-mapped IPv6 `::ffff:127.x.x.x`). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * Answers an upgrade request with a plain HTTP error and closes the socket (no WebSocket is made).
 * Ends the response before destroying the socket, as ws's own `abortHandshake` does.
 */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, extraHeaders = ''): void {
  socket.on('error', ignore);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${reason}\n`;
  socket.once('finish', socket.destroy);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: text/plain\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`,
  );
}

function ignore(): void {}
