// Renders AuthBar's tray and app icons from SVG with Debian's Chromium (Playwright), into
// build/icons/: the tray states, the app icon, the Linux icon set (linux/NxN.png, named by
// size as electron-builder wants) and the Windows icon.ico (PNG entries, 16 to 256 px, as
// Windows Vista and later read them). The files are committed; run this only to change them:
//   node build/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';

const out = join(dirname(fileURLToPath(import.meta.url)), 'icons');
mkdirSync(out, { recursive: true });

const COLORS = { ok: '#1f9d55', expiring: '#d98a04', error: '#d93025', unreadable: '#6b7280' };
// A key-shaped badge reads as "sign-in" even at 16 px; the mark inside says the state.
const MARKS = {
  ok: '<path d="M5 8.4 7.1 10.4 11 6" fill="none" stroke="{fg}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
  expiring: '<path d="M8 4.6V8.2L10.4 9.6" fill="none" stroke="{fg}" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/>',
  error: '<path d="M8 4.4V9" stroke="{fg}" stroke-width="1.9" stroke-linecap="round"/><circle cx="8" cy="11.6" r="1.15" fill="{fg}"/>',
  unreadable: '<path d="M6.1 6.3a1.95 1.95 0 1 1 2.7 1.8c-.5.2-.8.6-.8 1.1v.4" fill="none" stroke="{fg}" stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="11.8" r="1.05" fill="{fg}"/>',
};

function colourIcon(state) {
  const mark = MARKS[state].replaceAll('{fg}', '#fff');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7.3" fill="${COLORS[state]}"/>${mark}</svg>`;
}

/** macOS template: black and alpha only; the ring is cut out where the mark is. */
function templateIcon(state) {
  const mark = MARKS[state].replaceAll('{fg}', '#000');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6.6" fill="none" stroke="#000" stroke-width="1.4"/>${mark}</svg>`;
}

const APP_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2b6cb0"/><stop offset="1" stop-color="#1a365d"/></linearGradient></defs>
  <rect x="24" y="24" width="464" height="464" rx="104" fill="url(#g)"/>
  <circle cx="196" cy="236" r="92" fill="none" stroke="#fff" stroke-width="40"/>
  <path d="M278 270 L404 370 M352 328 l38 -36 M384 354 l28 -26" stroke="#fff" stroke-width="40" stroke-linecap="round" fill="none"/>
  <circle cx="392" cy="136" r="44" fill="#1f9d55" stroke="#fff" stroke-width="14"/>
</svg>`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function png(svg, size, scale) {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: scale });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  const image = await page.locator('svg').screenshot({ omitBackground: true });
  await page.close();
  return image;
}
async function render(svg, size, scale, file) {
  writeFileSync(join(out, file), await png(svg, size, scale));
}

/** An .ico of PNG images: a 6-byte header, a 16-byte entry per image, then the images. */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}
for (const state of Object.keys(COLORS)) {
  await render(colourIcon(state), 16, 1, `tray-${state}.png`);
  await render(colourIcon(state), 16, 2, `tray-${state}@2x.png`);
  await render(templateIcon(state), 16, 1, `tray-${state}Template.png`);
  await render(templateIcon(state), 16, 2, `tray-${state}Template@2x.png`);
}
await render(APP_ICON, 512, 1, 'icon.png');
await render(APP_ICON, 256, 1, 'icon-256.png');
mkdirSync(join(out, 'linux'), { recursive: true });
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) await render(APP_ICON, size, 1, join('linux', `${size}x${size}.png`));
const icoImages = [];
for (const size of [16, 24, 32, 48, 64, 128, 256]) icoImages.push({ size, data: await png(APP_ICON, size, 1) });
writeFileSync(join(out, 'icon.ico'), ico(icoImages));
await browser.close();
console.log(`icons written to ${out}`);
