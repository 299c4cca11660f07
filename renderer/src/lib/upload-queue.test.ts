// The upload queue: strictly one upload at a time in the order added, the backlog
// reported, and nothing after a failure.
import { describe, expect, test } from 'vitest';
import { UploadQueue } from './upload-queue.ts';

/** An upload that finishes when the test says so. */
function gate() {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { open, fail, upload: () => done };
}

describe('UploadQueue', () => {
  test('runs uploads one after another in the order added, reporting how many wait', async () => {
    const backlog: number[] = [];
    const queue = new UploadQueue(
      (n) => backlog.push(n),
      () => undefined,
    );
    const order: string[] = [];
    const first = gate();
    queue.add(async () => {
      order.push('first starts');
      await first.upload();
      order.push('first ends');
    });
    queue.add(async () => void order.push('second'));
    await Promise.resolve();
    expect(order).toEqual(['first starts']);
    expect(backlog).toEqual([1, 2]);
    first.open();
    await queue.drained();
    expect(order).toEqual(['first starts', 'first ends', 'second']);
    expect(backlog).toEqual([1, 2, 1, 0]);
  });

  test('stops at the first failure: it is reported once and later uploads never run', async () => {
    const errors: unknown[] = [];
    const queue = new UploadQueue(
      () => undefined,
      (error) => errors.push(error),
    );
    const ran: number[] = [];
    const broken = gate();
    queue.add(() => broken.upload());
    queue.add(async () => void ran.push(2));
    broken.fail(new Error('disk full'));
    await queue.drained();
    queue.add(async () => void ran.push(3));
    await queue.drained();
    expect(errors).toEqual([new Error('disk full')]);
    expect(ran).toEqual([]);
  });
});
