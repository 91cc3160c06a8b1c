/**
 * Interrupts during a run (src/cli/interrupt.ts): the first asks for a graceful stop, copies of it
 * delivered within the window count once, a later one aborts.
 */
import { describe, expect, it } from 'vitest';
import { InterruptWatch, SAME_INTERRUPT_MS, type Interrupt } from '../../src/cli/interrupt.js';

function watch() {
  const firsts: Interrupt[] = [];
  const again: string[] = [];
  const w = new InterruptWatch(
    (first) => firsts.push(first),
    (signal) => again.push(signal),
  );
  return { w, firsts, again };
}

describe('InterruptWatch', () => {
  it('one Ctrl-C delivered twice (the process group and a forwarding wrapper) counts once', () => {
    const { w, firsts, again } = watch();
    w.receive('SIGINT', 1000);
    w.receive('SIGINT', 1050);
    // timeout(1) sends SIGTERM while the terminal sends SIGINT: still the same interrupt.
    w.receive('SIGTERM', 1000 + SAME_INTERRUPT_MS - 1);
    expect(firsts).toEqual([{ signal: 'SIGINT', at: 1000 }]);
    expect(again).toEqual([]);
  });

  it('a deliberate second interrupt later aborts', () => {
    const { w, firsts, again } = watch();
    w.receive('SIGTERM', 1000);
    w.receive('SIGINT', 1000 + SAME_INTERRUPT_MS);
    expect(firsts).toEqual([{ signal: 'SIGTERM', at: 1000 }]);
    expect(again).toEqual(['SIGINT']);
  });

  it('listens to real process signals until disposed, then swallows late copies of the last one', async () => {
    const { w, firsts, again } = watch();
    const before = process.listenerCount('SIGINT');
    w.listen();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    process.emit('SIGINT', 'SIGINT');
    w.dispose();
    // A copy arriving just after the run ended must not reach Node's default (which would kill the process).
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT', 'SIGINT');
    expect(firsts.map((f) => f.signal)).toEqual(['SIGINT']);
    expect(again).toEqual([]);
    await new Promise((r) => setTimeout(r, SAME_INTERRUPT_MS + 50));
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('without an interrupt, dispose lets go at once', () => {
    const { w } = watch();
    const before = process.listenerCount('SIGTERM');
    w.listen();
    w.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
