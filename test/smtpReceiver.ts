/**
 * A real local mail server for tests (smtp-server on 127.0.0.1:<random>, no TLS) that records
 * what arrives, can demand a login and can be told to refuse recipients with a given reply;
 * and readMail, a small MIME reader (RFC 2045/2047) for asserting on what nodemailer wrote.
 *
 *   const smtp = await startSmtpReceiver();
 *   const sender = createSmtpSender({ host: '127.0.0.1', port: smtp.port, from, ignoreTls: true });
 *   smtp.refuseRecipients({ code: 550, message: '5.1.1 No such user' });
 *   readMail(smtp.received[0].raw).subject    // decoded, e.g. '【ご案内】…'
 *   await smtp.close();
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  received: ReceivedMail[];
  /** TCP connections made to the server so far. */
  connections(): number;
  /** Answer every later RCPT TO with this reply (null accepts again). */
  refuseRecipients(reply: { code: number; message: string } | null): void;
  /** Stops the server (again is fine). */
  close(): Promise<void>;
}

export async function startSmtpReceiver(
  options: { login?: { user: string; pass: string } } = {},
): Promise<SmtpReceiver> {
  const { login } = options;
  const received: ReceivedMail[] = [];
  let refusal: { code: number; message: string } | null = null;
  let connections = 0;
  const server = new SMTPServer({
    authOptional: login === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.pass) {
        return callback(null, { user: auth.username });
      }
      callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('smtp-server did not listen on a TCP port');
  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    received,
    connections: () => connections,
    refuseRecipients(reply) {
      refusal = reply;
    },
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}

/** Decodes RFC 2047 encoded words (B and Q, UTF-8), joining adjacent ones as the RFC says. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_w, charset: string, encoding: string, text: string) => {
      if (charset.toLowerCase() !== 'utf-8') throw new Error(`unexpected charset ${charset}`);
      if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      return decodeURIComponent(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, '%$1'));
    });
}

export interface MailPart {
  /** Lower-case names, unfolded values (still encoded). */
  headers: Map<string, string>;
  body: string;
}

function parsePart(raw: string): MailPart {
  const split = raw.indexOf('\r\n\r\n');
  const head = (split === -1 ? raw : raw.slice(0, split)).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: split === -1 ? '' : raw.slice(split + 4) };
}

function decodeBody(part: MailPart): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = part.body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return part.body;
}

function leafParts(part: MailPart): MailPart[] {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!type.startsWith('multipart/') || !boundary) return [part];
  return part.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .flatMap((section) => leafParts(parsePart(section.replace(/^\r\n/, ''))));
}

export interface ReadMail {
  headers: Map<string, string>;
  /** A header's value, unfolded and with encoded words decoded; null when absent. */
  header(name: string): string | null;
  subject: string;
  /** The decoded text/plain and text/html parts (null when absent), with their charset. */
  text: string | null;
  html: string | null;
  charsets: string[];
}

export function readMail(raw: string): ReadMail {
  const root = parsePart(raw);
  const leaves = leafParts(root);
  const bodyOf = (type: string) => {
    const leaf = leaves.find((p) => (p.headers.get('content-type') ?? 'text/plain').startsWith(type));
    return leaf ? decodeBody(leaf) : null;
  };
  const header = (name: string) => {
    const value = root.headers.get(name.toLowerCase());
    return value === undefined ? null : decodeEncodedWords(value);
  };
  return {
    headers: root.headers,
    header,
    subject: header('subject') ?? '',
    text: bodyOf('text/plain'),
    html: bodyOf('text/html'),
    charsets: leaves.map(
      (p) => /charset=([^;\s]+)/i.exec(p.headers.get('content-type') ?? '')?.[1]?.toLowerCase() ?? '',
    ),
  };
}
