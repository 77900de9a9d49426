/**
 * The closed lists of values the API answers with, as plain constants: the schemas build their
 * enums from them, and the dashboard imports this file alone (no schema library in its bundle).
 */
export const DECISIONS = ['approve', 'review', 'decline'];
export const RISK_LEVELS = ['low', 'medium', 'high'];
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy'];
//# sourceMappingURL=enums.js.map