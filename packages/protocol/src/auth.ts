import { z } from 'zod'

export const ROLE_NAMES = ['owner', 'editor', 'viewer'] as const
export const RoleSchema = z.enum(ROLE_NAMES)
export type Role = z.infer<typeof RoleSchema>

const Email = z.string().trim().toLowerCase().email('must be an e-mail address').max(320)
const Password = z.string().min(8, 'must be at least 8 characters').max(256)
const Name = z.string().trim().min(1).max(120)

export const SetupRequestSchema = z.object({ email: Email, password: Password, name: Name })
export const RegisterRequestSchema = SetupRequestSchema
export const LoginRequestSchema = z.object({ email: Email, password: z.string().min(1).max(256) })
export const CreateApiKeyRequestSchema = z.object({ name: Name })
export const CreateWorkspaceRequestSchema = z.object({ name: Name })
export const AddMemberRequestSchema = z.object({ email: Email, role: RoleSchema })
export const SetRoleRequestSchema = z.object({ role: RoleSchema })
