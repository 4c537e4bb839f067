import { connectDatabase, RunRepository } from '@dfl/db';

/**
 * Opens the run repository on the configured database (DATABASE_URL, else the embedded server, started on
 * demand) and marks runs whose process died as interrupted first, so every listing tells the truth.
 */
export async function withRepository<T>(fn: (repo: RunRepository) => Promise<T>): Promise<T> {
  const db = await connectDatabase();
  try {
    const repo = new RunRepository(db);
    await repo.reapDeadRuns();
    return await fn(repo);
  } finally {
    await db.destroy();
  }
}
