/**
 * Human-readable text for a recurrence, via rrule.js' toText (English only, best effort).
 */
import { RRule } from 'rrule';
import { parseInput } from './normalize.ts';
import { type RecurrenceRule, ruleParts } from './rule.ts';

/**
 * rrule.js' toText ignores BYSETPOS ("every month on Friday" for the last Friday), so the common
 * "nth weekday" spelling BYDAY=FR;BYSETPOS=-1 is rewritten to the equivalent BYDAY=-1FR first.
 */
function textFriendly(rule: RecurrenceRule): RecurrenceRule {
  const { BYDAY, BYSETPOS, ...rest } = rule.by;
  const single = (value?: string) => value !== undefined && !value.includes(',');
  // A yearly set spans all its BYMONTH months, so the rewrite is only equal for a single month.
  const monthsOk = rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && single(rest.BYMONTH ?? '1'));
  const otherParts = Object.keys(rest).filter((key) => key !== 'WKST' && key !== 'BYMONTH');
  if (!single(BYDAY) || !single(BYSETPOS) || otherParts.length > 0 || !/^[A-Z]{2}$/.test(BYDAY ?? '')) return rule;
  if (!monthsOk) return rule;
  return { ...rule, by: { ...rest, BYDAY: `${BYSETPOS}${BYDAY}` } };
}

/**
 * Describes a rule for people, e.g. `every 2 weeks on Tuesday`, `every month on the last Friday`,
 * `every month for 3 times`. Invalid input is returned unchanged (never throws); parts rrule.js cannot
 * put into words are appended as the raw rule.
 *
 * @example
 * describeRecurrence('RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU') // 'every 2 weeks on Tuesday'
 */
export function describeRecurrence(rule: string): string {
  const parsed = parseInput(rule);
  if (!parsed.ok) return rule;
  try {
    const friendly = textFriendly(parsed.rule);
    const rrule = RRule.fromString(ruleParts(friendly).join(';'));
    let text = rrule.toText();
    // rrule.js prints BYMONTHDAY=-1 as "on the last" (no noun).
    if (friendly.by.BYMONTHDAY?.includes('-') && !friendly.by.BYDAY)
      text = text.replace(/\blast\b(?! day)/g, 'last day');
    // toText silently drops BYSETPOS ("every month on weekdays" for the last weekday): show the rule.
    if (!rrule.isFullyConvertibleToText() || friendly.by.BYSETPOS) text += ` (${ruleParts(parsed.rule).join(';')})`;
    const skipped = new Set(parsed.rule.exdates.map((e) => e.text)).size;
    if (skipped > 0) text += `, except ${skipped} date${skipped === 1 ? '' : 's'}`;
    return text;
  } catch {
    return rule;
  }
}
