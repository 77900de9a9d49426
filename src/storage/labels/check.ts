/**
 * A label as sent (POST /labels, a row of `fraudlens labels import`) checked into the store's
 * shape. Shared by the server and the CLI so both refuse the same things the same way.
 */

import type { LabelInput } from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import type { NewLabel } from './contract.js';

/** How far a known_at may lie ahead of the clock: clock skew, no more. */
const FUTURE_SLACK_MS = 5 * 60_000;

/**
 * A label as the store takes it. Throws INPUT_INVALID naming the field (`labels/3/known_at` in a batch).
 * @param now the recording time, epoch ms
 */
export function toNewLabel(input: LabelInput, prefix: string, labelledBy: string, now: number): NewLabel {
  let knownAt = now;
  if (input.known_at !== undefined) {
    knownAt = Date.parse(input.known_at);
    // ISO 8601 with a date part: Date.parse also reads forms such as "March 7" that mean nothing certain.
    if (!/^\d{4}-\d{2}-\d{2}/.test(input.known_at) || Number.isNaN(knownAt)) {
      throw new FraudlensError(
        'INPUT_INVALID',
        `known_at must be an ISO 8601 instant such as 2024-01-31T12:00:00Z, got "${input.known_at}"`,
        {
          field: `${prefix}known_at`,
        },
      );
    }
    if (knownAt > now + FUTURE_SLACK_MS) {
      throw new FraudlensError('INPUT_INVALID', `known_at ${input.known_at} lies in the future`, { field: `${prefix}known_at` });
    }
  }
  const l: NewLabel = {
    transaction_id: input.transaction_id,
    label: input.label,
    source: input.source,
    knownAt,
    recordedAt: now,
    labelledBy,
  };
  if (input.note !== undefined) l.note = input.note;
  return l;
}
