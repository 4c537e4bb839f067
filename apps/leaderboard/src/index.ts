export { createLeaderboardApp, DEFAULT_WEB_DIR, type Leaderboard, type LeaderboardOptions } from './app';
