import { EnvReader } from './env-reader';

export function readUsageConfig(env: EnvReader) {
  return {
    /** Days of daily counters kept for `/usage/history` and the dashboard. */
    historyDays: env.integer('USAGE_HISTORY_DAYS', 90, 1),
  };
}
export type UsageConfig = ReturnType<typeof readUsageConfig>;
