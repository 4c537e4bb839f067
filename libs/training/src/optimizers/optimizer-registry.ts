import { Registry } from '@dfl/core';
import { adamOptimizer, adamwOptimizer } from './adam-optimizers';
import type { OptimizerSpec } from './optimizer-spec';
import { sgdOptimizer } from './sgd-optimizer';

export type { OptimizerSpec, OptimizerOptionProblem } from './optimizer-spec';

export const optimizers = new Registry<OptimizerSpec>('optimizer');

// The one place built-in optimizers are registered; a new one is a file here and a line in this list.
for (const spec of [adamOptimizer, adamwOptimizer, sgdOptimizer] as OptimizerSpec[]) optimizers.register(spec);
