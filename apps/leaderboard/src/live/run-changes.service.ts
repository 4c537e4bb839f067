import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RunChangeListener, RunRepository, type RunChange } from '@dfl/db';
import { Subject } from 'rxjs';
import type { DataSource } from 'typeorm';

/**
 * Changes to runs made by any process (the runner, queue workers, this service), from PostgreSQL's LISTEN/NOTIFY
 * (the `runs` trigger): they feed the server-sent events of the live page and make cached lists stale.
 */
@Injectable()
export class RunChanges implements OnModuleInit, OnModuleDestroy {
  /** Every change, as it is committed. */
  readonly changes$ = new Subject<RunChange>();
  /** true when the LISTEN connection comes up, false when it is lost (changes may have been missed meanwhile). */
  readonly state$ = new Subject<boolean>();
  /** Completes when the service shuts down (open event streams end with it, so the HTTP server can close). */
  readonly shutdown$ = new Subject<void>();
  private readonly listener: RunChangeListener | null;

  constructor(@InjectDataSource() dataSource: DataSource, runs: RunRepository) {
    // createDataSource always gives a URL; a DataSource made otherwise gets no live updates (and no list cache)
    // rather than a LISTEN on whatever server pg's defaults point at.
    const url = (dataSource.options as { url?: string }).url;
    if (!url) {
      this.listener = null;
      return;
    }
    this.listener = new RunChangeListener({
      url,
      onChange: (change) => {
        runs.forgetCounts();
        this.changes$.next(change);
      },
      onState: (connected) => {
        runs.forgetCounts();
        this.state$.next(connected);
      },
    });
  }

  /** Whether changes are being received now; without it nothing may be cached and there is nothing to push. */
  get connected(): boolean {
    return this.listener?.connected ?? false;
  }

  /** Moves on every change and every (dis)connection: a list cached under one value is stale under another. */
  get generation(): number {
    return this.listener?.generation ?? 0;
  }

  async onModuleInit(): Promise<void> {
    await this.listener?.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.shutdown$.next();
    this.shutdown$.complete();
    await this.listener?.stop();
  }
}
