/**
 * The TypeBox schemas of the api's public JSON — request bodies and responses — for clients that
 * type themselves from them (apps/web does, with `import type` only, so nothing here reaches a
 * browser bundle). The feature folders own the schemas; this file only names the public ones.
 */
export { Session, User } from './accounts/model.ts';
export { CalendarFeed, CreatedCalendarFeed } from './calendar/model.ts';
export { Comment, CommentBody, CommentPage } from './comments/model.ts';
export {
  CreateProjectBody,
  Invitation,
  InvitationList,
  InviteBody,
  Member,
  MemberList,
  PatchMemberBody,
  PatchProjectBody,
  Project,
  ProjectList,
} from './projects/model.ts';
export { Preview, PreviewBody } from './recurrence-preview/model.ts';
export { CreateTaskBody, PatchTaskBody, Priority, RecurrenceMode, Task, TaskPage } from './tasks/model.ts';
export { ParseResult, TaskDraft } from './tasks/parse/model.ts';
export { ApiToken, CreatedApiToken, CreateTokenBody } from './tokens/model.ts';
