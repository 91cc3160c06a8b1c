/**
 * The OCPP 2.0.1 device model (Part 1 §4; Part 2 B05–B08): one immutable {@link DeviceModel} per
 * profile, a {@link DeviceModelState} per charge point (null until its first accepted SetVariables).
 *
 * Wiring, in short:
 * - once per profile: `dm = buildDeviceModel({ vendor, model, evses: evsesOf(profile.connectors),
 *   overrides: profileYaml.deviceModel, … })` (the loader reports `checkDeviceModelSection` issues first),
 *   and the slots the station reads itself: `HEARTBEAT = slotOf(dm, 'OCPPCommCtrlr', 'HeartbeatInterval')`;
 * - per charge point: a `dmState: DeviceModelState = null` field; it may implement {@link LiveValues};
 * - GetVariables: `requestLimitViolation` (CALLERROR), then `getVariables`;
 * - SetVariables: `requestLimitViolation`, then `setVariables`, keep `.state`, act on `.changed`;
 * - GetBaseReport/GetReport: `answerGetBaseReport`/`answerGetReport`, send the response, then
 *   `notifyReportParts(requestId, reportData, limits, now)` one by one.
 */
export * from './types.js';
export { buildDeviceModel, checkDeviceModelSection, type DeviceModelInput } from './model.js';
export { evsesOf, CONNECTOR_TYPES, type ConnectorInput, type EvseInput } from './topology.js';
export { deviceModelInputOf } from './profile-input.js';
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
export { answerGetBaseReport, answerGetReport, baseReport, componentMatches, customReport, entryOf, variableMatches, type ReportAnswer, type ReportOptions } from './report.js';
export { notifyReportParts, type NotifyReportLimits } from './notify-report.js';
export { checkValue, type ValueProblem } from './values.js';
