/**
 * The 1.6 AuthorizationKey configuration key (Security Whitepaper A01, §7.2): the HTTP Basic password
 * the CSMS sets, written in hexadecimal. 2.0.1's BasicAuthPassword is a plain string instead.
 */

/**
 * The AuthorizationKey value as password octets: 16 to 20 bytes, hexadecimal (up to 40 digits),
 * A00.FR.205 and §7.2; null when the value does not meet that.
 */
export function parseAuthorizationKey(value: string): Buffer | null {
  if (!/^(?:[0-9a-fA-F]{2}){16,20}$/.test(value)) return null;
  return Buffer.from(value, 'hex');
}
