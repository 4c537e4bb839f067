import * as path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { parseBox } from './parse-box';
import { BadImageError, type PredictionService } from './prediction-service';
import { resolveUnderRoot } from './resolve-under-root';

export interface AppOptions {
  /** Absolute, resolved folder that `{"path"}` requests may read from. */
  readonly root: string;
  /** Largest accepted upload, in bytes. */
  readonly maxUploadBytes: number;
  /** Shown by GET /health. */
  readonly describe: Record<string, unknown>;
}

/**
 * The test API. `POST /predict` takes `{"path": "..."}` (JSON, a file under the served root), a multipart upload
 * (one file, any field name) or the image bytes as the body (`Content-Type: image/*` or application/octet-stream),
 * and answers `{"score": p}`, p = probability of a deepfake. A face box (`"box": [x1, y1, x2, y2]` in the JSON;
 * `?box=x1,y1,x2,y2` or a `box` form field with an upload; pixels of the displayed image) scores the face crop with
 * the package's margin, as training cropped; without one the whole image is scored. Errors answer
 * `{"error": reason}`: 400 bad request, bad box or unreadable image, 403 outside the root, 404 no such file, 413 too
 * large. `GET /health` says what is served (and `expectsFaceCrops`).
 */
export function createApp(service: PredictionService, options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const started = Date.now();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: options.maxUploadBytes, files: 1, fields: 4 } });
  const raw = express.raw({ type: ['image/*', 'application/octet-stream'], limit: options.maxUploadBytes });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', ...options.describe, root: options.root, uptimeS: Math.round((Date.now() - started) / 1000), ...service.stats() });
  });

  app.post('/predict', express.json({ limit: '64kb' }), raw, upload.any(), async (req: Request, res: Response) => {
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    const fields = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as { box?: unknown }) : {};
    // a multipart form may carry the box as a text field, in the query's form; a box must never be silently dropped
    const formBox = files.length > 0 ? fields.box : undefined;
    if (formBox !== undefined && req.query.box !== undefined) return void res.status(400).json({ error: 'give the box once: as ?box= or as a form field, not both' });
    const box = parseBox(files.length > 0 ? undefined : fields.box, req.query.box ?? formBox);
    if (!box.ok) return void res.status(400).json({ error: box.reason });
    let image: { name: string; source: Buffer | string };
    if (files.length > 0) {
      image = { name: files[0].originalname || files[0].fieldname, source: files[0].buffer };
    } else if (Buffer.isBuffer(req.body)) {
      if (req.body.length === 0) return void res.status(400).json({ error: 'empty body: send the image bytes, a multipart upload or {"path": "..."}' });
      image = { name: 'upload', source: req.body };
    } else if (req.body && typeof req.body === 'object' && 'path' in req.body) {
      const target = await resolveUnderRoot(options.root, (req.body as { path: unknown }).path);
      if (!target.ok) return void res.status(target.status).json({ error: target.reason });
      image = { name: path.relative(options.root, target.path), source: target.path };
    } else {
      return void res.status(400).json({ error: 'send {"path": "..."} as JSON, a multipart upload, or the image bytes (Content-Type: image/*)' });
    }
    try {
      res.json({ score: await service.predict({ ...image, box: box.box }) });
    } catch (err) {
      if (err instanceof BadImageError) return void res.status(400).json({ error: err.reason });
      throw err;
    }
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found: use POST /predict or GET /health' });
  });

  // Express's error handler (four arguments): body parser and upload limits, then anything unexpected.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; type?: string; code?: string; message?: string };
    if (e instanceof multer.MulterError) {
      const status = e.code === 'LIMIT_FILE_SIZE' ? 413 : 400;
      return void res.status(status).json({ error: e.code === 'LIMIT_FILE_SIZE' ? `upload larger than ${options.maxUploadBytes} bytes` : e.message });
    }
    if (e.type === 'entity.parse.failed') return void res.status(400).json({ error: `invalid JSON body: ${e.message ?? 'cannot parse'}` });
    if (e.type === 'entity.too.large') return void res.status(413).json({ error: `body larger than the limit (${options.maxUploadBytes} bytes for an image)` });
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ error: e.message ?? 'bad request' });
    process.stderr.write(`dfl serve: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    res.status(500).json({ error: 'internal error (logged by the server)' });
  });
  return app;
}
