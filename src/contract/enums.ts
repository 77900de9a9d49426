/**
 * The closed lists of values the API answers with, as plain constants: the schemas build their
 * enums from them, and the dashboard imports this file alone (no schema library in its bundle).
 */

export const DECISIONS = ['approve', 'review', 'decline'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy'] as const;
/** What a reason code explains (see src/contract/rules.ts). */
export const REASON_KINDS = ['rule', 'threshold', 'feature'] as const;
