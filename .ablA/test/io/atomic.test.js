/**
 * Orphaned temporary files of atomic writes: a process killed mid-write leaves
 * `.<target>.<pid>.<unique>.tmp` behind, and the next write of the same target removes it, while
 * the temporary file of a writer that is still alive (another process, or this one) is left alone.
 * Real processes give the pids: one that has exited, one that is still running.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openAtomicWriter } from '../../src/io/atomic-stream.js';
import { STALE_TEMP_AGE_MS, writeFileAtomic } from '../../src/io/atomic.js';
/** A running child that does nothing; killed after the tests. */
let alive;
/** The pid of a child that has exited. */
let deadPid;
let dir;
before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-atomic-'));
    const dead = spawn(process.execPath, ['-e', '']);
    deadPid = dead.pid;
    await once(dead, 'exit');
    alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
});
after(async () => {
    alive.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
});
async function orphan(target, pid, suffix) {
    const name = `.${target}.${pid}.${suffix}.tmp`;
    await writeFile(join(dir, name), 'half a file');
    return name;
}
async function listing() {
    return (await readdir(dir)).sort();
}
describe('writeFileAtomic cleans up orphaned temporary files of its target', () => {
    it("removes those of a dead process and of an earlier process with this pid, keeps a live writer's", async () => {
        const target = join(dir, 'model.json');
        const ofDead = await orphan('model.json', deadPid, 'a1b2c3d4e5f6');
        const ofEarlierSelf = await orphan('model.json', process.pid, '0badc0ffee00');
        const ofLive = await orphan('model.json', alive.pid, '112233445566');
        const otherTarget = await orphan('other.json', deadPid, 'aabbccddeeff');
        await writeFileAtomic(target, '{"ok":true}');
        const files = await listing();
        assert.ok(!files.includes(ofDead), "the dead writer's temporary file is gone");
        assert.ok(!files.includes(ofEarlierSelf), 'a file with this pid that this process is not writing is an orphan');
        assert.ok(files.includes(ofLive), "a live writer's temporary file is untouched");
        assert.ok(files.includes(otherTarget), "other targets are not this write's business");
        assert.equal(await readFile(target, 'utf8'), '{"ok":true}');
    });
    it('removes a temporary file older than the stale age even when its pid is alive (pids get reused)', async () => {
        const target = join(dir, 'baseline.json');
        const old = await orphan('baseline.json', alive.pid, '998877665544');
        const fresh = await orphan('baseline.json', alive.pid, '998877665545');
        const past = (Date.now() - STALE_TEMP_AGE_MS - 60_000) / 1000;
        await utimes(join(dir, old), past, past);
        await writeFileAtomic(target, 'x');
        const files = await listing();
        assert.ok(!files.includes(old));
        assert.ok(files.includes(fresh));
    });
    it("the streaming writer cleans up too, and leaves this process's own write in progress alone", async () => {
        const target = join(dir, 'scores.csv');
        const ofDead = await orphan('scores.csv', deadPid, '1234567890ab');
        const writer = await openAtomicWriter(target);
        await writer.write('a,b\n');
        assert.ok(!(await listing()).includes(ofDead), 'removed when the writer opened');
        const inProgress = (await listing()).filter((f) => f.startsWith(`.scores.csv.${process.pid}.`));
        assert.equal(inProgress.length, 1);
        // Another write of the same target meanwhile must not remove the open writer's file.
        await writeFileAtomic(target, 'other\n');
        assert.ok((await listing()).includes(inProgress[0]), 'a write in progress in this process is not an orphan');
        await writer.commit();
        assert.equal(await readFile(target, 'utf8'), 'a,b\n');
        assert.deepEqual((await listing()).filter((f) => f.startsWith('.scores.csv.')), []);
    });
});
//# sourceMappingURL=atomic.test.js.map