/**
 * One ReportDataType (NotifyReportRequest.reportData) for a variable: its component, its variable,
 * every supported attribute — even an unset one, reported as '' (B07.FR.11) — and its
 * characteristics (B07.FR.07/08, B08.FR.12). The value of a WriteOnly attribute is left out
 * (B07.FR.03, B08.FR.03 as amended by errata 2025-09 §2.10); values longer than the model's
 * ReportingValueSize are cut to it.
 */
import type { ReportDataType, VariableAttributeType } from '../generated/types.gen.js';
import { ATTRIBUTES, type AttributeDef, type ComponentDef, type VariableDef } from './types.js';

type Reported = Pick<VariableDef, 'variable' | 'attributes' | 'characteristics'> & { component: Pick<ComponentDef, 'component'> };

/** The entry with the values `valueAt` gives per attribute slot (0 = Actual … 3 = MaxSet). */
export function reportEntry(def: Reported, valueAt: (attribute: number) => string | undefined, maxValueLength: number): ReportDataType {
  const variableAttribute: VariableAttributeType[] = [];
  for (let a = 0; a < ATTRIBUTES.length; a++) {
    const attribute = def.attributes[a];
    if (attribute) variableAttribute.push(attributeEntry(attribute, valueAt(a), maxValueLength));
  }
  return { component: def.component.component, variable: def.variable, variableAttribute, variableCharacteristics: def.characteristics };
}

function attributeEntry(a: AttributeDef, value: string | undefined, maxValueLength: number): VariableAttributeType {
  const entry: VariableAttributeType = { type: a.type };
  if (a.mutability !== 'WriteOnly') entry.value = truncate(value ?? '', maxValueLength);
  entry.mutability = a.mutability;
  entry.persistent = a.persistent;
  entry.constant = a.constant;
  return entry;
}

/**
 * `value` cut to `max` characters (ReportingValueSize: "the max size of these values will always
 * remain equal"), without leaving half of a surrogate pair at the end.
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
