/**
 * Source addresses for outgoing connections: a comma-separated list of IPv4/IPv6 addresses and
 * IPv4 CIDR blocks (`127.0.0.2,127.0.0.3` or `127.0.1.0/24`), so one machine is not capped by the
 * ephemeral port range of a single source address (~28,000 ports on Linux by default).
 */
import { isIP } from 'node:net';

const MAX_ADDRESSES = 65_536;

/** Expands the list; throws an Error naming the bad entry. */
export function parseAddresses(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const slash = item.indexOf('/');
    if (slash < 0) {
      if (!isIP(item)) throw new Error(`--local-address: '${item}' is not an IP address`);
      out.push(item);
      continue;
    }
    const base = item.slice(0, slash);
    const bits = Number(item.slice(slash + 1));
    if (isIP(base) !== 4 || !Number.isInteger(bits) || bits < 8 || bits > 32) {
      throw new Error(`--local-address: '${item}' is not an IPv4 CIDR block from /8 to /32`);
    }
    const start = toInt(base) & (bits === 32 ? 0xffffffff : ~((1 << (32 - bits)) - 1));
    const size = 2 ** (32 - bits);
    // Skip a block's network and broadcast addresses, except for /31 and /32.
    const first = size > 2 ? 1 : 0;
    const last = size > 2 ? size - 2 : size - 1;
    for (let i = first; i <= last && out.length < MAX_ADDRESSES; i++) out.push(toDotted((start + i) >>> 0));
  }
  if (out.length === 0) throw new Error('--local-address: no addresses given');
  return out;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
