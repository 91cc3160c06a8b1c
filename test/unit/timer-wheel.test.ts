/** The shard's hashed timer wheel, driven by hand with an injected clock (no real timers). */
import { describe, expect, it } from 'vitest';
import { TimerWheel, type Wakeable } from '../../src/util/timer-wheel.js';

const RES = 50;
const TURN = 2048 * RES; // 102.4 s

interface Item extends Wakeable {
  name: string;
}

function item(name: string): Item {
  return { name, wakeAt: Infinity, filedAt: NaN };
}

/** A wheel on a fake clock starting at `start`, recording every wake-up. */
function harness(start = 1_000_000, onWake?: (it: Item, now: number, h: Harness) => void) {
  const h = {
    t: start,
    fired: [] as { name: string; at: number; now: number }[],
    wheel: null as unknown as TimerWheel<Item>,
    /** Moves the clock to `to` in steps of `step`, advancing the wheel at each. */
    runTo(to: number, step = RES) {
      while (h.t < to) {
        h.t = Math.min(to, h.t + step);
        h.wheel.advance();
      }
    },
  };
  h.wheel = new TimerWheel<Item>(
    (it, now) => {
      h.fired.push({ name: it.name, at: it.wakeAt, now });
      onWake?.(it, now, h);
    },
    () => h.t,
    RES,
  );
  return h;
}
type Harness = ReturnType<typeof harness>;

describe('TimerWheel', () => {
  it('wakes items in time order, each once, never before its time and within one resolution after', () => {
    const h = harness();
    const t0 = h.t;
    const offsets = [4000, 50, 12_345, 999, 60_000, 100_001, 1, 25_050];
    const items = offsets.map((_, i) => item(`i${i}`));
    const due = new Map<string, number>();
    items.forEach((it, i) => {
      due.set(it.name, t0 + offsets[i]);
      h.wheel.schedule(it, t0 + offsets[i]);
    });
    const times: Record<string, number> = {};
    let lastTick = -Infinity;
    for (let now = t0; now <= t0 + TURN; now += RES) {
      h.t = now;
      const before = h.fired.length;
      h.wheel.advance();
      for (const f of h.fired.slice(before)) {
        const at = due.get(f.name)!;
        times[f.name] = now;
        expect(now).toBeGreaterThanOrEqual(at);
        expect(now - at).toBeLessThan(RES);
        // Order is by resolution tick; within one tick the order is unspecified.
        const tick = Math.ceil(at / RES);
        expect(tick).toBeGreaterThanOrEqual(lastTick);
        lastTick = tick;
      }
    }
    expect(Object.keys(times)).toHaveLength(items.length);
    expect(h.fired).toHaveLength(items.length);
    // Items in distinct ticks come out sorted.
    const distinct = h.fired.filter((f) => f.name !== 'i1' && f.name !== 'i6').map((f) => due.get(f.name)! - t0);
    expect(distinct).toEqual([...distinct].sort((a, b) => a - b));
  });

  it('passes the current clock time to onWake and clears the item', () => {
    const h = harness(0);
    const a = item('a');
    h.wheel.schedule(a, 500);
    h.runTo(500);
    expect(h.fired).toEqual([{ name: 'a', at: Infinity, now: 500 }]);
    expect(a.wakeAt).toBe(Infinity);
    expect(a.filedAt).toBeNaN();
  });

  const rearms: [string, number[], number][] = [
    ['earlier', [10_000, 2_000], 2_000],
    ['later', [2_000, 10_000], 10_000],
    ['earlier then back', [10_000, 2_000, 10_000], 10_000],
    ['many times', [9_000, 1_000, 5_000, 3_000, 7_000], 7_000],
    ['into the same slot', [2_010, 2_040], 2_040],
  ];
  it.each(rearms)('re-arming %s leaves stale entries that do not fire', (_name, times, final) => {
    const h = harness(0);
    const a = item('a');
    for (const at of times) h.wheel.schedule(a, at);
    h.runTo(20_000);
    expect(h.fired).toHaveLength(1);
    expect(h.fired[0].now).toBeGreaterThanOrEqual(final);
    expect(h.fired[0].now - final).toBeLessThan(RES);
  });

  it('a periodic item re-armed from onWake fires once per period, despite stale entries', () => {
    const h = harness(0, (it, now, hh) => hh.wheel.schedule(it, now + 1_000));
    const a = item('a');
    h.wheel.schedule(a, 5_000); // stale
    h.wheel.schedule(a, 1_000);
    h.runTo(10_000);
    expect(h.fired.map((f) => f.now)).toEqual([1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
  });

  it.each([1.5, 2, 3.7, 10])('an item %d turns ahead fires at its time and not before', (turns) => {
    const h = harness(0);
    const at = Math.round(turns * TURN) + 7;
    const a = item('far');
    h.wheel.schedule(a, at);
    h.runTo(at - 1);
    expect(h.fired).toHaveLength(0);
    h.runTo(at + 3 * RES);
    expect(h.fired).toHaveLength(1);
    expect(h.fired[0].now).toBeGreaterThanOrEqual(at);
    expect(h.fired[0].now - at).toBeLessThan(RES);
  });

  it('an item exactly one turn ahead shares a slot with a near one but fires a turn later', () => {
    const h = harness(0);
    h.wheel.schedule(item('near'), 1_000);
    h.wheel.schedule(item('far'), 1_000 + TURN);
    h.runTo(1_000 + TURN - RES);
    expect(h.fired.map((f) => [f.name, f.now])).toEqual([['near', 1_000]]);
    h.runTo(1_000 + TURN);
    expect(h.fired.map((f) => [f.name, f.now])).toEqual([['near', 1_000], ['far', 1_000 + TURN]]);
  });

  it('an overdue item scheduled outside a sweep fires on the next advance', () => {
    const h = harness(10_000);
    h.wheel.advance();
    h.wheel.schedule(item('late'), 3_000);
    h.t += RES;
    h.wheel.advance();
    expect(h.fired.map((f) => f.name)).toEqual(['late']);
  });

  // Regression: items filed as overdue while a slot is being swept used to land in that very slot
  // and wait for the wheel's next turn (102 s).
  it.each([
    ['at now', 0],
    ['in the past', -2_000],
    ['one tick in the past', -RES],
  ])('an item filed as overdue during a sweep (%s) fires on the next advance', (_name, delta) => {
    const other = item('other');
    const h = harness(0, (it, now, hh) => {
      if (it.name === 'trigger') hh.wheel.schedule(other, now + delta);
    });
    h.wheel.schedule(item('trigger'), 1_000);
    h.runTo(1_000);
    expect(h.fired.map((f) => f.name)).toEqual(['trigger']);
    h.runTo(1_000 + RES);
    expect(h.fired.map((f) => [f.name, f.now])).toEqual([['trigger', 1_000], ['other', 1_000 + RES]]);
    h.runTo(1_000 + 2 * TURN);
    expect(h.fired).toHaveLength(2);
  });

  it('an item re-armed overdue during its own wake-up fires again on the next advance', () => {
    let n = 0;
    const h = harness(0, (it, now, hh) => {
      if (++n < 3) hh.wheel.schedule(it, now - 10);
    });
    h.wheel.schedule(item('a'), 500);
    h.runTo(500 + 5 * RES);
    expect(h.fired.map((f) => f.now)).toEqual([500, 550, 600]);
  });

  it('Infinity never fires, and re-arming to Infinity cancels', () => {
    const h = harness(0);
    const never = item('never');
    const cancelled = item('cancelled');
    h.wheel.schedule(never, Infinity);
    h.wheel.schedule(cancelled, 1_000);
    h.wheel.schedule(cancelled, Infinity);
    h.runTo(3 * TURN, 1_000);
    expect(h.fired).toEqual([]);
    expect(never.wakeAt).toBe(Infinity);
    // A cancelled item can be armed again.
    h.wheel.schedule(cancelled, h.t + 100);
    h.runTo(h.t + 200);
    expect(h.fired.map((f) => f.name)).toEqual(['cancelled']);
  });

  it('a long stall (several turns) still fires everything due, once, and nothing early', () => {
    const h = harness(0);
    const ats = [100, 5_000, TURN - 1, TURN + 3_000, 2 * TURN + 77, 4 * TURN];
    ats.forEach((at, i) => h.wheel.schedule(item(`s${i}`), at));
    const future = item('future');
    h.wheel.schedule(future, 6 * TURN + 500);
    h.t = 5 * TURN + 123; // the event loop was blocked for five turns
    h.wheel.advance();
    expect(h.fired.map((f) => f.name).sort()).toEqual(ats.map((_, i) => `s${i}`).sort());
    expect(h.fired.every((f) => f.now === 5 * TURN + 123)).toBe(true);
    h.runTo(6 * TURN + 499);
    expect(h.fired).toHaveLength(ats.length);
    h.runTo(6 * TURN + 500 + RES);
    expect(h.fired.map((f) => f.name)).toContain('future');
    expect(h.fired).toHaveLength(ats.length + 1);
  });

  it('coarse advances (several slots at once) fire everything due in between', () => {
    const h = harness(0);
    for (let i = 1; i <= 40; i++) h.wheel.schedule(item(`c${i}`), i * 137);
    h.runTo(40 * 137, 1_000);
    expect(h.fired).toHaveLength(40);
    for (const f of h.fired) expect(f.now).toBeGreaterThanOrEqual(Number(f.name.slice(1)) * 137);
  });
});
