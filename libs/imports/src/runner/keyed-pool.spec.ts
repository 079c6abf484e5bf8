import { KeyedPool } from './keyed-pool';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('keyed pool', () => {
  it('runs the tasks of one key in submission order, different keys concurrently, never more than the limit', async () => {
    const pool = new KeyedPool(3, 4);
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (key: string, n: number) => async (): Promise<void> => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < 1 + ((n * 7) % 3); i++) await tick();
      log.push(`${key}${n}`);
      running -= 1;
    };
    for (let n = 1; n <= 5; n++) {
      for (const key of ['a', 'b', 'c', 'd', 'e']) await pool.submit(key, task(key, n));
    }
    await pool.drain();
    expect(most).toBe(3);
    expect(log).toHaveLength(25);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      expect(log.filter((entry) => entry.startsWith(key))).toEqual([1, 2, 3, 4, 5].map((n) => `${key}${n}`));
    }
  });

  it('holds the producer back while too many tasks wait', async () => {
    const pool = new KeyedPool(1, 2);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    await pool.submit('a', () => blocked);
    await pool.submit('a', async () => undefined);
    let accepted = false;
    const third = pool.submit('a', async () => undefined).then(() => (accepted = true));
    await tick();
    expect(accepted).toBe(false);
    release();
    await third;
    await pool.drain();
    expect(accepted).toBe(true);
  });

  it('starts nothing after a task fails and rethrows the failure', async () => {
    const pool = new KeyedPool(1);
    const ran: string[] = [];
    await pool.submit('a', async () => {
      await tick();
      throw new Error('store down');
    });
    await pool.submit('b', async () => void ran.push('b'));
    await expect(pool.drain()).rejects.toThrow('store down');
    expect(ran).toEqual([]);
    await expect(pool.submit('c', async () => undefined)).rejects.toThrow('store down');
  });

  it('stops: the running task finishes, queued ones never start', async () => {
    const pool = new KeyedPool(1);
    const ran: string[] = [];
    await pool.submit('a', async () => {
      await tick();
      ran.push('a');
    });
    await pool.submit('b', async () => void ran.push('b'));
    pool.stop();
    await pool.drain();
    expect(ran).toEqual(['a']);
  });
});
