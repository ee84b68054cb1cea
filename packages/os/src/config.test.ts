import { describe, expect, it } from 'vitest'
import { aiStatusFromEnv } from './config.ts'

describe('aiStatusFromEnv', () => {
  it('says how to configure a provider when none is set', () => {
    const status = aiStatusFromEnv({})
    expect(status.configured).toBe(false)
    expect(status.configured === false && status.message).toMatch(/NEXUS_LLM_BASE_URL.*NEXUS_LLM_MODEL/)
  })

  it('refuses a base URL that is not a URL', () => {
    expect(aiStatusFromEnv({ NEXUS_LLM_BASE_URL: 'localhost', NEXUS_LLM_MODEL: 'm' })).toEqual({
      configured: false,
      message: 'NEXUS_LLM_BASE_URL is not a URL: "localhost"',
    })
  })

  it('reads a complete configuration', () => {
    expect(aiStatusFromEnv({ NEXUS_LLM_BASE_URL: 'http://127.0.0.1:11434/v1', NEXUS_LLM_MODEL: 'qwen' })).toEqual({
      configured: true,
      config: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen', apiKey: undefined },
    })
  })
})
