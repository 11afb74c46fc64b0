import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The directory of `module@version` in the Go module cache, downloaded through the module proxy
 * (the only registry that serves these charts here). Throws with the proxy's own error, e.g.
 * "403 Forbidden … This module version is not available", so a caller can name the reason.
 */
export function goModuleDir(module: string, version: string, toolchain = 'local'): string {
  // Outside any module (a temp dir), with the machine's own Go unless the module's go.mod needs a
  // newer one (then the approved toolchain the caller names, which the go command fetches).
  const cwd = mkdtempSync(join(tmpdir(), 'tasktide-gomod-'));
  try {
    const res = spawnSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '-mod=mod' },
      timeout: 600_000,
    });
    if (res.error) throw new Error(`go mod download ${module}@${version}: ${res.error.message}`);
    let info: { Dir?: string; Error?: string } = {};
    try {
      info = JSON.parse(res.stdout);
    } catch {
      // Not JSON: go failed before reaching the proxy (no go, bad GOPATH …): stderr says why.
    }
    if (info.Dir) return info.Dir;
    const why = (info.Error ?? res.stderr).trim().split('\n')[0] ?? 'unknown error';
    throw new Error(`go mod download ${module}@${version}: ${why}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
