#!/usr/bin/env bun
/**
 * Sets the image tag of services in one GitOps overlay. CI's release runs it for minikube (direct
 * commit) and OKE (pull request); the pin workflow runs it to roll a service back.
 *
 *   bun scripts/tag-bump/tag-bump.ts --overlay minikube --tag <40-hex sha> --service api,notifier
 *   bun scripts/tag-bump/tag-bump.ts --overlay oke --tag <sha> --all --dry-run
 *
 * Exit codes: 0 done (also when nothing changed), 1 refused (nothing written), 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { isOverlay, listServices, OVERLAYS, REPO_ROOT } from '../ci/layout.ts';
import { type BumpResult, bumpImageTags, TagBumpError } from './bump.ts';

const USAGE = `usage: tag-bump --overlay <${OVERLAYS.join('|')}> --tag <commit sha> (--service a,b | --all) [--dry-run] [--root <repo>]`;

/** Runs the CLI on `argv`; returns the exit code (kept out of process.exit for tests). */
export function main(argv: string[], out = console.log, err = console.error): number {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const { overlay, tag, all } = values;
  const named = (values.service ?? [])
    .flatMap((list) => list.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (!overlay || !isOverlay(overlay)) return usage(err, `--overlay must be one of ${OVERLAYS.join(', ')}`);
  if (!tag) return usage(err, '--tag is required');
  if (all === named.length > 0) return usage(err, 'name services with --service a,b or pass --all (not both)');

  const root = values.root ?? REPO_ROOT;
  const dryRun = values['dry-run'] ?? false;
  try {
    const results = bumpImageTags({ overlay, tag, root, dryRun, services: all ? listServices(root) : named });
    for (const result of results) out(describe(result, tag));
    out(summary(overlay, results, dryRun));
    return 0;
  } catch (error) {
    if (!(error instanceof TagBumpError)) throw error;
    err(`tag-bump: ${error.message}`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      overlay: { type: 'string' },
      tag: { type: 'string' },
      service: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function usage(err: (message: string) => void, message: string): number {
  err(`tag-bump: ${message}\n${USAGE}`);
  return 2;
}

function describe({ action, path, before, service }: BumpResult, tag: string): string {
  const where = `${action.padEnd(9)} ${service.padEnd(12)} ${path}  image.tag`;
  return action === 'unchanged' ? `${where} already ${tag}` : `${where} ${before ?? '(none)'} -> ${tag}`;
}

function summary(overlay: string, results: BumpResult[], dryRun: boolean): string {
  const count = (action: string) => results.filter((r) => r.action === action).length;
  const changed = count('changed') + count('added');
  const tail = dryRun ? ' (dry run: nothing written)' : '';
  return `${overlay}: ${changed} changed, ${count('unchanged')} unchanged${tail}`;
}

if (import.meta.main) process.exit(main(Bun.argv.slice(2)));
