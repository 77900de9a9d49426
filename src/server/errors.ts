/**
 * The one error handler. Whatever goes wrong in a request (a thrown FraudlensError, a schema
 * failure, a body the JSON parser refused, a body over the limit, a rate limit, an unknown route
 * or method) leaves as `{error, code, message, statusCode[, field]}` with a code from the
 * catalogue. Input can only produce 4xx; a 500 means a bug and its details stay in the server log.
 */

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';

import { FraudlensError, isFraudlensError, type ErrorCode } from '../core/errors.js';
import { validationError } from './schemas.js';
import { SECURITY_HEADERS } from './security.js';

export interface ErrorBody {
  error: string;
  code: string;
  message: string;
  statusCode: number;
  field?: string;
}

export function errorBody(e: FraudlensError): ErrorBody {
  const statusCode = e.statusCode;
  const body: ErrorBody = { error: STATUS_CODES[statusCode] ?? 'Error', code: e.code, message: e.message, statusCode };
  const field = e.location.field ?? e.location.column;
  if (field !== undefined) body.field = field;
  return body;
}

/** Where a catalogue message quotes the client's value: `..., got <value>` to the end. */
const QUOTED_VALUE = /\bgot\b.*$/s;

/**
 * The error with the value it quotes hidden when it names a PII field (FRAUDLENS_PII_FIELDS):
 * the message reaches the client and the debug log, and masked means masked there too.
 * @param e the error to answer with
 * @param masked the PII field names
 */
export function withoutPiiValue(e: FraudlensError, masked: ReadonlySet<string>): FraudlensError {
  const field = e.location.field ?? e.location.column;
  if (masked.size === 0 || field === undefined || !masked.has(field) || !QUOTED_VALUE.test(e.message)) return e;
  return new FraudlensError(e.code, e.message.replace(QUOTED_VALUE, 'got a value that is not shown (PII field)'), e.location);
}

/** Maps Fastify's own errors (parser, limits, validation) onto the catalogue. */
export function toFraudlensError(err: unknown, bodyLimit: number, request?: FastifyRequest): FraudlensError {
  if (isFraudlensError(err)) return err;
  const e = err as Partial<FastifyError> & { validation?: unknown; validationContext?: string };
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const context = e.validationContext ?? 'request';
    const parts: Record<string, unknown> = request
      ? { body: request.body, querystring: request.query, params: request.params, headers: request.headers }
      : {};
    return validationError(e.validation[0], { context, data: parts[context] });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new FraudlensError(
        'REQUEST_MALFORMED_JSON',
        'the request body is not valid JSON (NaN and Infinity are not JSON: send null for a missing value)',
        { field: 'body' },
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new FraudlensError('REQUEST_MALFORMED_JSON', 'the request body is empty but its content type is application/json', {
        field: 'body',
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FraudlensError('REQUEST_TOO_LARGE', `the request body exceeds ${bodyLimit} bytes`, { field: 'body' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new FraudlensError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be sent as application/json', {
        field: 'content-type',
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new FraudlensError('REQUEST_INVALID', 'the request body size does not match its Content-Length', {
        field: 'content-length',
      });
    case 'FST_ERR_BAD_URL':
      return new FraudlensError('REQUEST_INVALID', 'the URL is not valid (bad percent-encoding)', { field: 'url' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new FraudlensError('REQUEST_INVALID', 'a URL parameter is too long', { field: 'url' });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 429) return new FraudlensError('RATE_LIMITED', e.message ?? 'too many requests');
  if (status === 413) return new FraudlensError('REQUEST_TOO_LARGE', e.message ?? 'the request is too large');
  if (status === 415) return new FraudlensError('UNSUPPORTED_MEDIA_TYPE', e.message ?? 'unsupported media type');
  if (status >= 400 && status < 500) return new FraudlensError('REQUEST_INVALID', e.message ?? 'bad request');
  return new FraudlensError('INTERNAL', 'an unexpected error occurred; the server log has the details');
}

/** Route patterns by method, to tell "no such route" (404) from "not this method" (405). */
class RouteTable {
  private readonly routes: { pattern: RegExp; method: string }[] = [];

  add(url: string, methods: string | string[]): void {
    // A catch-all (CORS's preflight route `OPTIONS *`) matches every path; counting it would turn
    // every unknown GET into "405, use OPTIONS" instead of 404.
    if (url === '*' || url === '/*') return;
    // Fastify patterns: ":name" is one segment, "*" the rest of the path.
    const source = url
      .split('/')
      .map((seg) =>
        seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*$/, '.*'),
      )
      .join('/');
    for (const method of ([] as string[]).concat(methods)) this.routes.push({ pattern: new RegExp(`^${source}/?$`), method });
  }

  methodsFor(path: string): string[] {
    const found = new Set<string>();
    for (const r of this.routes) if (r.pattern.test(path)) found.add(r.method);
    return [...found];
  }
}

/**
 * Installs the error handler, the 404/405 handler and the framework-error hook on `app`.
 * Call before any route is added so the route table sees them all. `onNotFoundResponse` is the
 * 404/405 handler's own onResponse hook (the request metrics hook their routes per route).
 */
export function installErrorHandling(
  app: FastifyInstance,
  bodyLimit: number,
  piiFields: readonly string[] = [],
  onNotFoundResponse?: onResponseHookHandler,
): void {
  const masked = new Set(piiFields);
  const table = new RouteTable();
  app.addHook('onRoute', (route) => table.add(route.url, route.method));

  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const fe = withoutPiiValue(toFraudlensError(err, bodyLimit, request), masked);
    // A refusal by design (draining, overload) is news for operators, not a failure with a stack.
    if (REFUSALS.has(fe.code)) request.log.info({ code: fe.code, url: request.url }, 'request refused');
    else if (fe.statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: fe.code, message: fe.message }, 'request refused');
    if (fe.code === 'UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer');
    return reply.code(fe.statusCode).type('application/json; charset=utf-8').send(errorBody(fe));
  });

  // Fastify gives the not-found route every lifecycle hook named in these options (its types
  // only list preValidation and preHandler); test/server/service.test.ts checks the 404s are counted.
  const notFoundOptions = onNotFoundResponse !== undefined ? { onResponse: onNotFoundResponse } : {};
  app.setNotFoundHandler(notFoundOptions as object, (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const allowed = table.methodsFor(path).filter((m) => m !== 'HEAD');
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      void reply.header('allow', allowed.join(', '));
      const fe = new FraudlensError(
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}`,
        { field: 'method' },
      );
      return reply.code(405).send(errorBody(fe));
    }
    const fe = new FraudlensError('NOT_FOUND', `no route ${request.method} ${path}`, { field: 'url' });
    return reply.code(404).send(errorBody(fe));
  });
}

/** 503s the server answers on purpose, logged without a stack. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['NOT_READY', 'OVERLOADED', 'PERFORMANCE_LOADING']);

/**
 * For Fastify's `frameworkErrors` option: URL-level failures before routing. These run before
 * the onRequest hooks, so the security headers are set here.
 */
export function frameworkErrorHandler(bodyLimit: number) {
  return (err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    const fe = toFraudlensError(err, bodyLimit);
    void reply.headers(SECURITY_HEADERS).code(fe.statusCode).send(errorBody(fe));
  };
}

/** What a failure of Node's HTTP parser or its timers becomes in the catalogue. */
function clientErrorOf(err: NodeJS.ErrnoException, timeouts: { headersMs: number; requestMs: number }): FraudlensError {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new FraudlensError(
      'REQUEST_TIMEOUT',
      `the request was not received in time (headers within ${timeouts.headersMs} ms, the whole request within ${timeouts.requestMs} ms); the connection is closed`,
      { field: 'request' },
    );
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return new FraudlensError(
      'REQUEST_HEADERS_TOO_LARGE',
      'the request line and headers exceed the server limit; the connection is closed',
      { field: 'headers' },
    );
  }
  // llhttp's codes (HPE_INVALID_METHOD…) are fixed names, safe to show and useful to whoever debugs the client.
  const detail = typeof err.code === 'string' && /^HPE_[A-Z_]+$/.test(err.code) ? ` (${err.code})` : '';
  return new FraudlensError('REQUEST_MALFORMED_HTTP', `the HTTP request could not be parsed${detail}; the connection is closed`, {
    field: 'request',
  });
}

/** A complete HTTP/1.1 response in the catalogue's shape, with the security headers, closing the connection. */
export function rawErrorResponse(fe: FraudlensError): string {
  const body = JSON.stringify(errorBody(fe));
  const lines = [
    `HTTP/1.1 ${fe.statusCode} ${STATUS_CODES[fe.statusCode] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * For Fastify's `clientErrorHandler` option: what Node's HTTP parser refuses (malformed request
 * line or headers, headers over the size limit) and the headers/request timeouts, none of which
 * reaches routing. Answers in the catalogue's shape with the security headers, then closes the
 * connection, as Node itself would (but with a bare body).
 */
export function clientErrorHandler(timeouts: { headersMs: number; requestMs: number }) {
  return function handleClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
    // A reset connection has nobody left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const fe = clientErrorOf(err, timeouts);
    this.log.debug({ code: fe.code, cause: err.code }, 'client error before routing');
    // As Node does: answer only if no response has started on this socket, else the bytes would
    // land in the middle of another response. `_httpMessage` is the response in progress, if any.
    const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && inProgress?.headersSent !== true) socket.write(rawErrorResponse(fe));
    socket.destroy();
  };
}
