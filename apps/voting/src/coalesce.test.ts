import { describe, expect, it } from 'vitest';
import { ReadCoalescer } from './coalesce.js';

describe('ReadCoalescer', () => {
  it('shares one read among concurrent callers, but never a read that started before a caller arrived', async () => {
    let value = 0;
    let reads = 0;
    const gates: (() => void)[] = [];
    const coalescer = new ReadCoalescer(async () => {
      reads += 1;
      const seen = value; // what the store holds when the read starts
      await new Promise<void>((resolve) => gates.push(resolve));
      return seen;
    });
    const first = coalescer.get(); // read 1 starts, sees 0
    value = 1; // a write commits after read 1 started
    const second = coalescer.get(); // must not get read 1's result
    const third = coalescer.get(); // shares read 2 with `second`
    gates.shift()!();
    expect(await first).toBe(0);
    await new Promise((r) => setImmediate(r));
    gates.shift()!();
    expect(await second).toBe(1);
    expect(await third).toBe(1);
    expect(reads).toBe(2);
  });

  it('lets the next caller retry after a failed read', async () => {
    let fail = true;
    const coalescer = new ReadCoalescer(async () => {
      if (fail) throw new Error('down');
      return 'ok';
    });
    await expect(coalescer.get()).rejects.toThrow('down');
    fail = false;
    expect(await coalescer.get()).toBe('ok');
  });
});
