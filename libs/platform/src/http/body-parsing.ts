import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Largest accepted request body (documented in the README). */
export const BODY_LIMIT = '256kb';

/**
 * JSON body parsing with the product's limits, and clear 4xx answers for
 * bodies that cannot be parsed: malformed JSON → 400 MALFORMED_BODY, too
 * large → 413 BODY_TOO_LARGE, unsupported encoding → 415.
 */
export function jsonBodyParsing(): [
  RequestHandler,
  (error: unknown, req: Request, res: Response, next: NextFunction) => void,
] {
  return [
    json({ limit: BODY_LIMIT, strict: true }),
    (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
      const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
      const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
      if (typeof status !== 'number' || typeof type !== 'string') {
        next(error);
        return;
      }
      const answer =
        type === 'entity.too.large'
          ? {
              statusCode: 413,
              error: 'Payload Too Large',
              code: 'BODY_TOO_LARGE',
              message: `request body larger than ${BODY_LIMIT}`,
            }
          : type === 'entity.parse.failed'
            ? {
                statusCode: 400,
                error: 'Bad Request',
                code: 'MALFORMED_BODY',
                message: 'request body is not valid JSON',
              }
            : type === 'encoding.unsupported' || type === 'charset.unsupported'
              ? {
                  statusCode: 415,
                  error: 'Unsupported Media Type',
                  code: 'UNSUPPORTED_ENCODING',
                  message: 'unsupported body encoding or charset',
                }
              : {
                  statusCode: status,
                  error: 'Bad Request',
                  code: 'MALFORMED_BODY',
                  message: 'request body could not be read',
                };
      res.status(answer.statusCode).json(answer);
    },
  ];
}
