// Runs the real `openclaw infer image generate` as a chosen agent. In 2026.5.7 that
// command has no `--agent`: it always uses the config's DEFAULT agent. So each run gets
// its own copy of openclaw.json in which the chosen agent is the default, passed with
// OPENCLAW_CONFIG_PATH; the state dir (and so every agent's store) stays the same.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOpenClaw, type OpenClawResult } from './openclaw.ts';
import type { OpenAiProxy } from './tls-proxy.ts';

export interface ImageRunTarget {
  stateDir: string;
  env: Record<string, string>;
  /** A scratch folder for the config copy and the image. */
  root: string;
}

export interface ImageResult extends OpenClawResult {
  /** Where the image was asked to go (`--output`); it exists only if generation succeeded. */
  outputPath: string;
  configPath: string;
}

/** openclaw.json (plain JSON, as tests write it) with `agentId` as the only default agent. */
export function configWithDefaultAgent(stateDir: string, agentId: string): Record<string, any> {
  const config = JSON.parse(readFileSync(join(stateDir, 'openclaw.json'), 'utf8'));
  const list: Array<Record<string, unknown>> | undefined = config.agents?.list;
  if (!Array.isArray(list) || !list.some((agent) => agent.id === agentId)) {
    throw new Error(`agent ${agentId} is not in agents.list of ${stateDir}/openclaw.json`);
  }
  config.agents.list = list.map(({ default: _default, ...agent }) => (agent.id === agentId ? { ...agent, default: true } : agent));
  return config;
}

export async function generateImage(entry: string, target: ImageRunTarget, agentId: string, proxy: Pick<OpenAiProxy, 'env'>): Promise<ImageResult> {
  const dir = mkdtempSync(join(target.root, `image-${agentId}-`));
  const configPath = join(dir, 'openclaw.json');
  writeFileSync(configPath, `${JSON.stringify(configWithDefaultAgent(target.stateDir, agentId), null, 2)}\n`);
  mkdirSync(join(dir, 'out'), { recursive: true });
  // Without --output the image lands in the state dir's media folder; keep it out of the way.
  const outputPath = join(dir, 'out', 'image.png');
  const result = await runOpenClaw(
    entry,
    ['infer', 'image', 'generate', '--prompt', 'a red square', '--output', outputPath, '--json'],
    { ...target.env, ...proxy.env, OPENCLAW_CONFIG_PATH: configPath },
  );
  return { ...result, outputPath, configPath };
}
