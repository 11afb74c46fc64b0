import type { Session } from '../client/types.ts';
import { AccountSettings } from './AccountSettings.tsx';
import { ApiTokens } from './ApiTokens.tsx';
import { CalendarSettings } from './CalendarSettings.tsx';
import { NotificationSettings } from './NotificationSettings.tsx';
import { Webhooks } from './Webhooks.tsx';

export const SETTINGS_SECTIONS = [
  ['account', 'Account'],
  ['notifications', 'Notifications'],
  ['calendar', 'Calendar feed'],
  ['tokens', 'API tokens'],
  ['webhooks', 'Webhooks'],
] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number][0];

/** Settings: one section at a time, chosen from a sub-navigation (each has its own #settings/… address). */
export function Settings(props: {
  section: SettingsSection;
  session: Session;
  onSession(s: Session): void;
  onSignOut(): void;
}) {
  const user = props.session.user;
  return (
    <div class="settings">
      <nav aria-label="Settings" class="subnav">
        {SETTINGS_SECTIONS.map(([id, label]) => (
          <a key={id} href={`#settings/${id}`} aria-current={props.section === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <div class="settings-body">
        {props.section === 'account' && (
          <AccountSettings session={props.session} onSession={props.onSession} onSignOut={props.onSignOut} />
        )}
        {props.section === 'notifications' && <NotificationSettings user={user} />}
        {props.section === 'calendar' && <CalendarSettings user={user} />}
        {props.section === 'tokens' && <ApiTokens user={user} />}
        {props.section === 'webhooks' && <Webhooks user={user} />}
      </div>
    </div>
  );
}
