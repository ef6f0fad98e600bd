/**
 * Declares each API route once: access, zod schemas for params/query/body, and a summary.
 * The same declaration registers the Fastify route, validates the request, and feeds the
 * OpenAPI description, so the document cannot drift from the routes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { z } from 'zod';
import type { Storage } from '../storage/index.js';
import { type Access, authorise, type Principal, resolvePrincipal } from './auth.js';
import type { ServerConfig } from './config.js';
import { validationError } from './httpErrors.js';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Extract<HTTPMethods, 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'>;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** The body is a raw upload (e.g. text/csv) read by the handler as a stream. */
  rawBody?: { contentTypes: string[]; description: string };
  /** Media type of a successful response when it is not JSON (a download). */
  produces?: string;
  successStatus?: number;
  /** Per-route rate limit (login). */
  rateLimit?: { max: number; timeWindow: number };
}

export interface RouteContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  principal: Principal | null;
  params: P;
  query: Q;
  body: B;
  now: Date;
}

export interface ServerDeps {
  storage: Storage;
  config: Readonly<ServerConfig>;
  clock: () => Date;
}

const EMPTY = z.object({});
type AnySpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export class RouteTable {
  readonly specs: AnySpec[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly deps: ServerDeps,
  ) {}

  define<
    P extends z.ZodType = typeof EMPTY,
    Q extends z.ZodType = typeof EMPTY,
    B extends z.ZodType = typeof EMPTY,
  >(
    spec: RouteSpec<P, Q, B>,
    handler: (context: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>,
  ): void {
    this.specs.push(spec as unknown as AnySpec);
    const { storage, clock } = this.deps;
    const parse = (where: string, schema: z.ZodType | undefined, value: unknown) => {
      if (!schema) return {};
      const result = schema.safeParse(value ?? {});
      if (!result.success) throw validationError(where, result.error);
      return result.data;
    };
    this.app.route({
      method: spec.method,
      url: spec.url,
      ...(spec.rateLimit ? { config: { rateLimit: spec.rateLimit } } : {}),
      handler: async (request, reply) => {
        const now = clock();
        // A public route answers even when a stale token or cookie comes along.
        const principal =
          spec.access.kind === 'public'
            ? await resolvePrincipal(storage, request, now).catch(() => null)
            : await resolvePrincipal(storage, request, now);
        authorise(spec.access, principal, request);
        const params = parse('params', spec.params, request.params);
        const query = parse('query', spec.query, request.query);
        const body = spec.rawBody ? request.body : parse('body', spec.body, request.body);
        const result = await handler({
          request,
          reply,
          principal,
          params: params as z.output<P>,
          query: query as z.output<Q>,
          body: body as z.output<B>,
          now,
        });
        if (result === reply || reply.sent) return reply;
        if (spec.successStatus) reply.status(spec.successStatus);
        return result;
      },
    });
  }
}
