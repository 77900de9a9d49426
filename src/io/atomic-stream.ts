/**
 * A file written in pieces that appears only when complete: data goes to a temporary file in the
 * same directory, which is flushed to disk and renamed over the target on commit.
 */

import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FraudlensError } from '../core/errors.js';

export interface AtomicWriter {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function openAtomicWriter(path: string): Promise<AtomicWriter> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'w');
  } catch (e) {
    throw new FraudlensError('INPUT_UNREADABLE', `cannot write output (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file: path });
  }
  let done = false;
  return {
    async write(text: string) {
      await handle.write(text);
    },
    async commit() {
      await handle.sync();
      await handle.close();
      await rename(tmp, path);
      done = true;
    },
    async abort() {
      if (done) return;
      done = true;
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    },
  };
}
