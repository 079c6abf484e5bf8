import { brotliDecompress, gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { STATUS_CODES } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { scanJsonText, type JsonScanProblem } from './json-scan';
import { validationFailedBody, type FieldProblem } from './validation';

/** Largest accepted request body, after decompression (documented in the README). */
export const BODY_LIMIT = '256kb';
const BODY_LIMIT_BYTES = 256 * 1024;

type Decoder = (
  buffer: InputType,
  options: ZlibOptions,
  callback: (error: Error | null, result: Buffer) => void,
) => void;

/** Content-Encoding values a body may be sent with. */
const DECODERS: Readonly<Record<string, Decoder | null>> = {
  identity: null,
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflate,
  br: brotliDecompress as Decoder,
};

/** A body refused before it reaches a route: status, code and message (problems for field-level refusals). */
class BodyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems?: readonly FieldProblem[],
  ) {
    super(message);
  }
}

/**
 * JSON request bodies, read with the product's limits and refused with a
 * clear 4xx before any route, validation or store sees them:
 * - Content-Encoding identity, gzip, deflate or br (decoded, then held to the
 *   same size limit); any other encoding → 415 UNSUPPORTED_ENCODING; a body
 *   that does not decode → 400 MALFORMED_BODY;
 * - over 256 kB → 413 BODY_TOO_LARGE;
 * - a charset other than UTF-8 → 415; bytes that are not UTF-8 → 400
 *   MALFORMED_BODY; a leading byte-order mark is ignored (RFC 8259 §8.1);
 * - not JSON, or not an object or array at the top → 400 MALFORMED_BODY;
 * - nesting deeper than MAX_JSON_DEPTH, a key twice in one object, the keys
 *   `__proto__`, `constructor` and `prototype`, and text holding a NUL
 *   character or an unpaired surrogate (in a key or a value) → 400
 *   VALIDATION_FAILED naming the field.
 * Bodies of other media types are not read (the route then finds no body).
 */
export function jsonBodyParsing(): RequestHandler[] {
  return [
    (req: Request, res: Response, next: NextFunction): void => {
      if (!hasBody(req) || !isJsonMediaType(req.headers['content-type'])) {
        next();
        return;
      }
      readJsonBody(req).then(
        (body) => {
          req.body = body;
          next();
        },
        (error: unknown) => {
          if (error instanceof BodyRefusal) {
            res.status(error.status).json(refusalBody(error));
            return;
          }
          next(error);
        },
      );
    },
  ];
}

function refusalBody(refusal: BodyRefusal): Record<string, unknown> {
  if (refusal.problems) return validationFailedBody(refusal.problems);
  return {
    statusCode: refusal.status,
    error: STATUS_CODES[refusal.status] ?? 'Error',
    code: refusal.code,
    message: refusal.message,
  };
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

async function readJsonBody(req: Request): Promise<unknown> {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new BodyRefusal(415, 'UNSUPPORTED_ENCODING', `unsupported charset ${JSON.stringify(charset)}: send UTF-8`);
  }
  const encodings = (req.headers['content-encoding'] ?? 'identity')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  for (const encoding of encodings) {
    if (!(encoding in DECODERS)) {
      throw new BodyRefusal(
        415,
        'UNSUPPORTED_ENCODING',
        `unsupported Content-Encoding ${JSON.stringify(encoding)}: use identity, gzip, deflate or br`,
      );
    }
  }
  let bytes = await readRaw(req);
  // Encodings are listed in the order they were applied: undo them last to first.
  for (const encoding of [...encodings].reverse()) {
    const decode = DECODERS[encoding];
    if (decode) bytes = await decompress(decode, bytes, encoding);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new BodyRefusal(400, 'MALFORMED_BODY', 'request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BodyRefusal(400, 'MALFORMED_BODY', 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null) {
    throw new BodyRefusal(400, 'MALFORMED_BODY', 'request body must be a JSON object or array');
  }
  const problem = scanJsonText(text);
  if (problem) throw new BodyRefusal(400, 'VALIDATION_FAILED', problem.message, [toFieldProblem(problem)]);
  return value;
}

function toFieldProblem(problem: JsonScanProblem): FieldProblem {
  return { field: problem.path === '' ? 'body' : problem.path, rule: problem.rule, message: problem.message };
}

function readRaw(req: Request): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > BODY_LIMIT_BYTES) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        done = true;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(new BodyRefusal(400, 'MALFORMED_BODY', `request body could not be read: ${error.message}`));
    });
  });
}

function tooLarge(): BodyRefusal {
  return new BodyRefusal(413, 'BODY_TOO_LARGE', `request body larger than ${BODY_LIMIT}`);
}

function decompress(decode: Decoder, bytes: Buffer, encoding: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    decode(bytes, { maxOutputLength: BODY_LIMIT_BYTES }, (error, result) => {
      if (!error) {
        resolve(result);
        return;
      }
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        reject(tooLarge());
        return;
      }
      reject(new BodyRefusal(400, 'MALFORMED_BODY', `request body is not valid ${encoding} data`));
    });
  });
}
