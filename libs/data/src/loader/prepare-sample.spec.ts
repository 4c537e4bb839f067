import * as path from 'node:path';
import { buildAugmentPipeline } from '../augment/augment-pipeline';
import { writeNormalized } from '../image/normalize';
import { tempDir, texturedImage, writeImage } from '../testing/test-images';
import { samplePreparer, samplePreparerInto } from './prepare-sample';
import type { StreamSample } from './stream-batches';

const input = { size: 16, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3], interpolation: 'bilinear' } as const;

describe('samplePreparerInto', () => {
  it('writes the floats of the general path (decode, augment, normalise), fused native JPEG path included', async () => {
    const dir = tempDir('dfl-prepare-');
    const files = [
      await writeImage(path.join(dir, 'a.jpg'), texturedImage(16, 16, 1)), // input size: the fused path when built
      await writeImage(path.join(dir, 'b.jpg'), texturedImage(20, 12, 2)), // resampled: sharp
      await writeImage(path.join(dir, 'c.png'), texturedImage(16, 16, 3)),
    ];
    for (const steps of [[], [{ name: 'hflip', p: 0.5 }, { name: 'vflip', p: 0.5 }], [{ name: 'hflip', p: 0.5 }, { name: 'gaussian_noise', p: 0.5 }]]) {
      const augment = steps.length > 0 ? buildAugmentPipeline(steps) : undefined;
      const general = samplePreparer({ input, augment });
      const into = samplePreparerInto({ input, augment });
      for (const file of files) {
        for (let seed = 0; seed < 8; seed++) {
          const sample: StreamSample = { item: { path: file, name: path.basename(file), label: 0 }, fake: 0, seed };
          const { image, mirror } = await general(sample);
          const expected = new Float32Array(16 * 16 * 3);
          writeNormalized(image, input.mean, input.std, expected, 0, mirror);
          const out = new Float32Array(2 + 16 * 16 * 3).fill(7);
          await into(sample, out, 2);
          expect([out[0], out[1]]).toEqual([7, 7]);
          expect(out.subarray(2)).toEqual(expected);
        }
      }
    }
  });
});
