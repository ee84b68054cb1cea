/** How the AI service is configured, read from `NEXUS_LLM_*`. */
export interface AiConfig {
  baseUrl: string
  model: string
  apiKey?: string
}

export type AiStatus = { configured: true; config: AiConfig } | { configured: false; message: string }

/**
 * Reads the provider settings. With none configured the assistant says so and how to configure one;
 * everything else in Nexus works without it.
 */
export function aiStatusFromEnv(env: NodeJS.ProcessEnv = process.env): AiStatus {
  const baseUrl = env.NEXUS_LLM_BASE_URL?.trim()
  const model = env.NEXUS_LLM_MODEL?.trim()
  if (!baseUrl || !model) {
    return {
      configured: false,
      message:
        'No AI provider is configured. Set NEXUS_LLM_BASE_URL (an OpenAI-compatible endpoint such as ' +
        'http://127.0.0.1:11434/v1 for Ollama) and NEXUS_LLM_MODEL, and optionally NEXUS_LLM_API_KEY.',
    }
  }
  try {
    new URL(baseUrl)
  } catch {
    return { configured: false, message: `NEXUS_LLM_BASE_URL is not a URL: "${baseUrl}"` }
  }
  return { configured: true, config: { baseUrl, model, apiKey: env.NEXUS_LLM_API_KEY || undefined } }
}
