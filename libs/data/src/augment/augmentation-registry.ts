import { Registry } from '@dfl/core';
import type { AugmentationSpec } from './augmentation-spec';
import { centerCrop } from './ops/center-crop';
import { colorJitter } from './ops/color-jitter';
import { cutout } from './ops/cutout';
import { downscale } from './ops/downscale';
import { gaussianBlur } from './ops/gaussian-blur';
import { gaussianNoise } from './ops/gaussian-noise';
import { grayscale } from './ops/grayscale';
import { hflip } from './ops/hflip';
import { jpeg } from './ops/jpeg';
import { randomResizedCrop } from './ops/random-resized-crop';
import { rotate } from './ops/rotate';
import { sbi } from './ops/sbi';
import { vflip } from './ops/vflip';

export type { AugmentationSpec, AugmentContext } from './augmentation-spec';

export const augmentations = new Registry<AugmentationSpec>('augmentation');

// The one place built-in augmentations are registered; a new one is a file in ops/ and a line here.
const builtIn: readonly AugmentationSpec[] = [hflip, vflip, rotate, randomResizedCrop, centerCrop, colorJitter, grayscale, jpeg, gaussianBlur, gaussianNoise, downscale, cutout, sbi];
for (const spec of builtIn) augmentations.register(spec);

/**
 * True for the augmentations registered here: the loader's worker threads import this file and so have exactly
 * these; a plug-in registered at run time exists only in the thread that registered it.
 */
export function isBuiltInAugmentation(spec: AugmentationSpec): boolean {
  return builtIn.includes(spec);
}
