/**
 * `ocpp-sim merge report-1.json … report-n.json`: one verdict from the reports of a fleet's shards
 * (`run --shard i/n --report …` on several processes or machines). Checks they are exactly the n
 * slices of one fleet (report/merge.ts), adds their figures up (latency histograms bucket by bucket),
 * re-evaluates the thresholds over the whole fleet, prints the summary `run` prints, writes one
 * report and/or JUnit file, and exits as `run` does: 0, 1, 105 when a shard was interrupted, and 2
 * when a report is unreadable or the reports do not make up one fleet.
 */
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UsageError } from './exit-codes.js';
import { valuesOnce } from './flag-values.js';
import { closing, summary } from './summary.js';
import { exitCodeOf, verdict } from './verdict.js';
import { checkShards, MergeError, mergeShards, thresholdsFor, type ShardReport } from '../report/merge.js';
import { checkReport, readReportJson } from '../report/read-report.js';
import { buildReport } from '../report/report.js';
import { evaluateThresholds, parseThreshold, ThresholdError } from '../report/thresholds.js';
import { resultOptionsFrom, writeResults, type ResultArgs } from '../report/write.js';

interface MergeArgs {
  reports: string[];
  threshold?: string | string[];
  report?: string;
  junit?: string;
  json: boolean;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <reports..>',
  describe: 'Merge the JSON reports of a fleet\'s shards (run --shard i/n --report …) into one report and one verdict',
  builder: (y: Argv) =>
    // valuesOnce before the positional, which takes many values by design.
    valuesOnce(
      y
        .option('threshold', { type: 'string', describe: "A threshold over the whole fleet, repeatable (default: the shards' own, when they agree)" })
        .option('report', { type: 'string', describe: 'Write the merged report as JSON to this file' })
        .option('junit', { type: 'string', describe: 'Write JUnit XML of the merged run to this file' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the merged report as JSON instead of the summary' }),
      ['threshold'],
    ).positional('reports', { type: 'string', array: true, demandOption: true, describe: "The shards' reports (--report files), one per shard i/n" }) as unknown as Argv<MergeArgs>,
  handler: (args) => {
    process.exitCode = merge(args);
  },
};

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}

function merge(args: MergeArgs): number {
  const opts = usage(() => resultOptionsFrom(args as ResultArgs));
  const files = args.reports.map(String);
  const raw = files.map((file) => ({ file, json: usage(() => readReportJson(file)) }));
  // Formats first: a report of another format would otherwise only show as a schema mismatch.
  const formats = new Set(raw.map((r) => String(r.json.reportFormat)));
  if (formats.size > 1) throw new UsageError(`the reports are of different report formats: ${raw.map((r) => `${r.file} is format ${String(r.json.reportFormat)}`).join(', ')}`);
  const shards: ShardReport[] = raw.map((r) => ({ file: r.file, report: usage(() => checkReport(r.file, r.json)) }));
  const given = opts.thresholds.map((t) => t.expression);
  let expressions: string[];
  try {
    checkShards(shards);
    expressions = thresholdsFor(shards, given);
  } catch (e) {
    if (e instanceof MergeError) throw new UsageError(e.message);
    throw e;
  }
  const thresholds = expressions.map((text) => {
    try {
      return parseThreshold(text);
    } catch (e) {
      if (e instanceof ThresholdError) throw new UsageError(`a threshold the shards recorded: ${e.message}`);
      throw e;
    }
  });
  const m = mergeShards(shards, expressions);
  const results = evaluateThresholds(thresholds, m.stats, { fleetSize: m.total, elapsedMs: m.elapsedMs });
  const v = verdict(m.stats, {
    total: m.total,
    allowInvalid: m.allowInvalid,
    workerErrors: m.workerErrors,
    thresholds: results,
    aborted: m.aborted,
    unreachable: m.unreachable,
    gracefulStopMs: m.gracefulStopTimeoutMs,
  });
  const verdictCode = exitCodeOf(v);
  const input = {
    stats: m.stats,
    verdict: v,
    startedAt: m.startedAt,
    elapsedMs: m.elapsedMs,
    total: m.total,
    configs: [],
    durationMs: m.config.durationMs,
    plan: m.config.plan ?? undefined,
    runId: m.runId ?? undefined,
    allowInvalid: m.allowInvalid,
    abortOnFail: m.config.abortOnFail,
    thresholds: expressions,
    recorded: { config: m.config, shard: null, gracefulStopTimeoutMs: m.gracefulStopTimeoutMs },
  };
  const written = writeResults(input, { ...opts, thresholds }, (failed) => (failed && verdictCode === ExitCode.Ok ? ExitCode.Failed : verdictCode));
  for (const error of written.errors) process.stderr.write(`ocpp-sim: ${error}\n`);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(buildReport({ ...input, exitCode: written.exitCode }), null, 2)}\n`);
    return written.exitCode;
  }
  const head = `Merged ${shards.length} report(s) of ${m.total} charge points: ${shards.map((s) => `${s.report.shard ?? 'whole fleet'} ${s.file}`).join(', ')}`;
  const lines = [head, summary(m.stats, m.total, m.elapsedMs, v), ...(written.lines.length > 0 ? ['', ...written.lines] : []), ...closing(v, written.exitCode, written.unwritten)];
  process.stdout.write(`${lines.join('\n')}\n`);
  return written.exitCode;
}
