import { t } from 'elysia';
import { ResponseInteger } from '../tasks/model.ts';

const Role = t.Union([t.Literal('viewer'), t.Literal('editor'), t.Literal('admin')], {
  description: 'viewer: read and comment · editor: also change tasks · admin: also settings and members',
});
const Name = t.String({ minLength: 1, maxLength: 120 });
const Color = t.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A hex colour, e.g. #3b82f6' });

export const Project = t.Object({
  id: t.String({ format: 'uuid' }),
  name: t.String(),
  color: t.Union([t.String(), t.Null()]),
  archived: t.Boolean(),
  archived_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  is_inbox: t.Boolean(),
  /** The caller's role and own sidebar position. */
  role: Role,
  position: ResponseInteger(),
  created_at: t.String({ format: 'date-time' }),
  updated_at: t.String({ format: 'date-time' }),
});

export const ProjectList = t.Object({
  items: t.Array(Project, { description: "The caller's projects (active memberships), in their sidebar order" }),
});

export const CreateProjectBody = t.Object({ name: Name, color: t.Optional(t.Union([Color, t.Null()])) });

export const PatchProjectBody = t.Object(
  {
    name: t.Optional(Name),
    color: t.Optional(t.Union([Color, t.Null()])),
    archived: t.Optional(
      t.Boolean({ description: 'Archive (true) or restore (false): the non-destructive alternative to DELETE' }),
    ),
    position: t.Optional(
      t.Integer({ minimum: 0, maximum: 1_000_000, description: "The caller's own sidebar order (any member)" }),
    ),
  },
  { minProperties: 1 },
);

export const ProjectParams = t.Object({ id: t.String({ format: 'uuid' }) });
export const MemberParams = t.Object({ id: t.String({ format: 'uuid' }), userId: t.String({ format: 'uuid' }) });
export const InvitationParams = t.Object({ projectId: t.String({ format: 'uuid' }) });

export const Member = t.Object({
  user_id: t.String({ format: 'uuid' }),
  email: t.String(),
  display_name: t.String(),
  role: Role,
  status: t.Union([t.Literal('active'), t.Literal('invited')]),
  invited_by: t.Union([t.String({ format: 'uuid' }), t.Null()]),
  created_at: t.String({ format: 'date-time' }),
});
export const MemberList = t.Object({ items: t.Array(Member) });

export const InviteBody = t.Object({
  email: t.String({ format: 'email', maxLength: 320 }),
  role: Role,
});
export const PatchMemberBody = t.Object({ role: Role });

export const Invitation = t.Object({
  project_id: t.String({ format: 'uuid' }),
  project_name: t.String(),
  role: Role,
  invited_by: t.Union([t.String({ format: 'uuid' }), t.Null()]),
  created_at: t.String({ format: 'date-time' }),
});
export const InvitationList = t.Object({ items: t.Array(Invitation) });

export type ProjectDto = typeof Project.static;
export type CreateProjectInput = typeof CreateProjectBody.static;
export type PatchProjectInput = typeof PatchProjectBody.static;
export type MemberDto = typeof Member.static;
export type InvitationDto = typeof Invitation.static;
export type RoleName = typeof Role.static;
