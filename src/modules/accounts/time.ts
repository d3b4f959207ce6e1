/**
 * Spans of time in milliseconds, for the accounts module's sessions, tokens and rate limits. In a
 * file of their own so that the module's service can re-export its rate limits (rate-limits.ts
 * reads these at load: were they in accounts.service.ts, the two would load in a cycle).
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
