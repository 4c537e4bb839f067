import type { Command } from 'commander';
import { action } from '../cli-error-sink';

interface DoctorOptions {
  json?: boolean;
  engine: string;
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('show the TensorFlow.js engine dfl will use (backend, SIMD, threads, our kernels) and why faster ones are unavailable')
    .option('--json', 'print the report as JSON')
    .option('--engine <engine>', 'auto | tensorflow | native | wasm | cpu', 'auto')
    .action(
      action(async (opts: DoctorOptions) => {
        const { engineReport, formatEngineReport } = await import('@dfl/models');
        const report = await engineReport(opts.engine as Parameters<typeof engineReport>[0]);
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatEngineReport(report));
      }),
    );
}
