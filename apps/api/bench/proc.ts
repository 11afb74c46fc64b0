/**
 * CPU time and memory of server processes, read from /proc (Linux): what a benchmark charges each
 * server per request, without asking the server. Clock ticks are 1/100 s on every Linux we run on.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, in ticks. */
  own: number;
  /** cutime + cstime: children it has reaped (a Postgres backend that exited). */
  reaped: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    return { pid, ppid: n(4), own: n(14) + n(15), reaped: n(16) + n(17) };
  } catch {
    return undefined; // gone between listing and reading
  }
}

function allStats(): Stat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is Stat => !!s);
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const stats = allStats();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const s of stats) if (s.ppid === tree[i]) tree.push(s.pid);
  }
  return tree.filter((pid) => stats.some((s) => s.pid === pid));
}

/**
 * CPU seconds used so far by the trees under `roots`: the live processes' own time plus what the
 * roots reaped (Postgres backends that ended). Sample before and after a run and subtract.
 */
export function cpuSeconds(roots: number[]): number {
  const stats = new Map(allStats().map((s) => [s.pid, s]));
  let ticks = 0;
  for (const root of roots) {
    for (const pid of processTree(root)) ticks += stats.get(pid)?.own ?? 0;
    ticks += stats.get(root)?.reaped ?? 0;
  }
  return ticks / TICKS_PER_SECOND;
}

function kib(path: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(path, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident and proportional set size (MiB) of a tree, summed (shared pages count once in PSS). */
export function memoryMiB(root: number, match: (cmdline: string) => boolean = () => true) {
  let rss = 0;
  let pss = 0;
  for (const pid of processTree(root)) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (!match(cmdline)) continue;
    rss += kib(`/proc/${pid}/status`, 'VmRSS');
    pss += kib(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

/** The 1-minute load average. */
export const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
