// Benchmarks added by later capabilities (SQLite stores, remote hosts) plug in here.
import type { StateDir } from '../helpers/state-dir.ts';

export interface BenchTools {
  quick: boolean;
  fleet: (agents: number, lineages: number) => StateDir;
  timeProcess: (command: string, args: string[], env: Record<string, string>, runs: number) => number[];
  median: (xs: number[]) => number;
  ms: (x: number) => string;
  cli: string;
}

export async function extraBenchmarks(_tools: BenchTools): Promise<Array<[string, string]>> {
  return [];
}
