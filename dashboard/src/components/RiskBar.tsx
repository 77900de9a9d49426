/**
 * The score on a 0–1 track split into the model's three zones (approve / review / decline). The
 * filled part takes the colour of the decision, and the decision is also written out, so colour
 * is never the only carrier of the verdict. Exposed as an ARIA meter with the score as its value.
 */

import type { Decision, Thresholds } from '../api';
import { DECISION_LABEL, formatFixed, formatPercent } from '../format';

export interface RiskBarProps {
  score: number;
  decision: Decision;
  thresholds: Thresholds;
}

const RISK_WORDS: Record<Decision, string> = { approve: 'low risk', review: 'medium risk', decline: 'high risk' };

export function RiskBar({ score, decision, thresholds }: RiskBarProps) {
  const pct = (v: number): string => `${Math.min(100, Math.max(0, v * 100))}%`;
  const text = `Fraud score ${formatFixed(score, 4)} (${formatPercent(score)}): ${DECISION_LABEL[decision]}, ${RISK_WORDS[decision]}`;
  return (
    <div className="risk" data-testid="risk-bar" data-score={String(score)} data-decision={decision}>
      <div className="risk-head">
        <span className={`decision decision-${decision}`}>{DECISION_LABEL[decision]}</span>
        <span className="risk-score">
          <strong>{formatPercent(score, 2)}</strong> fraud probability <span className="muted">({RISK_WORDS[decision]})</span>
        </span>
      </div>
      <div
        className="risk-track"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={1}
        aria-valuenow={score}
        aria-valuetext={text}
        aria-label="Fraud score"
      >
        <div className="risk-zone zone-approve" style={{ left: 0, width: pct(thresholds.review) }} />
        <div
          className="risk-zone zone-review"
          style={{ left: pct(thresholds.review), width: pct(thresholds.decline - thresholds.review) }}
        />
        <div className="risk-zone zone-decline" style={{ left: pct(thresholds.decline), width: pct(1 - thresholds.decline) }} />
        <div className={`risk-fill fill-${decision}`} style={{ width: pct(score) }} />
        <div className="risk-marker" style={{ left: pct(score) }} aria-hidden="true" />
        <div className="risk-threshold" style={{ left: pct(thresholds.review) }} aria-hidden="true" />
        <div className="risk-threshold" style={{ left: pct(thresholds.decline) }} aria-hidden="true" />
      </div>
      <ul className="risk-legend">
        <li>
          <span className="swatch fill-approve" aria-hidden="true" /> Approve below {formatFixed(thresholds.review, 3)}
        </li>
        <li>
          <span className="swatch fill-review" aria-hidden="true" /> Review from {formatFixed(thresholds.review, 3)}
        </li>
        <li>
          <span className="swatch fill-decline" aria-hidden="true" /> Decline from {formatFixed(thresholds.decline, 3)}
        </li>
      </ul>
    </div>
  );
}
