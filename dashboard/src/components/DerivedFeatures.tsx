/**
 * The features a model with definitions computed from one raw transaction: each with its value
 * and what it is in words, in the definitions' order (the transaction's own values, then the
 * card's and merchant's history, then ratios). A table, so tests and screen readers read text.
 */

import type { DerivedFeatures as Definitions, FeatureValue } from '../api';
import { formatValue } from '../format';

export function DerivedFeatures({ values, definitions }: { values: Record<string, FeatureValue>; definitions: Definitions }) {
  const known = new Set(definitions.features.map((f) => f.name));
  // Features the definitions describe first, in their order; any other the server sent after them.
  const rows = [
    ...definitions.features.filter((f) => f.name in values),
    ...Object.keys(values)
      .filter((n) => !known.has(n))
      .map((name) => ({ name, how: '' })),
  ];
  return (
    <div className="table-scroll derived-scroll">
      <table className="data-table derived-table" data-testid="derived-features">
        <caption className="visually-hidden">Features computed from this transaction and the history before it</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col" className="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.name} data-feature={f.name} data-value={JSON.stringify(values[f.name] ?? null)}>
              <th scope="row">
                {f.how !== '' ? f.how : f.name}
                <span className="field-name">{f.name}</span>
              </th>
              <td className="num">{formatValue(f.name, values[f.name])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
