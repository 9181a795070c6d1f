// Argument parsing shared by the subcommands: node:util's parseArgs, with every mistake
// turned into one line that says what to type instead.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]!.replace(/\.$/, '')}. Usage: ${usage}`);
  }
}

/** "24h", "90m", "2d", "1500" (ms) → milliseconds. */
export async function parseDuration(flag: string, value: string): Promise<number> {
  const { default: ms } = await import('ms');
  const parsed = ms(value as Parameters<typeof ms>[0]);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new UsageError(`${flag} "${value}" is not a duration; try 24h, 90m or 2d`);
  }
  return parsed;
}
