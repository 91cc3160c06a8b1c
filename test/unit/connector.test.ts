/** The OCPP 1.6 §4.9 StatusNotification transition table, and the plain connector/transaction state. */
import { describe, expect, it } from 'vitest';
import { Connector, type ConnectorStatus, Phase, Transaction } from '../../src/station/connector.js';
import { canTransition } from '../../src/ocpp16/status.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';

const STATUSES: ConnectorStatus[] = [
  'Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Unavailable', 'Faulted',
];

/**
 * The specification's table, transcribed independently: row = from, columns in STATUSES order,
 * 1 = a numbered transition (A2, B3, …), 0 = "–".
 */
const SPEC: Record<ConnectorStatus, string> = {
  //             Av Pr Ch EV SE Fi Re Un Fa
  Available:     '0 1 1 1 1 0 1 1 1',
  Preparing:     '1 0 1 1 1 1 0 0 1',
  Charging:      '1 0 0 1 1 1 0 1 1',
  SuspendedEV:   '1 0 1 0 1 1 0 1 1',
  SuspendedEVSE: '1 0 1 1 0 1 0 1 1',
  Finishing:     '1 1 0 0 0 0 0 1 1',
  Reserved:      '1 1 0 0 0 0 0 1 1',
  Unavailable:   '1 1 1 1 1 0 0 0 1',
  Faulted:       '1 1 1 1 1 1 1 1 0',
};

const allPairs = STATUSES.flatMap((from) =>
  STATUSES.map((to, j) => [from, to, SPEC[from].split(' ')[j] === '1'] as const),
);

describe('canTransition (connectors > 0)', () => {
  it.each(allPairs)('%s → %s: %s', (from, to, allowed) => {
    expect(canTransition(1, from, to)).toBe(allowed);
    expect(canTransition(7, from, to)).toBe(allowed);
  });

  it.each([
    ['Available', 'Preparing', true],
    ['Preparing', 'Charging', true],
    ['Charging', 'SuspendedEV', true],
    ['Charging', 'Finishing', true],
    ['Finishing', 'Available', true],
    ['Finishing', 'Charging', false],
    ['Charging', 'Preparing', false],
    ['Available', 'Finishing', false],
    ['Reserved', 'Charging', false],
    ['Preparing', 'Unavailable', false],
  ] as const)('named case %s → %s is %s', (from, to, allowed) => {
    expect(canTransition(1, from, to)).toBe(allowed);
  });

  it('no status transitions to itself', () => {
    for (const s of STATUSES) expect(canTransition(1, s, s)).toBe(false);
  });

  it('Faulted can always be entered from an operational status, and left to any other', () => {
    for (const s of STATUSES) if (s !== 'Faulted') {
      expect(canTransition(1, s, 'Faulted')).toBe(true);
      expect(canTransition(1, 'Faulted', s)).toBe(true);
    }
  });
});

describe('canTransition (connector 0)', () => {
  const zero = ['Available', 'Unavailable', 'Faulted'] as const;

  it.each(STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const expected = (zero as readonly string[]).includes(to) && from !== to;
    expect(canTransition(0, from, to)).toBe(expected);
  });

  it('never reports a connector-only status', () => {
    for (const to of ['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved'] as const) {
      expect(canTransition(0, 'Available', to)).toBe(false);
    }
  });
});

describe('Connector and Transaction', () => {
  it('a new connector is Available, idle, operative, with its register at the start value', () => {
    const c = new Connector(2, 1_234);
    expect(c.id).toBe(2);
    expect(c.status).toBe('Available');
    expect(c.reportedStatus).toBeNull();
    expect(c.errorCode).toBe('NoError');
    expect(c.operative).toBe(true);
    expect(c.phase).toBe(Phase.Idle);
    expect(c.phaseUntil).toBe(Infinity);
    expect(c.tx).toBeNull();
    expect(c.energyWh).toBe(1_234);
    expect([c.powerW, c.soc, c.evBatteryWh, c.evMaxPowerW]).toEqual([0, 0, 0, 0]);
  });

  it('a connector carries its hardware spec (shared, not copied); connector 0 has none', () => {
    const spec = DEFAULT_PROFILE.connectors[1];
    expect(new Connector(2, 0, spec).spec).toBe(spec);
    expect(new Connector(0, 0).spec).toBeNull();
  });

  it('a new transaction has no CSMS id yet and is not stopped', () => {
    const tx = new Transaction(1, 'TAG0001', 500, 1_700_000_000_000);
    expect(tx).toMatchObject({ connectorId: 1, idTag: 'TAG0001', meterStart: 500, startedAt: 1_700_000_000_000 });
    expect(tx.id).toBeNull();
    expect(tx.stopped).toBe(false);
    expect(tx.meterStop).toBe(0);
  });
});
