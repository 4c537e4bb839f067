import type { PluginSpec } from '@dfl/core';
import type { Static, TObject } from '@sinclair/typebox';
import type { ParameterOptimizer } from '../optimizer-steps/parameter-optimizer';

/** A problem between an optimizer's options that its schema cannot say. */
export interface OptimizerOptionProblem {
  readonly option?: string;
  readonly message: string;
}

/**
 * An optimizer (`train.optimizer: {name, lr, ...options}`). Declares its option schema (validated by the experiment
 * config) and builds the update rule (PyTorch semantics, see ../optimizer-steps).
 */
export interface OptimizerSpec<O extends TObject = TObject> extends PluginSpec<O> {
  /** Constraints between options, run on the resolved entry (`{name, lr, ...options}` with defaults filled). */
  check?(options: Static<O>): readonly OptimizerOptionProblem[];
  /** Builds the update rule from the resolved options (defaults filled); the learning rate comes per step. */
  create(options: Static<O>): ParameterOptimizer;
}

/** Identity helper that keeps the option type of an optimizer file precise. */
export function defineOptimizer<O extends TObject>(spec: OptimizerSpec<O>): OptimizerSpec<O> {
  return spec;
}
