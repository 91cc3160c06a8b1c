/** Which run `ctl` and `mcp` talk to (client.ts locateRun), and the action bodies `ctl` builds from flags. */
import { describe, expect, it } from 'vitest';
import { actionArgs } from '../../src/cli/ctl.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { locateRun, RunNotFound } from '../../src/control/client.js';
import type { RunInfo } from '../../src/control/discovery.js';

const run = (port: number, token = `token-of-${port}-0123456789`): RunInfo => ({ url: `http://127.0.0.1:${port}`, token, pid: port, startedAt: '2026-12-03T13:00:00.000Z' });

describe('locateRun', () => {
  it('takes the only run on this machine', () => {
    expect(locateRun({ env: {}, runs: () => [run(8100)] })).toEqual({ url: 'http://127.0.0.1:8100', token: 'token-of-8100-0123456789' });
  });

  it('refuses to guess among several runs, listing them; and says how to start one when there is none', () => {
    expect(() => locateRun({ env: {}, runs: () => [run(8100), run(8200)] })).toThrow(/2 runs .*--control URL[^]*8100 \(pid 8100[^]*8200/);
    expect(() => locateRun({ env: {}, runs: () => [] })).toThrow(RunNotFound);
    expect(() => locateRun({ env: {}, runs: () => [] })).toThrow(/--control-port 0/);
  });

  it('--control and --token win over the environment, which wins over discovery', () => {
    const runs = () => [run(8100), run(8200)];
    expect(locateRun({ control: 'http://127.0.0.1:9/', token: 'flag-token-0123456789', env: { OCPP_SIM_CONTROL: 'http://127.0.0.1:8', OCPP_SIM_TOKEN: 'env' }, runs })).toEqual({
      url: 'http://127.0.0.1:9',
      token: 'flag-token-0123456789',
    });
    expect(locateRun({ env: { OCPP_SIM_CONTROL: 'http://127.0.0.1:8', OCPP_SIM_TOKEN: 'env-token' }, runs })).toEqual({ url: 'http://127.0.0.1:8', token: 'env-token' });
  });

  it("reads the token from the printed URL's fragment, or from the announced run at that URL", () => {
    expect(locateRun({ control: 'http://127.0.0.1:8100/#token=abc-DEF_0123456789', env: {}, runs: () => [] }).token).toBe('abc-DEF_0123456789');
    expect(locateRun({ control: 'http://127.0.0.1:8200', env: {}, runs: () => [run(8100), run(8200)] }).token).toBe('token-of-8200-0123456789');
    expect(() => locateRun({ control: 'http://127.0.0.1:8300', env: {}, runs: () => [run(8100)] })).toThrow(/no token for http:\/\/127.0.0.1:8300/);
    expect(() => locateRun({ control: '127.0.0.1:8300', env: {}, runs: () => [] })).toThrow(RunNotFound);
  });
});

describe('ctl action bodies', () => {
  it('sends only what was given (the API has every default)', () => {
    expect(actionArgs('fault', {})).toEqual({});
    expect(actionArgs('fault', { connector: '2', 'error-code': 'GroundFailure' })).toEqual({ connector: 2, errorCode: 'GroundFailure' });
    expect(actionArgs('plug', { soc: '40', power: '11kW' })).toEqual({ soc: 40, maxPowerW: 11000 });
    expect(actionArgs('demand', { power: '7400' })).toEqual({ powerW: 7400 });
    expect(actionArgs('disconnect', { for: '2m' })).toEqual({ forMs: 120_000 });
    expect(actionArgs('send', {})).toEqual({ action: 'Heartbeat', payload: {} });
    expect(actionArgs('send', {}, ['DataTransfer', '{"vendorId":"x"}'])).toEqual({ action: 'DataTransfer', payload: { vendorId: 'x' } });
  });

  it('refuses bad values as usage errors naming the flag', () => {
    expect(() => actionArgs('plug', { soc: '140' })).toThrow(UsageError);
    expect(() => actionArgs('fault', { connector: '0' })).toThrow(/--connector/);
    expect(() => actionArgs('disconnect', { for: 'soon' })).toThrow(/--for/);
    expect(() => actionArgs('send', {}, ['DataTransfer', '{nope'])).toThrow(/not JSON/);
  });
});
