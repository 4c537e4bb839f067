import { SeededRandom } from '@dfl/core';
import { Value } from '@sinclair/typebox/value';
import { writeNormalized } from '../image/normalize';
import { texturedImage } from '../testing/test-images';
import { buildAugmentPipeline } from './augment-pipeline';
import { augmentations } from './augmentation-registry';

const ctx = { interpolation: 'bilinear' as const };
const image = texturedImage(48, 40, 3);
const differs = (a: Uint8Array, b: Uint8Array) => a.length !== b.length || a.some((v, i) => v !== b[i]);

describe('augmentations', () => {
  it('registers the built-in augmentations', () => {
    expect(augmentations.names()).toEqual(
      ['center_crop', 'color_jitter', 'cutout', 'downscale', 'gaussian_blur', 'gaussian_noise', 'grayscale', 'hflip', 'jpeg', 'random_resized_crop', 'rotate', 'sbi', 'vflip'],
    );
  });

  describe.each(augmentations.names())('%s', (name) => {
    const spec = augmentations.get(name);
    const options = Value.Default(spec.options, {}) as Record<string, unknown>;

    it('has valid default options, keeps the size and changes the image', async () => {
      expect(Value.Check(spec.options, options)).toBe(true);
      const out = await spec.apply(image, options, new SeededRandom(5), ctx);
      expect([out.width, out.height]).toEqual([image.width, image.height]);
      expect(differs(out.data, image.data)).toBe(true);
    });

    it('is deterministic under a seed and leaves its input untouched', async () => {
      const before = image.data.slice();
      const a = await spec.apply(image, options, new SeededRandom(11), ctx);
      const b = await spec.apply(image, options, new SeededRandom(11), ctx);
      expect(differs(a.data, b.data)).toBe(false);
      expect(differs(image.data, before)).toBe(false);
    });
  });

  it('random ones depend on the seed', async () => {
    const randomOnes = augmentations.names().filter((n) => !['hflip', 'vflip', 'grayscale', 'center_crop'].includes(n));
    for (const name of randomOnes) {
      const spec = augmentations.get(name);
      const options = Value.Default(spec.options, {}) as Record<string, unknown>;
      const outs = await Promise.all([1, 2, 3].map((s) => spec.apply(image, options, new SeededRandom(s), ctx)));
      const distinct = new Set(outs.map((o) => Buffer.from(o.data).toString('base64')));
      expect({ name, distinct: distinct.size > 1 }).toEqual({ name, distinct: true });
    }
  });

  it('hflip twice is the identity', async () => {
    const spec = augmentations.get('hflip');
    const twice = await spec.apply(await spec.apply(image, {}, new SeededRandom(1), ctx), {}, new SeededRandom(1), ctx);
    expect(differs(twice.data, image.data)).toBe(false);
  });
});

describe('buildAugmentPipeline', () => {
  it('applies steps with their probability, deterministically per seed', async () => {
    const pipeline = buildAugmentPipeline([
      { name: 'hflip', p: 0.5 },
      { name: 'color_jitter', p: 0.8, brightness: 0.3 },
      { name: 'jpeg', p: 0.5, quality: [40, 60] },
    ]);
    const runs = await Promise.all([7, 7, 8].map((s) => pipeline.apply(image, new SeededRandom(s), ctx)));
    expect(differs(runs[0].data, runs[1].data)).toBe(false);
    expect(differs(runs[0].data, runs[2].data)).toBe(true);
    expect(pipeline.steps[1].options).toEqual({ brightness: 0.3, contrast: 0.2, saturation: 0.2, hue: 0.02 });
  });

  it('deferring the mirrors to the normalising copy gives the pixels of apply, mirrors before other steps included', async () => {
    const pipeline = buildAugmentPipeline([
      { name: 'hflip', p: 0.5 },
      { name: 'vflip', p: 0.5 },
      { name: 'rotate', p: 0.5, degrees: 20 },
      { name: 'hflip', p: 0.5 },
      { name: 'vflip', p: 0.5 },
    ]);
    const normalised = (img: typeof image, mirror?: { horizontal: boolean; vertical: boolean }) => {
      const out = new Float32Array(img.width * img.height * 3);
      writeNormalized(img, [0.4, 0.5, 0.6], [0.2, 0.3, 0.25], out, 0, mirror);
      return out;
    };
    const mirrors = new Set<string>();
    for (let seed = 0; seed < 24; seed++) {
      const eager = await pipeline.apply(image, new SeededRandom(seed), ctx);
      const lazy = await pipeline.applyDeferringMirrors(image, new SeededRandom(seed), ctx);
      mirrors.add(`${lazy.mirror.horizontal}${lazy.mirror.vertical}`);
      expect(normalised(lazy.image, lazy.mirror)).toEqual(normalised(eager));
    }
    expect(mirrors.size).toBe(4); // every combination was exercised
  });

  it('p = 0 leaves the image alone', async () => {
    const pipeline = buildAugmentPipeline([{ name: 'vflip', p: 0 }, { name: 'gaussian_noise', p: 0 }]);
    const out = await pipeline.apply(image, new SeededRandom(1), ctx);
    expect(differs(out.data, image.data)).toBe(false);
    expect(pipeline.fakesPerReal).toBe(0);
  });

  it('accepts nested options and counts SBI fakes per real image', () => {
    const pipeline = buildAugmentPipeline([{ name: 'rotate', options: { degrees: 5 } }, { name: 'sbi', p: 2 }]);
    expect(pipeline.steps[0].options).toEqual({ degrees: 5, fill: 'edge' });
    expect(pipeline.fakesPerReal).toBe(2);
  });

  it('reports every bad step at once', () => {
    expect(() =>
      buildAugmentPipeline([{ name: 'hflipp' }, { name: 'rotate', degrees: -3 }, { name: 'jpeg', p: 1.5 }, { name: 'cutout', colour: 'red' }]),
    ).toThrow(/augment\[0\] \(hflipp\): unknown augmentation; valid: center_crop.*\n.*augment\[1\] \(rotate\)\.degrees.*\n.*augment\[2\] \(jpeg\)\.p: must be a probability.*\n.*augment\[3\] \(cutout\)/s);
  });
});
