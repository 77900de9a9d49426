/**
 * Crash-safe file replacement: readers of `path` see either the old content or the new one,
 * never a half-written file, even if the process or the machine dies mid-write. Used for model
 * files and drift baselines.
 *
 * The new content goes to a temporary file in the same directory (a rename is only atomic within
 * one file system), is flushed to disk (fsync), and then renamed over the target; the directory
 * is fsynced last so the rename itself survives a power cut. A failure removes the temporary
 * file and leaves the target untouched.
 *
 * A process killed mid-write (SIGKILL, a crash, a power cut) leaves its temporary file behind.
 * Temporary files are named `.<target>.<pid>.<unique>.tmp`, and before each write the writer
 * removes the ones of the same target that are orphans (`removeStaleTempFiles`): those of a
 * process that no longer exists, those of this process that it is not writing (an earlier
 * process with the same pid, as happens to PID 1 in a container restarted after a crash), and
 * any older than STALE_TEMP_AGE_MS, since a pid can be reused by an unrelated process. A live
 * writer's temporary file is never touched.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
/** Errors from fsync on a directory on platforms that do not support it (the rename still happened). */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES', 'ENOTSUP']);
/** A temporary file older than this is an orphan whatever its pid says (pids get reused). */
export const STALE_TEMP_AGE_MS = 60 * 60_000;
/** Temporary files this process is writing now: the only ones with its pid that are not orphans. */
const ownTempFiles = new Set();
/**
 * The name of a new temporary file for `path`, registered as this process's until released.
 * @param path the target file
 */
export function newTempPath(path) {
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    ownTempFiles.add(temp);
    return temp;
}
/** Forgets a temporary file of this process (renamed or removed). */
export function releaseTempPath(temp) {
    ownTempFiles.delete(temp);
}
function processExists(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        // EPERM: it exists but belongs to another user.
        return err.code === 'EPERM';
    }
}
function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/**
 * Removes the orphaned temporary files of `path` (see the module header for which are orphans).
 * Never throws: cleaning up must not stop the write that follows.
 * @param path the target file whose temporary files are checked
 * @param nowMs the current time (tests)
 * @returns the temporary files removed
 */
export async function removeStaleTempFiles(path, nowMs = Date.now()) {
    const dir = dirname(path);
    const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)\\.[0-9a-z]+\\.tmp$`);
    let names;
    try {
        names = await readdir(dir);
    }
    catch {
        return [];
    }
    const removed = [];
    for (const name of names) {
        const match = pattern.exec(name);
        if (match === null)
            continue;
        const temp = join(dir, name);
        const pid = Number(match[1]);
        let stale = pid === process.pid ? !ownTempFiles.has(temp) : !processExists(pid);
        if (!stale) {
            const modified = await stat(temp).then((s) => s.mtimeMs, () => undefined);
            stale = modified !== undefined && nowMs - modified > STALE_TEMP_AGE_MS && !ownTempFiles.has(temp);
        }
        if (stale &&
            (await unlink(temp).then(() => true, () => false)))
            removed.push(temp);
    }
    return removed;
}
async function modeOf(path) {
    try {
        return (await stat(path)).mode & 0o777;
    }
    catch {
        return undefined;
    }
}
async function syncDirectory(dir) {
    let handle;
    try {
        handle = await open(dir, 'r');
        await handle.sync();
    }
    catch (err) {
        if (!DIRECTORY_SYNC_UNSUPPORTED.has(err.code ?? ''))
            throw err;
    }
    finally {
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
export async function writeFileAtomic(path, data, options = {}) {
    const dir = dirname(path);
    const mode = options.mode ?? (await modeOf(path)) ?? 0o644;
    await removeStaleTempFiles(path);
    // pid and random suffix: concurrent writers of the same file never share a temporary file.
    const temp = newTempPath(path);
    try {
        const handle = await open(temp, 'wx', mode);
        try {
            try {
                await handle.writeFile(data);
                await handle.sync();
            }
            finally {
                await handle.close();
            }
            await rename(temp, path);
        }
        catch (err) {
            await unlink(temp).catch(() => undefined);
            throw err;
        }
    }
    finally {
        releaseTempPath(temp);
    }
    await syncDirectory(dir);
}
//# sourceMappingURL=atomic.js.map