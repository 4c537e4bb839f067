import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DFL, ROOT } from './support/run-cli';

// The real CLI, run as a user would, on files written here; expected values are scikit-learn's, from the committed
// fixture (libs/metrics/fixtures/make_fixtures.py).
const FIXTURE = path.join(ROOT, 'libs', 'metrics', 'fixtures', 'sklearn-metrics.json');
const TOLERANCE = 1e-9;
// Each test starts the CLI (about 1 s of CPU); on a loaded 2-core machine that can take several seconds.
jest.setTimeout(60_000);

interface Case {
  name: string;
  labels: number[];
  scores: number[];
  expected: {
    positives: number;
    negatives: number;
    auc: number;
    tpr_at_fpr: Record<string, number>;
    eer: number;
    average_precision: number;
    accuracy: number;
    log_loss: number;
  };
}

const cases = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: Case[] }).cases;
// Every case whose scores are probabilities (the 'logits' case is not a valid submission).
const CHECKED = ['random', 'tied', 'skewed', 'few-negatives', 'fpr-boundary', 'large'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function dfl(args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [DFL, ...args], { cwd: ROOT, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dfl-evaluate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Writes a label file in sample order and a submission in another order (odd rows first, reversed), with a BOM,
 * CRLF line ends and quoted names on the submission side, so the join by name and the CSV reading are exercised.
 */
function writeCase(c: Case): { labels: string; predictions: string } {
  const names = c.labels.map((_, i) => (i % 7 === 0 ? `fake, real ${i}.png` : `img_${i}.png`));
  const labels = path.join(dir, `${c.name}_labels.txt`);
  const predictions = path.join(dir, `${c.name}_prediction.csv`);
  writeFileSync(labels, ['img_name,target', ...names.map((n, i) => `"${n}",${c.labels[i]}`)].join('\n') + '\n');
  const order = [...names.keys()].sort((a, b) => (a % 2) - (b % 2) || b - a).reverse();
  const rows = order.map((i) => `"${names[i]}",${String(c.scores[i])}`);
  writeFileSync(predictions, '\ufeff' + ['img_name,y_pred', ...rows].join('\r\n') + '\r\n');
  return { labels, predictions };
}

describe('dfl evaluate agrees with scikit-learn to 1e-9', () => {
  it.each(CHECKED)('on the %s case', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const files = writeCase(c);
    const run = await dfl(['evaluate', '--predictions', files.predictions, '--labels', files.labels, '--json', '--bootstrap', '20']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = lastJsonLine(run.stdout);
    const e = c.expected;
    expect([json.n_pos, json.n_neg]).toEqual([e.positives, e.negatives]);
    const pairs: Array<[string, number]> = [
      ['auc', e.auc],
      ['tpr@fpr=1e-3', e.tpr_at_fpr['0.001']],
      ['eer', e.eer],
      ['ap', e.average_precision],
      ['accuracy@0.5', e.accuracy],
      ['log_loss', e.log_loss],
    ];
    for (const [key, want] of pairs) {
      expect({ key, diff: Math.abs((json[key] as number) - want) <= TOLERANCE ? 0 : [json[key], want] }).toEqual({ key, diff: 0 });
    }
    expect(json.tpr_negatives).toBe(e.negatives);
    expect((json.warnings as string[]).some((w) => w.includes('fewer than the 1000'))).toBe(e.negatives < 1000);
    expect(run.stdout).toMatch(/^ {2}AUC +\d\.\d{6} {2}95% CI \[/m);
  });

  it('reports the TPR at another FPR bound under its own key, keeping tpr@fpr=1e-3', async () => {
    const c = cases.find((x) => x.name === 'large')!;
    const files = writeCase(c);
    const run = await dfl(['evaluate', '--predictions', files.predictions, '--labels', files.labels, '--json', '--max-fpr', '1e-2', '--bootstrap', '0']);
    expect(run.code).toBe(0);
    const json = lastJsonLine(run.stdout);
    expect(Math.abs((json['tpr@fpr=1e-2'] as number) - c.expected.tpr_at_fpr['0.01'])).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs((json['tpr@fpr=1e-3'] as number) - c.expected.tpr_at_fpr['0.001'])).toBeLessThanOrEqual(TOLERANCE);
    expect(json.bootstrap).toBeNull();
  });
});

describe('dfl evaluate refuses bad input with a clear message and a non-zero exit', () => {
  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('names missing on either side: how many, and a few of them', async () => {
    const labels = write('l1.csv', 'img_name,target\na.png,1\nb.png,0\nc.png,1\nd.png,0\n');
    const predictions = write('p1.csv', 'img_name,y_pred\nd.png,0.1\na.png,0.9\nx.png,0.5\n');
    const run = await dfl(['evaluate', '--predictions', predictions, '--labels', labels, '--json']);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`2 of the 4 images in ${labels} have no prediction in ${predictions}, e.g. "b.png" (line 3), "c.png" (line 4)`);
    expect(run.stderr).toContain(`1 of the 3 images in ${predictions} have no label in ${labels}, e.g. "x.png" (line 4)`);
  });

  it('a score out of range, naming file and line', async () => {
    const labels = write('l2.csv', 'img_name,target\na.png,1\nb.png,0\n');
    const predictions = write('p2.csv', 'img_name,y_pred\na.png,0.9\nb.png,1.7\n');
    const run = await dfl(['evaluate', '--predictions', predictions, '--labels', labels]);
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim()).toBe(`${predictions}:3: y_pred must be in [0, 1], found 1.7`);
  });

  it('a label file without its header, and a label that is not 0/1', async () => {
    const predictions = write('p3.csv', 'img_name,y_pred\na.png,0.9\nb.png,0.1\n');
    const headless = write('l3.csv', 'a.png,1\nb.png,0\n');
    let run = await dfl(['evaluate', '--predictions', predictions, '--labels', headless]);
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim()).toBe(`${headless}:1: missing header: expected 'img_name,target' as the first line, found 'a.png,1'`);
    const badLabel = write('l4.csv', 'img_name,target\na.png,1\nb.png,yes\n');
    run = await dfl(['evaluate', '--predictions', predictions, '--labels', badLabel]);
    expect(run.stderr.trim()).toBe(`${badLabel}:3: target must be 0 or 1, found 'yes'`);
  });

  it('labels of one class only, as scikit-learn refuses them', async () => {
    const labels = write('l5.csv', 'img_name,target\na.png,1\nb.png,1\n');
    const predictions = write('p5.csv', 'img_name,y_pred\na.png,0.9\nb.png,0.1\n');
    const run = await dfl(['evaluate', '--predictions', predictions, '--labels', labels]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${labels}: Only one class present in y_true.`);
  });
});
