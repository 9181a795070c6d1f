// When the tray may replace its context menu. Electron replaces a tray menu that is open by
// closing it, and the choice the user was making on it is lost (electron#4801, #10951); on
// macOS the item's click even comes after 'menu-will-close' (Electron's menu controller runs
// itemSelected after menuDidClose), so a menu replaced as it closes loses the click too. And
// opening the menu asks usage, whose rescan sends a state event at once, while the menu is
// open. So a new menu is set only while none is open (one that changed meanwhile waits for
// the close), and only when its model differs from the one set: most rescans change nothing
// the menu shows. Pure: the Electron side is main/app/tray.ts.
import type { MenuItem } from './menu-model.ts';

/**
 * The model as compared: every item's type, label, enabled, checked, submenu and action. The
 * actions are data (commands), and they count: a setting's toggle carries the other settings'
 * values (Keep tokens fresh carries the lead time), so a menu whose labels are the same can act
 * differently. The click handlers Electron's template wraps around them are not in it.
 */
export function menuKey(items: MenuItem[]): string {
  return JSON.stringify(items);
}

export class MenuSwap {
  private shown: string | null = null;
  private open = false;
  private waiting = false;

  /**
   * A model to show: its key when it is to be set now (not while a menu is open, nor the same
   * one again), else null. It counts as shown only once `set` says the tray took it: a
   * setContextMenu that threw is tried again by the next offer of the same model.
   */
  offer(items: MenuItem[]): string | null {
    const key = menuKey(items);
    if (this.open) {
      this.waiting = key !== this.shown;
      return null;
    }
    return key === this.shown ? null : key;
  }

  /** The tray took the model `offer` gave this key for. */
  set(key: string): void {
    this.shown = key;
  }

  /** 'menu-will-show'. */
  opened(): void {
    this.open = true;
  }

  /** 'menu-will-close': whether a changed model waits to be offered again (on a later turn, after the click). */
  closed(): boolean {
    this.open = false;
    const waiting = this.waiting;
    this.waiting = false;
    return waiting;
  }
}
