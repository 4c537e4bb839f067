import type { MigrationInterface, QueryRunner } from 'typeorm';

/** runs, run_epochs, promotions, and the indexes the ranking query and the leaderboard filters use. */
export class InitialSchema1795702924101 implements MigrationInterface {
  name = 'InitialSchema1795702924101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE run_status AS ENUM ('queued', 'running', 'finished', 'failed', 'interrupted')`);
    await q.query(`
      CREATE TABLE runs (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name             text NOT NULL,
        tags             text[] NOT NULL DEFAULT '{}',
        status           run_status NOT NULL DEFAULT 'queued',
        error            text,
        resolved_config  jsonb NOT NULL,
        config_hash      text NOT NULL,
        dataset_name     text,
        dataset_hash     text,
        git_commit       text,
        git_dirty        boolean,
        engine           text,
        backend          text,
        package_versions jsonb,
        host             text,
        pid              integer,
        worker           text,
        seed             bigint,
        backbone         text,
        epochs_planned   integer,
        epochs_done      integer NOT NULL DEFAULT 0,
        created_at       timestamptz NOT NULL DEFAULT now(),
        started_at       timestamptz,
        finished_at      timestamptz,
        duration_s       double precision,
        auc              double precision,
        auc_ci_low       double precision,
        auc_ci_high      double precision,
        tpr_at_1e3       double precision,
        tpr_ci_low       double precision,
        tpr_ci_high      double precision,
        tpr_negatives    integer,
        eer              double precision,
        ap               double precision,
        accuracy         double precision,
        log_loss         double precision,
        roc_points       jsonb,
        robustness       jsonb,
        artefacts        jsonb,
        run_dir          text,
        reproduced_from  uuid REFERENCES runs(id) ON DELETE SET NULL,
        sweep_id         text,
        notes            text,
        promoted         boolean NOT NULL DEFAULT false
      )`);
    // The ranking: AUC desc, then TPR@1e-3 desc, then earlier finish; id last so pages never overlap.
    await q.query(
      `CREATE INDEX runs_ranking_idx ON runs (auc DESC NULLS LAST, tpr_at_1e3 DESC NULLS LAST, finished_at ASC NULLS LAST, id)`,
    );
    await q.query(`CREATE INDEX runs_dataset_hash_idx ON runs (dataset_hash)`);
    await q.query(`CREATE INDEX runs_dataset_name_idx ON runs (dataset_name)`);
    await q.query(`CREATE INDEX runs_status_idx ON runs (status)`);
    await q.query(`CREATE INDEX runs_backbone_idx ON runs (backbone)`);
    await q.query(`CREATE INDEX runs_tags_idx ON runs USING gin (tags)`);
    await q.query(`CREATE INDEX runs_created_at_idx ON runs (created_at DESC)`);
    await q.query(`CREATE INDEX runs_sweep_idx ON runs (sweep_id) WHERE sweep_id IS NOT NULL`);
    // reapDeadRuns looks only at running rows of one host.
    await q.query(`CREATE INDEX runs_running_host_idx ON runs (host) WHERE status = 'running'`);

    await q.query(`
      CREATE TABLE run_epochs (
        run_id      uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch       integer NOT NULL CHECK (epoch >= 0),
        lr          double precision,
        train_loss  double precision,
        val_loss    double precision,
        val_auc     double precision,
        val_tpr     double precision,
        val_eer     double precision,
        val_ap      double precision,
        img_s       double precision,
        data_s      double precision,
        step_s      double precision,
        duration_s  double precision,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, epoch)
      )`);

    await q.query(`
      CREATE TABLE promotions (
        id           bigserial PRIMARY KEY,
        run_id       uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        dataset_name text NOT NULL,
        track        text NOT NULL DEFAULT 'default',
        promoted_at  timestamptz NOT NULL DEFAULT now(),
        demoted_at   timestamptz,
        package_path text,
        metrics      jsonb
      )`);
    // One promoted run per dataset and track at a time; the closed rows are the history.
    await q.query(`CREATE UNIQUE INDEX promotions_current_uq ON promotions (dataset_name, track) WHERE demoted_at IS NULL`);
    await q.query(`CREATE INDEX promotions_run_idx ON promotions (run_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE promotions`);
    await q.query(`DROP TABLE run_epochs`);
    await q.query(`DROP TABLE runs`);
    await q.query(`DROP TYPE run_status`);
  }
}
