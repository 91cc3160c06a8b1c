/**
 * Lookup keys of components and variables. Component and variable names and instances are
 * case-insensitive (schema ComponentType/VariableType: "Case Insensitive"; identifierString, Part 2
 * §2.1.4), and an empty instance is the same as none (B06.FR.15), so both are folded here, once,
 * into one string per component and one per component-variable.
 */
import type { ComponentType, VariableType } from '../generated/types.gen.js';

const SEP = '\u0000';

function fold(s: string | undefined): string {
  return s === undefined ? '' : s.toLowerCase();
}

/** The key of a component addressed by name, instance and EVSE/connector tier. */
export function componentKeyOf(name: string, instance?: string, evseId?: number, connectorId?: number): string {
  return `${fold(name)}${SEP}${fold(instance)}${SEP}${evseId ?? ''}${SEP}${connectorId ?? ''}`;
}

/** The key of a component as it appears in a request (or a model). */
export function componentKey(c: Readonly<ComponentType>): string {
  return componentKeyOf(c.name, c.instance, c.evse?.id, c.evse?.connectorId);
}

/** The key of a variable of the component with key `component`. */
export function variableKey(component: string, name: string, instance?: string): string {
  return `${component}${SEP}${fold(name)}${SEP}${fold(instance)}`;
}

/** The key of a requested component-variable. */
export function componentVariableKey(c: Readonly<ComponentType>, v: Readonly<VariableType>): string {
  return variableKey(componentKey(c), v.name, v.instance);
}

/** Case-insensitive equality of names and instances (absent and '' are equal). */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return fold(a) === fold(b);
}
