// Where the panel opens: beside the tray icon, on the side the taskbar or menu bar is, inside
// the display's work area. One pure function, the rules of the `menubar` package's
// getWindowPosition (its own code is not used):
// - macOS: the menu bar is always at the top; the panel hangs centred under the icon;
// - Windows and Linux: the taskbar's side is where the work area is cut from the display;
//   the panel sits against it, centred on the icon;
// - Linux trays often report empty bounds (AppIndicator gives no geometry): the cursor,
//   which just clicked the menu, stands in for the icon; with neither, the taskbar's corner.
export interface Point {
  x: number;
  y: number;
}
export interface Rect extends Point {
  width: number;
  height: number;
}
export type TaskbarSide = 'top' | 'bottom' | 'left' | 'right';

export interface PositionInput {
  platform: NodeJS.Platform;
  /** The tray icon's bounds; empty or zero-sized where the platform does not say. */
  tray: Rect | null;
  window: { width: number; height: number };
  display: { bounds: Rect; workArea: Rect };
  cursor?: Point | null;
}

export function taskbarSide(platform: NodeJS.Platform, display: PositionInput['display']): TaskbarSide {
  if (platform === 'darwin') return 'top';
  const { bounds, workArea } = display;
  if (workArea.y > bounds.y) return 'top';
  if (workArea.x > bounds.x) return 'left';
  if (workArea.height < bounds.height) return 'bottom';
  if (workArea.width < bounds.width) return 'right';
  // No taskbar takes room (auto-hidden): Windows' is at the bottom, GNOME's bar at the top.
  return platform === 'win32' ? 'bottom' : 'top';
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), Math.max(min, max));

export function windowPosition({ platform, tray, window, display, cursor }: PositionInput): Point {
  const area = display.workArea;
  const side = taskbarSide(platform, display);
  const anchor = tray && tray.width > 0 && tray.height > 0 ? { x: tray.x + tray.width / 2, y: tray.y + tray.height / 2 } : (cursor ?? null);
  const right = area.x + area.width - window.width;
  const bottom = area.y + area.height - window.height;
  let x: number;
  let y: number;
  if (side === 'top' || side === 'bottom') {
    x = anchor ? anchor.x - window.width / 2 : right;
    y = side === 'top' ? area.y : bottom;
  } else {
    x = side === 'left' ? area.x : right;
    y = anchor ? anchor.y - window.height / 2 : bottom;
  }
  return { x: Math.round(clamp(x, area.x, right)), y: Math.round(clamp(y, area.y, bottom)) };
}
