/**
 * What the CSMS knows about a charge point beyond its current connection: its boot and what it
 * said it is. Kept per identity, across reconnects, because a 1.6 charge point sends no new
 * BootNotification after reconnecting unless something in it changed (OCPP-J 1.6 §5.4); the
 * identity is what a new connection is matched with (OCPP-J 1.6 §3.1.1).
 */
export class Registration {
  /** True while the latest BootNotification answered for this identity was Accepted. */
  booted = false;
  vendor: string | null = null;
  model: string | null = null;
}
