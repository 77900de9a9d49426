/** A plain summary of a model, shared by `fraudlens info` and `GET /model`. */

import type { FraudlensModel } from './model.js';
import { describeFeatures } from '../features/describe.js';

export interface ModelSummary {
  version: string;
  objective: string;
  source: string;
  created_at?: string;
  trees: number;
  max_depth: number;
  nodes: number;
  leaves: number;
  base_margin: number;
  thresholds: FraudlensModel['thresholds'];
  features: { name: string; type: string; categories?: number }[];
  metrics?: Record<string, number>;
  /** With feature definitions: their hash and the derived features, in output order, with how each is made. */
  derived_features?: { hash: string; features: { name: string; how: string }[] };
  training: FraudlensModel['training'];
}

export function describeModel(model: FraudlensModel): ModelSummary {
  const e = model.ensemble;
  let leaves = 0;
  for (let i = 0; i < e.numNodes; i++) if (e.feature[i] < 0) leaves++;
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
            features: describeFeatures(model.featureDefinitions.definitions),
          },
        }
      : {}),
    training: model.training,
  };
}
