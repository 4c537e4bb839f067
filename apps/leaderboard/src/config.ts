/** Settings of one leaderboard instance (from createLeaderboardApp's options / the environment). */
export interface LeaderboardConfig {
  /** Bearer token the write endpoints require; null: writes are refused. */
  writeToken: string | null;
  /** Folder of the built web page, served at `/`. */
  webDir: string;
  /** How long a list's total may be reused (RunRepositoryOptions.countCacheMs). */
  countCacheMs: number;
  /** Cache list pages until runs change (RunsService.list); false: query every time (bench/board compares). */
  listCache: boolean;
  /** Mark runs whose process died as interrupted this often (ms); 0: never. */
  reapEveryMs: number;
}

export const LEADERBOARD_CONFIG = Symbol('LEADERBOARD_CONFIG');
