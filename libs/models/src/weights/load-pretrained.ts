import { stat } from 'node:fs/promises';
import { UserError } from '@dfl/core';
import type { BackboneModel } from '../backbones/backbone-model';
import { readSafetensorsFile, toFloat32, type SafetensorsFile } from './safetensors';
import { loadStateDict, type LoadReport, type RawTensor } from './state-dict';
import { isTfjsFolder, readTfjsFolder } from './tfjs-folder';
import { hasTimmNames, renameTimmKeys, timmFamilyOf } from './timm-names';

/**
 * `model.pretrained: <path>`: loads local weights into the model. A `.safetensors` file is a torchvision or timm
 * state dict (NCHW layout, converted here; timm's EfficientNet / MobileNetV2 names are renamed to torchvision's); a folder with a model.json is a tfjs model folder (our
 * names, NHWC layout). The classifier head is re-initialised when its shape differs; see the returned report.
 */
export async function loadPretrained(model: BackboneModel, source: string): Promise<LoadReport> {
  try {
    await stat(source);
  } catch {
    throw new UserError(`pretrained weights '${source}' not found`);
  }
  if (await isTfjsFolder(source)) {
    return loadStateDict(model, await readTfjsFolder(source), { source, layout: 'tfjs' });
  }
  if (source.endsWith('.safetensors')) return loadSafetensors(model, await readSafetensorsFile(source), source);
  throw new UserError(
    `pretrained weights '${source}': expected a .safetensors state dict or a tfjs model folder (with model.json); ` +
      `convert a PyTorch .pth with safetensors.torch.save_file(model.state_dict(), 'weights.safetensors')`,
  );
}

/**
 * Loads a parsed safetensors state dict (torchvision or timm names, PyTorch layout) into the model: what
 * `loadPretrained` does with a `.safetensors` file once read. `source` names it in messages and the report.
 */
export function loadSafetensors(model: BackboneModel, file: SafetensorsFile, source: string): LoadReport {
  const tensors = new Map<string, RawTensor>();
  for (const [name, entry] of file.tensors) {
    // Integer buffers (num_batches_tracked) carry no weights: passed on as empty so the loader lists them ignored.
    if (name.endsWith('num_batches_tracked')) tensors.set(name, { shape: [], values: new Float32Array(0) });
    else tensors.set(name, { shape: entry.shape, values: toFloat32(entry, `${source}: ${name}`) });
  }
  const family = timmFamilyOf(model.config.backbone);
  if (family && hasTimmNames(tensors.keys())) {
    const rename = renameTimmKeys([...tensors.keys()], family);
    const renamed = new Map<string, RawTensor>();
    for (const [k, t] of tensors) renamed.set(rename.get(k) ?? k, t);
    return loadStateDict(model, renamed, { source: `${source} (timm names)`, layout: 'torch' });
  }
  return loadStateDict(model, tensors, { source, layout: 'torch' });
}

/** One line per fact of a load, for the run log. */
export function describeLoad(report: LoadReport): string[] {
  const lines = [`loaded ${report.loaded} tensors from ${report.source}`];
  if (report.reinitialised.length > 0) {
    lines.push(`classifier head re-initialised (shape differs from the file's): ${report.reinitialised.join(', ')}`);
  }
  return lines;
}
