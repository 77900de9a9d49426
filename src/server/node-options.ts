/**
 * The Node options the API server runs with, kept in one list: the image sets them
 * (`NODE_OPTIONS` in deploy/Dockerfile), `npm start` passes them, the HTTP benchmark starts the
 * server under test with them, and test/server/node-options.test.ts keeps those in step with this
 * list. Cluster workers inherit them from the primary.
 *
 * Why a larger young generation: every request on the raw-transaction path allocates tens of
 * kilobytes (the parsed body, the Redis command and its reply, the derived features), almost all
 * of it dead by the time it answers, and each minor GC stops the event loop for every request in
 * flight. With V8's default semi-space a scavenge came every ~300 raw requests (about 60 a
 * second at 2,000 req/s); a 32 MiB semi-space makes them less than half as frequent and cuts their
 * summed pause time by about a third (BENCHMARKS.md, issue #14), for ~50 MiB more resident memory.
 * Options Node refuses in NODE_OPTIONS do not belong here (the test starts Node with them).
 */
export const SERVER_NODE_OPTIONS: readonly string[] = Object.freeze(['--max-semi-space-size=32']);
