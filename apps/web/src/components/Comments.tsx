import { can } from '@tasktide/access';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError, call, query } from '../client/api.ts';
import { memberName } from '../client/projects.ts';
import type { Comment, CommentPage, Member, Project, Task, User } from '../client/types.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner } from './Field.tsx';

const PAGE = 20;

/**
 * A task's comments, oldest first, a page at a time ("Show more" follows the cursor); any member
 * adds one, its author edits or deletes it, an admin deletes any.
 */
export function Comments(props: {
  task: Task;
  project: Project | undefined;
  members?: Member[];
  user: User;
  /** Changes when comments may have changed elsewhere (a live event): the thread reloads. */
  refreshKey?: unknown;
}) {
  const { task, user } = props;
  const role = props.project?.role ?? null;
  const [items, setItems] = useState<Comment[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [body, setBody] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  // A reload (a live change) fetches as many as are shown, so an expanded thread stays expanded.
  const shown = useRef(0);
  shown.current = items.length;
  async function load(cursor: string | null, limit = PAGE) {
    setLoading(true);
    try {
      const page = await call<CommentPage>('GET', `/tasks/${task.id}/comments${query({ limit, cursor })}`);
      setItems((list) => (cursor ? [...list, ...page.items] : page.items));
      setNext(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(asApiError(err, 'Could not load comments'));
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    shown.current = 0;
    load(null);
  }, [task.id]);
  const seenKey = useRef(props.refreshKey);
  useEffect(() => {
    if (seenKey.current === props.refreshKey) return; // the first load is the one above
    seenKey.current = props.refreshKey;
    load(null, Math.min(100, Math.max(PAGE, shown.current)));
  }, [props.refreshKey]);

  async function add(e: Event) {
    e.preventDefault();
    try {
      const comment = await call<Comment>('POST', `/tasks/${task.id}/comments`, { body });
      setBody('');
      // A new comment is the newest: it belongs on the page only once every older one is shown.
      if (!next) setItems((list) => [...list, comment]);
      setError(null);
    } catch (err) {
      setError(asApiError(err));
    }
  }
  const replace = (comment: Comment | null, id: string) =>
    setItems((list) => (comment ? list.map((c) => (c.id === id ? comment : c)) : list.filter((c) => c.id !== id)));

  return (
    <section aria-labelledby="comments-title" class="comments">
      <h3 id="comments-title">Comments</h3>
      <ErrorBanner error={error} />
      {!loading && items.length === 0 && <p class="empty">No comments yet.</p>}
      <ol class="rows">
        {items.map((c) => (
          <CommentItem
            key={c.id}
            comment={c}
            author={memberName(props.members, c.author_id, user.id)}
            zone={user.timezone}
            mayEdit={c.author_id === user.id}
            mayDelete={c.author_id === user.id || can(role, 'comment.moderate')}
            onChanged={(updated) => replace(updated, c.id)}
            onError={setError}
          />
        ))}
      </ol>
      {next && (
        <button type="button" onClick={() => load(next)} disabled={loading}>
          Show more comments
        </button>
      )}
      {can(role, 'comment.create') && (
        <form onSubmit={add} class="comment-form">
          <label for="comment-body">Add a comment</label>
          <textarea
            id="comment-body"
            rows={2}
            maxLength={10_000}
            value={body}
            onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <button type="submit" disabled={!body.trim()}>
            Post comment
          </button>
        </form>
      )}
    </section>
  );
}

function CommentItem(props: {
  comment: Comment;
  author: string;
  zone: string;
  mayEdit: boolean;
  mayDelete: boolean;
  onChanged(comment: Comment | null): void;
  onError(error: ApiError | null): void;
}) {
  const { comment: c } = props;
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(c.body);
  const editRef = useRef<HTMLTextAreaElement>(null);
  // Focus follows the user into the editor it opened.
  useEffect(() => {
    if (editing) editRef.current?.focus();
  }, [editing]);
  const path = `/tasks/${c.task_id}/comments/${c.id}`;
  async function run(action: () => Promise<Comment | null>) {
    try {
      props.onChanged(await action());
      props.onError(null);
      setEditing(false);
    } catch (err) {
      props.onError(asApiError(err));
    }
  }
  return (
    <li class="row-item row-item--stack comment">
      <p class="meta">
        <strong>{props.author}</strong>
        <time dateTime={c.created_at}>{formatDateTime(c.created_at, props.zone)}</time>
        {c.updated_at !== c.created_at && <span class="hint">(edited)</span>}
      </p>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            run(() => call<Comment>('PATCH', path, { body }));
          }}
        >
          <label for={`comment-edit-${c.id}`} class="sr-only">
            Edit comment
          </label>
          <textarea
            id={`comment-edit-${c.id}`}
            rows={2}
            value={body}
            onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)}
            ref={editRef}
          />
          <div class="row row--tight">
            <button type="submit">Save comment</button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p class="comment-body">{c.body}</p>
      )}
      {!editing && (props.mayEdit || props.mayDelete) && (
        <div class="row row--tight">
          {props.mayEdit && (
            <button type="button" class="link" onClick={() => setEditing(true)}>
              Edit comment
            </button>
          )}
          {props.mayDelete && (
            <button type="button" class="link" onClick={() => run(() => call('DELETE', path).then(() => null))}>
              Delete comment
            </button>
          )}
        </div>
      )}
    </li>
  );
}
