import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'mezame.mjs');

describe('mezame serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mezame-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a one-time admin link on first start, serves the API, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--db', join(dir, 'm.db'), '--port', '0', '--log-level', 'warn'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const link = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no link in time; stderr: ${stderr}`)), 30_000);
      child.stderr.on('data', () => {
        const match = /(http:\/\/127\.0\.0\.1:\d+)\/login\/link#([A-Za-z0-9_-]+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          done(match[0]);
        }
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${stderr}`)));
    });
    const url = new URL(link);
    const health = await fetch(`${url.origin}/api/health`);
    expect(await health.json()).toEqual({ ok: true, engine: 'sqlite' });
    const signIn = await fetch(`${url.origin}/api/auth/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: url.hash.slice(1) }),
    });
    expect(((await signIn.json()) as { user: unknown }).user).toMatchObject({
      email: 'admin',
      role: 'admin',
    });
    const exitCode = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exitCode).toBe(0);
  });

  it('refuses a port that is not a number', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--db', join(dir, 'n.db'), '--port', 'http'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('--port');
  });
});
