import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';

/**
 * Counts the route handlers running, so a stopping process can wait for them
 * to finish before it closes the stores they use. Handlers are counted, not
 * connections: a handler keeps running after its connection has gone.
 */
export class InFlightRequests implements NestInterceptor {
  private active = 0;
  private waiters: Array<() => void> = [];

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.active++;
    return next.handle().pipe(
      finalize(() => {
        this.active--;
        if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  get count(): number {
    return this.active;
  }

  /** Resolves when no handler is running, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
