// When something happens, as a clock reading that does not go stale: "Tue 14:05" within the
// coming week (or the past one), "Dec 8" further out. The tray's menu and tooltip use it
// instead of a countdown ("in 3h 12m"), which would need a timer to rebuild the menu every
// minute while the app is otherwise idle. Local time, 24-hour, English like the rest of the app.
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_DAYS = 6 * 24 * 3_600_000;

export function clockTime(at: number, now: number): string {
  const date = new Date(at);
  if (Math.abs(at - now) > SIX_DAYS) return `${MONTHS[date.getMonth()]} ${date.getDate()}`;
  const hh = String(date.getHours()).padStart(2, '0');
  const mm = String(date.getMinutes()).padStart(2, '0');
  return `${DAYS[date.getDay()]} ${hh}:${mm}`;
}
