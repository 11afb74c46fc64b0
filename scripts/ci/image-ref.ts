#!/usr/bin/env bun
/**
 * Prints the image repository of services, one per line, read from
 * gitops/services/<service>/values.yaml — the one place the image name lives. Release pushes
 * there, so what Argo CD pulls and what CI pushes cannot drift apart.
 *
 *   bun scripts/ci/image-ref.ts --service api        → ghcr.io/tasktide/api
 *   bun scripts/ci/image-ref.ts --all
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { GHCR_REPOSITORY, listServices, REPO_ROOT, valuesPath } from './layout.ts';

/** The pushable image repository of `service`; throws naming the file when it is missing or malformed. */
export function imageRepository(service: string, root: string = REPO_ROOT): string {
  if (!listServices(root).includes(service)) throw new Error(`"${service}" is not a service under apps/`);
  const path = valuesPath('base', service);
  if (!existsSync(join(root, path))) throw new Error(`${path} does not exist`);
  const repository = String(parse(readFileSync(join(root, path), 'utf8'))?.image?.repository ?? '');
  if (!GHCR_REPOSITORY.test(repository)) {
    throw new Error(`${path}: image.repository must be ghcr.io/<owner>/<name> in lowercase, got "${repository}"`);
  }
  return repository;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: { service: { type: 'string' }, all: { type: 'boolean' }, root: { type: 'string' } },
  });
  const root = values.root ?? REPO_ROOT;
  const services = values.all ? listServices(root) : (values.service ?? '').split(',').filter(Boolean);
  if (services.length === 0) {
    console.error('usage: image-ref (--service a,b | --all)');
    process.exit(2);
  }
  try {
    for (const service of services) console.log(imageRepository(service.trim(), root));
  } catch (error) {
    console.error(`image-ref: ${(error as Error).message}`);
    process.exit(1);
  }
}
