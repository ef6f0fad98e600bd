/**
 * The one place where failures become HTTP responses. Expected failures (AppError) keep
 * their message; anything else is logged with its cause and answered "Internal error".
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { AppError, type AppErrorCode } from '../core/errors.js';

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  insufficient_data: 422,
  not_available: 501,
};

/** A request part failed its schema: names the field (`body.email`, `query.page_size`). */
export class RequestValidationError extends AppError {
  constructor(
    readonly field: string,
    message: string,
    readonly issues: { field: string; message: string }[],
  ) {
    super('invalid_input', message);
  }
}

export function validationError(where: string, error: z.ZodError): RequestValidationError {
  const issues = error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: where, message: 'invalid' };
  return new RequestValidationError(first.field, `${first.field}: ${first.message}`, issues);
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: { field: string; message: string }[] };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error instanceof RequestValidationError) {
        body.error.field = error.field;
        body.error.issues = error.issues;
      }
      return reply.status(HTTP_STATUS[error.code]).send(body);
    }
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 429) {
      return reply.status(429).send({
        error: { code: 'rate_limited', message: 'Too many attempts. Wait a minute and try again.' },
      });
    }
    // Fastify's own client errors (malformed JSON, body too large, unsupported media type).
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'invalid_input', message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal error' } });
  });
}
