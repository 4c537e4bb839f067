import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import type { ResolvedExperiment } from '@dfl/experiment';
import { faceSetupFromConfig, type ScoringSetup } from './scoring-setup';

export const PACKAGE_FORMAT = 'dfl-package';
export const PACKAGE_FORMAT_VERSION = 1;

/** The files of a promoted model package; `manifest.json` lists every other file with its SHA-256. */
export const PACKAGE_FILES = {
  manifest: 'manifest.json',
  model: 'model',
  config: 'config.resolved.json',
  scoring: 'scoring.json',
  metrics: 'metrics.json',
} as const;

export interface PackageManifest {
  readonly format: typeof PACKAGE_FORMAT;
  readonly formatVersion: number;
  readonly runId: string;
  readonly configHash: string;
  readonly createdAt: string;
  /** Relative path (with `/`) -> size and SHA-256 of every file of the package but the manifest. */
  readonly files: Record<string, { readonly bytes: number; readonly sha256: string }>;
}

export interface PackageContents {
  readonly runId: string;
  readonly configHash: string;
  /** The run's best checkpoint model folder (model.json + weights), copied as is. */
  readonly modelDir: string;
  readonly resolvedConfig: unknown;
  readonly scoring: ScoringSetup;
  /** The metrics the model was promoted with (validation, and test when labels were given). */
  readonly metrics: unknown;
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** Fills `dir` (an empty folder, e.g. writeDirAtomic's temporary one) with a package; the manifest comes last. */
export async function fillPackage(dir: string, contents: PackageContents): Promise<PackageManifest> {
  await fs.cp(contents.modelDir, path.join(dir, PACKAGE_FILES.model), { recursive: true });
  await fs.writeFile(path.join(dir, PACKAGE_FILES.config), json(contents.resolvedConfig));
  await fs.writeFile(path.join(dir, PACKAGE_FILES.scoring), json(contents.scoring));
  await fs.writeFile(path.join(dir, PACKAGE_FILES.metrics), json(contents.metrics));
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    formatVersion: PACKAGE_FORMAT_VERSION,
    runId: contents.runId,
    configHash: contents.configHash,
    createdAt: new Date().toISOString(),
    files: await hashFiles(dir),
  };
  await fs.writeFile(path.join(dir, PACKAGE_FILES.manifest), json(manifest));
  return manifest;
}

export interface OpenedPackage {
  readonly dir: string;
  readonly manifest: PackageManifest;
  readonly scoring: ScoringSetup;
  readonly metrics: unknown;
  readonly modelDir: string;
}

export async function isPackage(dir: string): Promise<boolean> {
  const text = await fs.readFile(path.join(dir, PACKAGE_FILES.manifest), 'utf8').catch(() => null);
  if (text === null) return false;
  try {
    return (JSON.parse(text) as { format?: unknown }).format === PACKAGE_FORMAT;
  } catch {
    return false;
  }
}

/** Opens a package after checking every file against the manifest (a changed, missing or extra file is refused). */
export async function openPackage(dir: string): Promise<OpenedPackage> {
  const manifestFile = path.join(dir, PACKAGE_FILES.manifest);
  const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as PackageManifest;
  if (manifest.format !== PACKAGE_FORMAT) throw new UserError(`${manifestFile}: not a dfl model package`);
  if (manifest.formatVersion > PACKAGE_FORMAT_VERSION) throw new UserError(`${manifestFile}: package format ${manifest.formatVersion} is newer than this dfl reads (${PACKAGE_FORMAT_VERSION})`);
  const actual = await hashFiles(dir);
  const problems: string[] = [];
  for (const [file, expected] of Object.entries(manifest.files)) {
    const found = actual[file];
    if (!found) problems.push(`${file}: missing`);
    else if (found.sha256 !== expected.sha256) problems.push(`${file}: changed (sha256 ${found.sha256.slice(0, 12)}, manifest says ${expected.sha256.slice(0, 12)})`);
  }
  for (const file of Object.keys(actual)) if (!(file in manifest.files)) problems.push(`${file}: not in the manifest`);
  if (problems.length > 0) throw new UserError(`model package ${dir} does not match its manifest:\n  ${problems.join('\n  ')}`);
  const read = async (name: string) => JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as unknown;
  const scoring = (await read(PACKAGE_FILES.scoring)) as Omit<ScoringSetup, 'face'> & { face?: ScoringSetup['face'] };
  return {
    dir,
    manifest,
    // packages written before face crops have no `face` in scoring.json: their resolved config says what it was
    scoring: { ...scoring, face: scoring.face ?? faceSetupFromConfig((await read(PACKAGE_FILES.config)) as ResolvedExperiment) },
    metrics: await read(PACKAGE_FILES.metrics),
    modelDir: path.join(dir, PACKAGE_FILES.model),
  };
}

async function hashFiles(dir: string): Promise<Record<string, { bytes: number; sha256: string }>> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((rel) => rel !== PACKAGE_FILES.manifest)
    .sort();
  const out: Record<string, { bytes: number; sha256: string }> = {};
  for (const rel of files) {
    const bytes = await fs.readFile(path.join(dir, rel));
    out[rel] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return out;
}
