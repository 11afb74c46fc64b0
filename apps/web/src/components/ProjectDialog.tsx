import { can } from '@tasktide/access';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import type { Member, MemberList, MemberRole, Project, User } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorBanner, Field } from './Field.tsx';

const ROLES: Array<[MemberRole, string]> = [
  ['viewer', 'Viewer — reads and comments'],
  ['editor', 'Editor — also changes tasks'],
  ['admin', 'Admin — also members and settings'],
];

/**
 * One project's share dialog: its members with role and status, inviting by email, changing a
 * role and removing (admins), leaving; and, for admins, its name, colour, archive and delete.
 * What is offered follows the caller's `role` through the one policy (`can`).
 */
export function ProjectDialog(props: { project: Project; user: User; onClose(): void; onChanged(): void }) {
  const { project, user } = props;
  const manage = can(project.role, 'members.manage');
  const [membersKey, setMembersKey] = useState(0);
  const members = useApi<MemberList>(`/projects/${project.id}/members`, membersKey);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');

  async function run(action: () => Promise<unknown>, done: string, after: 'members' | 'close' = 'members') {
    setError(null);
    try {
      await action();
      setStatus(done);
      props.onChanged();
      if (after === 'close') props.onClose();
      else setMembersKey((k) => k + 1);
    } catch (err) {
      setError(asApiError(err));
    }
  }
  const title = `“${project.name}”`;
  return (
    <Dialog labelledBy="project-dialog-title" onClose={props.onClose}>
      <header class="dialog-header">
        <h2 id="project-dialog-title">Share {title}</h2>
        <button type="button" class="icon" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </header>
      <p class="hint">Your role: {project.role}</p>
      <ErrorBanner error={error ?? members.error} />
      <output class="status">{status}</output>
      {manage && <InviteForm project={project} run={run} />}
      <section aria-labelledby="members-title">
        <h3 id="members-title">Members</h3>
        <ul class="rows">
          {members.data?.items.map((m) => (
            <MemberRow key={m.user_id} member={m} project={project} me={user.id} manage={manage} run={run} />
          ))}
        </ul>
      </section>
      {can(project.role, 'project.update') && <ProjectSettings project={project} run={run} />}
      <div class="actions">
        <button
          type="button"
          class="danger"
          onClick={() =>
            run(() => call('DELETE', `/projects/${project.id}/members/${user.id}`), `You left ${title}.`, 'close')
          }
        >
          Leave project
        </button>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

type Run = (action: () => Promise<unknown>, done: string, after?: 'members' | 'close') => Promise<void>;

function InviteForm({ project, run }: { project: Project; run: Run }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('editor');
  const str = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  return (
    <form
      class="card"
      aria-labelledby="invite-title"
      onSubmit={(e) => {
        e.preventDefault();
        run(async () => {
          await call('POST', `/projects/${project.id}/invitations`, { email: email.trim(), role });
          setEmail('');
        }, `Invited ${email.trim()} as ${role}.`);
      }}
    >
      <h3 id="invite-title">Invite someone</h3>
      <div class="row">
        <Field id="invite-email" label="Email">
          {(aria) => (
            <input {...aria} type="email" autoComplete="off" value={email} onInput={(e) => setEmail(str(e))} />
          )}
        </Field>
        <Field id="invite-role" label="Role">
          {(aria) => (
            <select {...aria} value={role} onChange={(e) => setRole(str(e) as MemberRole)}>
              {ROLES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <button type="submit" class="primary" disabled={!email.trim()}>
        Send invitation
      </button>
    </form>
  );
}

function MemberRow(props: { member: Member; project: Project; me: string; manage: boolean; run: Run }) {
  const { member: m, project, run } = props;
  const who = m.user_id === props.me ? `${m.display_name} (you)` : m.display_name;
  const path = `/projects/${project.id}/members/${m.user_id}`;
  return (
    <li class="row-item">
      <div class="grow">
        <strong>{who}</strong> <span class="hint">{m.email}</span>
        <p class="meta">
          {!props.manage && <span class="badge">{m.role}</span>}
          {m.status === 'invited' && <span class="badge badge--pending">invited</span>}
        </p>
      </div>
      {props.manage && m.user_id !== props.me && (
        <div class="row row--tight">
          <label for={`role-${m.user_id}`} class="sr-only">
            Role of {m.display_name}
          </label>
          <select
            id={`role-${m.user_id}`}
            value={m.role}
            onChange={(e) => {
              const role = (e.currentTarget as HTMLSelectElement).value;
              run(() => call('PATCH', path, { role }), `${m.display_name} is now ${role}.`);
            }}
          >
            {ROLES.map(([value]) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="danger"
            onClick={() => run(() => call('DELETE', path), `${m.display_name} removed.`)}
            aria-label={`${m.status === 'invited' ? 'Withdraw the invitation of' : 'Remove'} ${m.display_name}`}
          >
            {m.status === 'invited' ? 'Withdraw' : 'Remove'}
          </button>
        </div>
      )}
      {props.manage && m.user_id === props.me && <span class="badge">{m.role}</span>}
    </li>
  );
}

function ProjectSettings({ project, run }: { project: Project; run: Run }) {
  const [name, setName] = useState(project.name);
  const [color, setColor] = useState(project.color ?? '#1f5fbf');
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.querySelector('button')?.focus();
  }, [confirming]);
  const str = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  const patch = (body: Record<string, unknown>) => () => call('PATCH', `/projects/${project.id}`, body);
  return (
    <section aria-labelledby="project-settings-title">
      <h3 id="project-settings-title">Project settings</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(patch({ name: name.trim(), color }), 'Project saved.');
        }}
      >
        <div class="row">
          <Field id="project-name" label="Name">
            {(aria) => <input {...aria} value={name} maxLength={120} onInput={(e) => setName(str(e))} />}
          </Field>
          <Field id="project-color" label="Colour">
            {(aria) => <input {...aria} type="color" class="color" value={color} onInput={(e) => setColor(str(e))} />}
          </Field>
        </div>
        <div class="row row--tight">
          <button type="submit">Save project</button>
          <button
            type="button"
            onClick={() =>
              run(
                patch({ archived: !project.archived }),
                project.archived ? 'Project restored.' : 'Project archived.',
                'close',
              )
            }
          >
            {project.archived ? 'Restore project' : 'Archive project'}
          </button>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete project
          </button>
        </div>
      </form>
      {confirming && (
        <fieldset class="confirm card--danger" ref={confirmRef}>
          <legend>Delete “{project.name}”?</legend>
          <p>
            Every task in this project is deleted too, with its comments, for every member. This cannot be undone —
            archive the project instead to keep them.
          </p>
          <button
            type="button"
            class="danger"
            onClick={() => run(() => call('DELETE', `/projects/${project.id}`), `“${project.name}” deleted.`, 'close')}
          >
            Delete project and its tasks
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </fieldset>
      )}
    </section>
  );
}
