/**
 * Source maps at line precision for third-party code. Bun parses a bundle's linked source map the
 * first time an Error is made — at start, and on every postgres.js query (it records each query's
 * origin) — and keeps every mapping segment in memory, ~24 bytes each. The bundler writes one
 * segment per token: the api's 376k segments held ~10 MiB of its idle memory, nine in ten of them
 * for node_modules. Keeping, for those files, one segment per run of generated code from the same
 * original line keeps every frame's file:line; only its column becomes that of the run's first
 * token (Bun prints no column when that is 0). Our own files keep every segment.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, i) => [char, i]));

/** The fields of one segment, each relative to the same field of the previous segment. */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`source map: "${char}" is not a base64 VLQ digit`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return fields;
}

function encodeValue(n: number): string {
  let value = n < 0 ? -n * 2 + 1 : n * 2;
  let out = '';
  do {
    const digit = value & 31;
    value = Math.floor(value / 32);
    out += BASE64[value > 0 ? digit | 32 : digit];
  } while (value > 0);
  return out;
}

/**
 * `mappings` (source map v3) with one segment per run of consecutive segments on a generated line
 * that come from the same original file and line (the run's first), except in the sources
 * `exactColumns` picks by index, which keep all of theirs.
 *
 * @example
 * lineMappings('AAAA,EAAE,IACA') // 'AAAA,MACE': the second segment is on the first one's line
 * lineMappings(map.mappings, (i) => !map.sources[i].includes('/node_modules/'))
 */
export function lineMappings(mappings: string, exactColumns: (source: number) => boolean = () => false): string {
  // Absolute values: the generated column restarts on every generated line, the others run on.
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  // What the kept segments were encoded relative to.
  const kept = { source: 0, line: 0, column: 0, name: 0 };
  return mappings
    .split(';')
    .map((generatedLine) => {
      let generatedColumn = 0;
      let keptColumn = 0;
      let run: string | undefined;
      const out: string[] = [];
      for (const segment of generatedLine.split(',')) {
        if (!segment) continue;
        const fields = decodeSegment(segment);
        generatedColumn += fields[0] ?? 0;
        if (fields.length === 1) {
          // Generated code without an original: kept, so no frame there is charged to the run before.
          out.push(encodeValue(generatedColumn - keptColumn));
          keptColumn = generatedColumn;
          run = undefined;
          continue;
        }
        source += fields[1] ?? 0;
        line += fields[2] ?? 0;
        column += fields[3] ?? 0;
        if (fields.length > 4) name += fields[4] ?? 0;
        const key = `${source}:${line}`;
        if (key === run && fields.length < 5 && !exactColumns(source)) continue;
        run = key;
        let encoded =
          encodeValue(generatedColumn - keptColumn) +
          encodeValue(source - kept.source) +
          encodeValue(line - kept.line) +
          encodeValue(column - kept.column);
        if (fields.length > 4) {
          encoded += encodeValue(name - kept.name);
          kept.name = name;
        }
        out.push(encoded);
        keptColumn = generatedColumn;
        Object.assign(kept, { source, line, column });
      }
      return out.join(',');
    })
    .join(';');
}
