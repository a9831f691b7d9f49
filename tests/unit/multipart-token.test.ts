import { PassThrough } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { readMultipartToken, UnreadableFormError } from '../../src/web/middleware/csrf.ts';

const BOUNDARY = 'xYzBoundary';

function body(parts: [string, string | Buffer][]): Buffer {
  return Buffer.concat([
    ...parts.flatMap(([name, value]) =>
      typeof value === 'string'
        ? [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)]
        : [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="f.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), value, Buffer.from('\r\n')],
    ),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ]);
}

/** A request whose body arrives `chunkSize` bytes at a time, each on its own turn of the event loop. */
function requestOf(content: Buffer, chunkSize: number, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  const stream = new PassThrough();
  const req = Object.assign(stream, { method: 'POST', headers: { 'content-type': contentType }, is: () => 'multipart/form-data' }) as unknown as Request & PassThrough;
  (async () => {
    for (let offset = 0; offset < content.length; offset += chunkSize) {
      stream.write(content.subarray(offset, offset + chunkSize));
      await new Promise((resolve) => setImmediate(resolve));
    }
    stream.end();
  })();
  return req;
}

/** Runs the middleware, then reads what the route's parser would read. */
async function run(req: Request & PassThrough): Promise<{ error: unknown; token: string | undefined; rest: Buffer }> {
  const error = await new Promise<unknown>((resolve) => readMultipartToken(req, {} as Response, resolve as NextFunction));
  const chunks: Buffer[] = [];
  if (!error) for await (const chunk of req) chunks.push(chunk as Buffer);
  return { error, token: req.multipartCsrfToken, rest: Buffer.concat(chunks) };
}

describe('readMultipartToken', () => {
  const pdf = Buffer.alloc(200_000, 0x25);
  const whole = body([['_csrf', 'the-token'], ['idempotency_key', 'k'], ['attestation', pdf], ['quotient', '450']]);

  it.each([1, 7, 64, 1024, 65_536, whole.length])('reads the token and gives every byte back, in chunks of %i bytes', async (chunkSize) => {
    const { error, token, rest } = await run(requestOf(whole, chunkSize));
    expect(error).toBeUndefined();
    expect(token).toBe('the-token');
    expect(rest.equals(whole)).toBe(true);
  });

  it('finds no token after the first 64 KiB, and says the body is readable (the CSRF check refuses it)', async () => {
    const late = body([['attestation', pdf], ['_csrf', 'the-token']]);
    const { error, token } = await run(requestOf(late, 4096));
    expect(error).toBeUndefined();
    expect(token).toBeUndefined();
  });

  it.each([
    ['another boundary', body([['_csrf', 't']]), 'multipart/form-data; boundary=other'],
    ['no boundary', body([['_csrf', 't']]), 'multipart/form-data'],
    ['an empty body', Buffer.alloc(0), `multipart/form-data; boundary=${BOUNDARY}`],
    ['a body cut in its first part', body([['_csrf', 'the-token']]).subarray(0, 30), `multipart/form-data; boundary=${BOUNDARY}`],
  ])('answers %s as unreadable (400)', async (_case, content, contentType) => {
    const { error } = await run(requestOf(content, 16, contentType));
    expect(error).toBeInstanceOf(UnreadableFormError);
  });

  it('leaves a urlencoded POST and a GET alone', async () => {
    const req = requestOf(Buffer.from('_csrf=t'), 16);
    Object.assign(req, { is: () => false });
    const { error, token, rest } = await run(req);
    expect([error, token, rest.toString()]).toEqual([undefined, undefined, '_csrf=t']);
  });
});
