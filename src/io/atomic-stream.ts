/**
 * A file written in pieces that appears only when complete: data goes to a temporary file in the
 * same directory, which is flushed to disk and renamed over the target on commit. Temporary files
 * are named and cleaned up as in atomic.ts: orphans of the target are removed before writing.
 */

import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { FraudlensError } from '../core/errors.js';
import { newTempPath, releaseTempPath, removeStaleTempFiles } from './atomic.js';

export interface AtomicWriter {
  write(data: string | Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function openAtomicWriter(path: string): Promise<AtomicWriter> {
  await removeStaleTempFiles(path);
  const tmp = newTempPath(path);
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'wx');
  } catch (e) {
    releaseTempPath(tmp);
    throw new FraudlensError('INPUT_UNREADABLE', `cannot write output (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      file: path,
    });
  }
  let done = false;
  return {
    async write(data: string | Uint8Array) {
      if (typeof data === 'string') await handle.write(data);
      else await handle.write(data);
    },
    async commit() {
      await handle.sync();
      await handle.close();
      await rename(tmp, path);
      done = true;
      releaseTempPath(tmp);
    },
    async abort() {
      if (done) return;
      done = true;
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      releaseTempPath(tmp);
    },
  };
}
