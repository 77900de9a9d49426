/**
 * Redis drift window: several API processes share one view of recent traffic.
 *
 * Keys (prefix, then the model version and a fingerprint of the baseline's bins and of the bucket
 * settings, so a new baseline or another bucket width never mixes with old counts): per bucket a
 * hash of counts and a sorted set of sampled rows, and one list of the newest rows for count
 * windows; their exact encoding is common/redis-codec.ts.
 * Counts use HINCRBY (atomic additions, so any number of writers sum correctly); bucket keys
 * expire (PEXPIRE) one bucket after the retention. The sample is a sorted set trimmed to the
 * `bucketSampleSize` smallest keys (ZADD, ZREMRANGEBYRANK) rather than a plain capped list:
 * LPUSH + LTRIM would keep the newest rows of each bucket, a biased sample, while the smallest
 * random keys are a uniform sample of the bucket whichever replica wrote them, and buckets merge
 * into a window sample exactly (mergeSamples). Count windows use a capped list of raw rows
 * (LPUSH + LTRIM): raw values rather than bin indices, so KS and Wasserstein get real samples.
 *
 * Nothing waits on Redis in `update`: the row is added to this process's pending per-bucket count
 * deltas and sample candidates, and the batching writer (common/batching-writer.ts, shared with the
 * Redis prediction log) sends everything pending in one MULTI (HINCRBYs, ZADD, trims, expiries, LPUSH)
 * when the connection is ready; rows arriving meanwhile pile up in the same deltas, so a burst
 * costs one round trip. Memory stays bounded: deltas are per bucket
 * of the retention, candidates per bucket are capped (a local bottom-k), and a candidate whose
 * key is above the bucket's cut-off in Redis (learned from the previous reply, forgotten on every
 * reconnect since a restarted server has lost its sets) is not sent. If a MULTI fails,
 * its deltas are merged back and sent again once Redis is back (at least once: a reply lost after
 * the server applied it can count those rows twice); rows of buckets that fall out of the
 * retention before they could be written are dropped and counted. The process also keeps the
 * memory backend as its local view, so `read` still answers (from this process only, with
 * `source: 'local'`) while Redis is away.
 */
import { createHash } from 'node:crypto';
import { BottomKSample, DRIFT_LAYOUT_VERSION, DriftRandom, compileBaseline, countRows, mergeSamples, sampleRows, } from '../../core/drift/index.js';
import { FraudlensError } from '../../core/errors.js';
import { BatchingWriter } from '../common/batching-writer.js';
import { addCounts, countsKey, decodeRecentRow, decodeSampleRow, encodeRecentRow, encodeSampleRow, recentKey, ROWS_FIELD, sampleKey, slotField, } from '../common/redis-codec.js';
import { DEFAULT_REDIS_URL, RedisConnection, redisBatchingSettings, resolveRedisConnectionOptions, } from '../common/redis-connection.js';
import { isValidUpdate, } from './contract.js';
import { MemoryDriftWindow, rowScratch } from './memory.js';
import { bucketStart, bucketsInWindow, checkWindowSpec } from './windows.js';
export const DEFAULT_DRIFT_REDIS_URL = DEFAULT_REDIS_URL;
export const DEFAULT_DRIFT_KEY_PREFIX = 'fraudlens:drift:';
const KEY_STREAM = 0x6a09e667;
const READ_STREAM = 0x3c6ef372;
/** A stable name for the bins and bucket settings: writers only share keys when these agree. */
function fingerprint(baseline, options) {
    const shape = {
        layout: DRIFT_LAYOUT_VERSION,
        features: baseline.features.map((f) => (f.type === 'numeric' ? ['n', f.name, f.edges] : ['c', f.name, f.codes])),
        score: baseline.score.edges,
        bucketMs: options.bucketMs,
        bucketSampleSize: options.bucketSampleSize,
        // A replica that keeps PII values must not write rows where one that masks them reads
        // (absent when nothing is masked, so existing windows keep their keys).
        ...(options.maskedColumns.length > 0 ? { masked: options.maskedColumns } : {}),
    };
    return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
export class RedisDriftWindow {
    backend = 'redis';
    baseline;
    layout;
    options;
    /** Prefix of this window's keys: <keyPrefix><model version>:<fingerprint>: */
    namespace;
    connection;
    /** Batch loop, counters, flush and close; this class decides what a batch is. */
    writer;
    local;
    /** The slots and kept row of the update being recorded, written by the local store. */
    scratch;
    keys;
    reads;
    ttlMs;
    pending = new Map();
    lastPending;
    /** Smallest key a candidate must beat to survive the bucket's trim in Redis, per bucket. */
    remoteCutoff = new Map();
    /** Rows in the pending deltas (not counting a batch in flight). */
    pendingRows = 0;
    updates = 0;
    /** Rows refused before reaching the deltas: invalid, older than the retention, after close(). */
    refused = 0;
    /** Newest rows for the recent list; sequence numbers tell which are already in Redis. */
    recentValues;
    recentScores;
    recentPushed = 0;
    recentConfirmed = 0;
    /**
     * @param baseline the baseline whose bins the window counts on
     * @param options Redis connection, key prefix, and the window options of every backend
     */
    constructor(baseline, options = {}) {
        this.local = new MemoryDriftWindow(baseline, options);
        this.baseline = baseline;
        this.layout = compileBaseline(baseline);
        this.options = this.local.options;
        this.keys = new DriftRandom(this.options.seed ^ KEY_STREAM);
        this.reads = new DriftRandom(this.options.seed ^ READ_STREAM);
        const settings = resolveRedisConnectionOptions(options, 'Drift window');
        this.ttlMs = this.options.retentionMs + this.options.bucketMs;
        const m = this.layout.numFeatures;
        this.scratch = rowScratch(m, this.options.maskedColumns.length > 0);
        this.recentValues = new Float32Array(this.options.recentSize * m);
        this.recentScores = new Float64Array(this.options.recentSize);
        const prefix = options.keyPrefix ?? DEFAULT_DRIFT_KEY_PREFIX;
        if (typeof prefix !== 'string')
            throw new FraudlensError('CONFIG_INVALID', 'The drift key prefix must be a string.', { field: 'keyPrefix' });
        this.namespace = `${prefix}${baseline.model_version}:${fingerprint(baseline, this.options)}:`;
        // The pending deltas and the recent ring are the only place rows wait for Redis.
        this.connection = new RedisConnection(settings, { connectionName: 'fraudlens-drift-window' });
        this.writer = new BatchingWriter(this.connection, {
            hasUnsent: () => this.pendingRows > 0 || this.recentPushed > this.recentConfirmed,
            take: () => this.takeBatch(),
            write: (batch) => batch.multi.exec(),
            settle: (batch, reply) => this.settleBatch(batch, reply),
            release: () => this.release(),
            // A restarted (or failed-over) server may have lost the sample sets: cut-offs learned from
            // the old one would keep fitting candidates away.
            onReady: () => this.remoteCutoff.clear(),
        }, redisBatchingSettings(settings));
    }
    update(row, score, timeMs = Date.now()) {
        this.updates++;
        try {
            const m = this.layout.numFeatures;
            // Masked (PII) features are NaN in what is kept; their bins are in the slots.
            const kept = this.writer.isClosing || !isValidUpdate(row, score, timeMs, m)
                ? undefined
                : this.local.record(row, score, timeMs, this.scratch);
            if (kept === undefined) {
                this.refused++;
                return;
            }
            const slots = this.scratch.slots;
            const start = bucketStart(timeMs, this.options.bucketMs);
            let bucket = this.lastPending;
            if (bucket === undefined || bucket.start !== start)
                bucket = this.pendingBucket(start);
            const counts = bucket.counts;
            for (let k = 0; k <= m; k++)
                counts[slots[k]]++;
            bucket.rows++;
            bucket.candidates.offer(this.keys.next(), kept, score);
            const p = this.recentPushed % this.options.recentSize;
            for (let k = 0; k < m; k++)
                this.recentValues[p * m + k] = kept[k];
            this.recentScores[p] = score;
            this.recentPushed++;
            this.pendingRows++;
            // The updates of one event-loop turn share one MULTI.
            this.writer.add();
        }
        catch {
            // Unreachable with a validated row; recording must never break a request.
            this.refused++;
        }
    }
    pendingBucket(start) {
        let bucket = this.pending.get(start);
        if (bucket === undefined) {
            bucket = {
                start,
                rows: 0,
                counts: new Float64Array(this.layout.numSlots),
                candidates: new BottomKSample(this.options.bucketSampleSize, this.layout.numFeatures),
            };
            this.pending.set(start, bucket);
        }
        this.lastPending = bucket;
        return bucket;
    }
    /** Drops pending rows of buckets that left the retention (they would expire at once anyway). */
    prunePending() {
        const oldest = bucketStart(Date.now() - this.options.retentionMs, this.options.bucketMs);
        for (const [start, b] of this.pending) {
            if (start >= oldest)
                continue;
            this.pending.delete(start);
            this.pendingRows -= b.rows;
            this.writer.lose(b.rows);
            if (this.lastPending === b)
                this.lastPending = undefined;
        }
        for (const start of this.remoteCutoff.keys())
            if (start < oldest)
                this.remoteCutoff.delete(start);
    }
    /** Takes everything pending as one MULTI (not sent yet); failed buckets are merged back when settled. */
    takeBatch() {
        this.prunePending();
        const buckets = [...this.pending.values()];
        this.pending = new Map();
        this.lastPending = undefined;
        const rows = this.pendingRows;
        this.pendingRows = 0;
        const m = this.layout.numFeatures;
        const cap = this.options.bucketSampleSize;
        const multi = this.connection.client.multi();
        // Reply positions of each bucket's HINCRBYs and of its cut-off query, to judge buckets apart:
        // a command failing inside EXEC (e.g. WRONGTYPE) does not undo the others.
        const sent = [];
        let index = 0;
        for (const b of buckets) {
            if (b.rows === 0)
                continue;
            const ck = countsKey(this.namespace, b.start);
            const first = index;
            for (let s = 0; s < b.counts.length; s++) {
                if (b.counts[s] !== 0) {
                    multi.hincrby(ck, slotField(s), b.counts[s]);
                    index++;
                }
            }
            multi.hincrby(ck, ROWS_FIELD, b.rows);
            index++;
            const end = index;
            multi.pexpire(ck, this.ttlMs);
            index++;
            let cutoff = -1;
            // Candidates at or above the cut-off would be trimmed at once: not sent. The cut-off is
            // applied here rather than when a row arrives, because it is forgotten on reconnect and
            // the rows that waited through an outage must then compete with their own keys.
            const limit = this.remoteCutoff.get(b.start) ?? Infinity;
            const c = b.candidates;
            const args = [];
            for (let i = 0; i < c.size; i++) {
                if (c.keys[i] < limit)
                    args.push(String(c.keys[i]), encodeSampleRow(c.keys[i], c.scores[i], c.values, i * m, m));
            }
            if (args.length > 0) {
                const sk = sampleKey(this.namespace, b.start);
                multi.zadd(sk, ...args);
                multi.zremrangebyrank(sk, cap, -1);
                multi.pexpire(sk, this.ttlMs);
                multi.zrange(sk, cap - 1, String(cap - 1), 'WITHSCORES');
                cutoff = index + 3;
                index += 4;
            }
            sent.push({ bucket: b, first, end, cutoff });
        }
        // Only the newest recentSize rows can still be in the list; older ones are skipped.
        const size = this.options.recentSize;
        const recentUpTo = this.recentPushed;
        const recentFrom = Math.max(this.recentConfirmed, recentUpTo - size);
        let recentReply = -1;
        if (recentUpTo > recentFrom) {
            const members = [];
            const list = recentKey(this.namespace);
            // LPUSH pushes left to right, so sending oldest first leaves the newest at the head.
            for (let seq = recentFrom; seq < recentUpTo; seq++) {
                const p = seq % size;
                members.push(encodeRecentRow(this.recentScores[p], this.recentValues, p * m, m));
            }
            recentReply = index;
            multi.lpush(list, ...members);
            multi.ltrim(list, 0, size - 1);
            multi.pexpire(list, this.options.retentionMs);
        }
        return { buckets, rows, multi, sent, recentUpTo, recentReply };
    }
    /** Judges the MULTI's replies bucket by bucket; what did not land is merged back, to be sent again. */
    settleBatch(batch, replies) {
        if (replies === undefined || replies === null) {
            // No reply: the transaction ran entirely or not at all. Sending it again may count it
            // twice in the first case (at least once, as documented above).
            this.restore(batch.buckets, batch.rows);
            return { written: 0, retry: true };
        }
        const failed = [];
        let failedRows = 0;
        for (const { bucket, first, end, cutoff } of batch.sent) {
            let ok = true;
            for (let i = first; i < end; i++)
                if (replies[i][0])
                    ok = false;
            if (!ok) {
                // Its counts did not land; ZADD of the same members again is harmless.
                failed.push(bucket);
                failedRows += bucket.rows;
                continue;
            }
            const reply = cutoff >= 0 && !replies[cutoff][0] ? replies[cutoff][1] : undefined;
            // Fewer than cap members (empty reply): every key still fits, no cut-off.
            if (Array.isArray(reply) && reply.length === 2)
                this.remoteCutoff.set(bucket.start, Number(reply[1]));
            else if (Array.isArray(reply))
                this.remoteCutoff.delete(bucket.start);
        }
        const recentOk = batch.recentReply < 0 || !replies[batch.recentReply][0];
        if (recentOk && batch.recentUpTo > this.recentConfirmed)
            this.recentConfirmed = batch.recentUpTo;
        if (failed.length > 0)
            this.restore(failed, failedRows);
        return { written: batch.rows - failedRows, retry: failed.length > 0 || !recentOk };
    }
    /** Merges a failed batch back into the pending deltas, to be sent again. */
    restore(batch, rows) {
        const m = this.layout.numFeatures;
        for (const b of batch) {
            const target = this.pendingBucket(b.start);
            for (let s = 0; s < b.counts.length; s++)
                target.counts[s] += b.counts[s];
            target.rows += b.rows;
            const c = b.candidates;
            for (let i = 0; i < c.size; i++)
                target.candidates.offer(c.keys[i], c.values.subarray(i * m, (i + 1) * m), c.scores[i]);
        }
        this.pendingRows += rows;
    }
    async read(spec, nowMs = Date.now()) {
        checkWindowSpec(spec, this.options.retentionMs);
        if (this.writer.connected) {
            await this.writer.awaitOwnWrites();
            try {
                return await this.readRemote(spec, nowMs);
            }
            catch {
                // Answer from this process below.
            }
        }
        return this.local.snapshot(spec, nowMs, 'local');
    }
    async readRemote(spec, nowMs) {
        const m = this.layout.numFeatures;
        const client = this.connection.client;
        if (spec.type === 'count') {
            const n = Math.min(spec.rows, this.options.recentSize);
            const list = await client.lrange(recentKey(this.namespace), 0, n - 1);
            const values = new Float32Array(list.length * m);
            const scores = new Float64Array(list.length);
            let rows = 0;
            // The list is newest first; rows are laid out oldest first, as the memory backend does.
            for (let i = list.length - 1; i >= 0; i--) {
                if (decodeRecentRow(list[i], m, scores, values, rows))
                    rows++;
            }
            return {
                window: { type: 'count', requested: spec.rows, available: rows, source: 'redis' },
                counts: countRows(this.layout, values, scores, rows),
                sample: sampleRows(values, scores, rows, m, this.options.sampleSize, this.reads),
            };
        }
        const starts = bucketsInWindow(spec.durationMs, nowMs, this.options.bucketMs);
        const pipe = client.pipeline();
        for (const s of starts) {
            pipe.hgetall(countsKey(this.namespace, s));
            pipe.zrange(sampleKey(this.namespace, s), 0, '-1', 'WITHSCORES');
        }
        const replies = await pipe.exec();
        if (replies === null)
            throw new Error('Redis discarded the pipeline');
        for (const [err] of replies)
            if (err)
                throw err;
        const counts = new Float64Array(this.layout.numSlots);
        let total = 0;
        const parts = [];
        for (let b = 0; b < starts.length; b++) {
            const bucketRows = addCounts(replies[2 * b][1], counts);
            total += bucketRows;
            // WITHSCORES: member, score, member, score, ...
            const flat = replies[2 * b + 1][1];
            const size = flat.length >> 1;
            const keys = new Float64Array(size);
            const values = new Float32Array(size * m);
            const scores = new Float64Array(size);
            let kept = 0;
            for (let i = 0; i < size; i++) {
                if (decodeSampleRow(flat[2 * i], m, keys, scores, values, kept))
                    kept++;
            }
            if (kept > 0)
                parts.push({ size: kept, keys, values, scores, saturated: bucketRows > kept });
        }
        return {
            window: { type: 'time', duration_ms: spec.durationMs, from: starts[0], to: nowMs, source: 'redis' },
            counts: { rows: total, counts },
            sample: mergeSamples(parts, m, this.options.sampleSize),
        };
    }
    stats() {
        const w = this.writer;
        return {
            updates: this.updates,
            written: w.written,
            pending: w.pending,
            dropped: this.refused + w.dropped,
            connected: w.connected,
            dropping: w.dropping,
        };
    }
    flush() {
        return this.writer.flush();
    }
    close() {
        return this.writer.close();
    }
    /** At close, once writing has stopped and the writer counted what is left as dropped: empties the deltas. */
    release() {
        this.pendingRows = 0;
        this.pending.clear();
        this.lastPending = undefined;
        return this.local.close();
    }
}
//# sourceMappingURL=redis.js.map