import { isTimeZone as isValidTimeZone } from '@tasktide/recurrence-rules';
import { AppError } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { getUser } from '../../accounts/service.ts';
import { requireUser } from '../../auth.ts';
import type { ApiDeps } from '../../context.ts';
import { listProjects } from '../../projects/service.ts';
import { ParseBody, ParseResult } from './model.ts';
import { parseQuickAdd } from './service.ts';

/** `POST /tasks/parse`: a quick-add line → a task draft, nothing saved. */
export function taskParseRoutes(deps: ApiDeps) {
  return new Elysia({ prefix: '/tasks', tags: ['tasks'], detail: { security: [{ bearer: [] }] } })
    .use(requireUser(deps))
    .post(
      '/parse',
      async ({ body, principal }) => {
        const errors: { field: string; message: string }[] = [];
        if (!body.text.trim()) errors.push({ field: '/text', message: 'must not be blank' });
        const timezone = body.timezone ?? (await getUser(deps.db, principal.userId)).timezone;
        if (!isValidTimeZone(timezone))
          errors.push({ field: '/timezone', message: `unknown IANA time zone "${timezone}"` });
        if (errors.length) {
          throw new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
        }
        const projects = (await listProjects(deps.db, principal.userId)).filter((p) => !p.archived);
        return parseQuickAdd(body.text, {
          now: body.now ? new Date(body.now) : deps.clock.now(),
          timezone,
          projects,
        });
      },
      {
        body: ParseBody,
        response: { 200: ParseResult },
        detail: {
          summary: 'Read a quick-add line into a task draft (nothing is saved)',
          description:
            'Understands dates and times (via chrono-node), repetition ("every month on the 1st", "every weekday", ' +
            '"every 2 weeks on tuesday", "daily at 9", "for 5 times", "until june 1"), #tags, priorities ' +
            '(!high !medium !low, !1 !2 !3, !! for high), reminders ("remind me 1 hour before") and +project ' +
            '(todo.txt style: one of my projects by name, case-insensitive, spaces written as dashes; an unknown name ' +
            'stays in the title with a warning and the task goes to the Inbox). ' +
            "Dates are read in `timezone` (default: the user's); a date without a time is due at 09:00. " +
            '`draft` can be sent to POST /tasks as it is.',
        },
      },
    );
}
