import type { Priority } from '../client/types.ts';

export interface TaskFilters {
  q: string;
  status: 'open' | 'completed' | 'all';
  priorities: Priority[];
  tags: string;
  tagMode: 'any' | 'all';
  dueAfter: string;
  dueBefore: string;
  overdue: boolean;
  recurring: '' | 'true' | 'false';
  sort: string;
  limit: number;
  /** Only tasks assigned to me (`assignee=me`). */
  mine: boolean;
}

export const defaultFilters = (): TaskFilters => ({
  q: '',
  status: 'open',
  priorities: [],
  tags: '',
  tagMode: 'any',
  dueAfter: '',
  dueBefore: '',
  overdue: false,
  recurring: '',
  sort: 'due_at',
  limit: 20,
  mine: false,
});

const SORTS: Array<[string, string]> = [
  ['due_at', 'Due date (soonest first)'],
  ['-due_at', 'Due date (latest first)'],
  ['-priority,due_at', 'Priority (highest first)'],
  ['-created_at', 'Newest first'],
  ['-updated_at', 'Recently changed'],
  ['title', 'Title (A–Z)'],
];
const PRIORITIES: Priority[] = ['high', 'medium', 'low', 'none'];

/** Search box, filters, sort and page size; every change applies at once. */
export function Filters({ value, onChange }: { value: TaskFilters; onChange(next: TaskFilters): void }) {
  const set = <K extends keyof TaskFilters>(key: K, v: TaskFilters[K]) => onChange({ ...value, [key]: v });
  const str = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  const active =
    value.priorities.length +
    (value.tags ? 1 : 0) +
    (value.dueAfter ? 1 : 0) +
    (value.dueBefore ? 1 : 0) +
    (value.overdue ? 1 : 0) +
    (value.recurring ? 1 : 0);
  return (
    <section class="filters card" aria-label="Search and filters">
      <form class="row row--tight" aria-label="Search" onSubmit={(e) => e.preventDefault()}>
        <label for="search" class="sr-only">
          Search tasks
        </label>
        <input id="search" type="search" placeholder="Search tasks" value={value.q} onInput={(e) => set('q', str(e))} />
      </form>
      <div class="row">
        <div class="field">
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={value.status}
            onChange={(e) => set('status', str(e) as TaskFilters['status'])}
          >
            <option value="open">Open</option>
            <option value="completed">Completed</option>
            <option value="all">All</option>
          </select>
        </div>
        <div class="field">
          <label for="sort">Sort by</label>
          <select id="sort" value={value.sort} onChange={(e) => set('sort', str(e))}>
            {SORTS.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={value.mine}
            onChange={(e) => set('mine', (e.currentTarget as HTMLInputElement).checked)}
          />
          Assigned to me
        </label>
      </div>
      <details>
        <summary>More filters{active ? ` (${active} active)` : ''}</summary>
        <fieldset class="inline">
          <legend>Priority</legend>
          {PRIORITIES.map((p) => (
            <label key={p} class="check">
              <input
                type="checkbox"
                checked={value.priorities.includes(p)}
                onChange={(e) =>
                  set(
                    'priorities',
                    (e.currentTarget as HTMLInputElement).checked
                      ? [...value.priorities, p]
                      : value.priorities.filter((x) => x !== p),
                  )
                }
              />
              {p}
            </label>
          ))}
        </fieldset>
        <div class="row">
          <div class="field">
            <label for="filter-tags">Tags</label>
            <input id="filter-tags" value={value.tags} onInput={(e) => set('tags', str(e))} placeholder="bills, home" />
          </div>
          <div class="field">
            <label for="filter-tag-mode">Match</label>
            <select
              id="filter-tag-mode"
              value={value.tagMode}
              onChange={(e) => set('tagMode', str(e) as 'any' | 'all')}
            >
              <option value="any">any tag</option>
              <option value="all">all tags</option>
            </select>
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="filter-due-after">Due from</label>
            <input id="filter-due-after" type="date" value={value.dueAfter} onInput={(e) => set('dueAfter', str(e))} />
          </div>
          <div class="field">
            <label for="filter-due-before">Due until</label>
            <input
              id="filter-due-before"
              type="date"
              value={value.dueBefore}
              onInput={(e) => set('dueBefore', str(e))}
            />
          </div>
        </div>
        <div class="row">
          <label class="check">
            <input
              type="checkbox"
              checked={value.overdue}
              onChange={(e) => set('overdue', (e.currentTarget as HTMLInputElement).checked)}
            />
            Overdue only
          </label>
          <div class="field">
            <label for="filter-recurring">Repeating</label>
            <select
              id="filter-recurring"
              value={value.recurring}
              onChange={(e) => set('recurring', str(e) as TaskFilters['recurring'])}
            >
              <option value="">any</option>
              <option value="true">repeating only</option>
              <option value="false">one-off only</option>
            </select>
          </div>
          <div class="field">
            <label for="page-size">Per page</label>
            <select id="page-size" value={value.limit} onChange={(e) => set('limit', Number(str(e)))}>
              {[10, 20, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button
          type="button"
          class="link"
          onClick={() => onChange({ ...defaultFilters(), q: value.q, mine: value.mine })}
        >
          Reset filters
        </button>
      </details>
    </section>
  );
}
