import { ConfigModule } from '@nestjs/config';
import type { Settings } from './settings';

/**
 * `ConfigService<Settings, true>` for settings read once elsewhere: no `.env`
 * file, no process environment behind it.
 */
export function settingsModule(settings: Settings) {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    validatePredefined: false,
    skipProcessEnv: true,
    load: [() => settings],
  });
}
