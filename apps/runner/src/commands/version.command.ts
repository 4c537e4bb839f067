import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('version')
    .description('print the versions of dfl, Node.js and the engine packages')
    .action(
      action(() => {
        const rootManifest = path.join(__dirname, '..', '..', '..', '..', 'package.json');
        const root = JSON.parse(readFileSync(rootManifest, 'utf8')) as { version: string; dependencies: Record<string, string> };
        process.stdout.write(`dfl ${root.version}\nnode ${process.version}\n@tensorflow/tfjs ${root.dependencies['@tensorflow/tfjs']}\n`);
      }),
    );
}
