/**
 * The optional functional blocks of 2.0.1 and the CSMS actions that belong to each. A model says it
 * lacks a block the way the device model says it (Part 2, Referenced Components §2): the block's
 * controller is absent (`deviceModel: {ReservationCtrlr: false}` in the profile) or its read-only
 * `Available` is false. Such a charge point answers the block's actions with the CALLERROR
 * NotSupported ("Requested Action is recognized but not supported by the receiver", Part 4 §4.3),
 * as real stations without, say, a display do. `Enabled` is different: a block that is there but
 * switched off answers as its use cases say — its handler's business: mostly the action's Rejected
 * status; smart charging NotSupported (K01.FR.29).
 */
import { OcppError } from '../../protocol/errors.js';
import type { Station } from '../../station/station.js';
import type { CsmsAction } from '../generated/actions.gen.js';
import { modelOf, variable } from '../station-model.js';
import { slotOf } from '../device-model/index.js';

/** The controller of each optional block, and the instance of its `Available` variable where it has several. */
const BLOCKS = {
  LocalAuthList: ['LocalAuthListCtrlr', undefined],
  Reservation: ['ReservationCtrlr', undefined],
  SmartCharging: ['SmartChargingCtrlr', undefined],
  Cost: ['TariffCostCtrlr', 'Cost'],
  Monitoring: ['MonitoringCtrlr', undefined],
  DisplayMessage: ['DisplayMessageCtrlr', undefined],
} as const satisfies Record<string, readonly [component: string, availableInstance: string | undefined]>;

type Block = keyof typeof BLOCKS;

/** The CSMS-initiated actions of each optional block (Part 2: D, H, K, I, N, O). */
export const BLOCK_OF: Readonly<Partial<Record<CsmsAction, Block>>> = {
  SendLocalList: 'LocalAuthList',
  GetLocalListVersion: 'LocalAuthList',
  ReserveNow: 'Reservation',
  CancelReservation: 'Reservation',
  SetChargingProfile: 'SmartCharging',
  GetChargingProfiles: 'SmartCharging',
  ClearChargingProfile: 'SmartCharging',
  GetCompositeSchedule: 'SmartCharging',
  CostUpdated: 'Cost',
  SetVariableMonitoring: 'Monitoring',
  SetMonitoringBase: 'Monitoring',
  SetMonitoringLevel: 'Monitoring',
  ClearVariableMonitoring: 'Monitoring',
  GetMonitoringReport: 'Monitoring',
  SetDisplayMessage: 'DisplayMessage',
  GetDisplayMessages: 'DisplayMessage',
  ClearDisplayMessage: 'DisplayMessage',
};

/** True when this charge point's model has the block (its controller is there and Available). */
export function hasBlock(st: Station, block: Block): boolean {
  const [component, instance] = BLOCKS[block];
  const slot = slotOf(modelOf(st.ctx.profile).dm, component, { name: 'Available', instance });
  return slot >= 0 && variable(st, slot) !== 'false';
}

/** Throws NotSupported when the action belongs to a block this model lacks. */
export function requireBlockOf(st: Station, action: CsmsAction): void {
  const block = BLOCK_OF[action];
  if (block !== undefined && !hasBlock(st, block)) {
    throw new OcppError('NotSupported', `${action}: this model has no ${BLOCKS[block][0]} (${block} is not available)`);
  }
}
