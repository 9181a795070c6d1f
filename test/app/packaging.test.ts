// What `npm run dist` packages, checked without packaging (electron-builder needs Electron's
// binary, which these machines cannot fetch; the CI matrix in .github/workflows/app.yml runs
// it): the build config passes electron-builder's own schema, the fuses are set as issue 12
// asks, every icon it names exists at the sizes each platform wants, and the deb depends on an
// AppIndicator library so the tray shows on GNOME.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const build = pkg.build;
const require = createRequire(import.meta.url);

function pngSize(path: string): { width: number; height: number } {
  const data = readFileSync(path);
  expect(data.subarray(1, 4).toString()).toBe('PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('packaging', () => {
  it('passes electron-builder\'s own schema', async () => {
    const { validateConfiguration } = require(join(ROOT, 'node_modules', 'app-builder-lib', 'out', 'util', 'config', 'config.js'));
    const { DebugLogger } = require(join(ROOT, 'node_modules', 'builder-util'));
    await expect(validateConfiguration(build, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the product and its author', () => {
    expect(build.productName).toBe('AuthBar');
    expect(build.appId).toBe('dev.authbar.app');
    expect(pkg.author).toMatchObject({ name: expect.any(String), email: expect.stringContaining('@') });
  });

  it('sets the Electron fuses: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS or --inspect, the app only from its asar, asar integrity', () => {
    expect(build.asar).toBe(true);
    expect(build.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
    // The panel is a file:// page: that fuse must stay on, or loadFile loses its privileges.
    expect(build.electronFuses.grantFileProtocolExtraPrivileges).not.toBe(false);
  });

  it('signs macOS builds with the hardened runtime, JIT only, notarized when the environment has credentials', () => {
    expect(build.mac).toMatchObject({ hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist', extendInfo: { LSUIElement: true } });
    expect(build.mac.notarize).not.toBe(false);
    expect(build.mac.identity).toBeUndefined(); // CSC_LINK / CSC_NAME from the environment
    const plist = readFileSync(join(ROOT, build.mac.entitlements), 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('has a Windows .ico with PNG images from 16 to 256 px', () => {
    const ico = readFileSync(join(ROOT, build.win.icon));
    expect(build.win.icon.endsWith('.ico')).toBe(true);
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (let i = 0; i < count; i++) {
      const offset = ico.readUInt32LE(6 + 16 * i + 12);
      expect(ico.subarray(offset + 1, offset + 4).toString()).toBe('PNG');
    }
  });

  it('has a Linux icon set named by size, and a macOS icon of 512 px', () => {
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(join(ROOT, build.linux.icon, `${size}x${size}.png`))).toEqual({ width: size, height: size });
    }
    expect(pngSize(join(ROOT, build.mac.icon))).toEqual({ width: 512, height: 512 });
  });

  it('makes the deb depend on an AppIndicator library, and its launcher not shadow the authbar CLI', () => {
    expect(build.deb.depends).toContain('libayatana-appindicator3-1 | libappindicator3-1');
    expect(build.deb.depends).toContain('libnotify4');
    expect(build.linux.executableName).not.toBe('authbar');
    expect(existsSync(join(ROOT, 'build', 'icons', 'tray-okTemplate@2x.png'))).toBe(true);
  });

  it('is built by the CI matrix: Linux under xvfb-run, macOS and Windows, smoke test required, packages uploaded', () => {
    const yaml = require(join(ROOT, 'node_modules', 'js-yaml'));
    const workflow = yaml.load(readFileSync(join(ROOT, '.github', 'workflows', 'app.yml'), 'utf8'));
    const job = workflow.jobs.app;
    expect(job.strategy.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    const steps: Array<{ run?: string; uses?: string; if?: string; env?: Record<string, string> }> = job.steps;
    const runs = steps.map((step) => step.run ?? '').join('\n');
    expect(runs).toContain('npx install-electron');
    expect(runs).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    const smoke = steps.filter((step) => step.run?.includes('test/app/electron-smoke.test.ts'));
    expect(smoke.map((step) => step.if)).toEqual(["runner.os == 'Linux'", "runner.os != 'Linux'"]);
    expect(smoke[0]!.run).toMatch(/^xvfb-run /);
    expect(smoke.every((step) => step.env?.AUTHBAR_SMOKE_REQUIRED === '1')).toBe(true);
    expect(runs).toContain('npm run dist');
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    expect(upload).toBeDefined();
  });
});
