/**
 * torchvision's `_make_divisible` (from the TF MobileNet repo): round to the nearest multiple of `divisor`, at least
 * `minValue`, and never more than 10% below the requested width.
 */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let out = Math.max(min, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}
