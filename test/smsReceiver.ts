/**
 * A real local SMS provider for tests: an HTTP server on 127.0.0.1:<random> that takes the form
 * POSTs sms.ts makes, checks HTTP Basic auth, records every request and answers like common SMS
 * REST APIs (201 with `{ sid }`), or with whatever status a test asks for.
 *
 *   const sms = await startSmsReceiver({ accountId: 'AC1', token: 't' });
 *   const sender = createHttpSmsSender({ url: sms.url, accountId: 'AC1', token: 't', from: 'MEZAME' });
 *   sms.respondWith(503);           // every later request gets 503
 *   sms.requests[0]?.form.To        // '+819012345678'
 *   await sms.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SmsRequest {
  method: string;
  path: string;
  contentType: string;
  /** The Basic credentials matched accountId:token. */
  authorized: boolean;
  form: Record<string, string>;
  /** The status the receiver answered with. */
  status: number;
}

export interface SmsReceiver {
  /** The endpoint to POST messages to. */
  url: string;
  requests: SmsRequest[];
  /** Answer every later authorised request with this status (and JSON body); 201 + `{ sid }` by default. */
  respondWith(status: number, body?: Record<string, unknown>): void;
  /** Wait this long before answering (timeout tests). */
  delayAnswers(ms: number): void;
  /** Stops the server (again is fine). */
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startSmsReceiver(credentials: {
  accountId: string;
  token: string;
}): Promise<SmsReceiver> {
  const expected = `Basic ${Buffer.from(`${credentials.accountId}:${credentials.token}`).toString('base64')}`;
  const requests: SmsRequest[] = [];
  let answer: { status: number; body?: Record<string, unknown> } = { status: 201 };
  let delayMs = 0;
  const timers = new Set<NodeJS.Timeout>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const authorized = request.headers.authorization === expected;
    const record: SmsRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      contentType: request.headers['content-type'] ?? '',
      authorized,
      form: Object.fromEntries(new URLSearchParams(text)),
      status: 0,
    };
    requests.push(record);
    let status: number;
    let body: Record<string, unknown>;
    if (record.method !== 'POST') {
      status = 405;
      body = { code: 405, message: 'Method not allowed' };
    } else if (!authorized) {
      status = 401;
      body = { code: 20003, message: 'Authenticate' };
    } else {
      status = answer.status;
      body =
        answer.body ??
        (status < 300 ? { sid: `SM${requests.length}`, status: 'queued' } : { message: `status ${status}` });
    }
    record.status = status;
    const send = () => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (delayMs <= 0) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, delayMs);
    timers.add(timer);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/v1/accounts/${encodeURIComponent(credentials.accountId)}/messages`,
    requests,
    respondWith(status, body) {
      answer = body === undefined ? { status } : { status, body };
    },
    delayAnswers(ms) {
      delayMs = ms;
    },
    close() {
      if (!closing) {
        for (const timer of timers) clearTimeout(timer);
        closing = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
      }
      return closing;
    },
  };
}
