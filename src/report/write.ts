/**
 * The run's result options (--threshold, --abort-on-fail, --report, --junit) read from the command
 * line and a plan, checked before anything starts; and the report files written after the run.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Writes the report and/or JUnit file (creating their folders) and returns one line per file
 * written for the console. Throws an Error naming the file when one cannot be written.
 */
export function writeResults(input: ReportInput, opts: ResultOptions): string[] {
  if (!opts.report && !opts.junit) return [];
  const report: RunReport = buildReport(input);
  const lines: string[] = [];
  if (opts.report) {
    write(opts.report, `${JSON.stringify(report, null, 2)}\n`, '--report');
    lines.push(`report written to ${opts.report}`);
  }
  if (opts.junit) {
    write(opts.junit, toJUnit(report), '--junit');
    lines.push(`JUnit XML written to ${opts.junit}`);
  }
  return lines;
}

function write(file: string, content: string, flag: string): void {
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, content);
  } catch (e) {
    throw new Error(`${flag} ${file}: ${(e as Error).message}`);
  }
}
