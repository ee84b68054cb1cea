export type { AiConfig, AiStatus } from './config.ts'
export { aiStatusFromEnv } from './config.ts'
