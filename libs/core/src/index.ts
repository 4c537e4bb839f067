export { Registry, UnknownPluginError, type PluginSpec } from './registry';
export { UserError } from './user-error';
export { writeFileAtomic, writeFileAtomicSync, writeDirAtomic } from './atomic-write';
export { SeededRandom, deriveSeed } from './seeded-random';
