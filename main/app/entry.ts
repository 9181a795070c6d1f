import { start } from './main.ts';
void start({ env: process.env, platform: process.platform, trayHostAvailable: () => import('../core/ui/tray-host.ts').then((m) => m.hasStatusNotifierHost(process.env)) });
