/**
 * A BootNotification answered, in any version: the boot goes into the identity's registration,
 * which outlives the connection (OCPP-J 1.6 §5.4; 2.0.1 likewise sends no new BootNotification after
 * a mere reconnect). A connection already replaced by a newer one with the same identity changes
 * nothing there.
 */
import type { Connection } from './connection.js';

/** Records a boot answered with `status` for a charge point that says it is `vendor` `model`. */
export function recordBoot(conn: Connection, status: string, vendor: string, model: string): void {
  const core = conn.core;
  const accepted = status === 'Accepted';
  if (accepted) core.stats.boots++;
  if (conn.registered) {
    const registration = core.registrationOf(conn);
    registration.vendor = vendor;
    registration.model = model;
    if (accepted !== registration.booted) {
      registration.booted = accepted;
      core.countBooted(conn, accepted ? 1 : -1);
    }
    core.peers?.booted(conn.identity, registration);
  }
  if (conn.logged) core.logger.booted(conn, status, vendor, model);
}
