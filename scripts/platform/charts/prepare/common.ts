import { chmodSync, cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Copies a directory out of the (read-only) module cache and makes the copy writable. */
export function copyWritable(from: string, to: string) {
  cpSync(from, to, { recursive: true });
  const walk = (dir: string) => {
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else chmodSync(path, 0o644);
    }
  };
  walk(to);
}

/** Every file under `dir` whose name matches `pattern`. */
export function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => pattern.test(p))
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile());
}

export function replaceInFile(path: string, pairs: [string | RegExp, string][]) {
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of pairs) text = text.replaceAll(from, to);
  writeFileSync(path, text);
}
