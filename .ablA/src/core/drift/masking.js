/**
 * PII features in drift monitoring (FRAUDLENS_PII_FIELDS). The prediction log shows such a field
 * as "***"; drift must not keep its values either, yet should still tell when its distribution
 * moves. The rule: a masked feature is described only by counts on the baseline's bins.
 *
 *   - Bins are aggregates of the training data (quantile cut points over every training row, or
 *     for a feature with at most 5 distinct values those values, each shared by many rows; kept
 *     categories are the most frequent ones), never one person's value.
 *   - What is about one row is dropped: the baseline's raw sample of the feature, and its min and
 *     max (the values of the two extreme rows), which become the outer edges the bins imply.
 *     Mean, standard deviation, missing rate and the number of distinct values are aggregates and
 *     stay.
 *   - The window stores (see storage/drift-window*.ts) count the feature on those bins like any
 *     other, and keep it as missing (NaN) in every row they store.
 *
 * With no sample on either side, the drift tests of a masked feature run on the bin counts
 * (`method: 'bins'`), which cover every row of a time window.
 */
import { FraudlensError } from '../errors.js';
/**
 * Outer edges of the bins from the cut points alone: one average bin width beyond the first and
 * the last cut (the same rule the drift layout uses when a cut sits on the min or max).
 */
function outerEdgesFromCuts(cuts) {
    const k = cuts.length;
    const width = k >= 2 ? (cuts[k - 1] - cuts[0]) / (k - 1) : Math.max(Math.abs(cuts[0]), 1);
    return { min: cuts[0] - width, max: cuts[k - 1] + width };
}
function maskFeature(f) {
    // A categorical baseline keeps no per-row value: its categories are bins.
    if (f.type === 'categorical')
        return f;
    if (f.edges.length === 0 || f.min === null || f.max === null)
        return { ...f, sample: [] };
    return { ...f, ...outerEdgesFromCuts(f.edges), sample: [] };
}
/**
 * The baseline with the named features reduced to what may be shown of a PII field (see the
 * module header). The same baseline object when nothing is masked.
 * @param baseline a validated baseline
 * @param masked feature names to mask; each must be a feature of the baseline (CONFIG_INVALID otherwise)
 * @example const shown = maskBaseline(baseline, ['age', 'city_pop']);
 */
export function maskBaseline(baseline, masked) {
    const names = new Set(masked);
    if (names.size === 0)
        return baseline;
    const known = new Set(baseline.features.map((f) => f.name));
    for (const name of names) {
        if (!known.has(name))
            throw new FraudlensError('CONFIG_INVALID', `PII field "${name}" is not a feature of the drift baseline.`, {
                field: 'FRAUDLENS_PII_FIELDS',
            });
    }
    return { ...baseline, features: baseline.features.map((f) => (names.has(f.name) ? maskFeature(f) : f)) };
}
/** Number literals in a message, for hiding values of a masked feature. */
const NUMBER_LITERAL = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;
/**
 * A baseline validation message with every number after the field name shown as "***", for
 * errors about a masked feature's entry (`features[i]...`): such a message may quote one of its
 * values (a sample value outside [min, max], a min or max).
 * @param message the BASELINE_INVALID message, `drift baseline field "<field>": <reason>`
 * @param field the field it names
 */
export function hideNumbersAfterField(message, field) {
    const marker = `"${field}":`;
    const at = message.indexOf(marker);
    if (at < 0)
        return message.replace(NUMBER_LITERAL, '***');
    const head = message.slice(0, at + marker.length);
    return head + message.slice(head.length).replace(NUMBER_LITERAL, '***');
}
//# sourceMappingURL=masking.js.map