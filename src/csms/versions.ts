/**
 * The OCPP versions the embedded CSMS speaks, one {@link VersionBinding} each: everything about a
 * connection that depends on its version, chosen once, at the WebSocket upgrade, from the subprotocol
 * it negotiated (OCPP-J 1.6 §3.1.2, 2.0.1 Part 4 §3.1.2). The per-message path reads the binding's
 * fields and never compares version strings. A binding is built once per process and shared by
 * every connection of its version (a connection holds one pointer); the state a version keeps — its
 * ledger of transactions — lives in each CSMS's core.
 *
 * Adding a version takes a binding here, a folder beside ocpp16/ and ocpp201/ (responders, ledger),
 * its ledger's state in core.ts and its figures in stats.ts; nothing else names versions.
 */
import { INITIATOR as INITIATOR_16 } from '../ocpp16/generated/actions.gen.js';
import { OCPP16, SUBPROTOCOL_16, validator16 } from '../ocpp16/schemas.js';
import { INITIATOR as INITIATOR_201 } from '../ocpp201/generated/actions.gen.js';
import { OCPP201, SUBPROTOCOL_201, validator201 } from '../ocpp201/schemas.js';
import type { SchemaValidator } from '../protocol/validate.js';
import type { Connection } from './connection.js';
import { recordAnswer16 } from './ocpp16/ledger.js';
import { RESPONDER_MAP as RESPONDERS_16 } from './ocpp16/responders.js';
import { recordAnswer201 } from './ocpp201/ledger.js';
import { RESPONDER_MAP as RESPONDERS_201 } from './ocpp201/responders.js';
import type { CsmsStats } from './stats.js';

/** An OCPP version the CSMS speaks, as `--ocpp` and `CsmsOptions.ocpp` name it. */
export type OcppVersion = '1.6' | '2.0.1';

/** Its WebSocket subprotocol. */
export type Subprotocol = 'ocpp1.6' | 'ocpp2.0.1';

/** Every version, oldest first. */
export const OCPP_VERSIONS: readonly OcppVersion[] = [OCPP16, OCPP201] as const;

/** A responder as the dispatcher calls it: the payload is schema-valid for the action by then. */
export type AnyResponder = (conn: Connection, request: any) => object;

/** Bookkeeping on one answered CALL (the version's ledger). */
export type Ledger = (conn: Connection, action: string, request: any, response: any) => void;

/** What a connection's version decides. Shared, immutable. */
export interface VersionBinding {
  /** The version as the error-code table names it (`wireErrorCode`). */
  readonly version: OcppVersion;
  readonly subprotocol: Subprotocol;
  /** The version's schemas: incoming CALLs and CALLRESULTs, and with `strict` what we send. */
  readonly validator: SchemaValidator;
  /** A responder for every action a charge point of this version initiates. */
  readonly responders: ReadonlyMap<string, AnyResponder>;
  /** Records an answered CALL in the CSMS's figures and ledger of this version. */
  readonly record: Ledger;
  /** This version's CALLs-received-per-action counters in a CSMS's stats. */
  readonly received: (stats: CsmsStats) => Record<string, number>;
  /** The actions a CSMS may initiate in this version (the operator API sends only these). */
  readonly csmsActions: ReadonlySet<string>;
}

function csmsActions(initiator: Readonly<Record<string, 'cp' | 'csms' | 'both'>>): ReadonlySet<string> {
  return new Set(Object.keys(initiator).filter((action) => initiator[action] !== 'cp'));
}

/** How each version's binding is made (once, on first use: the schemas are read then). */
const MAKE: Readonly<Record<OcppVersion, () => VersionBinding>> = {
  '1.6': () => ({
    version: OCPP16,
    subprotocol: SUBPROTOCOL_16,
    validator: validator16(),
    responders: RESPONDERS_16,
    record: recordAnswer16,
    received: (stats) => stats.received,
    csmsActions: csmsActions(INITIATOR_16),
  }),
  '2.0.1': () => ({
    version: OCPP201,
    subprotocol: SUBPROTOCOL_201,
    validator: validator201(),
    responders: RESPONDERS_201,
    record: recordAnswer201,
    received: (stats) => stats.ocpp201.received,
    csmsActions: csmsActions(INITIATOR_201),
  }),
};

const bindings = new Map<OcppVersion, VersionBinding>();

/** The process-wide binding of `version`. */
export function bindingOf(version: OcppVersion): VersionBinding {
  let binding = bindings.get(version);
  if (binding === undefined) {
    binding = Object.freeze(MAKE[version]());
    bindings.set(version, binding);
  }
  return binding;
}

/** `version` as an {@link OcppVersion}: `1.6` or `2.0.1`, also spelt as its subprotocol (`ocpp2.0.1`); else null. */
export function ocppVersion(text: string): OcppVersion | null {
  const bare = text.startsWith('ocpp') ? text.slice(4) : text;
  return (OCPP_VERSIONS as readonly string[]).includes(bare) ? (bare as OcppVersion) : null;
}
