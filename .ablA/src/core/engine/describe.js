/** A plain summary of a model, shared by `fraudlens info` and `GET /model`. */
export function describeModel(model) {
    const e = model.ensemble;
    let leaves = 0;
    for (let i = 0; i < e.numNodes; i++)
        if (e.feature[i] < 0)
            leaves++;
    return {
        version: model.version,
        objective: model.objective,
        source: model.training.source,
        ...(model.training.createdAt ? { created_at: model.training.createdAt } : {}),
        trees: e.numTrees,
        max_depth: e.maxDepth,
        nodes: e.numNodes,
        leaves,
        base_margin: e.baseMargin,
        thresholds: model.thresholds,
        features: model.features.map((f) => ({
            name: f.name,
            type: f.type,
            ...(f.type === 'categorical' ? { categories: f.categories?.length ?? 0 } : {}),
        })),
        ...(model.training.metrics ? { metrics: model.training.metrics } : {}),
        ...(model.featureDefinitions
            ? {
                derived_features: {
                    hash: model.featureDefinitions.hash,
                    features: describeDerived(model.featureDefinitions.definitions),
                },
            }
            : {}),
        training: model.training,
    };
}
/** One line of words per derived feature: `count of card over 1h`, `amt / card_amt_mean`. */
function describeDerived(defs) {
    return [
        ...defs.row_features.map((f) => ({
            name: f.name,
            how: f.kind === 'value'
                ? `value of ${f.field}`
                : f.kind === 'age_years'
                    ? `age in years from ${f.birth_date}`
                    : f.kind === 'distance_km'
                        ? `km from (${f.from.join(', ')}) to (${f.to.join(', ')})`
                        : `${f.kind.replace(/_/g, ' ')} (${defs.event.timezone})`,
        })),
        ...defs.aggregations.map((a) => ({
            name: a.name,
            how: `${a.op}${a.field ? ` of ${a.field}` : ''} per ${a.entity} over ${a.window === 'all' ? 'all time' : a.window}`,
        })),
        ...defs.ratios.map((r) => ({ name: r.name, how: `${r.numerator} / ${r.denominator}` })),
    ];
}
//# sourceMappingURL=describe.js.map