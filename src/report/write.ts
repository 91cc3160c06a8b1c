/**
 * The run's result options (--threshold, --abort-on-fail, --report, --junit) read from the command
 * line and a plan, checked before anything starts; and the report files written after the run.
 */
import { closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { toJUnit } from './junit.js';
import { buildReport, type ReportInput, type RunReport } from './report.js';
import { parseThreshold, ThresholdError, type Threshold } from './thresholds.js';

export interface ResultOptions {
  thresholds: Threshold[];
  abortOnFail: boolean;
  /** Where to write the JSON report and the JUnit XML, if anywhere. */
  report?: string;
  junit?: string;
}

/** The flags as yargs gives them. */
export interface ResultArgs {
  threshold?: string | string[];
  'abort-on-fail'?: boolean;
  report?: string;
  junit?: string;
}

/**
 * Thresholds from the plan (already checked there, with file:line:col) and from --threshold
 * (repeatable): both apply. Throws an Error naming the flag and the problem.
 */
export function resultOptionsFrom(args: ResultArgs, planThresholds: readonly string[] = []): ResultOptions {
  const flags = args.threshold === undefined ? [] : Array.isArray(args.threshold) ? args.threshold : [args.threshold];
  const thresholds = [...planThresholds, ...flags].map((text, i) => {
    try {
      return parseThreshold(String(text));
    } catch (e) {
      if (e instanceof ThresholdError && i >= planThresholds.length) throw new Error(`--threshold: ${e.message}`);
      throw e;
    }
  });
  for (const [flag, file] of [['--report', args.report], ['--junit', args.junit]] as const) {
    if (file === undefined) continue;
    if (file.trim() === '') throw new Error(`${flag} needs a file name`);
    if (isDirectory(file)) throw new Error(`${flag} ${file} is a directory; give a file name`);
  }
  if (args.report !== undefined && args.junit !== undefined && resolve(args.report) === resolve(args.junit)) {
    throw new Error(`--report and --junit name the same file (${args.report})`);
  }
  return { thresholds, abortOnFail: args['abort-on-fail'] === true, report: args.report, junit: args.junit };
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** What writing the result files came to. */
export interface ResultsWritten {
  /** One console line per file written. */
  lines: string[];
  /** One message per file that could not be written (`--junit out.xml: EACCES: …`), and which. */
  errors: string[];
  unwritten: string[];
  /** The exit code, counting the files that could not be written; what the files themselves say. */
  exitCode: number;
}

/**
 * Writes the report and/or JUnit file (creating their folders). Both are opened before either is
 * written, so the exit code they record — `exitCodeIf(someFileFailed)` — already counts a file
 * that cannot be opened (the usual failure: a folder that cannot be created, no permission). Never
 * throws: what failed is in `errors`.
 */
export function writeResults(input: Omit<ReportInput, 'exitCode'>, opts: ResultOptions, exitCodeIf: (failed: boolean) => number): ResultsWritten {
  const targets = [
    { flag: '--report', file: opts.report, render: (r: RunReport) => `${JSON.stringify(r, null, 2)}\n`, done: (f: string) => `report written to ${f}` },
    { flag: '--junit', file: opts.junit, render: toJUnit, done: (f: string) => `JUnit XML written to ${f}` },
  ].filter((t): t is typeof t & { file: string } => t.file !== undefined);
  const out: ResultsWritten = { lines: [], errors: [], unwritten: [], exitCode: exitCodeIf(false) };
  const failed = (t: { flag: string; file: string }, e: unknown) => {
    out.errors.push(`${t.flag} ${t.file} could not be written: ${(e as Error).message}`);
    out.unwritten.push(`${t.flag} ${t.file}`);
    out.exitCode = exitCodeIf(true);
  };
  const opened: { target: (typeof targets)[number]; fd: number }[] = [];
  for (const target of targets) {
    try {
      mkdirSync(dirname(resolve(target.file)), { recursive: true });
      opened.push({ target, fd: openSync(target.file, 'w') });
    } catch (e) {
      failed(target, e);
    }
  }
  if (opened.length === 0) return out;
  const report = buildReport({ ...input, exitCode: out.exitCode });
  for (const { target, fd } of opened) {
    try {
      writeFileSync(fd, target.render(report));
      out.lines.push(target.done(target.file));
    } catch (e) {
      failed(target, e); // e.g. the disk is full: later than the exit code recorded in the files
    } finally {
      closeSync(fd);
    }
  }
  return out;
}
