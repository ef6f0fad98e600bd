/**
 * The OpenAPI 3.1 description, generated from the route table's zod schemas.
 */
import { z } from 'zod';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.js';
import type { RouteTable } from './routeTable.js';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodType | undefined) {
  if (!schema) return [];
  const json = jsonSchema(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The request field that failed validation, e.g. body.email' },
      },
    },
  },
};

export function openApiDocument(table: RouteTable, version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of table.specs) {
    const path = spec.url.replace(/:(\w+)/g, '{$1}');
    const security =
      spec.access.kind === 'public'
        ? []
        : spec.access.kind === 'token'
          ? [{ bearerToken: [spec.access.scope] }]
          : [
              { sessionCookie: [], csrfHeader: [] },
              ...(spec.access.tokenScope ? [{ bearerToken: [spec.access.tokenScope] }] : []),
            ];
    const roles = spec.access.kind === 'user' ? ` Roles: ${spec.access.roles.join(', ')}.` : '';
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      description: `${spec.summary}.${roles}`,
      tags: [spec.tag],
      operationId: `${spec.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      security,
      parameters: [...parameters('path', spec.params), ...parameters('query', spec.query)],
      responses: {
        [String(spec.successStatus ?? 200)]: {
          description: 'Success',
          content: { [spec.produces ?? 'application/json']: { schema: {} } },
        },
        '400': {
          description: 'Invalid input (names the field)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        ...(spec.access.kind === 'public'
          ? {}
          : {
              '401': {
                description: 'Not signed in / unknown token',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
              },
              '403': {
                description: 'Role, scope or CSRF token does not allow this',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
              },
            }),
      },
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(spec.body) } },
      };
    } else if (spec.rawBody) {
      operation.requestBody = {
        required: true,
        description: spec.rawBody.description,
        content: Object.fromEntries(
          spec.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
        ),
      };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[spec.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mezame API',
      version,
      description:
        'Find, understand and win back dormant customers. Browser sessions use a cookie plus the ' +
        `${CSRF_HEADER} header on every state-changing request; scripts use API tokens (Bearer).`,
    },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        csrfHeader: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'API token; scopes: ingest, read' },
      },
    },
  };
}
