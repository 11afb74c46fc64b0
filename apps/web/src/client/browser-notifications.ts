/**
 * Browser (system) notifications for live notifications, when the user turned them on here and the
 * browser allows them. The choice is per browser (localStorage): a phone and a laptop may differ.
 */
const KEY = 'tasktide.browser-notifications';

export type BrowserNotificationState = 'unsupported' | 'denied' | 'off' | 'on';

export function browserNotificationState(): BrowserNotificationState {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return Notification.permission === 'granted' && localStorage.getItem(KEY) === 'on' ? 'on' : 'off';
}

/** Asks the browser for permission (it must follow a click) and remembers the choice. */
export async function enableBrowserNotifications(): Promise<BrowserNotificationState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission === 'granted') localStorage.setItem(KEY, 'on');
  return browserNotificationState();
}

export function disableBrowserNotifications(): BrowserNotificationState {
  localStorage.removeItem(KEY);
  return browserNotificationState();
}

/** Shows a system notification if the user wants them; a no-op otherwise. */
export function showBrowserNotification(n: { id: string; title: string; body: string }) {
  if (browserNotificationState() !== 'on') return;
  try {
    new Notification(n.title, { body: n.body, tag: n.id });
  } catch {
    // Some browsers (Android Chrome) only allow them from a service worker: the toast still shows.
  }
}
