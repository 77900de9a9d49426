/**
 * Lets an async caller wait until a condition holds, re-checked whenever the owner calls
 * `notify()` after a state change, with a deadline so no wait is unbounded. The flush and close
 * of every buffering store are built on it.
 */
export class ConditionWaiters {
    waiters = new Set();
    /** Resolves true as soon as `check()` holds, false if `timeoutMs` passes first. */
    waitFor(check, timeoutMs) {
        if (check())
            return Promise.resolve(true);
        return new Promise((resolve) => {
            const waiter = {
                check,
                done: (ok) => {
                    clearTimeout(timer);
                    this.waiters.delete(waiter);
                    resolve(ok);
                },
            };
            const timer = setTimeout(() => waiter.done(false), timeoutMs);
            this.waiters.add(waiter);
        });
    }
    notify() {
        for (const waiter of [...this.waiters]) {
            if (waiter.check())
                waiter.done(true);
        }
    }
}
//# sourceMappingURL=waiters.js.map