/**
 * The registry's writer lock: a file created with O_EXCL (`open(…, 'wx')`), so exactly one writer
 * (a CLI process, a server, another server sharing the directory) changes the index at a time.
 * It holds `{pid, host, at}`. A writer that finds it waits and retries; it takes a lock over
 * only when it is stale: its process is gone (same host) or it is older than LOCK_STALE_MS
 * (a writer holds it for milliseconds: a read, a copy, an atomic replace). A stale lock is
 * renamed away, then removed: of two writers judging the same lock stale, the second's rename
 * fails. (If the first has already made its own lock in the microseconds between, the second
 * renames that one away too: a take-over of a crashed writer's lock is the one case where two
 * writers can overlap, and each still replaces the index atomically.)
 */

import { hostname } from 'node:os';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { FraudlensError } from '../../core/errors.js';

/** A lock older than this is a crashed writer's (the longest write copies one model file). */
export const LOCK_STALE_MS = 30_000;
/** How long a writer waits for the lock before REGISTRY_BUSY. */
export const LOCK_WAIT_MS = 5_000;
/** Pause between attempts while another writer holds it. */
const LOCK_RETRY_MS = 15;

interface LockOwner {
  pid: number;
  host: string;
  at: string;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Whether the lock at `path` belongs to no live writer (see the module header). */
async function isStale(path: string, nowMs: number): Promise<boolean> {
  let mtimeMs: number;
  let text: string;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
    text = await readFile(path, 'utf8');
  } catch {
    // Vanished between the failed create and here: not stale, just free; retry.
    return false;
  }
  if (nowMs - mtimeMs > LOCK_STALE_MS) return true;
  let owner: Partial<LockOwner>;
  try {
    owner = JSON.parse(text) as Partial<LockOwner>;
  } catch {
    // A writer between its create and its write, or a torn file: judged by age alone.
    return false;
  }
  return owner.host === hostname() && typeof owner.pid === 'number' && processGone(owner.pid);
}

/**
 * Runs `work` holding the lock at `path`; releases it whatever happens.
 * @param path the lock file (its directory must exist)
 * @param work what to do while holding it
 */
export async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  const owner: LockOwner = { pid: process.pid, host: hostname(), at: new Date().toISOString() };
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o644);
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new FraudlensError('REGISTRY_INVALID', `cannot create the registry lock (${(e as NodeJS.ErrnoException).code})`, {
          file: path,
        });
      }
    }
    if (await isStale(path, Date.now())) {
      const aside = `${path}.stale.${process.pid}.${Date.now()}`;
      if (
        await rename(path, aside).then(
          () => true,
          () => false,
        )
      )
        await unlink(aside).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new FraudlensError(
        'REGISTRY_BUSY',
        `another writer has held the registry lock for over ${LOCK_WAIT_MS / 1000} s; retry (a lock whose process is gone, or older than ${LOCK_STALE_MS / 1000} s, is taken over)`,
        { file: path },
      );
    }
    await sleep(LOCK_RETRY_MS);
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
