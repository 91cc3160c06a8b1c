/**
 * Certificate authorities made on the fly with the openssl CLI, for the security extension tests:
 * roots, a server certificate for 127.0.0.1, client certificates, and signing a CSR the charge point
 * sent. Everything lives in a temporary folder the caller removes with `dispose()`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-pki-'));
  private serial = 0x1000;

  openssl(...args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
  }

  read(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }

  write(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text);
  }

  /** A self-signed CA (`<name>.pem`, `<name>.key`); returns the PEM. */
  root(name: string, cn = `${name} test root`, days = 2): string {
    this.openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', String(days), '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    return this.read(`${name}.pem`);
  }

  /** Signs `<name>.csr` with CA `ca` into `<name>.pem` (a CA certificate when `asCa`); returns the PEM. */
  sign(name: string, ca: string, opts: { asCa?: boolean; ip?: string; days?: number } = {}): string {
    const ext = [opts.asCa ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=CA:FALSE', opts.ip ? `subjectAltName=IP:${opts.ip}` : ''].filter(Boolean).join('\n');
    this.write(`${name}.ext`, ext + '\n');
    this.openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', String(this.serial++), '-out', `${name}.pem`, '-days', String(opts.days ?? 1), '-extfile', `${name}.ext`);
    return this.read(`${name}.pem`);
  }

  /** A key and certificate `<name>` for subject `subj` signed by CA `ca`. */
  leaf(name: string, ca: string, subj: string, opts: { asCa?: boolean; ip?: string } = {}): { cert: string; key: string } {
    this.openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    return { cert: this.sign(name, ca, opts), key: this.read(`${name}.key`) };
  }

  /** Signs a CSR given as PEM text (what a charge point sent in SignCertificate). */
  signCsr(name: string, csrPem: string, ca: string): string {
    this.write(`${name}.csr`, csrPem);
    return this.sign(name, ca);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
