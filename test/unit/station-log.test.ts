/** The station log's text ring (station/log.ts): frames copied into one fixed buffer, the oldest going first. */
import { describe, expect, it } from 'vitest';
import { LogKind, StationLog } from '../../src/station/log.js';

describe('StationLog text ring', () => {
  it('wraps around its buffer: every line it still holds is exactly the text recorded, the newest always kept', () => {
    const log = new StationLog(64, 2000);
    const who = {};
    const texts: string[] = [];
    for (let i = 0; i < 500; i++) {
      // Mixed lengths and multi-byte characters, so entries straddle the end of the buffer.
      const t = `[2,"${i}","DataTransfer",{"data":"${'é€x'.repeat((i * 37) % 90)}"}]`;
      texts.push(t);
      log.record(who, LogKind.In, t, i);
      const lines = log.lines(who, 'CP1').map((l) => l.slice(l.indexOf(' < ') + 3));
      expect(lines.at(-1)).toBe(t);
      // What is held is a run of the most recent texts, in order.
      expect(lines).toEqual(texts.slice(texts.length - lines.length));
      expect(log.heldChars).toBe(lines.reduce((n, l) => n + l.length, 0));
      expect(Buffer.byteLength(lines.join(''))).toBeLessThanOrEqual(2000);
    }
  });

  it('a text longer than the whole buffer is kept cut at a character boundary', () => {
    const log = new StationLog(16, 100);
    const who = {};
    log.record(who, LogKind.Out, '€'.repeat(200), 0);
    const [line] = log.lines(who, 'CP1');
    expect(line.endsWith('€'.repeat(33))).toBe(true); // 33 × 3 bytes fit in 100
    expect(log.heldChars).toBe(33);
  });
});
