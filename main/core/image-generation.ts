// Whether an agent's image generation rides on its Codex token (../shared/openclaw-auth.md
// §5): an `openai/gpt-image-*` model, no OpenAI API key to use instead, and a Codex OAuth
// profile. Then an expired Codex token is exactly what makes `image_generate` fail with
// `No API key found for provider "openai-codex"` (2026.5.7).
import type { OpenClawConfig } from './openclaw/config.ts';

export interface ImageGeneration {
  model: string | null;
  dependsOnCodex: boolean;
}

const OPENAI_IMAGE_MODEL = /^openai\/gpt-image-/;

export function imageGenerationFor(
  agentId: string,
  config: OpenClawConfig | null,
  hasCodexProfile: boolean,
  hasOpenAiApiKeyProfile: boolean,
): ImageGeneration {
  const own = config?.agents.find((agent) => agent.id === agentId)?.imageGenerationModel ?? null;
  const model = own ?? config?.imageGenerationModel ?? null;
  const primary = model?.primary ?? null;
  const usesOpenAi = primary !== null && OPENAI_IMAGE_MODEL.test(primary);
  const hasApiKey = hasOpenAiApiKeyProfile || (config?.openaiApiKeyInConfig ?? false);
  return { model: primary, dependsOnCodex: usesOpenAi && !hasApiKey && hasCodexProfile };
}
