/**
 * The OCPP 2.0.1 device model (Part 1 §4; Part 2 B05–B08): one immutable {@link DeviceModel} per
 * profile, a {@link DeviceModelState} per charge point (null until its first accepted SetVariables).
 */
export * from './types.js';
export { buildDeviceModel, checkDeviceModelSection, type DeviceModelInput } from './model.js';
export { evsesOf, CONNECTOR_TYPES, type ConnectorInput, type EvseInput } from './topology.js';
export { METER_MEASURANDS, type MeteringInput } from './components.js';
export type { DeviceModelIssue, DeviceModelSection, ComponentOverride, VariableOverride, VariableOverrideEntry, AttributeOverride } from './overrides.js';
export {
  findVariable,
  getVariables,
  read,
  readSlot,
  requestLimitViolation,
  setVariables,
  slotOf,
  stateAfterReboot,
  valueOf,
  type LimitedAction,
  type SetVariablesOutcome,
  type VariableChange,
} from './access.js';
export { checkValue, type ValueProblem } from './values.js';
