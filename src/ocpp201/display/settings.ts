/**
 * The DisplayMessageCtrlr and TariffCostCtrlr variables (Part 2, Referenced Components §2.10, §2.12)
 * as one charge point has them now: found once per device model (shared by a profile's charge
 * points), read per charge point (its SetVariables values over the model's).
 */
import { findVariable, slotOf, type DeviceModel } from '../device-model/index.js';
import type { Station } from '../../station/station.js';
import { memberList } from '../meter-values.js';
import { modelOf, variable } from '../station-model.js';

/** DisplayMessages without a maxLimit: the bound the component's definition gives (components.ts). */
const DEFAULT_MAX_MESSAGES = 10;

interface Slots {
  displayAvailable: number;
  displayEnabled: number;
  formats: number;
  priorities: number;
  states: number;
  personalMessageSize: number;
  /** DisplayMessages' maxLimit: how many messages may be set; 0 without a DisplayMessageCtrlr. */
  maxMessages: number;
  tariffAvailable: number;
  tariffEnabled: number;
  costAvailable: number;
  costEnabled: number;
  currency: number;
  tariffFallback: number;
  costFallback: number;
}

const slotsByModel = new WeakMap<DeviceModel, Slots>();

function slots(st: Station): Slots {
  const { dm } = modelOf(st.ctx.profile);
  let s = slotsByModel.get(dm);
  if (s === undefined) {
    const d = (name: string) => slotOf(dm, 'DisplayMessageCtrlr', name);
    const t = (name: string, instance?: string) => slotOf(dm, 'TariffCostCtrlr', { name, instance });
    const count = findVariable(dm, 'DisplayMessageCtrlr', 'DisplayMessages');
    s = {
      displayAvailable: d('Available'),
      displayEnabled: d('Enabled'),
      formats: d('SupportedFormats'),
      priorities: d('SupportedPriorities'),
      states: d('SupportedStates'),
      personalMessageSize: d('PersonalMessageSize'),
      maxMessages: count === undefined ? 0 : (count.characteristics.maxLimit ?? DEFAULT_MAX_MESSAGES),
      tariffAvailable: t('Available', 'Tariff'),
      tariffEnabled: t('Enabled', 'Tariff'),
      costAvailable: t('Available', 'Cost'),
      costEnabled: t('Enabled', 'Cost'),
      currency: t('Currency'),
      tariffFallback: t('TariffFallbackMessage'),
      costFallback: t('TotalCostFallbackMessage'),
    };
    slotsByModel.set(dm, s);
  }
  return s;
}

const on = (st: Station, slot: number) => variable(st, slot) === 'true';
/** An Available variable: true unless it says false (the model may leave the optional variable out). */
const notOff = (st: Station, slot: number) => variable(st, slot) !== 'false';

/** What the display can do now (DisplayMessageCtrlr); `usable` false without the controller, or when it is not Available or not Enabled. */
export interface DisplayCapabilities {
  usable: boolean;
  formats: readonly string[];
  priorities: readonly string[];
  /** MessageStateEnumType values a message may be bound to (SupportedStates; every one when the model leaves the variable out). */
  states: readonly string[] | null;
  maxMessages: number;
}

export function displayCapabilities(st: Station): DisplayCapabilities {
  const s = slots(st);
  return {
    // Enabled is the controller's required switch; Available says the hardware has a display.
    usable: s.maxMessages > 0 && notOff(st, s.displayAvailable) && notOff(st, s.displayEnabled),
    formats: memberList(variable(st, s.formats)),
    priorities: memberList(variable(st, s.priorities)),
    states: s.states < 0 ? null : memberList(variable(st, s.states)),
    maxMessages: s.maxMessages,
  };
}

/** PersonalMessageSize: the most characters of a personal message shown (0: none; unlimited without the variable). */
export function personalMessageSize(st: Station): number {
  const v = variable(st, slots(st).personalMessageSize);
  return v === undefined ? Infinity : Number(v);
}

/** TariffCostCtrlr: whether tariffs (I01, I04, I06) and costs (I02, I03, I05) are Available and Enabled, and the texts it shows. */
export interface TariffCostSettings {
  /** The model has the controller with Tariff or Cost Available: what the CSMS says of prices is kept. */
  kept: boolean;
  tariff: boolean;
  cost: boolean;
  currency: string;
  tariffFallback: string;
  costFallback: string;
}

export function tariffCostSettings(st: Station): TariffCostSettings {
  const s = slots(st);
  // Currency is required in the controller: without it the model has no TariffCostCtrlr.
  const controller = s.currency >= 0;
  const tariffAvailable = controller && notOff(st, s.tariffAvailable);
  const costAvailable = controller && notOff(st, s.costAvailable);
  return {
    kept: tariffAvailable || costAvailable,
    tariff: tariffAvailable && on(st, s.tariffEnabled),
    cost: costAvailable && on(st, s.costEnabled),
    currency: variable(st, s.currency) ?? '',
    tariffFallback: variable(st, s.tariffFallback) ?? '',
    costFallback: variable(st, s.costFallback) ?? '',
  };
}
