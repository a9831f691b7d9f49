import { describe, expect, it } from 'vitest';
import { registryOf, UnknownRequestTypeError } from '../../src/services/family/requests/registry.ts';
import type { RequestTypeModule } from '../../src/services/family/requests/request-type.ts';

const module = (): RequestTypeModule => ({
  accept: async () => ({ conflicts: [] }),
  refuse: async () => {},
  mail: () => ({ kind: 'request_accepted', to: 'a@example.org', subject: '', greeting: '', paragraphs: [] }),
});

describe('registryOf', () => {
  const member = module();
  const registry = registryOf({ member_change: member, absence: module() });

  it('answers the module of a listed type', () => {
    expect(registry.of('member_change')).toBe(member);
  });

  it.each(['quotient_familial', '', 'toString', '__proto__', 'constructor'])('refuses « %s », which no module decides', (type) => {
    expect(() => registry.of(type)).toThrow(UnknownRequestTypeError);
  });
});
