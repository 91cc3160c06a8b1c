/**
 * The OCPP 2.0.1 device model (Part 1 §4; Part 2 B05–B08): one immutable DeviceModel per profile, a
 * DeviceModelState per charge point.
 */
export * from './types.js';
export { evsesOf, CONNECTOR_TYPES, type ConnectorInput, type EvseInput } from './topology.js';
export { METER_MEASURANDS, type MeteringInput } from './components.js';
export { checkValue, type ValueProblem } from './values.js';
