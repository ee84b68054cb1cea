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

// Answers of `/api/auth/*`, `/api/me`, `/api/keys` and `/api/workspaces/*`.

const Time = z.number().int().nonnegative()

export const UserSchema = z.object({ id: z.string(), email: z.string(), name: z.string() })
export type User = z.infer<typeof UserSchema>

export const WorkspaceSchema = z.object({ id: z.string(), name: z.string(), createdAt: Time })
/** A workspace with the caller's role in it. */
export const WorkspaceSummarySchema = WorkspaceSchema.extend({ role: RoleSchema })
export type WorkspaceSummary = z.infer<typeof WorkspaceSummarySchema>

export const AuthStatusResponseSchema = z.object({ setupRequired: z.boolean(), user: UserSchema.nullable() })
/** Setup, register, login and refresh: `refreshToken` only when the caller sent or is owed one in the body. */
export const SessionResponseSchema = z.object({
  user: UserSchema,
  accessToken: z.string(),
  refreshToken: z.string().optional(),
})
export const MeResponseSchema = z.object({ user: UserSchema, workspaces: z.array(WorkspaceSummarySchema) })

export const ApiKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: Time,
  lastUsedAt: Time.nullable(),
  revokedAt: Time.nullable(),
})
export type ApiKeySummary = z.infer<typeof ApiKeySummarySchema>
export const ApiKeysResponseSchema = z.object({ keys: z.array(ApiKeySummarySchema) })
/** The key (`nxk_…`) is in this answer only. */
export const ApiKeyCreatedResponseSchema = z.object({ id: z.string(), name: z.string(), key: z.string() })

export const WorkspacesResponseSchema = z.object({ workspaces: z.array(WorkspaceSummarySchema) })

export const MemberSchema = z.object({ userId: z.string(), email: z.string(), name: z.string(), role: RoleSchema })
export type Member = z.infer<typeof MemberSchema>
/** An invitation for an e-mail with no account yet; it becomes a membership when that e-mail registers. */
export const InvitationSchema = z.object({
  email: z.string(),
  role: RoleSchema,
  invitedBy: z.string(),
  createdAt: Time,
})
export type Invitation = z.infer<typeof InvitationSchema>
/** Owners also get the pending invitations. */
export const MembersResponseSchema = z.object({
  members: z.array(MemberSchema),
  invitations: z.array(InvitationSchema).optional(),
})
/** The same answer whether or not the e-mail has an account. */
export const InviteResponseSchema = z.object({ email: z.string(), role: RoleSchema })
export const RoleSetResponseSchema = z.object({ userId: z.string(), role: RoleSchema })
