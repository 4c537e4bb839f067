// timm names some backbones differently from torchvision (the zoo's names): its EfficientNet and MobileNetV2
// (timm/models/efficientnet.py, _efficientnet_blocks.py) have conv_stem / bn1, blocks.<stage>.<block> made of
// DepthwiseSeparableConv (conv_dw, bn1, se, conv_pw, bn2) or InvertedResidual (conv_pw, bn1, conv_dw, bn2, se,
// conv_pwl, bn3), then conv_head / bn2 and classifier. Same layers, shapes and order as torchvision's, so loading a
// timm state dict (what the Hugging Face hub ships as model.safetensors) is a renaming. ResNets and xception already
// use timm's names.

/** Maps a block's part (timm) to its path inside the torchvision block, for blocks with and without expansion. */
type PartMap = Record<string, string>;

const EFFICIENTNET_IR: PartMap = {
  conv_pw: 'block.0.0',
  bn1: 'block.0.1',
  conv_dw: 'block.1.0',
  bn2: 'block.1.1',
  'se.conv_reduce': 'block.2.fc1',
  'se.conv_expand': 'block.2.fc2',
  conv_pwl: 'block.3.0',
  bn3: 'block.3.1',
};
const EFFICIENTNET_DS: PartMap = {
  conv_dw: 'block.0.0',
  bn1: 'block.0.1',
  'se.conv_reduce': 'block.1.fc1',
  'se.conv_expand': 'block.1.fc2',
  conv_pw: 'block.2.0',
  bn2: 'block.2.1',
};
const MOBILENET_V2_IR: PartMap = {
  conv_pw: 'conv.0.0',
  bn1: 'conv.0.1',
  conv_dw: 'conv.1.0',
  bn2: 'conv.1.1',
  conv_pwl: 'conv.2',
  bn3: 'conv.3',
};
const MOBILENET_V2_DS: PartMap = { conv_dw: 'conv.0.0', bn1: 'conv.0.1', conv_pw: 'conv.1', bn2: 'conv.2' };

const BLOCK_KEY = /^blocks\.(\d+)\.(\d+)\.(.+)\.(weight|bias|running_mean|running_var|num_batches_tracked)$/;

export type TimmFamily = 'efficientnet' | 'mobilenet_v2';

/** The family whose timm names a backbone's state dict may use, if any. */
export function timmFamilyOf(backbone: string): TimmFamily | null {
  if (backbone.startsWith('efficientnet_b')) return 'efficientnet';
  if (backbone === 'mobilenet_v2') return 'mobilenet_v2';
  return null;
}

/** True when the keys look like a timm EfficientNet / MobileNet state dict. */
export function hasTimmNames(keys: Iterable<string>): boolean {
  for (const k of keys) if (k === 'conv_stem.weight' || k === 'module.conv_stem.weight') return true;
  return false;
}

/**
 * Renames timm keys to the zoo's (torchvision's). Keys it does not recognise are kept, so that the loader lists them
 * as unexpected.
 */
export function renameTimmKeys(keys: readonly string[], family: TimmFamily): Map<string, string> {
  const blocks = new Map<string, boolean>(); // "s.b" -> has an expansion (conv_pwl)
  for (const k of keys) {
    const m = BLOCK_KEY.exec(k);
    if (!m) continue;
    const id = `${m[1]}.${m[2]}`;
    blocks.set(id, (blocks.get(id) ?? false) || m[3] === 'conv_pwl');
  }
  const ordered = [...blocks.keys()].sort((a, b) => {
    const [sa, ba] = a.split('.').map(Number);
    const [sb, bb] = b.split('.').map(Number);
    return sa - sb || ba - bb;
  });
  const stages = new Set(ordered.map((id) => id.split('.')[0])).size;
  // efficientnet keeps torchvision's stage grouping (features.<stage+1>.<block>); mobilenet_v2 is flat (features.<n>).
  const blockPath = new Map<string, string>();
  ordered.forEach((id, flat) => {
    const [s, b] = id.split('.').map(Number);
    blockPath.set(id, family === 'efficientnet' ? `features.${s + 1}.${b}` : `features.${flat + 1}`);
  });
  const headIndex = family === 'efficientnet' ? stages + 1 : ordered.length + 1;
  const out = new Map<string, string>();
  for (const key of keys) {
    const k = key.startsWith('module.') ? key.slice('module.'.length) : key;
    const m = BLOCK_KEY.exec(k);
    let renamed: string | undefined;
    if (m) {
      const id = `${m[1]}.${m[2]}`;
      const parts =
        family === 'efficientnet'
          ? blocks.get(id) ? EFFICIENTNET_IR : EFFICIENTNET_DS
          : blocks.get(id) ? MOBILENET_V2_IR : MOBILENET_V2_DS;
      const part = parts[m[3]];
      if (part) renamed = `${blockPath.get(id)}.${part}.${m[4]}`;
    } else {
      const [first, ...rest] = k.split('.');
      const tail = rest.join('.');
      const top: Record<string, string> = {
        conv_stem: 'features.0.0',
        bn1: 'features.0.1',
        conv_head: `features.${headIndex}.0`,
        bn2: `features.${headIndex}.1`,
        classifier: 'classifier.1',
      };
      if (top[first] && tail) renamed = `${top[first]}.${tail}`;
    }
    out.set(key, renamed ?? key);
  }
  return out;
}
