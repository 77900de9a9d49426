/**
 * Lets an async caller wait until a condition holds, re-checked whenever the owner calls
 * `notify()` after a state change, with a deadline so no wait is unbounded. The flush and close
 * of every buffering store are built on it.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<{ check: () => boolean; done: (ok: boolean) => void }>();

  /** Resolves true as soon as `check()` holds, false if `timeoutMs` passes first. */
  waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        check,
        done: (ok: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  notify(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) waiter.done(true);
    }
  }
}
