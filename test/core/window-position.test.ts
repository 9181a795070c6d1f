// Where the panel opens on each platform, from the tray's bounds and the display's work area.
import { describe, expect, it } from 'vitest';
import { taskbarSide, windowPosition } from '../../main/core/ui/window-position.ts';

const window = { width: 460, height: 640 };
const screen = { x: 0, y: 0, width: 1920, height: 1080 };
const display = (workArea: { x: number; y: number; width: number; height: number }) => ({ bounds: screen, workArea });

describe('windowPosition', () => {
  it('macOS: centred under the icon, just below the menu bar', () => {
    const d = display({ x: 0, y: 25, width: 1920, height: 1055 });
    expect(windowPosition({ platform: 'darwin', tray: { x: 1500, y: 0, width: 22, height: 24 }, window, display: d })).toEqual({ x: 1281, y: 25 });
  });

  it('macOS: an icon near the right edge keeps the panel on screen', () => {
    const d = display({ x: 0, y: 25, width: 1920, height: 1055 });
    expect(windowPosition({ platform: 'darwin', tray: { x: 1890, y: 0, width: 22, height: 24 }, window, display: d })).toEqual({ x: 1460, y: 25 });
  });

  it('Windows: above a bottom taskbar, centred on the icon; beside a left or right one', () => {
    const tray = { x: 1700, y: 1045, width: 24, height: 24 };
    expect(windowPosition({ platform: 'win32', tray, window, display: display({ x: 0, y: 0, width: 1920, height: 1040 }) })).toEqual({ x: 1460, y: 400 });
    expect(windowPosition({ platform: 'win32', tray: { x: 10, y: 900, width: 24, height: 24 }, window, display: display({ x: 62, y: 0, width: 1858, height: 1080 }) })).toEqual({ x: 62, y: 440 });
    expect(windowPosition({ platform: 'win32', tray: { x: 1880, y: 500, width: 24, height: 24 }, window, display: display({ x: 0, y: 0, width: 1858, height: 1080 }) })).toEqual({ x: 1398, y: 192 });
  });

  it('Windows with the taskbar on top', () => {
    expect(taskbarSide('win32', display({ x: 0, y: 40, width: 1920, height: 1040 }))).toBe('top');
    expect(windowPosition({ platform: 'win32', tray: { x: 1000, y: 8, width: 24, height: 24 }, window, display: display({ x: 0, y: 40, width: 1920, height: 1040 }) })).toEqual({ x: 782, y: 40 });
  });

  it('Linux: empty tray bounds (AppIndicator) fall back to the cursor, then to the taskbar\'s corner', () => {
    const gnome = display({ x: 0, y: 32, width: 1920, height: 1048 });
    const empty = { x: 0, y: 0, width: 0, height: 0 };
    expect(windowPosition({ platform: 'linux', tray: empty, window, display: gnome, cursor: { x: 1800, y: 10 } })).toEqual({ x: 1460, y: 32 });
    expect(windowPosition({ platform: 'linux', tray: empty, window, display: gnome, cursor: { x: 700, y: 10 } })).toEqual({ x: 470, y: 32 });
    expect(windowPosition({ platform: 'linux', tray: null, window, display: gnome })).toEqual({ x: 1460, y: 32 });
  });

  it('no taskbar taking room: Windows assumes the bottom, Linux the top; a second display is offset', () => {
    expect(taskbarSide('win32', display(screen))).toBe('bottom');
    expect(taskbarSide('linux', display(screen))).toBe('top');
    const right = { bounds: { x: 1920, y: 0, width: 1280, height: 1024 }, workArea: { x: 1920, y: 0, width: 1280, height: 984 } };
    expect(windowPosition({ platform: 'win32', tray: { x: 3100, y: 990, width: 24, height: 24 }, window, display: right })).toEqual({ x: 2740, y: 344 });
  });

  it('a window larger than the work area is pinned to its top-left corner', () => {
    const small = display({ x: 0, y: 25, width: 400, height: 500 });
    expect(windowPosition({ platform: 'darwin', tray: { x: 300, y: 0, width: 22, height: 24 }, window, display: small })).toEqual({ x: 0, y: 25 });
  });
});
