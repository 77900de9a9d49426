/**
 * Crash-safe file replacement: readers of `path` see either the old content or the new one,
 * never a half-written file, even if the process or the machine dies mid-write. Used for model
 * files and drift baselines.
 *
 * The new content goes to a temporary file in the same directory (a rename is only atomic within
 * one file system), is flushed to disk (fsync), and then renamed over the target; the directory
 * is fsynced last so the rename itself survives a power cut. A failure removes the temporary
 * file and leaves the target untouched.
 */

import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WriteFileAtomicOptions {
  /** Permission bits of the new file (default: those of the file replaced, else 0o644). */
  mode?: number;
}

/** Errors from fsync on a directory on platforms that do not support it (the rename still happened). */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES', 'ENOTSUP']);

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `path` with `data` atomically (temporary file, fsync, rename, fsync of the directory).
 * Errors are Node's file-system errors (ENOENT for a missing directory, EACCES, ENOSPC, ...).
 * @param path the file to create or replace
 * @param data the complete new content (strings are written as UTF-8)
 * @param options permission bits
 * @example await writeFileAtomic('models/demo/model.json', serializeModel(model));
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const dir = dirname(path);
  const mode = options.mode ?? (await modeOf(path)) ?? 0o644;
  // pid and random suffix: concurrent writers of the same file never share a temporary file.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}
