/**
 * Where a CPU profile's time went: `bun apps/api/bench/profile-summary.ts <file.cpuprofile> [top]`
 * prints self time by package (node_modules name, or the repository folder) and the top functions.
 * Profiles come from `BENCH_CPU_PROF=<dir> bun run bench:api` (every api process writes one).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

function packageOf(url: string): string {
  if (!url) return '(native / runtime)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const repo = /\/(apps|packages)\/([^/]+)\//.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url.replace(/^.*\//, '');
}

// Native frames (writes, crypto, JSON, GC helpers) are charged to the nearest JavaScript caller's package.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
function callerPackage(node: Node): string {
  let at: Node | undefined = node;
  while (at && !at.callFrame.url) at = byId.get(parent.get(at.id) ?? -1);
  return at ? packageOf(at.callFrame.url) : '(native / runtime)';
}

const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self.entries()]
  .filter(([id]) => ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id)?.callFrame.functionName ?? ''))
  .reduce((a, [, t]) => a + t, 0);
const pct = (t: number) => `${((100 * t) / (total - idle)).toFixed(1)} %`;
const group = (key: (n: Node) => string) => {
  const sums = new Map<string, number>();
  for (const [id, t] of self) {
    const node = byId.get(id);
    if (!node || ['(idle)', '(program)', '(garbage collector)'].includes(node.callFrame.functionName)) continue;
    sums.set(key(node), (sums.get(key(node)) ?? 0) + t);
  }
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
};

console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(100 * (1 - idle / total)).toFixed(1)} % busy`);
console.log('\nself time by package, native frames charged to their JavaScript caller (share of busy time)');
console.table(group(callerPackage).map(([k, t]) => ({ package: k, self: pct(t) })));
console.log('\nself time by function');
console.table(
  group(
    (n) => `${n.callFrame.functionName || '(anonymous)'} ${packageOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`,
  ).map(([k, t]) => ({ function: k, self: pct(t) })),
);
