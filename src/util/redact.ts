/**
 * Credentials never reach logs, reports or metrics: a URL is shown with its password replaced.
 */

/** `ws://CP1:secret@host/ocpp` → `ws://CP1:***@host/ocpp`; a URL without credentials is returned as is. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password && !u.username) return url;
    if (u.password) u.password = '***';
    else u.username = '***'; // a lone user part may be a token (wss://TOKEN@host)
    return u.href;
  } catch {
    // Not a URL we can parse: hide whatever stands between the scheme and an '@'.
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}
