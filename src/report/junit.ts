/**
 * JUnit XML (`--junit out.xml`) from a run report, for CI systems that show test results (Jenkins,
 * GitLab, GitHub and Azure test reporters): one test case per scenario expectation site, one per
 * threshold, and one for the run's verdict; the suites' properties give the charge points per OCPP
 * version (`chargePoints@2.0.1`), and actions in names and messages carry their version as thresholds
 * write it (`p95(TransactionEvent@2.0.1)`, `Heartbeat@2.0.1` in a run of several). Only the common core of the format is used —
 * testsuites / testsuite (name, tests, failures, errors, time, timestamp, hostname, id,
 * package, properties) / testcase (classname, name, time) / failure or error (message, type, text) — so every reader
 * understands it. test/unit/junit.test.ts validates it against both Jenkins' lenient JUnit XSD and
 * Ant's strict one, which allows no attributes on <testsuites> and no `skipped` count: totals are on
 * each <testsuite>.
 */
import { hostname } from 'node:os';
import type { FailureReport, RunReport } from './report.js';

type ExpectationFailure = Extract<FailureReport, { kind: 'expectation' }>;

interface Case {
  classname: string;
  name: string;
  /** A `<failure>` (something did not hold) or an `<error>` (it could not complete: the run was cut short). */
  outcome?: { element: 'failure' | 'error'; type: string; message: string; text: string };
}

interface Suite {
  name: string;
  cases: Case[];
}

/** The report as JUnit XML (UTF-8). */
export function toJUnit(report: RunReport, host = hostname()): string {
  const suites: Suite[] = [];

  const sites = report.expectations.sites;
  if (sites.length > 0) {
    // Pending expectations fail a run only through a threshold on them (cli/verdict.ts).
    const pendingFailsRun = report.thresholds.some((t) => t.metric === 'expectations' && t.arg === 'pending' && !t.passed);
    suites.push({
      name: 'ocpp-sim.expectations',
      cases: sites.map((s) => ({ classname: s.site.replace(/:\d+:\d+$/, ''), name: `${s.site} ${s.label}`, outcome: siteOutcome(report, s, pendingFailsRun) })),
    });
  }

  if (report.thresholds.length > 0) {
    suites.push({
      name: 'ocpp-sim.thresholds',
      cases: report.thresholds.map((t) => ({
        classname: 'ocpp-sim.thresholds',
        name: t.expression,
        outcome: t.passed ? undefined : { element: 'failure', type: 'threshold', message: `actual ${t.actualText}`, text: `${t.expression} did not hold: actual ${t.actualText}` },
      })),
    });
  }

  suites.push({
    name: 'ocpp-sim.run',
    cases: [
      {
        classname: 'ocpp-sim.run',
        name: 'verdict',
        outcome: report.passed
          ? undefined
          : {
              // Interrupted from outside: the run could not complete (an error), rather than failed.
              ...(report.aborted?.by === 'signal' ? { element: 'error' as const, type: 'interrupted' } : { element: 'failure' as const, type: 'verdict' }),
              message: report.reasons.join('; '),
              text: [...report.reasons, ...report.notes.map((n) => `note: ${n}`), ...report.problems.samples.map((p) => `problem: ${p}`)].join('\n'),
            },
      },
    ],
  });

  const time = (report.durationMs / 1000).toFixed(3);
  // Ant-style timestamp: UTC, to the second, without a zone designator.
  const timestamp = report.startedAt.slice(0, 19);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  suites.forEach((s, id) => {
    const f = s.cases.filter((c) => c.outcome?.element === 'failure').length;
    const e = s.cases.filter((c) => c.outcome?.element === 'error').length;
    out.push(
      `  <testsuite name=${attr(s.name)} id="${id}" package="ocpp-sim" tests="${s.cases.length}" failures="${f}" errors="${e}" time="${time}" timestamp="${timestamp}" hostname=${attr(host || 'localhost')}>`,
    );
    out.push('    <properties>');
    for (const [name, value] of properties(report)) out.push(`      <property name=${attr(name)} value=${attr(value)}/>`);
    out.push('    </properties>');
    for (const c of s.cases) {
      const open = `    <testcase classname=${attr(c.classname)} name=${attr(c.name)} time="0"`;
      if (!c.outcome) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      const el = c.outcome.element;
      out.push(`      <${el} message=${attr(c.outcome.message)} type=${attr(c.outcome.type)}>${text(c.outcome.text)}</${el}>`);
      out.push('    </testcase>');
    }
    out.push('    <system-out></system-out>', '    <system-err></system-err>', '  </testsuite>');
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}

/**
 * An expectation site's test case: a failure when any charge point failed it; otherwise, with
 * charge points still waiting for it at the end, a failure (type `pending`) when pending
 * expectations fail the run (cli/verdict.ts), an error when the run was cut short before they were
 * due, and a pass when a threshold governs them. JUnit's `<skipped>` would fit "not reached" best,
 * but Ant's format has none; readers that need it see the type.
 */
function siteOutcome(report: RunReport, s: RunReport['expectations']['sites'][number], pendingFailsRun: boolean): Case['outcome'] {
  const counts = `${s.passed} passed, ${s.failed} failed, ${s.pending} pending at ${s.site} (${s.label})`;
  const all = s.passed + s.failed + s.pending;
  if (s.failed > 0) {
    const failed = report.failures.filter((f): f is ExpectationFailure => f.kind === 'expectation' && f.site === s.site && f.step === s.label);
    const one = failed[0];
    return {
      element: 'failure',
      type: 'expectation',
      message: `${s.failed} of ${all} failed${one ? `: ${one.chargePoint} connector ${one.connector}: expected ${one.expected}, got ${one.got}` : ''}`,
      text: [counts, ...failed.map((f) => f.message)].join('\n'),
    };
  }
  if (s.pending === 0) return undefined;
  const message = `${s.pending} of ${all} pending: still waited for when the run ended`;
  if (pendingFailsRun) return { element: 'failure', type: 'pending', message, text: counts };
  if (report.aborted !== null) return { element: 'error', type: report.aborted.by === 'signal' ? 'interrupted' : 'aborted', message: `${message} (${report.aborted.reason})`, text: counts };
  return undefined;
}

function properties(r: RunReport): [string, string][] {
  return [
    ['version', r.version],
    ['csms', r.config.csmsUrl],
    ...(r.runId ? [['runId', r.runId] as [string, string]] : []),
    ['chargePoints', String(r.chargePoints.total)],
    // Per OCPP version, named as thresholds name a version: chargePoints@1.6, chargePoints@2.0.1.
    ...Object.entries(r.protocols).map(([protocol, n]) => [`chargePoints@${protocol}`, String(n)] as [string, string]),
    ['booted', String(r.chargePoints.booted)],
    ['exitCode', String(r.exitCode)],
  ];
}

/**
 * Characters XML 1.0 cannot carry at all, even as references (C0 controls but tab, CR and LF, lone
 * surrogates, U+FFFE/U+FFFF): shown as `\uXXXX` text instead.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(s: string): string {
  return s.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Element text: markup characters escaped; a CR kept as a reference so parsers do not fold it. */
export function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** A quoted attribute value; tab, CR and LF as references, or attribute normalisation turns them into spaces. */
export function attr(s: string): string {
  return `"${text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')}"`;
}
