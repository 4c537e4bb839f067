import type { Command } from 'commander';
import { action } from '../cli-error-sink';

interface DoctorOptions {
  json?: boolean;
  engine: string;
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('show the TensorFlow.js engine dfl will use (backend, SIMD, threads, our kernels), why faster ones are unavailable, and whether the data loader has its JPEG fast path')
    .option('--json', 'print the report as JSON')
    .option('--engine <engine>', 'auto | tensorflow | native | wasm | cpu', 'auto')
    .action(
      action(async (opts: DoctorOptions) => {
        const { engineReport, formatEngineReport } = await import('@dfl/models');
        const { fastJpegStatus } = await import('@dfl/data');
        const report = await engineReport(opts.engine as Parameters<typeof engineReport>[0]);
        // the data loader's own native path: as much a part of training speed as the engine
        const jpeg = fastJpegStatus();
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...report, jpegFastPath: jpeg }, null, 2)}\n`);
        else process.stdout.write(`${formatEngineReport(report)}JPEG loader  ${jpeg.available ? 'fast path' : 'sharp only'}: ${jpeg.detail}\n`);
      }),
    );
}
