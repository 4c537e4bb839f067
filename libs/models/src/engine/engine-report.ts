import { existsSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { probeEngines, selectEngine, type EngineChoice, type EngineInfo, type EngineName } from './select-engine';

export interface EngineReport {
  /** What `choice` selects on this machine. */
  readonly selected: EngineInfo;
  readonly tfjsVersion: string;
  readonly engines: readonly { engine: EngineName; available: boolean; detail: string }[];
  /** The oneDNN library the native engine builds against (Debian libdnnl-dev). */
  readonly onednn: { available: boolean; detail: string };
}

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
const HEADER_DIRS = ['/usr/include', '/usr/local/include'];

/** Looks for the oneDNN shared library and headers where Debian and a source build put them. */
export function findOneDnn(): { available: boolean; detail: string } {
  const libs: string[] = [];
  for (const dir of LIB_DIRS) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (/^libdnnl\.so/.test(f)) libs.push(`${dir}/${f}`);
  }
  const header = HEADER_DIRS.map((d) => `${d}/dnnl.hpp`).find((p) => existsSync(p));
  if (libs.length === 0) return { available: false, detail: 'libdnnl not found (Debian: apt-get install libdnnl-dev)' };
  if (header === undefined) return { available: false, detail: `${libs[0]} found but no dnnl.hpp header (install libdnnl-dev to build)` };
  return { available: true, detail: `${libs.sort().at(-1)}, ${header}` };
}

/** Everything `dfl doctor` prints. Leaves `choice`'s engine as the active backend. */
export async function engineReport(choice: EngineChoice = 'auto'): Promise<EngineReport> {
  const engines = await probeEngines();
  const selected = await selectEngine(choice);
  return { selected, tfjsVersion: tf.version.tfjs, engines, onednn: findOneDnn() };
}

export function formatEngineReport(r: EngineReport): string {
  const s = r.selected;
  const lines = [
    `engine       ${s.engine} (backend '${s.backend}', ${s.package})`,
    `SIMD         ${s.simd ? 'yes' : 'no'}`,
    `threads      ${s.threads}`,
    `tfjs         ${r.tfjsVersion} (core ${s.version})`,
    `our kernels  ${s.suppliedKernels.length > 0 ? s.suppliedKernels.join(', ') : 'none (the backend has what training needs)'}`,
    `our grads    ${s.suppliedGradients.join(', ')} (cheaper gradient, every backend)`,
    '',
    'engines (fastest first):',
    ...r.engines.map((e) => `  ${e.engine.padEnd(11)} ${e.available ? 'available  ' : 'unavailable'}  ${e.detail}`),
    `oneDNN       ${r.onednn.available ? 'found' : 'missing'}: ${r.onednn.detail}`,
  ];
  return `${lines.join('\n')}\n`;
}
