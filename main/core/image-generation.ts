// Whether an agent's image generation rides on its Codex token. OpenClaw 2026.5.7 takes
// the Codex path for `openai/gpt-image-*` whenever the agent's effective store holds any
// `openai-codex` profile and the config does not send OpenAI requests directly; an OpenAI
// API key in the store or in OPENAI_API_KEY does not change that (observed). On that path
// an expired Codex token whose refresh fails is exactly what surfaces as
// `No API key found for provider "openai-codex"`.
import type { ConfiguredAgent, OpenClawConfig } from './openclaw/config.ts';

export interface ImageGeneration {
  model: string | null;
  dependsOnCodex: boolean;
}

const OPENAI_IMAGE_MODEL = /^openai\/gpt-image-/;

export function imageGenerationFor(
  agent: Pick<ConfiguredAgent, 'imageGenerationModel'> | undefined,
  config: OpenClawConfig | null,
  hasCodexOAuth: boolean,
  hasAnyCodexProfile: boolean,
): ImageGeneration {
  const own = agent?.imageGenerationModel ?? null;
  const primary = (own ?? config?.imageGenerationModel ?? null)?.primary ?? null;
  const codexPath = hasAnyCodexProfile && !(config?.directOpenAi ?? false);
  return { model: primary, dependsOnCodex: primary !== null && OPENAI_IMAGE_MODEL.test(primary) && codexPath && hasCodexOAuth };
}
