import { describe, expect, it } from 'vitest';
import { keptItems, puttingItem, withItem } from '../../src/util/exact-array.js';

describe('exact arrays', () => {
  it('insert at the end, the start or between, leaving the input as it was', () => {
    const list = Object.freeze([1, 3]);
    expect(withItem(list, 4)).toEqual([1, 3, 4]);
    expect(withItem(list, 0, 0)).toEqual([0, 1, 3]);
    expect(withItem(list, 2, 1)).toEqual([1, 2, 3]);
    expect(withItem([], 'a')).toEqual(['a']);
    expect(list).toEqual([1, 3]);
  });

  it('an array item is one entry, not spread into the result', () => {
    expect(withItem<number[]>([[1]], [2, 3])).toEqual([[1], [2, 3]]);
  });

  it('put an entry in the place of the same one, in the same array, or at the end of a new one', () => {
    const list = [{ id: 1, v: 'a' }, { id: 2, v: 'b' }];
    const replaced = puttingItem(list, { id: 2, v: 'c' }, (e) => e.id === 2);
    expect(replaced).toBe(list);
    expect(list.map((e) => e.v)).toEqual(['a', 'c']);
    const added = puttingItem(list, { id: 3, v: 'd' }, (e) => e.id === 3);
    expect(added).not.toBe(list);
    expect(added.map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('keep the entries a test says to keep, in order', () => {
    expect(keptItems([1, 2, 3, 4], (n) => n % 2 === 0)).toEqual([2, 4]);
    expect(keptItems([1], () => false)).toEqual([]);
  });
});
