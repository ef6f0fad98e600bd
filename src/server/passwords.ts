/**
 * Password hashing with scrypt (RFC 7914), which is memory-hard: each guess costs
 * 128 · N · r bytes of memory. With N = 2^15, r = 8, p = 1 that is 32 MiB and about
 * 50–100 ms on one core, the OWASP-recommended minimum for scrypt. The parameters are
 * stored in the hash (`scrypt$15$8$1$salt$hash`) so they can be raised later without
 * breaking existing passwords.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_PARAMS = { log2N: 15, r: 8, p: 1, keyLength: 64, saltBytes: 16 } as const;
export const MIN_PASSWORD_LENGTH = 10;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number, keyLength: number) {
  const N = 2 ** log2N;
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p, keyLength, saltBytes } = SCRYPT_PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, log2N, r, p, keyLength);
  return ['scrypt', log2N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, log2N, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(
    password,
    Buffer.from(salt, 'base64'),
    Number(log2N),
    Number(r),
    Number(p),
    expected.length,
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Spends the same time as a real check, so unknown logins cannot be told apart by timing. */
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword('not a real password');
  await verifyPassword(password, await dummyHash);
  return false;
}
