/**
 * Merging the operator API's per-process results into what one process holding every connection
 * would have answered. Pure functions.
 */

/** The sum of counter objects of one shape (CsmsStats): every number added, nested objects merged. */
export function sumCounters(parts: readonly unknown[]): unknown {
  if (parts.length === 0) return {};
  const first = parts[0];
  if (typeof first === 'number') return parts.reduce<number>((sum, p) => sum + (typeof p === 'number' ? p : 0), 0);
  if (first === null || typeof first !== 'object') return first;
  const out: Record<string, unknown> = {};
  const keys = new Set<string>();
  for (const p of parts) if (p !== null && typeof p === 'object') for (const k of Object.keys(p)) keys.add(k);
  for (const k of keys) {
    out[k] = sumCounters(parts.map((p) => (p as Record<string, unknown> | null)?.[k]).filter((v) => v !== undefined));
  }
  return out;
}

/** Every process's charge points, in one list sorted by identity. */
export function concatLists(parts: readonly unknown[]): object[] {
  const all = (parts as object[][]).flat();
  return all.sort((a, b) => String((a as { identity: string }).identity).localeCompare(String((b as { identity: string }).identity)));
}

/** A call's outcome on one process: the HTTP status and body. */
export interface CallOutcome {
  status: number;
  body: object;
}

const isUnknown = (o: CallOutcome): boolean => o.status === 404 && (o.body as { error?: { code?: string } }).error?.code === 'UnknownIdentity';

/**
 * The outcome of a call to one identity: the process holding it answers, the others say
 * UnknownIdentity (404). Null when no process holds it and some could not say (so "not connected"
 * is not known).
 */
export function mergeCalls(parts: readonly CallOutcome[], unanswered: number, identity: string): CallOutcome | null {
  const found = parts.find((o) => !isUnknown(o));
  if (found !== undefined) return found;
  if (unanswered > 0) return null;
  return { status: 404, body: { error: { code: 'UnknownIdentity', description: `No charge point ${identity} is connected` } } };
}

interface Broadcast {
  ok: number;
  failed: number;
  results: Record<string, unknown>;
  skipped?: Record<string, { chargePoints: number; reason: string }>;
}

/** The `*` call's answers of every process, as one. */
export function mergeBroadcasts(parts: readonly unknown[]): Broadcast {
  const out: Broadcast = { ok: 0, failed: 0, results: {} };
  for (const part of parts as Broadcast[]) {
    out.ok += part.ok;
    out.failed += part.failed;
    Object.assign(out.results, part.results);
    for (const [protocol, s] of Object.entries(part.skipped ?? {})) {
      out.skipped ??= {};
      const entry = (out.skipped[protocol] ??= { chargePoints: 0, reason: s.reason });
      entry.chargePoints += s.chargePoints;
    }
  }
  return out;
}
