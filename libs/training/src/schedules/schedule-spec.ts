import type { PluginSpec } from '@dfl/core';
import type { Static, TObject } from '@sinclair/typebox';

/** What a schedule knows about the run it shapes. */
export interface ScheduleContext {
  /** `train.optimizer.lr`. */
  readonly baseLr: number;
  readonly epochs: number;
  /** Optimizer updates per epoch (batches / grad_accumulation, rounded up). */
  readonly stepsPerEpoch: number;
}

/** The learning rate for update `step` (0-based, within the epoch) of epoch `epoch` (0-based). Pure. */
export type LrSchedule = (epoch: number, step: number) => number;

/** A learning-rate schedule (`train.schedule: {name, ...options}`): its option schema and the function it builds. */
export interface ScheduleSpec<O extends TObject = TObject> extends PluginSpec<O> {
  build(options: Static<O>, context: ScheduleContext): LrSchedule;
}

/** Identity helper that keeps the option type of a schedule file precise. */
export function defineSchedule<O extends TObject>(spec: ScheduleSpec<O>): ScheduleSpec<O> {
  return spec;
}
