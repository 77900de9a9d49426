/**
 * The shape of a drift report, kept apart from the code that builds it so that the server, the
 * CLI and the dashboard's typed client can import it without the numerical code. Field names are
 * snake_case because the report is what the HTTP API returns as JSON.
 */
/**
 * Label of the bucket that collects every category a baseline does not list by name (categories
 * beyond the most frequent ones, and categories never seen in training).
 */
export const OTHER_CATEGORY = '__other__';
//# sourceMappingURL=report.js.map