import ICAL from 'ical.js';

/** Parses a feed with Mozilla's ical.js (Thunderbird's parser) and registers its VTIMEZONEs, as a client does. */
export function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return calendar;
}
