import { InitialSchema1795702924101 } from './1795702924101-initial-schema';
import { RunChangeNotify1795790000000 } from './1795790000000-run-change-notify';

/** Every migration, oldest first. A new migration is one new timestamped file and one line here. */
export const MIGRATIONS = [InitialSchema1795702924101, RunChangeNotify1795790000000];
