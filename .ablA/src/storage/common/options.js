/**
 * Option checks every backend of both wings shares, so a bad value is refused with the same
 * CONFIG_INVALID wording whichever store it was given to.
 */
import { FraudlensError } from '../../core/errors.js';
/**
 * A positive integer option, or `fallback` when absent; CONFIG_INVALID otherwise.
 * @param subject how the message names the options' owner, e.g. 'Prediction log' or 'Drift window'
 */
export function positiveIntegerOption(name, value, fallback, subject = 'Prediction log') {
    if (value === undefined)
        return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
        throw new FraudlensError('CONFIG_INVALID', `${subject} option ${name} must be a positive integer, got ${String(value)}.`, {
            field: name,
        });
    }
    return value;
}
//# sourceMappingURL=options.js.map