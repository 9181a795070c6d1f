#!/usr/bin/env node
// A separate process that touches a JSON-era state dir exactly the way OpenClaw 2026.5.x
// does (openclaw 2026.5.7's store lock and refresh), for tests that need a real competing process:
//
//   hold <lockTarget> <ms|stdin> [ready-file]   take `<lockTarget>.lock` ({pid, createdAt}) and
//       hold it for <ms>, or until stdin closes; once held, prints {"holding": ...} and writes ready-file
//   refresh <stateDir> <storePath> <profileId> <tokenUrl> [holdMs]
//       refresh lock, then store lock, re-read, one token request, temp file + rename of
//       that one store (other copies untouched, as OpenClaw leaves them), release.
//
// Prints one JSON line with what it did. Plain JS so it runs on any Node without a build.
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

async function lock(target, staleMs) {
  const path = `${target}.lock`;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }, null, 2));
      closeSync(fd);
      return () => { try { unlinkSync(path); } catch {} };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        const owner = JSON.parse(readFileSync(path, 'utf8'));
        let alive = true;
        try { process.kill(owner.pid, 0); } catch (e) { alive = e.code === 'EPERM'; }
        if (!alive || Date.now() - Date.parse(owner.createdAt) > staleMs) { unlinkSync(path); continue; }
      } catch {}
      await sleep(50 + Math.random() * 50);
    }
  }
  throw new Error(`could not lock ${path}`);
}

function refreshLockTarget(stateDir, provider, profileId) {
  const digest = createHash('sha256').update(`${provider}\0${profileId}`).digest('hex');
  return join(stateDir, 'locks', 'oauth-refresh', `sha256-${digest}`);
}

function writeAtomic(path, data) {
  const tmp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'hold') {
  const [target, ms, readyFile] = args;
  const release = await lock(target, 30_000);
  if (readyFile) writeFileSync(readyFile, String(process.pid));
  console.log(JSON.stringify({ holding: target }));
  if (ms === 'stdin') {
    // Held until the test lets go (or dies): an event, not a duration.
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.once('end', resolve).once('close', resolve));
  } else await sleep(Number(ms));
  release();
  console.log(JSON.stringify({ held: target }));
} else if (command === 'refresh') {
  const [stateDir, storePath, profileId, tokenUrl, holdMs = '0'] = args;
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(stateDir, 'locks', 'oauth-refresh'), { recursive: true });
  const store = JSON.parse(readFileSync(storePath, 'utf8'));
  const provider = store.profiles[profileId].provider;
  const releaseRefresh = await lock(refreshLockTarget(stateDir, provider, profileId), 180_000);
  const releaseStore = await lock(storePath, 30_000);
  try {
    const fresh = JSON.parse(readFileSync(storePath, 'utf8'));
    const credential = fresh.profiles[profileId];
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.refresh, client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' }),
    });
    const body = await response.json();
    if (!response.ok) {
      console.log(JSON.stringify({ refreshed: false, status: response.status }));
      process.exitCode = 1;
    } else {
      const payload = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
      fresh.profiles[profileId] = {
        ...credential,
        access: body.access_token,
        refresh: body.refresh_token,
        expires: Date.now() + body.expires_in * 1000,
        accountId: payload['https://api.openai.com/auth']?.chatgpt_account_id ?? credential.accountId,
      };
      await sleep(Number(holdMs));
      writeAtomic(storePath, fresh);
      console.log(JSON.stringify({ refreshed: true }));
    }
  } finally {
    releaseStore();
    releaseRefresh();
  }
} else {
  console.error('usage: openclaw-peer.mjs hold|refresh ...');
  process.exitCode = 64;
}
