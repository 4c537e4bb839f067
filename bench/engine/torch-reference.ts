import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const TORCH_PYTHON = '/usr/bin/python3';
export const TORCH_SCRIPT = path.resolve(__dirname, '..', '..', '..', 'shared', 'bench', 'torch_throughput.py');

export interface TorchFigure {
  model: string;
  train: number;
  infer: number;
}

/**
 * PyTorch's figures on this machine, measured now (same run, same load) by the shared reference script:
 * torchvision models, Adam, cross-entropy over 2 classes, 2 threads. Undefined with a reason when unavailable.
 * PyTorch gets the OpenMP wait policy the native engine runs with (passive unless the caller set one): with
 * libgomp's default (spinning) and other processes on the shared cores, it measured 5 img/s for efficientnet_b0
 * training where it does 14 with passive, which made every ratio against it meaningless.
 */
export function runTorchReference(size: number, batch: number, models: string[]): { figures?: TorchFigure[]; reason?: string } {
  if (!existsSync(TORCH_SCRIPT)) return { reason: `${TORCH_SCRIPT} not found` };
  if (!existsSync(TORCH_PYTHON)) return { reason: `${TORCH_PYTHON} not found (Debian python3-torch)` };
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'passive' };
  const r = spawnSync(TORCH_PYTHON, [TORCH_SCRIPT, String(size), String(batch), ...models], { encoding: 'utf8', timeout: 15 * 60_000, env });
  if (r.status !== 0) return { reason: `torch_throughput.py failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-1)[0]}` };
  const figures: TorchFigure[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+)\t.*train_img_s=([\d.]+)\tinfer_img_s=([\d.]+)/.exec(line);
    if (m) figures.push({ model: m[1], train: Number(m[2]), infer: Number(m[3]) });
  }
  return { figures };
}
