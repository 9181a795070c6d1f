// Where the bundled app finds its pieces: dist/app/main.cjs sits beside dist/app/preload.cjs,
// dist/renderer/ and dist/icons/ (copied from build/icons by build/bundle.mjs).
import { join } from 'node:path';

const dist = join(__dirname, '..');

export const PRELOAD = join(dist, 'app', 'preload.cjs');
export const PANEL_HTML = join(dist, 'renderer', 'panel.html');
export const iconFile = (name: string): string => join(dist, 'icons', name);
