/**
 * Who may use the operator API. It can reset, reconfigure or reflash the whole fleet, so before a
 * request reaches a route it must:
 *
 * 1. come from a loopback address (else 403): the API is for the operator on this machine;
 * 2. name loopback or the address the server is bound to in its Host header (else 403): a web page
 *    whose DNS name was rebound to 127.0.0.1 sends its own name there (DNS rebinding);
 * 3. carry no Origin header, or this server's own origin (else 403): a page from anywhere else, in
 *    a browser on this machine, sends its origin on every cross-origin POST (CSRF);
 * 4. carry `Authorization: Bearer <token>` (RFC 6750 §2.1) with this server's API token (else
 *    401): other users and processes on the machine are loopback clients too.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { sameSecret } from '../util/secrets.js';
import { isLoopback } from './handshake.js';

/** A refused request: the HTTP status, a stable code and a description for the JSON answer. */
export interface ApiRefusal {
  status: 401 | 403;
  code: 'Forbidden' | 'Unauthorized';
  description: string;
}

/** What the guard checks against, fixed when the server starts. */
export interface ApiAccess {
  /** The bearer token. */
  token: string;
  /** The address the server is bound to (a Host naming it is local too, unless it is a wildcard). */
  host: string;
  /** The server's scheme, for its own origin. */
  scheme: 'http:' | 'https:';
}

/** Header sent with a 401 (RFC 6750 §3). */
export const WWW_AUTHENTICATE = 'Bearer realm="ocpp-sim operator API"';

/** A new token: 32 random bytes, base64url (43 characters). */
export function generateApiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 6750 §2.1 b64token, at least 16 characters: what a token given by the operator must look like. */
const TOKEN = /^[A-Za-z0-9\-._~+/]{16,256}=*$/;

/** Null when `token` can be used as the API token; otherwise why not. */
export function apiTokenProblem(token: string): string | null {
  return TOKEN.test(token) ? null : 'must be 16 to 256 characters of A-Z a-z 0-9 - . _ ~ + / (RFC 6750 b64token)';
}

/** Why `req` may not use the operator API, or null when it may (see the module comment for the order). */
export function apiRefusal(req: IncomingMessage, access: ApiAccess): ApiRefusal | null {
  if (!isLoopback(req.socket.remoteAddress)) return forbidden('The operator API is only served to loopback clients');
  if (!isLocalName(hostnameOf(req.headers.host), access.host)) {
    return forbidden('The Host header must name this machine (localhost, a loopback address or the address the CSMS listens on)');
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, access, req.socket.localPort)) {
    return forbidden('Requests from web pages of other origins are refused');
  }
  const token = bearerToken(req.headers.authorization);
  if (token === null) {
    return { status: 401, code: 'Unauthorized', description: 'Send the API token printed at start: Authorization: Bearer <token>' };
  }
  if (!sameSecret(token, access.token)) return { status: 401, code: 'Unauthorized', description: 'Wrong API token' };
  return null;
}

function forbidden(description: string): ApiRefusal {
  return { status: 403, code: 'Forbidden', description };
}

/** The token of `Authorization: Bearer <token>`, or null. */
function bearerToken(header: string | undefined): string | null {
  const m = header === undefined ? null : /^bearer +(\S+) *$/i.exec(header);
  return m === null ? null : m[1];
}

/** The host name of a Host header (`localhost:9000`, `[::1]:9000`), lower case, without brackets; null if it is not one. */
function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  try {
    const url = new URL(`http://${hostHeader}`);
    // Only host[:port]: anything more is not a Host header.
    if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return null;
    return unbracket(url.hostname);
  } catch {
    return null;
  }
}

/**
 * True for names that can only mean this machine: localhost, loopback addresses, and the name or
 * address the server is bound to (e.g. a host name that /etc/hosts maps to 127.0.1.1), unless that
 * is a wildcard.
 */
export function isLocalName(hostname: string | null, boundHost: string): boolean {
  if (hostname === null) return false;
  if (hostname === 'localhost' || hostname === '::1' || (isIP(hostname) === 4 && hostname.startsWith('127.'))) return true;
  const bound = unbracket(boundHost.toLowerCase());
  return bound !== '0.0.0.0' && bound !== '::' && hostname === bound;
}

/** True when `origin` is this server's: its scheme, a local name and the port the request came in on. */
function isOwnOrigin(origin: string, access: ApiAccess, localPort: number | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes "null" (sandboxed frames, file: pages)
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return url.protocol === access.scheme && port === localPort && isLocalName(unbracket(url.hostname), access.host);
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
