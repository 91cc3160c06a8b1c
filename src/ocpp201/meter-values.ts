/**
 * 2.0.1 meter readings (MeterValueType, Part 2 §2.36): the measurands a SampledDataCtrlr or
 * AlignedDataCtrlr list asks for, read from a connector's simulated meter. Values are numbers and the
 * unit an object (unlike 1.6's strings); 2.0.1 has no Temperature measurand.
 */
import type { Connector } from '../station/connector.js';
import { currentA } from '../station/meter.js';
import type { Quirks } from '../station/profile.js';
import { isoTime } from '../util/iso-time.js';
import type { MeterValueType, ReadingContextEnumType, SampledValueType } from './generated/types.gen.js';

type Context = ReadingContextEnumType;

const WH = { unit: 'Wh' } as const;
const W = { unit: 'W' } as const;
const A = { unit: 'A' } as const;
const V = { unit: 'V' } as const;
const PERCENT = { unit: 'Percent' } as const;

function tenth(x: number): number {
  return Math.round(x * 10) / 10;
}

function centi(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The energy register alone (Transaction.Begin / Transaction.End readings). */
export function energyReading(wh: number, at: number, context: Context): MeterValueType {
  return { timestamp: isoTime(at), sampledValue: [{ value: Math.floor(wh), context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unitOfMeasure: WH }] };
}

/** One reading of `measurands` at a connector; per-phase values on 3-phase AC when the model reports them. */
export function reading(c: Connector, quirks: Quirks, measurands: readonly string[], at: number, context: Context): MeterValueType {
  const spec = c.spec!;
  const sampled: SampledValueType[] = [];
  const ac = spec.current === 'AC';
  const threePhase = ac && spec.phases === 3 && quirks.meterValuesPerPhase;
  const amps = currentA(c.powerW, spec);
  for (const m of measurands) {
    switch (m) {
      case 'Energy.Active.Import.Register':
        sampled.push({ value: Math.floor(c.energyWh), context, measurand: m, location: 'Outlet', unitOfMeasure: WH });
        break;
      case 'Power.Active.Import':
        sampled.push({ value: tenth(c.powerW), context, measurand: m, location: 'Outlet', unitOfMeasure: W });
        break;
      // What the station offers the EV: the rating, or less under a charging limit or a cabinet's share.
      case 'Power.Offered':
        sampled.push({ value: tenth(Math.min(c.limitW, c.shareW, spec.maxPowerW)), context, measurand: m, location: 'Outlet', unitOfMeasure: W });
        break;
      case 'Current.Offered':
        sampled.push({ value: tenth(Math.min(currentA(Math.min(c.limitW, c.shareW), spec), spec.maxCurrentA)), context, measurand: m, location: 'Outlet', unitOfMeasure: A });
        break;
      case 'Current.Import':
        if (threePhase) {
          for (const phase of ['L1', 'L2', 'L3'] as const) sampled.push({ value: centi(amps), context, measurand: m, phase, location: 'Outlet', unitOfMeasure: A });
        } else {
          sampled.push({ value: centi(amps), context, measurand: m, location: 'Outlet', unitOfMeasure: A });
        }
        break;
      case 'Voltage':
        if (threePhase) {
          for (const phase of ['L1-N', 'L2-N', 'L3-N'] as const) sampled.push({ value: spec.voltage, context, measurand: m, phase, location: 'Outlet', unitOfMeasure: V });
        } else {
          sampled.push({ value: spec.voltage, context, measurand: m, location: 'Outlet', unitOfMeasure: V });
        }
        break;
      case 'SoC':
        // Only a DC charger talks to the EV's battery management and knows its state of charge.
        if (!ac && quirks.socInMeterValues && c.evBatteryWh > 0) sampled.push({ value: Math.round(c.soc * 100), context, measurand: m, location: 'EV', unitOfMeasure: PERCENT });
        break;
    }
  }
  // A MeterValueType needs at least one sampled value (minItems 1): the register is always there.
  if (sampled.length === 0) sampled.push({ value: Math.floor(c.energyWh), context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unitOfMeasure: WH });
  return { timestamp: isoTime(at), sampledValue: sampled };
}

/** Parsed lists (a MemberList value: measurands, start points), shared by every charge point of the worker; cleared when full. */
const lists = new Map<string, readonly string[]>();
const LISTS_MAX = 256;
export function memberList(csv: string | undefined): readonly string[] {
  const key = csv ?? '';
  let list = lists.get(key);
  if (list === undefined) {
    list = key.split(',').map((m) => m.trim()).filter(Boolean);
    if (lists.size >= LISTS_MAX) lists.clear();
    lists.set(key, list);
  }
  return list;
}
