import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to `runs` (from the runner, the queue workers or the leaderboard itself) is announced:
 * - `pg_notify('dfl_run_changes', {"id", "op", "status"})`, delivered at commit, feeds the leaderboard's live page
 *   (server-sent events) and drops its cached lists;
 * - `run_changes_seq` advances (at once, not at commit), so a reader can tell cheaply whether anything changed since
 *   it cached a list, without waiting for the notification (a write followed by a read sees its own change).
 */
export class RunChangeNotify1795790000000 implements MigrationInterface {
  name = 'RunChangeNotify1795790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE run_changes_seq`);
    await q.query(`
      CREATE FUNCTION dfl_run_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM nextval('run_changes_seq');
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('dfl_run_changes', json_build_object('id', OLD.id, 'op', 'delete', 'status', OLD.status)::text);
        ELSIF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('dfl_run_changes', json_build_object('id', NULL, 'op', 'truncate', 'status', NULL)::text);
        ELSE
          PERFORM pg_notify('dfl_run_changes', json_build_object('id', NEW.id, 'op', lower(TG_OP), 'status', NEW.status)::text);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER runs_changed AFTER INSERT OR UPDATE OR DELETE ON runs FOR EACH ROW EXECUTE FUNCTION dfl_run_changed()`);
    await q.query(`CREATE TRIGGER runs_truncated AFTER TRUNCATE ON runs FOR EACH STATEMENT EXECUTE FUNCTION dfl_run_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER runs_truncated ON runs`);
    await q.query(`DROP TRIGGER runs_changed ON runs`);
    await q.query(`DROP FUNCTION dfl_run_changed()`);
    await q.query(`DROP SEQUENCE run_changes_seq`);
  }
}
