import { ciPair, type RunStatus } from '@dfl/db';
import { withRepository } from './open-repository';
import { fmt4 } from '../format-metric';


export async function listRunsCommand(opts: { status?: string; backbone?: string; tag?: string; dataset?: string; query?: string; limit: number; json?: boolean }): Promise<void> {
  await withRepository(async (repo) => {
    const page = await repo.listRuns({
      status: opts.status ? [opts.status as RunStatus] : undefined,
      backbone: opts.backbone,
      tag: opts.tag,
      dataset: opts.dataset,
      q: opts.query,
      limit: opts.limit,
    });
    if (opts.json) {
      const rows = page.items.map(({ rank, run }) => ({
        rank,
        id: run.id,
        name: run.name,
        status: run.status,
        backbone: run.backbone,
        auc: run.auc,
        aucCi: ciPair(run.aucCiLow, run.aucCiHigh),
        'tpr@fpr=1e-3': run.tprAt1e3,
        tprNegatives: run.tprNegatives,
        eer: run.eer,
        ap: run.ap,
        epochs: run.epochsDone,
        durationS: run.durationS,
        promoted: run.promoted,
        finishedAt: run.finishedAt,
      }));
      process.stdout.write(JSON.stringify({ total: page.total, runs: rows }) + '\n');
      return;
    }
    if (page.items.length === 0) {
      process.stdout.write('no runs yet: dfl run experiments/demo.yaml\n');
      return;
    }
    const header = ['#', 'id', 'name', 'status', 'backbone', 'AUC', 'TPR@1e-3', 'neg', 'EER', 'epochs'];
    const rows = page.items.map(({ rank, run }) => [
      rank === null ? '—' : String(rank),
      run.id.slice(0, 8),
      run.name + (run.promoted ? ' ★' : ''),
      run.status,
      run.backbone ?? '—',
      fmt4(run.auc),
      fmt4(run.tprAt1e3),
      run.tprNegatives === null ? '—' : String(run.tprNegatives),
      fmt4(run.eer),
      `${run.epochsDone}/${run.epochsPlanned ?? '?'}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    process.stdout.write([fmt(header), ...rows.map(fmt)].join('\n') + '\n');
    if (page.total > page.items.length) process.stdout.write(`(${page.items.length} of ${page.total}; --limit to see more)\n`);
  });
}
