// Where the bundled app finds its pieces: dist/app/main.cjs sits beside dist/app/preload.cjs,
// dist/renderer/ and dist/icons/ (copied from build/icons by build/bundle.mjs). Passed to
// start() as a value, so a test can run the app as if installed under C:\.
import { join } from 'node:path';

export interface AppPaths {
  panelHtml: string;
  preload: string;
  icon(name: string): string;
}

export function bundledPaths(dist = join(__dirname, '..')): AppPaths {
  return {
    preload: join(dist, 'app', 'preload.cjs'),
    panelHtml: join(dist, 'renderer', 'panel.html'),
    icon: (name) => join(dist, 'icons', name),
  };
}
