/**
 * Packaging (README "Scaling out"): the npm tarball installed into a fresh project and run; the
 * container image's runtime layout (the Dockerfile's steps, done in a temp folder since Docker is not
 * here) running the Kubernetes Job's own command, two pods' worth, against an embedded CSMS; the
 * manifests, the Dockerfile, the CI example and the Grafana dashboard checked for what matters.
 *
 * Needs dist/ (`npx tsc -p tsconfig.json`); npm installs from its cache first (--prefer-offline).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { BUILT, ROOT } from '../cli/spawn-cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string>; scripts: Record<string, string>; devDependencies: Record<string, string> };
const K8S = join(ROOT, 'deploy', 'kubernetes');
const yamlFile = (path: string) => parse(readFileSync(path, 'utf8'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (never rejects on a non-zero exit); npm's own npm_* variables stay out. */
function sh(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  const env: Record<string, string> = { FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}
const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;

let tmp: string;
let tarball: string;
let packed: string[];
let csms: Csms;

beforeAll(async () => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
  tmp = mkdtempSync(join(tmpdir(), 'ocpp-sim-pack-'));
  // dist/ is built already (the prepack script builds it when a person runs `npm pack`).
  const r = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT });
  expect(r.code, show(r)).toBe(0);
  const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(tmp, info.filename);
  packed = info.files.map((f) => f.path);
  csms = await startCsms({ port: 0, heartbeatInterval: 60 });
}, 60_000);

afterAll(async () => {
  await csms?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the build, the launcher and every file read at run time, and nothing of the repo besides', () => {
    expect(pkg.scripts.prepack).toMatch(/\btsc\b/);
    expect(packed).toContain(pkg.bin['ocpp-sim']);
    expect(packed).toContain('dist/cli/main.js');
    expect(packed).toContain('dist/scheduler/shard-worker.js'); // the worker threads' entry point
    // Read relative to import.meta.url at run time (ocpp16/schemas.ts, ocpp201/schemas.ts, profile/load.ts,
    // scenario/parse.ts, plan/plan.ts, report/report.ts).
    for (const f of [
      'src/ocpp16/schemas/ocpp1_6.json',
      'src/ocpp201/schemas/ocpp2_0_1.json',
      'profiles/profile.schema.json',
      'profiles/generic-16-ac.yaml',
      'scenarios/scenario.schema.json',
      'scenarios/plan.schema.json',
      'scenarios/charging-session.yaml',
      'package.json',
      'src/report/report.schema.json',
      'dashboards/grafana-ocpp-sim.json',
    ]) {
      expect(packed, f).toContain(f);
    }
    for (const dir of ['profiles', 'scenarios']) {
      for (const f of readdirSync(join(ROOT, dir))) expect(packed, `${dir}/${f}`).toContain(`${dir}/${f}`);
    }
    expect(packed.filter((f) => /\.ts$|\.map$|^test\/|^node_modules\/|^deploy\/|^examples\/|^dist\/codegen\//.test(f))).toEqual([]);
  });

  it('installed as a dependency of a fresh project: npx ocpp-sim --help, validate, and a run that passes', async () => {
    const project = join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-ocpp-sim', private: true }));
    const install = await sh('npm', ['install', tarball, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, timeoutMs: 45_000 });
    expect(install.code, show(install)).toBe(0);
    const installed = join(project, 'node_modules', pkg.name);
    // No development dependency came along (TypeScript builds before packing, never at install).
    expect(existsSync(join(project, 'node_modules', 'typescript'))).toBe(false);

    const help = await sh('npx', ['ocpp-sim', '--help'], { cwd: project });
    expect(help.code, show(help)).toBe(0);
    expect(help.stdout).toMatch(/ocpp-sim run\b/);

    const shipped = ['profiles/abb-terra-54.yaml', 'profiles/generic-201-ac.yaml', 'scenarios/charging-session.yaml'].map((f) => join('node_modules', pkg.name, f));
    const validate = await sh('npx', ['ocpp-sim', 'validate', ...shipped], { cwd: project });
    expect(validate.code, show(validate)).toBe(0);
    expect(validate.stdout).toMatch(/3 of 3 file\(s\) valid/);

    // A 2.0.1 fleet: the engine reads the 2.0.1 schemas, the profiles and the package version from the install.
    const run = await sh('npx', ['ocpp-sim', 'run', '--csms', csms.url, '-p', 'generic-201-ac', '-n', '2', '-d', '2s', '--id-prefix', 'NPM', '--idle', '60s', '--quiet', '--report', 'r.json'], { cwd: project });
    expect(run.code, show(run)).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'r.json'), 'utf8')) as { version: string; chargePoints: { booted: number }; protocols: Record<string, number> };
    expect(report.version).toBe(pkg.version);
    expect(report.chargePoints.booted).toBe(2);
    expect(report.protocols).toEqual({ '2.0.1': 2 });
    expect(existsSync(join(installed, 'dist', 'cli', 'main.js'))).toBe(true);
  }, 60_000);
});

/** Lines of the Dockerfile without comments, continuation lines joined. */
function dockerfile(): string[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

describe('container image (Dockerfile)', () => {
  it('builds in one stage and runs from a node:20 slim base as a non-root user with ocpp-sim as entry point', () => {
    const lines = dockerfile();
    const image = /^ARG NODE_IMAGE=(\S+)$/.exec(lines.find((l) => l.startsWith('ARG NODE_IMAGE=')) ?? '')?.[1];
    expect(image).toMatch(/^node:20\.\d+\.\d+-slim$/); // pinned by tag
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
    const runtime = lines.slice(lines.indexOf(froms[1]));
    expect(runtime).toContain('USER node');
    expect(runtime.findIndex((l) => l === 'USER node')).toBeLessThan(runtime.findIndex((l) => l.startsWith('ENTRYPOINT')));
    expect(runtime).toContain('ENTRYPOINT ["ocpp-sim"]');
    // The runtime stage takes only the packed layout from the build: no sources, no dev dependencies.
    expect(runtime.filter((l) => l.startsWith('COPY'))).toEqual(['COPY --from=build /opt/ocpp-sim /opt/ocpp-sim']);
    const build = lines.slice(0, lines.indexOf(froms[1])).join('\n');
    expect(build).toMatch(/npm ci --ignore-scripts/);
    // Every source the build stage copies exists; what it needs besides is not kept out by .dockerignore.
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from'))) {
      for (const src of l.split(/\s+/).slice(1, -1)) {
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        expect(ignored, src).not.toContain(src.replace(/\/$/, ''));
      }
    }
    for (const out of ['node_modules', 'dist', '.git']) expect(ignored).toContain(out);
  });

  it("the runtime layout (the Dockerfile's steps in a temp folder) runs the Kubernetes Job's command, two pods of one plan", async () => {
    const lines = dockerfile();
    // The steps below are the Dockerfile's: keep them in step.
    const steps = lines.join('\n');
    expect(steps).toContain('npm pack --ignore-scripts --pack-destination /tmp');
    expect(steps).toContain('tar -xzf /tmp/ocpp-sim-*.tgz -C /opt/ocpp-sim --strip-components=1');
    expect(steps).toContain('cp package-lock.json /opt/ocpp-sim/');
    expect(steps).toContain('npm ci --omit=dev --ignore-scripts --no-audit --no-fund');
    expect(steps).toContain('ln -s /opt/ocpp-sim/bin/ocpp-sim.js /usr/local/bin/ocpp-sim');

    const opt = join(tmp, 'opt', 'ocpp-sim');
    mkdirSync(opt, { recursive: true });
    const untar = await sh('tar', ['-xzf', tarball, '-C', opt, '--strip-components=1'], { cwd: tmp });
    expect(untar.code, show(untar)).toBe(0);
    writeFileSync(join(opt, 'package-lock.json'), readFileSync(join(ROOT, 'package-lock.json')));
    const ci = await sh('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: opt, timeoutMs: 45_000 });
    expect(ci.code, show(ci)).toBe(0);
    rmSync(join(opt, 'package-lock.json'));
    for (const dev of Object.keys(pkg.devDependencies)) expect(existsSync(join(opt, 'node_modules', dev)), dev).toBe(false);
    const binDir = join(tmp, 'usr-local-bin');
    mkdirSync(binDir);
    symlinkSync(join(opt, 'bin', 'ocpp-sim.js'), join(binDir, 'ocpp-sim'));

    // The Job's pod: its command, its env, its plan (the shipped one, shrunk to a test's size and
    // pointed at the embedded CSMS) at the mount path, reports in the reports volume.
    const job = yamlFile(join(K8S, 'job.yaml'));
    const container = job.spec.template.spec.containers[0];
    const env = Object.fromEntries((container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? 'ocpp-sim']));
    const plan = yamlFile(join(K8S, 'plan.yaml'));
    plan.csms = csms.url;
    plan.duration = '2s';
    plan.rampUp = '0';
    plan.workers = 1;
    plan.fleets[0].count = 3;
    plan.fleets[1].count = 2;
    const planDir = join(tmp, 'plan');
    const reportsDir = join(tmp, 'reports');
    mkdirSync(planDir);
    mkdirSync(reportsDir);
    writeFileSync(join(planDir, 'plan.yaml'), JSON.stringify(plan));
    const [shell, flag] = container.command as string[];
    const script = (container.args[0] as string)
      .replaceAll('/plan/plan.yaml', join(planDir, 'plan.yaml'))
      .replaceAll('/reports/', `${reportsDir}/`)
      .replace('--metrics-port 9464 --metrics-host 0.0.0.0', '--metrics-port 0 --metrics-host 127.0.0.1'); // loopback in tests
    const boots = new Map<string, number>();
    csms.onRequest = (identity, action) => {
      if (action === 'BootNotification') boots.set(identity, (boots.get(identity) ?? 0) + 1);
      return undefined;
    };
    const pods = await Promise.all(
      [0, 1].map((index) =>
        sh(shell, [flag, script], {
          cwd: tmp,
          env: { ...env, SHARDS: '2', JOB_COMPLETION_INDEX: String(index), PATH: `${binDir}:${process.env.PATH}` },
        }),
      ),
    );
    for (const pod of pods) expect(pod.code, show(pod)).toBe(0);
    // Slice 1 of 2: AC-1, AC-3, V2-4; slice 2: AC-2, V2-5 — each identity once, the plan whole.
    expect([...boots.keys()].sort()).toEqual(['AC-1', 'AC-2', 'AC-3', 'V2-4', 'V2-5']);
    expect([...boots.values()].every((n) => n === 1)).toBe(true);
    expect(readdirSync(reportsDir).sort()).toEqual(['junit-1-of-2.xml', 'junit-2-of-2.xml', 'report-1-of-2.json', 'report-2-of-2.json']);
    for (const [i, pod] of pods.entries()) {
      const report = JSON.parse(readFileSync(join(reportsDir, `report-${i + 1}-of-2.json`), 'utf8')) as { passed: boolean; runId: string; chargePoints: { booted: number } };
      expect(report.passed).toBe(true);
      expect(report.runId).toBe('ocpp-sim');
      expect(report.chargePoints.booted).toBe(i === 0 ? 3 : 2);
      // --json-logs: the last line on stdout is the same report, for clusters without a shared volume.
      const last = JSON.parse(pod.stdout.trim().split('\n').at(-1)!) as { event: string; chargePoints: { booted: number } };
      expect(last.event).toBe('summary');
      expect(last.chargePoints.booted).toBe(report.chargePoints.booted);
    }
  }, 60_000);
});

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const job = yamlFile(join(K8S, 'job.yaml'));
  const spec = job.spec;
  const pod = spec.template;
  const container = pod.spec.containers[0];
  const args = container.args[0] as string;

  it('an Indexed Job whose pod i runs slice i+1 of N of the plan, N = completions = parallelism', () => {
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(spec.completionMode).toBe('Indexed');
    const shards = (container.env as { name: string; value: string }[]).find((e) => e.name === 'SHARDS')?.value;
    expect(Number(shards)).toBeGreaterThan(1);
    expect(spec.completions).toBe(Number(shards));
    expect(spec.parallelism).toBe(Number(shards));
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(container.command).toEqual(['/bin/sh', '-c']);
    expect(args).toMatch(/^exec ocpp-sim run \/plan\/plan\.yaml /);
    expect(args).toContain('--shard "$((JOB_COMPLETION_INDEX + 1))/$SHARDS"');
    expect(args).toMatch(/--report "\/reports\/[^"]*\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)[^"]*\.json"/);
    expect(args).toMatch(/--junit "\/reports\/[^"]*\.xml"/);
    expect(args).toContain('--json-logs');
  });

  it('mounts the plan from the ConfigMap kustomize makes of plan.yaml, and a reports volume', () => {
    const mounts = Object.fromEntries((container.volumeMounts as { name: string; mountPath: string }[]).map((m) => [m.name, m.mountPath]));
    expect(mounts).toEqual({ plan: '/plan', reports: '/reports' });
    const volumes = Object.fromEntries((pod.spec.volumes as { name: string }[]).map((v) => [v.name, v]));
    const configMap = (volumes.plan as { configMap: { name: string } }).configMap.name;
    const kustomization = yamlFile(join(K8S, 'kustomization.yaml'));
    const generator = (kustomization.configMapGenerator as { name: string; files: string[]; options: { disableNameSuffixHash: boolean } }[]).find((g) => g.name === configMap);
    expect(generator?.files).toEqual(['plan.yaml']);
    expect(generator?.options.disableNameSuffixHash).toBe(true);
    const claim = (volumes.reports as { persistentVolumeClaim: { claimName: string } }).persistentVolumeClaim.claimName;
    const pvc = yamlFile(join(K8S, 'reports.yaml'));
    expect(pvc.metadata.name).toBe(claim);
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']); // every pod writes to it
    for (const r of kustomization.resources as string[]) expect(existsSync(join(K8S, r)), r).toBe(true);
  });

  it('the shipped plan is valid (ocpp-sim validate)', async () => {
    const r = await sh(process.execPath, [join(ROOT, 'bin', 'ocpp-sim.js'), 'validate', join(K8S, 'plan.yaml')], { cwd: ROOT });
    expect(r.code, show(r)).toBe(0);
  });

  it('serves metrics on a named port that annotations and the PodMonitor both point at, from a non-root pod', () => {
    expect(args).toContain('--metrics-port 9464 --metrics-host 0.0.0.0');
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9464 }]);
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
    const [monitor] = parseAllDocuments(readFileSync(join(K8S, 'podmonitor.yaml'), 'utf8')).map((d) => d.toJS());
    expect(monitor.kind).toBe('PodMonitor');
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels as Record<string, string>)) expect(pod.metadata.labels[k]).toBe(v);
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '5s' }]);
    expect(pod.metadata.labels[monitor.spec.jobLabel]).toBe('ocpp-sim');
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.securityContext.runAsUser).not.toBe(0);
  });

  it('sizes memory for its slice at ~25 KiB a charge point over a baseline, and CPU for the plan\'s workers', () => {
    const plan = yamlFile(join(K8S, 'plan.yaml'));
    const perPod = Math.ceil((plan.fleets as { count: number }[]).reduce((n, f) => n + f.count, 0) / spec.completions);
    const mi = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]);
    const cpu = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
    const { requests, limits } = container.resources;
    const need = 150 + (perPod * 25) / 1024; // MiB: baseline + 25 KiB a charge point
    expect(mi(requests.memory)).toBeGreaterThanOrEqual(need);
    expect(mi(limits.memory)).toBeGreaterThanOrEqual(mi(requests.memory));
    expect(mi(limits.memory)).toBeLessThan(2 * need + 128); // sized, not a blanket
    expect(cpu(limits.cpu)).toBe(plan.workers);
    expect(cpu(requests.cpu)).toBeGreaterThan(0);
  });

  it('the Grafana dashboard adds every pod up: each ocpp_sim_* query aggregates over instances', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'dashboards', 'grafana-ocpp-sim.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).filter((e) => e.includes('ocpp_sim_'));
    expect(exprs.length).toBeGreaterThan(10);
    for (const e of exprs) {
      // sum(…) or sum by (labels other than instance/pod) — histogram_quantile over such a sum.
      expect(e, e).toMatch(/^(histogram_quantile\([\d.]+, )?sum( by \(([^)]*)\) )?\(/);
      const by = /sum by \(([^)]*)\)/.exec(e)?.[1] ?? '';
      expect(by, e).not.toMatch(/\b(instance|pod)\b/);
    }
  });
});

describe('CI example (examples/github-actions/ocpp-sim.yml)', () => {
  const dir = join(ROOT, 'examples', 'github-actions');
  const wf = yamlFile(join(dir, 'ocpp-sim.yml'));
  const job = wf.jobs['load-test'];
  const steps = job.steps as { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown>; 'continue-on-error'?: boolean }[];
  const run = steps.find((s) => s.run?.includes(' run loadtest/plan.yaml'))!;

  it('starts a CSMS service container and runs a plan with thresholds against it, failing on the verdict', () => {
    expect(job.services.csms.image).toBeTruthy();
    expect(job.services.csms.ports).toContain('9000:9000');
    expect(run.run).toContain('--csms ws://127.0.0.1:9000/ocpp');
    expect(run.run).toMatch(/--threshold '[^']+'/);
    expect(run.run).toContain('--report reports/');
    expect(run.run).toContain('--junit reports/');
    // The step's exit code is ocpp-sim's: nothing swallows it.
    expect(run['continue-on-error']).toBeUndefined();
    expect(run.run).not.toMatch(/\|\|\s*true|; *exit 0/);
  });

  it('uploads the report and JUnit even when the run failed', () => {
    const after = steps.slice(steps.indexOf(run) + 1);
    const upload = after.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.path).toBe('reports/');
    const junit = after.find((s) => JSON.stringify(s.with ?? {}).includes('ocpp-sim-junit.xml'));
    expect(junit?.if).toBe('always()');
  });

  it('its plan is valid', async () => {
    const r = await sh(process.execPath, [join(ROOT, 'bin', 'ocpp-sim.js'), 'validate', join(dir, 'loadtest', 'plan.yaml')], { cwd: ROOT });
    expect(r.code, show(r)).toBe(0);
  });
});
