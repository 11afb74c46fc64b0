import { useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import { reorder, sidebarOrder } from '../client/projects.ts';
import type { Invitation, Project } from '../client/types.ts';
import { ErrorBanner } from './Field.tsx';

const DEFAULT_COLOR = '#1f5fbf';

/**
 * The caller's projects (Inbox first, then their own order): pick one to filter the task list,
 * move one up or down, open its share dialog, make a new one; pending invitations to accept or
 * decline sit on top.
 */
export function ProjectSidebar(props: {
  projects: Project[];
  invitations: Invitation[];
  selected: string | null;
  onSelect(id: string | null): void;
  onManage(project: Project): void;
  onChanged(): void;
}) {
  const [name, setName] = useState('');
  const [color, setColor] = useState(DEFAULT_COLOR);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const ordered = sidebarOrder(props.projects);
  const movable = ordered.filter((p) => !p.is_inbox && !p.archived);

  async function run(action: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await action();
      setStatus(done);
      props.onChanged();
    } catch (err) {
      setError(asApiError(err));
    }
  }

  const create = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const project = await call<Project>('POST', '/projects', { name: name.trim(), color });
      setName('');
      props.onSelect(project.id);
    }, `Project “${name.trim()}” created.`);
  };
  const move = (project: Project, by: -1 | 1) =>
    run(
      () => Promise.all(reorder(props.projects, project.id, by).map((p) => call('PATCH', `/projects/${p.id}`, p))),
      `“${project.name}” moved ${by < 0 ? 'up' : 'down'}.`,
    );
  const answer = (invitation: Invitation, verb: 'accept' | 'decline') =>
    run(
      () => call('POST', `/invitations/${invitation.project_id}/${verb}`),
      `Invitation to “${invitation.project_name}” ${verb}ed.`,
    );

  return (
    <aside class="sidebar card" aria-labelledby="projects-title">
      <h2 id="projects-title">Projects</h2>
      {props.invitations.length > 0 && (
        <section aria-labelledby="invitations-title" class="invitations">
          <h3 id="invitations-title">Invitations</h3>
          <ul class="plain-list">
            {props.invitations.map((inv) => (
              <li key={inv.project_id} class="invitation">
                <span>
                  <strong>{inv.project_name}</strong> as {inv.role}
                </span>
                <span class="row row--tight">
                  <button
                    type="button"
                    onClick={() => answer(inv, 'accept')}
                    aria-label={`Accept “${inv.project_name}”`}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    onClick={() => answer(inv, 'decline')}
                    aria-label={`Decline “${inv.project_name}”`}
                  >
                    Decline
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <ul class="projects plain-list">
        <li class="project">
          <button
            type="button"
            class="project-pick"
            aria-pressed={props.selected === null}
            onClick={() => props.onSelect(null)}
          >
            All projects
          </button>
        </li>
        {ordered.map((project) => {
          const index = movable.indexOf(project);
          return (
            <li key={project.id} class={`project${project.archived ? ' project--archived' : ''}`}>
              <button
                type="button"
                class="project-pick"
                aria-pressed={props.selected === project.id}
                onClick={() => props.onSelect(project.id)}
              >
                <span class="swatch" style={{ background: project.color ?? 'transparent' }} aria-hidden="true" />
                {project.name}
                {project.archived && <span class="hint"> (archived)</span>}
                {project.role !== 'admin' && <span class="hint"> · {project.role}</span>}
              </button>
              {!project.is_inbox && (
                <span class="project-tools">
                  {index >= 0 && (
                    <>
                      <button
                        type="button"
                        class="icon"
                        disabled={index === 0}
                        onClick={() => move(project, -1)}
                        aria-label={`Move “${project.name}” up`}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        class="icon"
                        disabled={index === movable.length - 1}
                        onClick={() => move(project, 1)}
                        aria-label={`Move “${project.name}” down`}
                      >
                        ↓
                      </button>
                    </>
                  )}
                  <button type="button" onClick={() => props.onManage(project)} aria-label={`Share “${project.name}”`}>
                    Share
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <form class="new-project" onSubmit={create} aria-labelledby="new-project-title">
        <h3 id="new-project-title">New project</h3>
        <div class="row row--tight">
          <label for="new-project-name" class="sr-only">
            Project name
          </label>
          <input
            id="new-project-name"
            placeholder="Project name"
            value={name}
            maxLength={120}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          />
          <label for="new-project-color" class="sr-only">
            Project colour
          </label>
          <input
            id="new-project-color"
            type="color"
            class="color"
            value={color}
            onInput={(e) => setColor((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" disabled={!name.trim()}>
            Add project
          </button>
        </div>
      </form>
      <ErrorBanner error={error} />
      <output class="sr-only">{status}</output>
    </aside>
  );
}
