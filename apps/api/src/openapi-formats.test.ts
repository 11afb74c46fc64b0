import { describe, expect, test } from 'bun:test';
import '@elysiajs/openapi';
import { registeredFormat, restoreCompiledFormats } from '@tasktide/service-kit';
import fc from 'fast-check';

// @elysiajs/openapi replaces TypeBox's uuid and email formats with Zod-built checks; the api puts
// compiled patterns back (app.ts). What validates must not change: both agree on every input.
describe('compiled formats accept exactly what the OpenAPI plugin checks did', () => {
  const replaced = restoreCompiledFormats();
  const hex = fc.constantFrom(...'0123456789abcdefABCDEFgG-');
  const uuidLike = fc.array(hex, { minLength: 30, maxLength: 40 }).map((cs) => {
    const s = cs.join('').replace(/-/g, '');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  });
  const emailLike = fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...".a_'+-B9@ "), maxLength: 12 }),
      fc.constantFrom('@', '@@', ''),
      fc.string({ unit: fc.constantFrom(...'.a-Z0'), maxLength: 12 }),
      fc.constantFrom('.com', '.c', '.de', '', '.'),
    )
    .map((parts) => parts.join(''));
  const cases: [string, fc.Arbitrary<string>, string[]][] = [
    [
      'uuid',
      fc.oneof(uuidLike, fc.uuid().map(String), fc.string()),
      [
        Bun.randomUUIDv7(),
        crypto.randomUUID(),
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
        '01890a5d-ac96-0000-8000-000000000000',
        '01890a5d-ac96-7000-c000-000000000000',
        ' 01890a5d-ac96-7000-8000-000000000000',
        '',
      ],
    ],
    [
      'email',
      fc.oneof(emailLike, fc.emailAddress(), fc.string()),
      ['ada@example.com', 'a..b@example.com', '.a@example.com', 'a.@example.com', "o'neil@x.io", 'a@b.c', ''],
    ],
  ];
  test.each(cases)('%s', (name, inputs, examples) => {
    const before = replaced[name] as (value: string) => boolean;
    const after = registeredFormat(name) as (value: string) => boolean;
    expect(String(before)).not.toContain('pattern.test'); // the plugin's own check
    for (const example of examples) expect([example, after(example)]).toEqual([example, before(example)]);
    fc.assert(
      fc.property(inputs, (value) => after(value) === before(value)),
      { numRuns: 2000 },
    );
  });
});
