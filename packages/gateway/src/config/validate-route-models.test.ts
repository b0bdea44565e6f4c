import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './check.js';
import { validateConfig } from './validate.js';

const providers = { p: { kind: 'openai' as const } };

function issuesOf(routes: unknown): string[] {
  try {
    validateConfig({ providers, routes });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return [...(err as ConfigValidationError).issues];
  }
  throw new Error('expected the config to be refused');
}

describe('routes[].models', () => {
  it('reads an allow-list, without duplicates', () => {
    const config = validateConfig({ providers, routes: [{ model: 'gpt-*', targets: ['p'], models: ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1'] }, { model: '*', targets: ['p'] }] });
    expect(config.routes.map((r) => r.models)).toEqual([['gpt-4.1', 'gpt-4.1-mini'], undefined]);
  });

  it('refuses an empty list, a non-string and a model the glob does not match', () => {
    expect(issuesOf([{ model: '*', targets: ['p'], models: [] }])).toEqual(['routes[0].models: list at least one model (or leave models out to serve every model the glob matches)']);
    expect(issuesOf([{ model: 'gpt-*', targets: ['p'], models: ['gpt-4.1', 7, 'claude-sonnet-4.5'] }])).toEqual([
      'routes[0].models[1]: expected a string, got 7',
      'routes[0].models[2]: "claude-sonnet-4.5" does not match the route\'s model "gpt-*"',
    ]);
    expect(issuesOf([{ model: '*', targets: ['p'], models: 'gpt-4.1' }])).toEqual(['routes[0].models: expected a list, got "gpt-4.1"']);
  });
});
