import { Type, type TTuple, type TNumber } from '@sinclair/typebox';

/** A `[low, high]` option, drawn uniformly per image. */
export function Range(low: number, high: number, description: string, bounds: { minimum?: number; maximum?: number; exclusiveMinimum?: number } = {}): TTuple<[TNumber, TNumber]> {
  return Type.Tuple([Type.Number(bounds), Type.Number(bounds)], { default: [low, high], description });
}
