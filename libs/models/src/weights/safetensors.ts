import { readFile } from 'node:fs/promises';
import { UserError } from '@dfl/core';

// The safetensors format, written by hand: no maintained npm reader fits (huggingface.js only parses headers over
// HTTP), and the format is three lines of spec: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}, then raw little-endian data.

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** The tensor's raw bytes (a view into the file buffer). */
  readonly bytes: Uint8Array;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Parses a safetensors buffer; `source` names the file in error messages. */
export function parseSafetensors(buf: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  const fail = (why: string): never => {
    throw new UserError(`${source}: not a valid safetensors file: ${why}`);
  };
  if (buf.byteLength < 8) fail('shorter than its 8-byte header length');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > buf.byteLength - 8) fail(`header length ${headerLen} exceeds the file size ${buf.byteLength}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch (err) {
    return fail(`header is not JSON (${(err as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const info = raw as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const dtype = info.dtype as SafetensorsDtype;
    if (!(dtype in BYTES)) fail(`tensor '${name}' has unsupported dtype '${info.dtype}'`);
    const shape = info.shape ?? fail(`tensor '${name}' has no shape`);
    const [begin, end] = info.data_offsets ?? fail(`tensor '${name}' has no data_offsets`);
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (end - begin !== expected) fail(`tensor '${name}' has ${end - begin} bytes, its shape [${shape}] needs ${expected}`);
    if (dataStart + end > buf.byteLength) fail(`tensor '${name}' runs past the end of the file`);
    tensors.set(name, { dtype, shape, bytes: buf.subarray(dataStart + begin, dataStart + end) });
  }
  return { tensors, metadata };
}

export async function readSafetensorsFile(file: string): Promise<SafetensorsFile> {
  return parseSafetensors(new Uint8Array(await readFile(file)), file);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

let halfTable: Float32Array | null = null;
/** All 65536 float16 values, decoded once: a lookup per element instead of arithmetic. */
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A floating-point entry as float32 values (F32 / F16 / BF16 / F64); integer entries are refused. */
export function toFloat32(entry: SafetensorsEntry, name = 'tensor'): Float32Array {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST) {
        new Uint8Array(out.buffer).set(entry.bytes);
        return out;
      }
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'F16': {
      const table = halfToFloatTable();
      for (let i = 0; i < n; i++) out[i] = table[view.getUint16(i * 2, true)];
      return out;
    }
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    default:
      throw new UserError(`${name}: expected a floating-point tensor, found ${entry.dtype}`);
  }
}

/** A tensor to write: float32 values, or int64 ones (PyTorch's `num_batches_tracked`) given as numbers. */
export interface WritableTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
  readonly dtype?: 'F32' | 'I64';
}

/** Serialises tensors as safetensors (header padded to 8 bytes, like the reference writer). */
export function serializeSafetensors(tensors: ReadonlyMap<string, WritableTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const dtype = t.dtype ?? 'F32';
    const size = t.values.length * BYTES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    if ((t.dtype ?? 'F32') === 'I64') {
      for (let i = 0; i < t.values.length; i++) view.setBigInt64(pos + i * 8, BigInt(Math.round(t.values[i])), true);
      pos += t.values.length * 8;
    } else {
      for (let i = 0; i < t.values.length; i++) view.setFloat32(pos + i * 4, t.values[i], true);
      pos += t.values.length * 4;
    }
  }
  return out;
}
