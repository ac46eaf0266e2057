// What loadConfig refuses in an environment: its problems (key and message), none when it starts.
import { ConfigError, loadConfig } from '../../src/config';

export function configProblems(env: Record<string, string>): { key: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
