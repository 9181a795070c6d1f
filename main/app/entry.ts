import { start } from './main.ts';
start({ env: process.env, platform: process.platform });
