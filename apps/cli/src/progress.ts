import { SingleBar } from 'cli-progress';
import type { ImportProgress } from '@crm/imports';

const STEPS = 1000;

/**
 * Progress of an import on standard error: a bar when it is a terminal,
 * otherwise one line per 10 % (logs and pipes stay readable).
 */
export class ProgressDisplay {
  private bar: SingleBar | undefined;
  private nextTenth = 1;

  constructor(private readonly enabled: boolean) {}

  start(): void {
    if (!this.enabled || !process.stderr.isTTY) return;
    this.bar = new SingleBar({
      stream: process.stderr,
      format: 'importing [{bar}] {percentage}% | {rows} rows | {duration_formatted} elapsed, ETA {eta_formatted}',
      barsize: 30,
      hideCursor: true,
      etaBuffer: 200,
      fps: 5,
    });
    this.bar.start(STEPS, 0, { rows: '0' });
  }

  update({ rowsDone, fraction }: ImportProgress): void {
    if (!this.enabled) return;
    if (this.bar) {
      this.bar.update(Math.floor(fraction * STEPS), { rows: rowsDone.toLocaleString('en-US') });
      return;
    }
    if (fraction * 10 >= this.nextTenth) {
      this.nextTenth = Math.floor(fraction * 10) + 1;
      process.stderr.write(`progress: ${Math.floor(fraction * 100)}% (${rowsDone.toLocaleString('en-US')} rows)\n`);
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
