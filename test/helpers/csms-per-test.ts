/**
 * Test helper for concurrent tests: `csmsPerTest()` registers an afterEach and returns a function
 * that starts an embedded CSMS for one test and closes it when that test ends. Cleanups are kept per
 * test id, since one shared list would close servers of tests still running.
 */
import { afterEach, type TestContext } from 'vitest';
import { startCsms, type Csms, type CsmsOptions } from '../../src/csms/server.js';

export function csmsPerTest(defaults: CsmsOptions = { port: 0, heartbeatInterval: 1 }): (ctx: TestContext, opts?: CsmsOptions) => Promise<Csms> {
  const cleanups = new Map<string, (() => Promise<unknown>)[]>();
  afterEach(async (ctx) => {
    const list = cleanups.get(ctx.task.id) ?? [];
    cleanups.delete(ctx.task.id);
    for (const c of list.reverse()) await c();
  });
  return async (ctx, opts = {}) => {
    const csms = await startCsms({ ...defaults, ...opts });
    cleanups.set(ctx.task.id, [...(cleanups.get(ctx.task.id) ?? []), () => csms.close()]);
    return csms;
  };
}
