/**
 * JUnit XML: valid against Jenkins' JUnit XSD and Ant's strict one (xmllint compiled to wasm), one
 * test case per expectation site, per threshold and for the verdict, and escaping that survives
 * markup characters, quotes, newlines and the control characters XML 1.0 cannot carry at all.
 */
import { describe, expect, it } from 'vitest';
import { attr, text, toJUnit } from '../../src/report/junit.js';
import { junitProblems } from '../helpers/junit-xsd.js';
import { fixtureReport } from '../helpers/report-fixture.js';

describe('toJUnit', () => {
  it('is valid against both XSDs, with a test case per expectation site, per threshold and for the verdict', async () => {
    const report = fixtureReport({ thresholds: ['p95(BootNotification) < 500ms', 'transactions(completed) >= 10'] });
    const xml = toJUnit(report, 'ci-runner');
    expect(await junitProblems(xml)).toEqual([]);

    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml.match(/<testcase /g)).toHaveLength(2 + 2 + 1);
    expect(xml).toContain(
      '<testsuite name="ocpp-sim.expectations" id="0" package="ocpp-sim" tests="2" failures="1" errors="0" time="5.000" timestamp="2026-01-02T03:04:00" hostname="ci-runner">',
    );
    // The failing site names the charge point, expected and got; the passing one has no <failure>.
    const file = 'scenarios/my &lt;test&gt; &amp; &quot;co&quot;.yaml';
    expect(xml).toContain(`<testcase classname="${file}" name="${file}:4:5 authorize expect Accepted" time="0"/>`);
    expect(xml).toContain(
      `<failure message="1 of 1 failed: CP07 connector 1: expected UpdateFirmware within 30 s, got nothing" type="expectation">0 passed, 1 failed, 0 pending at`,
    );
    // Thresholds: the one that held passes, the one that did not is a <failure> with the actual figure.
    expect(xml).toMatch(/<testcase classname="ocpp-sim.thresholds" name="p95\(BootNotification\) &lt; 500ms" time="0"\/>/);
    expect(xml).toContain('<failure message="actual 4" type="threshold">transactions(completed) &gt;= 10 did not hold: actual 4</failure>');
    // The verdict fails with every reason.
    expect(xml).toMatch(/<testcase classname="ocpp-sim.run" name="verdict" time="0">\n\s+<failure message="1 scenario expectation\(s\) failed; threshold transactions\(completed\) &gt;= 10 failed \(actual 4\)" type="verdict">/);
    expect(xml).toContain('<property name="runId" value="run-1"/>');
    expect(xml).toContain('<property name="chargePoints@1.6" value="10"/>');
  });

  // Issue #11: a run of OCPP 1.6 and 2.0.1 charge points.
  it('names the charge points per OCPP version, and a threshold or reason names its version', async () => {
    const xml = toJUnit(fixtureReport({ mixed: true, noExpectations: true, thresholds: ['p95(TransactionEvent@2.0.1) < 1s'] }), 'h');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toContain('<property name="chargePoints" value="15"/>');
    expect(xml).toContain('<property name="chargePoints@1.6" value="10"/>');
    expect(xml).toContain('<property name="chargePoints@2.0.1" value="5"/>');
    expect(xml).toMatch(/<testcase classname="ocpp-sim.thresholds" name="p95\(TransactionEvent@2.0.1\) &lt; 1s" time="0">\n\s+<failure message="actual 3 OCPP 2.0.1 TransactionEvent calls sent, none answered" type="threshold">/);
  });

  it('a passing run without a scenario or thresholds is one passing verdict test case', async () => {
    const xml = toJUnit(fixtureReport({ noExpectations: true }), 'h');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml.match(/<testcase /g)).toHaveLength(1);
    expect(xml).toContain('<testcase classname="ocpp-sim.run" name="verdict" time="0"/>');
    expect(xml).not.toContain('<failure');
  });

  it('a site charge points still waited for at the end passes: pending is not a failure by itself', async () => {
    const xml = toJUnit(fixtureReport({ noExpectations: true, pending: 4 }), 'h');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toContain('<testcase classname="remote-start-stop" name="remote-start-stop:11:11 expect call RemoteStartTransaction within 10m" time="0"/>');
    expect(xml).not.toContain('<failure');
  });

  it('a pending site is a failure of type pending when a threshold on pending expectations failed', async () => {
    const xml = toJUnit(fixtureReport({ noExpectations: true, pending: 4, thresholds: ['expectations(pending) == 0'] }), 'h');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toContain(
      '<testcase classname="remote-start-stop" name="remote-start-stop:11:11 expect call RemoteStartTransaction within 10m" time="0">\n' +
        '      <failure message="4 of 4 pending: still waited for when the run ended" type="pending">0 passed, 0 failed, 4 pending at remote-start-stop:11:11',
    );
  });

  it('an interrupted run is an <error> (it could not complete), and so are the sites it left pending', async () => {
    const aborted = { by: 'signal' as const, signal: 'SIGINT' as const, at: Date.UTC(2026, 0, 2, 3, 4, 3), afterMs: 3000, reason: 'interrupted by SIGINT after 3.0s of 5.0s' };
    const xml = toJUnit(fixtureReport({ noExpectations: true, pending: 2, aborted }), 'h');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toContain('<error message="2 of 2 pending: still waited for when the run ended (interrupted by SIGINT after 3.0s of 5.0s)" type="interrupted">');
    expect(xml).toMatch(/<testcase classname="ocpp-sim.run" name="verdict" time="0">\n\s+<error message="interrupted by SIGINT after 3.0s of 5.0s" type="interrupted">/);
    expect(xml).toMatch(/<testsuite name="ocpp-sim.run" [^>]*tests="1" failures="0" errors="1"/);
    expect(xml).toContain('<property name="exitCode" value="105"/>');
    expect(xml).not.toContain('<failure');
  });

  it('escapes markup, quotes, newlines and control characters, and stays valid', async () => {
    const nasty = 'a<b>&"c\' \u0001\u0007 bell\ttab\r\nnext \u0000 nul \uD83D\uDE00 lone \uD800 end \uFFFE';
    const xml = toJUnit(fixtureReport({ got: nasty }), 'h');
    expect(await junitProblems(xml)).toEqual([]);
    // Control characters XML cannot carry become visible \uXXXX text; the emoji (a surrogate pair) stays.
    expect(xml).toContain('got a&lt;b&gt;&amp;&quot;c\' \\u0001\\u0007 bell&#9;tab&#13;&#10;next \\u0000 nul \uD83D\uDE00 lone \\ud800 end \\ufffe');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('attr and text escape exactly what they must', () => {
    expect(text('1 < 2 && 3 > 2 "q"\n')).toBe('1 &lt; 2 &amp;&amp; 3 &gt; 2 "q"\n');
    expect(attr('say "hi"\n\tand\r')).toBe('"say &quot;hi&quot;&#10;&#9;and&#13;"');
    expect(text('\u001b[31mred')).toBe('\\u001b[31mred');
  });

  it('the schemas do reject what is not JUnit (the check is not vacuous)', async () => {
    const broken = toJUnit(fixtureReport(), 'h').replace('<testcase classname="ocpp-sim.run" name="verdict"', '<testcase classname="ocpp-sim.run"');
    const problems = await junitProblems(broken);
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/attribute 'name' is required/);
    expect(await junitProblems('<testsuites><testsuite name="x" tests="1"><bogus/></testsuite></testsuites>')).toHaveLength(2);
  });
});
