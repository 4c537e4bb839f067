/**
 * A guarded dynamic require for the optional engines (tfjs-node, the native engine): they are not dependencies
 * `npm ci` must install, so a missing or unloadable package is a reason to report, never a crash. The module
 * name is a variable so bundlers and the type checker do not try to resolve it.
 */
export function tryRequire(name: string): { module?: unknown; reason?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { module: require(name) as unknown };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'MODULE_NOT_FOUND' && e.message?.includes(`'${name}'`)) return { reason: `${name} is not installed` };
    return { reason: `${name} is installed but does not load: ${firstLine(e.message ?? String(err))}` };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}
