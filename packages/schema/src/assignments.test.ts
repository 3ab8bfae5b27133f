import { describe, expect, it } from 'vitest';
import { assignmentsToObject, parseAssignment } from './assignments.js';

describe('parseAssignment', () => {
  it.each([
    { text: 'services.swarm.replicas=3', path: ['services', 'swarm', 'replicas'], value: 3 },
    { text: 'debug=true', path: ['debug'], value: true },
    { text: 'platform.domain=example.com', path: ['platform', 'domain'], value: 'example.com' },
    { text: 'a=x=y', path: ['a'], value: 'x=y' },
    { text: 'a=', path: ['a'], value: '' },
    { text: 'list=["a",1]', path: ['list'], value: ['a', 1] },
    {
      text: 'labels.app\\.kubernetes\\.io/name=web',
      path: ['labels', 'app.kubernetes.io/name'],
      value: 'web',
    },
    { text: 'odd\\=key=1', path: ['odd=key'], value: 1 },
  ])('$text', ({ text, path, value }) => {
    expect(parseAssignment(text)).toEqual({ path, value });
  });

  it.each([
    { text: 'no-equals', reason: /no "="/ },
    { text: '=3', reason: /empty path segment/ },
    { text: 'a..b=3', reason: /empty path segment/ },
  ])('refuses $text', ({ text, reason }) => {
    expect(() => parseAssignment(text)).toThrow(reason);
    expect(() => parseAssignment(text)).toThrow(`"${text}" is not path=value`);
  });

  it.each(['__proto__.polluted=1', 'a.constructor=1', 'a.prototype.b=1'])(
    'refuses %s (prototype pollution)',
    (text) => {
      expect(() => parseAssignment(text)).toThrow(expect.objectContaining({ code: 'FORBIDDEN_KEY' }));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('assignmentsToObject', () => {
  it('nests assignments, later ones winning', () => {
    expect(assignmentsToObject(['a.b=1', 'a.c=x', 'a.b=2', 'd=3'])).toEqual({ a: { b: 2, c: 'x' }, d: 3 });
  });

  it('replaces a scalar with an object when a deeper path follows', () => {
    expect(assignmentsToObject(['a=1', 'a.b=2'])).toEqual({ a: { b: 2 } });
  });
});
