import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as rendered or read from git. */
export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  // biome-ignore lint/suspicious/noExplicitAny: manifests of any kind
  [key: string]: any;
}

/** "Kind namespace/name" — how every message of the tier names a resource. */
export const ref = (o: Pick<Obj, 'kind' | 'metadata'>) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export const group = (o: Pick<Obj, 'apiVersion'>) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '');

/** Multi-document YAML to objects; empty documents and Helm's blank templates dropped. */
export function parseObjects(text: string, source: string): Obj[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Obj | null;
    if (!value || typeof value !== 'object') return [];
    // A List (e.g. from `kubectl … -o yaml`) holds its objects in items.
    if (value.kind?.endsWith('List') && Array.isArray(value.items)) return value.items as Obj[];
    return value.kind ? [value] : [];
  });
}
