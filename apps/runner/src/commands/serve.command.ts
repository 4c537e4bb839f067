import { Option, type Command } from 'commander';
import { action } from '../cli-error-sink';

interface ServeCommandOptions {
  port: string;
  host: string;
  root: string;
  maxUploadMb: string;
  maxBatch: string;
  batchWindowMs: string;
  engine?: 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu';
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the test API: POST /predict ({"path"} under --root, or an uploaded image; a face box as {"box": [x1, y1, x2, y2]} or ?box=x1,y1,x2,y2) -> {"score": p}; GET /health')
    .argument('<package-or-run>', 'a model package folder (dfl promote), a run folder, or a run id / unique prefix')
    .option('--port <port>', 'TCP port (0 picks a free one)', '8000')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--root <dir>', 'folder that {"path"} requests may read (.. and paths outside it are refused)', '.')
    .option('--max-upload-mb <mb>', 'largest accepted upload', '10')
    .option('--max-batch <n>', 'most images in one model batch', '32')
    .option('--batch-window-ms <ms>', 'how long a request waits for others to share its batch', '4')
    .addOption(new Option('--engine <engine>', 'TensorFlow.js engine (default: the one the run asked for)').choices(['auto', 'tensorflow', 'native', 'wasm', 'cpu']))
    .action(
      action(async (source: string, opts: ServeCommandOptions) => {
        const { UserError } = await import('@dfl/core');
        const num = (flag: string, text: string, ok: (x: number) => boolean, what: string) => {
          const x = text.trim() === '' ? NaN : Number(text);
          if (!ok(x)) throw new UserError(`--${flag} must be ${what}, got '${text}'`);
          return x;
        };
        const port = num('port', opts.port, (x) => Number.isInteger(x) && x >= 0 && x <= 65535, 'a port number (0-65535)');
        const maxUploadMb = num('max-upload-mb', opts.maxUploadMb, (x) => x > 0, 'a positive number');
        const maxBatch = num('max-batch', opts.maxBatch, (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1');
        const windowMs = num('batch-window-ms', opts.batchWindowMs, (x) => x >= 0, 'a number >= 0');
        const { serve } = await import('../serve/serve');
        await serve(source, { port, host: opts.host, root: opts.root, maxUploadBytes: Math.round(maxUploadMb * 1024 * 1024), maxBatch, windowMs, engine: opts.engine });
      }),
    );
}
