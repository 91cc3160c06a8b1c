/**
 * Pushes the fleet's metrics to a Prometheus Pushgateway: a plain HTTP PUT of the text format to
 * /metrics/job/ocpp_sim/run_id/<id>, which replaces that run's group, so periodic pushes and the final
 * one leave exactly the latest numbers. A failed push is the caller's warning, never a crash.
 */
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';

export const PUSH_JOB = 'ocpp_sim';
const RUN_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const PUSH_TIMEOUT_MS = 5000;

/** A run id that sorts by time and does not repeat: run-20260123-235959-3fa2c1. */
export function generateRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${t}-${randomBytes(3).toString('hex')}`;
}

/** Why `id` cannot be a run id (it becomes a URL path segment and a label value), or undefined. */
export function runIdProblem(id: string): string | undefined {
  return RUN_ID.test(id) ? undefined : `run id '${id}' must be 1-128 characters of letters, digits, '_', '.', ':' or '-'`;
}

/** Why `url` cannot be a Pushgateway address, or undefined. */
export function pushgatewayUrlProblem(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return undefined;
    return `--pushgateway must be http:// or https://, not ${u.protocol}//`;
  } catch {
    return `--pushgateway '${url}' is not a URL`;
  }
}

/** The group URL of a run: <base>/metrics/job/ocpp_sim/run_id/<id>. */
export function groupUrl(base: string, runId: string): string {
  return `${base.replace(/\/+$/, '')}/metrics/job/${PUSH_JOB}/run_id/${encodeURIComponent(runId)}`;
}

/** PUTs the registry's current metrics into the run's group; rejects with a readable reason. */
export async function pushMetrics(registry: Registry, base: string, runId: string): Promise<void> {
  const body = await registry.metrics();
  let res: Response;
  try {
    res = await fetch(groupUrl(base, runId), {
      method: 'PUT',
      headers: { 'content-type': registry.contentType },
      body,
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
  } catch (e) {
    const err = e as Error & { cause?: Error };
    throw new Error(`push to ${base} failed: ${err.name === 'TimeoutError' ? `no answer in ${PUSH_TIMEOUT_MS} ms` : (err.cause?.message ?? err.message)}`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).trim().slice(0, 200);
    throw new Error(`push to ${base} failed: HTTP ${res.status}${text ? `: ${text}` : ''}`);
  }
  await res.body?.cancel().catch(() => {});
}

/**
 * Pushes every `intervalMs` (no overlap: a slow gateway skips a beat); `warn` gets failures, once per
 * distinct reason in a row. `stop()` ends it and waits for a push under way.
 */
export function startPeriodicPush(
  registry: Registry,
  base: string,
  runId: string,
  intervalMs: number,
  warn: (message: string) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let lastProblem = '';
  const timer = setInterval(() => {
    if (running) return;
    running = pushMetrics(registry, base, runId)
      .then(() => void (lastProblem = ''))
      .catch((e: Error) => {
        if (e.message !== lastProblem) warn(e.message);
        lastProblem = e.message;
      })
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
