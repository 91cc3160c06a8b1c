/**
 * The `Authorization` header value of security profiles 1 and 2 (HTTP Basic auth): the charge point's
 * identity as the user and the password's octets, as they are (RFC 7617; OCPP 1.6 Security Whitepaper
 * A00.FR.204/205, OCPP 2.0.1 A00.FR.204/205).
 */
export function basicAuthorization(identity: string, password: string | Buffer): string {
  return 'Basic ' + Buffer.concat([Buffer.from(`${identity}:`), Buffer.from(password)]).toString('base64');
}
