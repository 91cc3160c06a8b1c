/**
 * The EVSE/connector tiers of a device model (Part 1 §4.1) from a profile's connectors: connectors
 * that share an `evse` number are that EVSE's connectors 1, 2, … in profile order.
 */
import type { ConnectorSpec, ConnectorType } from '../../station/profile.js';

/** One connector of an EVSE, as the device model reports it. */
export interface ConnectorInput {
  id: number;
  /** A ConnectorEnumType value (Part 2 §3.22), or cGBT, cChaoJi, OppCharge (appendix ConnectorType). */
  type: string;
  /** AC phases (1 or 3); 0 for DC (Referenced Components §2.13.8 example). */
  phases?: number;
  maxPowerW?: number;
  /** Connector.ChargeProtocol (appendix): CHAdeMO, ISO15118, CPPWM, Uncontrolled… */
  chargeProtocol?: string;
}

export interface EvseInput {
  id: number;
  connectors: readonly ConnectorInput[];
}

/**
 * The 2.0.1 ConnectorType of each connector type a profile can name: s = socket, c = cable
 * (ConnectorEnumType); CHAdeMO's plug is JEVS G105; GB/T is the appendix's extra cGBT.
 */
export const CONNECTOR_TYPES: Readonly<Record<ConnectorType, { type: string; chargeProtocol: string }>> = {
  Type1: { type: 'cType1', chargeProtocol: 'CPPWM' },
  Type2: { type: 'sType2', chargeProtocol: 'CPPWM' },
  Type2Tethered: { type: 'cType2', chargeProtocol: 'CPPWM' },
  CCS1: { type: 'cCCS1', chargeProtocol: 'ISO15118' },
  CCS2: { type: 'cCCS2', chargeProtocol: 'ISO15118' },
  CHAdeMO: { type: 'cG105', chargeProtocol: 'CHAdeMO' },
  GBT: { type: 'cGBT', chargeProtocol: 'Unknown' },
  Schuko: { type: 'sCEE-7-7', chargeProtocol: 'Uncontrolled' },
  NACS: { type: 'cTesla', chargeProtocol: 'CPPWM' },
};

/** The EVSEs of a profile's connectors, by EVSE id. */
export function evsesOf(connectors: readonly ConnectorSpec[]): EvseInput[] {
  const byEvse = new Map<number, ConnectorInput[]>();
  for (const c of connectors) {
    const list = byEvse.get(c.evse) ?? [];
    const { type, chargeProtocol } = CONNECTOR_TYPES[c.type];
    const dc = c.current === 'DC';
    // A DC outlet with a PWM-signalled plug (NACS) charges over ISO 15118.
    list.push({ id: list.length + 1, type, chargeProtocol: dc && chargeProtocol === 'CPPWM' ? 'ISO15118' : chargeProtocol, phases: dc ? 0 : c.phases, maxPowerW: c.maxPowerW });
    byEvse.set(c.evse, list);
  }
  return [...byEvse].sort(([a], [b]) => a - b).map(([id, list]) => ({ id, connectors: list }));
}
