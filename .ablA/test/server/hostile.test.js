/**
 * Hostile traffic over real sockets: what Node's HTTP parser and timers refuse before routing
 * (malformed request lines, oversized headers, slow headers, unfinished bodies) still gets the
 * catalogue's shape and the security headers, and a stalled client cannot hold a connection.
 * Each exchange is a raw TCP conversation (net.connect), since an HTTP client would not send such
 * requests; every wait is bounded so a server that never answers fails the test instead of hanging it.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { configFromValues } from '../../src/server/config.js';
import { SECURITY_HEADERS } from '../../src/server/security.js';
import { startServer } from '../../src/server/start.js';
import { ULB_MODEL } from './helpers.js';
/** Short timeouts so the test waits little; the server must close within these plus slack. */
const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;
/** Longest a raw exchange may take before the test gives up on the server closing the socket. */
const EXCHANGE_LIMIT_MS = 10_000;
/**
 * Opens a connection, sends `chunks` (a number is a pause in ms), and collects everything the
 * server sends until it closes the connection.
 */
function exchange(port, chunks) {
    return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let data = '';
        let closedByServer = true;
        const limit = setTimeout(() => {
            closedByServer = false;
            socket.destroy();
        }, EXCHANGE_LIMIT_MS);
        socket.setEncoding('utf8');
        socket.on('data', (c) => (data += c));
        socket.on('error', () => undefined);
        socket.on('close', () => {
            clearTimeout(limit);
            const [head = '', body = ''] = data.split('\r\n\r\n', 2);
            const [statusLine = '', ...lines] = head.split('\r\n');
            const headers = {};
            for (const l of lines) {
                const i = l.indexOf(':');
                if (i > 0)
                    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
            }
            resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body, closedByServer });
        });
        const writeChunks = async () => {
            for (const c of chunks) {
                if (typeof c === 'number')
                    await new Promise((r) => setTimeout(r, c));
                else if (!socket.destroyed)
                    socket.write(c);
            }
        };
        socket.once('connect', () => {
            writeChunks().catch(reject);
        });
    });
}
function assertCatalogue(reply, status, code) {
    assert.ok(reply.closedByServer, 'the server closed the connection');
    assert.equal(reply.status, status, JSON.stringify(reply));
    const body = JSON.parse(reply.body);
    assert.equal(body.code, code);
    assert.equal(body.statusCode, status);
    assert.equal(typeof body.message, 'string');
    assert.equal(typeof body.error, 'string');
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
        assert.equal(reply.headers[name], value, `${name} on ${code}`);
}
describe('hostile traffic over a real socket', () => {
    let server;
    before(async () => {
        const config = configFromValues({
            LOG_LEVEL: 'silent',
            MODEL_PATH: ULB_MODEL,
            API_HOST: '127.0.0.1',
            API_PORT: '0',
            FRAUDLENS_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
            FRAUDLENS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        });
        server = await startServer(config, { handleSignals: false });
    });
    after(() => server.shutdown('test end'));
    it('closes a connection whose body stops halfway, answering 408 REQUEST_TIMEOUT', async () => {
        const body = '{"Amount": 12, "V1": 0.5}';
        const reply = await exchange(server.port, [
            `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
            body.slice(0, 10),
        ]);
        assertCatalogue(reply, 408, 'REQUEST_TIMEOUT');
    });
    it('closes a connection whose headers never end, answering 408 REQUEST_TIMEOUT', async () => {
        const reply = await exchange(server.port, ['GET /health HTTP/1.1\r\nHost: x\r\n', 100, 'X-Slow: 1\r\n']);
        assertCatalogue(reply, 408, 'REQUEST_TIMEOUT');
    });
    it('answers a malformed request line with 400 REQUEST_MALFORMED_HTTP', async () => {
        assertCatalogue(await exchange(server.port, ['G@T /health HTTP/1.1\r\nHost: x\r\n\r\n']), 400, 'REQUEST_MALFORMED_HTTP');
        assertCatalogue(await exchange(server.port, ['GET /health HTTP/9.9\r\nHost: x\r\n\r\n']), 400, 'REQUEST_MALFORMED_HTTP');
        assertCatalogue(await exchange(server.port, ['GET /health HTTP/1.1\r\nBad Header: x\r\n\r\n']), 400, 'REQUEST_MALFORMED_HTTP');
    });
    it('answers oversized headers with 431 REQUEST_HEADERS_TOO_LARGE', async () => {
        const reply = await exchange(server.port, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
        assertCatalogue(reply, 431, 'REQUEST_HEADERS_TOO_LARGE');
    });
    it('answers a bad percent-encoding with 400 and the security headers', async () => {
        const reply = await exchange(server.port, ['GET /health/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
        assert.equal(reply.status, 400);
        assert.equal(JSON.parse(reply.body).code, 'REQUEST_INVALID');
        for (const [name, value] of Object.entries(SECURITY_HEADERS))
            assert.equal(reply.headers[name], value, name);
    });
});
//# sourceMappingURL=hostile.test.js.map