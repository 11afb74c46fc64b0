import { useEffect, useState } from 'preact/hooks';
import { ApiError, call } from '../client/api.ts';
import {
  defaultModel,
  type Freq,
  fromRule,
  PRESETS,
  presetOf,
  type RuleModel,
  toRule,
  WEEKDAY_NAMES,
  WEEKDAYS,
} from '../client/rrule.ts';
import type { Preview } from '../client/types.ts';
import { formatDateTime } from '../client/zone.ts';

const UNITS: Record<Freq, string> = { DAILY: 'day(s)', WEEKLY: 'week(s)', MONTHLY: 'month(s)', YEARLY: 'year(s)' };
const NTH: Array<[number, string]> = [
  [1, 'first'],
  [2, 'second'],
  [3, 'third'],
  [4, 'fourth'],
  [-1, 'last'],
];

/**
 * Repeat: presets, or a custom rule built from parts (or typed as RRULE text), with the next five
 * due dates computed by the api's recurrence engine as the user edits.
 */
export function RecurrenceField(props: {
  value: string | null;
  onChange(rule: string | null): void;
  /** The first due date (ISO), or null when none is set yet. */
  dueAt: string | null;
  zone: string;
  error?: string;
}) {
  const { value, onChange, dueAt, zone } = props;
  const [preset, setPreset] = useState(presetOf(value));
  const [model, setModel] = useState<RuleModel>(() => (value && fromRule(value)) || defaultModel());
  const [text, setText] = useState(value ?? '');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);

  useEffect(() => {
    setPreview(null);
    setPreviewError(null);
    if (!value || !dueAt) return;
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const result = await call<Preview>('POST', '/recurrence/preview', {
          recurrence: value,
          due_at: dueAt,
          timezone: zone,
        });
        if (current) setPreview(result);
      } catch (err) {
        if (!current) return;
        setPreviewError(err instanceof ApiError ? (err.byField().recurrence ?? err.detail) : String(err));
      }
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [value, dueAt, zone]);

  function choosePreset(id: string) {
    setPreset(id);
    const rule = id === 'custom' ? toRule(model) : (PRESETS.find((p) => p.id === id)?.rule ?? null);
    setText(rule ?? '');
    onChange(rule);
  }
  function update(patch: Partial<RuleModel>) {
    const next = { ...model, ...patch };
    setModel(next);
    const rule = toRule(next);
    setText(rule);
    onChange(rule);
  }
  function editText(raw: string) {
    setText(raw);
    onChange(raw.trim() || null);
    const parsed = fromRule(raw.trim());
    if (parsed) setModel(parsed);
  }
  const num = (e: Event) => Number((e.currentTarget as HTMLInputElement).value);
  const str = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  return (
    <fieldset class={`recurrence${props.error ? ' field--invalid' : ''}`}>
      <legend>Repeat</legend>
      <div class="field">
        <label for="task-repeat">Repeats</label>
        <select
          id="task-repeat"
          value={preset}
          onChange={(e) => choosePreset(str(e))}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'task-repeat-error' : undefined}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      {preset === 'custom' && (
        <div class="builder">
          <div class="row">
            <div class="field field--narrow">
              <label for="rule-interval">Every</label>
              <input
                id="rule-interval"
                type="number"
                min={1}
                max={1000}
                value={model.interval}
                onInput={(e) => update({ interval: Math.max(1, num(e) || 1) })}
              />
            </div>
            <div class="field">
              <label for="rule-freq">Unit</label>
              <select id="rule-freq" value={model.freq} onChange={(e) => update({ freq: str(e) as Freq })}>
                {(Object.keys(UNITS) as Freq[]).map((f) => (
                  <option key={f} value={f}>
                    {UNITS[f]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {model.freq === 'WEEKLY' && (
            <fieldset class="weekdays">
              <legend>On</legend>
              {WEEKDAYS.map((d) => (
                <label key={d} class="check">
                  <input
                    aria-label={WEEKDAY_NAMES[d]}
                    type="checkbox"
                    checked={model.byDay.includes(d)}
                    onChange={(e) =>
                      update({
                        byDay: (e.currentTarget as HTMLInputElement).checked
                          ? [...model.byDay, d]
                          : model.byDay.filter((x) => x !== d),
                      })
                    }
                  />
                  <span aria-hidden="true">{WEEKDAY_NAMES[d]?.slice(0, 3)}</span>
                </label>
              ))}
            </fieldset>
          )}
          {model.freq === 'MONTHLY' && (
            <fieldset>
              <legend>On</legend>
              <label class="check">
                <input
                  type="radio"
                  name="monthly"
                  checked={model.monthly === 'same'}
                  onChange={() => update({ monthly: 'same' })}
                />
                the due date's day
              </label>
              <div class="check">
                <input
                  id="monthly-day"
                  type="radio"
                  name="monthly"
                  checked={model.monthly === 'day'}
                  onChange={() => update({ monthly: 'day' })}
                />
                <label for="monthly-day">day</label>
                <label class="sr-only" for="rule-monthday">
                  Day of the month
                </label>
                <input
                  id="rule-monthday"
                  type="number"
                  min={-1}
                  max={31}
                  class="tiny"
                  value={model.monthDay}
                  onInput={(e) => update({ monthly: 'day', monthDay: num(e) || 1 })}
                />
              </div>
              <div class="check">
                <input
                  id="monthly-nth"
                  type="radio"
                  name="monthly"
                  checked={model.monthly === 'nth'}
                  onChange={() => update({ monthly: 'nth' })}
                />
                <label for="monthly-nth">the</label>
                <label class="sr-only" for="rule-nth">
                  Which week
                </label>
                <select id="rule-nth" value={model.nth} onChange={(e) => update({ monthly: 'nth', nth: num(e) })}>
                  {NTH.map(([n, label]) => (
                    <option key={n} value={n}>
                      {label}
                    </option>
                  ))}
                </select>
                <label class="sr-only" for="rule-nthday">
                  Weekday
                </label>
                <select
                  id="rule-nthday"
                  value={model.nthDay}
                  onChange={(e) => update({ monthly: 'nth', nthDay: str(e) })}
                >
                  {WEEKDAYS.map((d) => (
                    <option key={d} value={d}>
                      {WEEKDAY_NAMES[d]}
                    </option>
                  ))}
                </select>
              </div>
            </fieldset>
          )}
          <fieldset>
            <legend>Ends</legend>
            <label class="check">
              <input
                type="radio"
                name="ends"
                checked={model.end === 'never'}
                onChange={() => update({ end: 'never' })}
              />
              never
            </label>
            <div class="check">
              <input
                id="ends-count"
                type="radio"
                name="ends"
                checked={model.end === 'count'}
                onChange={() => update({ end: 'count' })}
              />
              <label for="ends-count">after</label>
              <label class="sr-only" for="rule-count">
                Number of times
              </label>
              <input
                id="rule-count"
                type="number"
                min={1}
                class="tiny"
                value={model.count}
                onInput={(e) => update({ end: 'count', count: Math.max(1, num(e) || 1) })}
              />
              <span>times</span>
            </div>
            <div class="check">
              <input
                id="ends-until"
                type="radio"
                name="ends"
                checked={model.end === 'until'}
                onChange={() => update({ end: 'until' })}
              />
              <label for="ends-until">until</label>
              <label class="sr-only" for="rule-until">
                Last date
              </label>
              <input
                id="rule-until"
                type="date"
                value={model.until}
                onInput={(e) => update({ end: 'until', until: str(e) })}
              />
            </div>
          </fieldset>
          <div class="field">
            <label for="rule-text">Rule (RFC 5545 RRULE)</label>
            <input id="rule-text" class="mono" value={text} onInput={(e) => editText(str(e))} spellcheck={false} />
          </div>
        </div>
      )}
      {props.error && (
        <p class="field-error" id="task-repeat-error">
          {props.error}
        </p>
      )}
      <div class="preview" aria-live="polite">
        {value && !dueAt && <p class="hint">Set a due date to see the next dates.</p>}
        {previewError && <p class="field-error">{previewError}</p>}
        {preview && (
          <>
            <p>
              Repeats <strong>{preview.description}</strong>. Next dates:
            </p>
            <ol class="next-dates" aria-label="Next five due dates">
              {preview.occurrences.map((o) => (
                <li key={o}>{formatDateTime(o, zone)}</li>
              ))}
            </ol>
          </>
        )}
      </div>
    </fieldset>
  );
}
