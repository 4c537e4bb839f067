import { backend_util } from '@tensorflow/tfjs';

/**
 * The 18 integers native/conv.cc reads, from tfjs' own shape arithmetic, or null when oneDNN's output-size rule
 * (floor((in + pads - effective filter) / stride) + 1) does not give tfjs' output size (e.g. ceil rounding).
 */
export function convParams(info: backend_util.Conv2DInfo, groups: number): Int32Array | null {
  const { top, left, bottom, right } = info.padInfo;
  if (!fits(info.inHeight, top, bottom, info.effectiveFilterHeight, info.strideHeight, info.outHeight)) return null;
  if (!fits(info.inWidth, left, right, info.effectiveFilterWidth, info.strideWidth, info.outWidth)) return null;
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, top, left, bottom, right, groups,
  ]);
}

/** The 14 integers native/pool.cc reads, or null as above (pooling here has no dilation). */
export function poolParams(info: backend_util.Conv2DInfo): Int32Array | null {
  const { top, left, bottom, right } = info.padInfo;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  if (!fits(info.inHeight, top, bottom, info.filterHeight, info.strideHeight, info.outHeight)) return null;
  if (!fits(info.inWidth, left, right, info.filterWidth, info.strideWidth, info.outWidth)) return null;
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, top, left, bottom, right,
  ]);
}

function fits(size: number, padBefore: number, padAfter: number, filter: number, stride: number, out: number): boolean {
  if (padBefore < 0 || padAfter < 0 || out <= 0) return false;
  return Math.floor((size + padBefore + padAfter - filter) / stride) + 1 === out;
}
