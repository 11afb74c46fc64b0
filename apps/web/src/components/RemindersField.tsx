import { useState } from 'preact/hooks';

const PRESET_MINUTES: Array<[number, string]> = [
  [1440, '1 day before'],
  [60, '1 hour before'],
];

/** "2 hours before", "15 minutes before", "at the due time". */
export function describeReminder(minutes: number): string {
  if (minutes === 0) return 'at the due time';
  const [n, unit] =
    minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'} before`;
}

/** Reminders: the common presets as checkboxes, plus any number of custom minute offsets. */
export function RemindersField(props: { value: number[]; onChange(value: number[]): void; error?: string }) {
  const { value, onChange } = props;
  const [custom, setCustom] = useState('');
  const [customError, setCustomError] = useState('');
  const toggle = (minutes: number, on: boolean) =>
    onChange(on ? [...value, minutes] : value.filter((m) => m !== minutes));
  const others = value.filter((m) => !PRESET_MINUTES.some(([p]) => p === m)).sort((a, b) => b - a);

  function add() {
    const minutes = Number(custom);
    if (!custom.trim() || !Number.isInteger(minutes) || minutes < 0) {
      setCustomError('Enter a whole number of minutes, 0 or more');
      return;
    }
    setCustomError('');
    if (!value.includes(minutes)) onChange([...value, minutes]);
    setCustom('');
  }

  return (
    <fieldset
      class={`reminders${props.error ? ' field--invalid' : ''}`}
      aria-describedby={props.error ? 'reminders-error' : undefined}
    >
      <legend>Reminders</legend>
      {PRESET_MINUTES.map(([minutes, label]) => (
        <label key={minutes} class="check">
          <input
            type="checkbox"
            checked={value.includes(minutes)}
            onChange={(e) => toggle(minutes, (e.currentTarget as HTMLInputElement).checked)}
          />
          {label}
        </label>
      ))}
      {others.length > 0 && (
        <ul class="chips" aria-label="Custom reminders">
          {others.map((m) => (
            <li key={m} class="chip">
              {describeReminder(m)}
              <button
                type="button"
                class="icon"
                onClick={() => toggle(m, false)}
                aria-label={`Remove reminder ${describeReminder(m)}`}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="row row--end">
        <div class="field field--narrow">
          <label for="reminder-custom">Custom: minutes before</label>
          <input
            id="reminder-custom"
            type="number"
            min={0}
            inputMode="numeric"
            value={custom}
            onInput={(e) => setCustom((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            aria-invalid={customError ? 'true' : undefined}
            aria-describedby={customError ? 'reminder-custom-error' : undefined}
          />
        </div>
        <button type="button" onClick={add}>
          Add reminder
        </button>
      </div>
      {customError && (
        <p class="field-error" id="reminder-custom-error">
          {customError}
        </p>
      )}
      {props.error && (
        <p class="field-error" id="reminders-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
