/**
 * The error-code catalogue. Every failure that reaches a user (CLI line, HTTP response, start-up
 * message) carries one of these codes; clients branch on the code, never on the message text.
 * `docs/errors.md` lists the same catalogue and a test keeps the two in sync.
 */

export const ERROR_CATALOGUE = {
  // Input data (CSV files, request bodies)
  INPUT_MISSING_COLUMN: {
    statusCode: 400,
    description: 'A feature or label column the model needs is absent, or a raw transaction lacks its time, id or an entity key.',
  },
  INPUT_NOT_A_NUMBER: { statusCode: 400, description: 'A numeric feature holds a value that is not a finite number.' },
  INPUT_UNKNOWN_CATEGORY: { statusCode: 400, description: 'A categorical feature holds a category the model does not know.' },
  INPUT_WRONG_TYPE: { statusCode: 400, description: 'A value has the wrong JSON type for its feature.' },
  INPUT_RAGGED_ROW: { statusCode: 400, description: 'A CSV row has a different number of cells than the header.' },
  INPUT_EMPTY: { statusCode: 400, description: 'The input holds no data rows.' },
  INPUT_BAD_LABEL: { statusCode: 400, description: 'A label is not 0 or 1.' },
  INPUT_ONE_CLASS: {
    statusCode: 400,
    description: 'Labels that must hold both classes (training, validation, evaluation) are all 0 or all 1.',
  },
  INPUT_ALL_MISSING: { statusCode: 400, description: 'A column holds no value at all.' },
  INPUT_UNREADABLE: { statusCode: 400, description: 'A file cannot be read, decompressed or parsed.' },
  INPUT_INVALID: { statusCode: 400, description: 'An argument or option is out of its allowed range.' },
  INPUT_UNSUITABLE_COLUMN: {
    statusCode: 400,
    description: 'A training column looks like an identifier or a date and would make a useless feature.',
  },
  INPUT_NOT_SORTED: { statusCode: 400, description: 'Events are not in time order where the replay needs them sorted.' },
  INPUT_BAD_TIME: { statusCode: 400, description: 'An event time or a date cannot be read in its declared format.' },
  // Feature definitions
  FEATURES_DEFINITION_INVALID: { statusCode: 422, description: 'A feature definitions file is malformed or inconsistent.' },
  FEATURES_STATE_UNAVAILABLE: {
    statusCode: 503,
    description: 'The entity state store failed while deriving the features of a raw transaction.',
  },
  // Rules beside the model
  RULES_INVALID: {
    statusCode: 422,
    description:
      'A rules file is malformed, or a rule condition does not parse, does not type-check or names a field the model lacks.',
  },
  RULES_NOT_CONFIGURED: { statusCode: 409, description: 'A rules operation was asked for but no rules file is configured.' },
  // Models and baselines
  CHALLENGER_INCOMPATIBLE: {
    statusCode: 422,
    description:
      "A challenger model does not load, or cannot score what the champion's requests carry (another request shape, other feature definitions).",
  },
  MODEL_INVALID: { statusCode: 422, description: 'A model file is malformed or inconsistent.' },
  MODEL_UNSUPPORTED: { statusCode: 422, description: 'A model uses a feature fraudlens does not implement.' },
  // The model registry (src/storage/model-registry)
  REGISTRY_NOT_CONFIGURED: {
    statusCode: 409,
    description: 'A model registry operation was asked of a server started without FRAUDLENS_REGISTRY.',
  },
  REGISTRY_NOT_FOUND: { statusCode: 404, description: 'The registry has no such model version or alias.' },
  REGISTRY_CONFLICT: {
    statusCode: 409,
    description: 'A registry change contradicts its state: the version exists already, or the alias has nothing to roll back to.',
  },
  REGISTRY_INVALID: { statusCode: 422, description: 'A registry directory or its index is missing, malformed or inconsistent.' },
  REGISTRY_BUSY: { statusCode: 503, description: 'Another writer held the registry lock for longer than the wait allowed.' },
  BASELINE_INVALID: { statusCode: 422, description: 'A drift baseline file is malformed or does not fit the model.' },
  BASELINE_SAVE_FAILED: {
    statusCode: 500,
    description: 'A drift baseline could not be written to disk; the previous one stays in use.',
  },
  // Drift monitoring (the /drift routes)
  DRIFT_NO_BASELINE: { statusCode: 409, description: 'Drift monitoring has no baseline that fits the served model.' },
  DRIFT_NOT_ENOUGH_DATA: { statusCode: 409, description: 'The drift window holds too few predictions for the operation.' },
  EXPLANATION_NOT_ADDITIVE: {
    statusCode: 500,
    description: 'SHAP values do not add up to the model output (an internal invariant).',
  },
  // HTTP surface
  REQUEST_INVALID: { statusCode: 400, description: 'The request body or query does not match its schema.' },
  REQUEST_MALFORMED_JSON: { statusCode: 400, description: 'The request body is not valid JSON.' },
  REQUEST_TOO_LARGE: { statusCode: 413, description: 'The request body or batch exceeds its limit.' },
  REQUEST_MALFORMED_HTTP: {
    statusCode: 400,
    description: 'The HTTP request itself is malformed (request line, header syntax, framing).',
  },
  REQUEST_HEADERS_TOO_LARGE: { statusCode: 431, description: 'The request line and headers exceed the server limit.' },
  REQUEST_TIMEOUT: { statusCode: 408, description: 'The client did not send the whole request in time.' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, description: 'The request body has a content type the route does not accept.' },
  UNAUTHORIZED: { statusCode: 401, description: 'The API key is missing or wrong.' },
  FORBIDDEN: { statusCode: 403, description: "The key's role lacks the endpoint's permission, or the endpoint is disabled." },
  NOT_FOUND: { statusCode: 404, description: 'No such route or resource.' },
  METHOD_NOT_ALLOWED: { statusCode: 405, description: 'The route exists but not for this method.' },
  RATE_LIMITED: { statusCode: 429, description: 'Too many requests from this client.' },
  NOT_READY: { statusCode: 503, description: 'The service has no model loaded or is shutting down.' },
  OVERLOADED: { statusCode: 503, description: 'Too much explanation work is in progress; retry after Retry-After.' },
  PERFORMANCE_LOADING: {
    statusCode: 503,
    description: 'GET /performance: the decisions and labels are still being read for the first time; retry after Retry-After.',
  },
  HISTORY_TOO_MANY_BUCKETS: {
    statusCode: 400,
    description: 'GET /performance/history: the window cut into buckets of the length asked for makes more buckets than allowed.',
  },
  STORAGE_UNAVAILABLE: { statusCode: 503, description: 'A storage backend an operation needs (Redis) cannot be reached.' },
  DECISIONS_UNSUPPORTED: {
    statusCode: 501,
    description:
      'The configured prediction log keeps no decisions to read (stdout); GET /decisions needs memory, redis or postgres.',
  },
  INTERNAL: { statusCode: 500, description: 'An unexpected failure (a bug); details are in the server log.' },
  // Configuration
  CONFIG_INVALID: { statusCode: 500, description: 'A configuration value is missing, unknown or out of range.' },
} as const satisfies Record<string, { statusCode: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Where an error points: a file, a row (1-based data row), a column or field name. */
export interface ErrorLocation {
  file?: string;
  row?: number;
  column?: string;
  field?: string;
}

/**
 * The one error type fraudlens throws on purpose. `message` is a complete sentence for a person;
 * `code` and `location` are for programs.
 */
export class FraudlensError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}) {
    super(message);
    this.name = 'FraudlensError';
    this.code = code;
    this.location = location;
  }

  get statusCode(): number {
    return ERROR_CATALOGUE[this.code].statusCode;
  }

  /** One line: `file:row: column "x": message` (parts present only when known). */
  describe(): string {
    const { file, row, column, field } = this.location;
    const where: string[] = [];
    if (file !== undefined) where.push(row !== undefined ? `${file}:${row}` : file);
    else if (row !== undefined) where.push(`row ${row}`);
    if (column !== undefined) where.push(`column "${column}"`);
    else if (field !== undefined) where.push(`field "${field}"`);
    return where.length > 0 ? `${where.join(': ')}: ${this.message}` : this.message;
  }
}

export function isFraudlensError(e: unknown): e is FraudlensError {
  return e instanceof FraudlensError;
}
