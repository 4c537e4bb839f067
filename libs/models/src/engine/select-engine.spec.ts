import * as tf from '@tensorflow/tfjs';
import { UserError } from '@dfl/core';
import { engineReport, formatEngineReport } from './engine-report';
import { ENGINE_ORDER, selectEngine } from './select-engine';

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

describe('selectEngine', () => {
  it('auto takes the fastest engine that loads and says why each faster one was skipped', async () => {
    const info = await selectEngine('auto');
    expect(tf.getBackend()).toBe(info.backend);
    const chosen = ENGINE_ORDER.indexOf(info.engine);
    expect(info.skipped.map((s) => s.engine)).toEqual(ENGINE_ORDER.slice(0, chosen));
    for (const s of info.skipped) expect(s.reason.length).toBeGreaterThan(0);
    if (!installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu')) {
      expect(info.skipped[0]).toEqual({ engine: 'tensorflow', reason: expect.stringContaining('@tensorflow/tfjs-node is not installed') });
    }
    expect(info.version).toBe(tf.version_core);
    expect(info.suppliedGradients).toEqual(['FusedBatchNorm']);
  });

  it('wasm: SIMD, our training kernels registered, backend active', async () => {
    const info = await selectEngine('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toMatchObject({ engine: 'wasm', backend: 'wasm', simd: true, threads: 1 });
    expect([...info.suppliedKernels].sort()).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ]);
    for (const k of info.suppliedKernels) expect(tf.getKernel(k, 'wasm')).toBeDefined();
  });

  it('cpu is always there', async () => {
    const info = await selectEngine('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toMatchObject({ engine: 'cpu', simd: false, suppliedKernels: [] });
  });

  it('asking for a missing engine is a UserError naming the package to install', async () => {
    if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) return;
    const err = await selectEngine('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/engine 'tensorflow' is not available/);
    expect((err as Error).message).toMatch(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('an unknown engine name is a UserError listing the valid ones', async () => {
    const err = await selectEngine('webgpu' as 'wasm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("unknown engine 'webgpu': expected one of auto, tensorflow, native, wasm, cpu");
  });

  it('wasm threads other than 1 are refused with the reason', async () => {
    await expect(selectEngine('wasm', { wasmThreads: 2 })).rejects.toThrow(/single-threaded under Node/);
  });
});

describe('engineReport (dfl doctor)', () => {
  it('lists every engine with its availability, the selected one, our kernels and oneDNN', async () => {
    const report = await engineReport('wasm');
    expect(report.engines.map((e) => e.engine)).toEqual([...ENGINE_ORDER]);
    expect(report.engines.find((e) => e.engine === 'wasm')).toMatchObject({ available: true });
    expect(report.engines.find((e) => e.engine === 'cpu')).toMatchObject({ available: true });
    for (const e of report.engines) if (!e.available) expect(e.detail).toMatch(/to use it, /);
    const text = formatEngineReport(report);
    expect(text).toMatch(/^engine {7}wasm \(backend 'wasm', @tensorflow\/tfjs-backend-wasm@4\.22\.0\)$/m);
    expect(text).toMatch(/^SIMD {9}yes$/m);
    expect(text).toMatch(/^our kernels {2}Conv2DBackpropFilter, Conv2DBackpropInput, /m);
    expect(text).toMatch(/^oneDNN {7}(found|missing): /m);
  });
});
