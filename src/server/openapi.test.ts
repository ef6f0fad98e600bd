import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../test/serverFixture.js';

describe('OpenAPI description', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer('sqlite', { seed: false });
  });
  afterAll(async () => t?.close());

  it('lists every route the server answers under /api, with its method', async () => {
    const document = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
      for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    // Fastify's own registrations are the ground truth of what the server answers.
    const registered = t.server.registeredRoutes.map((r) => r.replace(/:(\w+)/g, '{$1}'));
    expect(registered.length).toBeGreaterThan(20);
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
    for (const probe of [
      'GET /api/customers',
      'POST /api/ingest/orders',
      'GET /api/imports/{id}/rejects',
      'POST /api/auth/login',
    ]) {
      expect(documented).toContain(probe);
    }
  });

  it('describes query parameters and request bodies from the same schemas that validate them', async () => {
    const document = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    const listParams = document.paths['/api/customers'].get.parameters.map((p: { name: string }) => p.name);
    expect(listParams).toEqual(
      expect.arrayContaining([
        'status',
        'rank',
        'reason',
        'owner',
        'industry',
        'prefecture',
        'q',
        'sort',
        'page',
      ]),
    );
    const login = document.paths['/api/auth/login'].post.requestBody.content['application/json'].schema;
    expect(login.required).toEqual(['email', 'password']);
    expect(document.paths['/api/imports/{kind}'].post.requestBody.content).toHaveProperty('text/csv');
  });
});
