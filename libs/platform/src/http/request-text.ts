import type { NextFunction, Request, Response } from 'express';
import { hostileTextProblem } from './json-scan';
import { validationFailedBody, type FieldProblem } from './validation';

/**
 * Refuses, before any route runs, a path or query string holding text that
 * cannot be stored or compared faithfully: a NUL character, an unpaired
 * surrogate, or percent-encoding that is not UTF-8. 400 VALIDATION_FAILED
 * names the query parameter (`query:<name>`) or `path`.
 */
export function requestTextGuard(): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const problem = pathProblem(req.path) ?? rawQueryProblem(req.originalUrl) ?? queryProblem(req.query);
    if (problem) {
      res.status(400).json(validationFailedBody([problem]));
      return;
    }
    next();
  };
}

function pathProblem(path: string): FieldProblem | null {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { field: 'path', rule: 'encoding', message: 'the path is not valid percent-encoded UTF-8' };
    }
    const hostile = hostileTextProblem(decoded);
    if (hostile) return { field: 'path', rule: 'storableText', message: `the path ${hostile}` };
  }
  return null;
}

/** Percent-encoding of the query string that is not UTF-8 (the parser would turn it into replacement characters). */
function rawQueryProblem(url: string): FieldProblem | null {
  const start = url.indexOf('?');
  if (start < 0) return null;
  for (const pair of url.slice(start + 1).split('&')) {
    const [rawName = '', rawValue = ''] = pair.split('=', 2);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      return { field: 'query', rule: 'encoding', message: 'a query parameter name is not valid percent-encoded UTF-8' };
    }
    try {
      decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return { field: `query:${name}`, rule: 'encoding', message: `${name} is not valid percent-encoded UTF-8` };
    }
  }
  return null;
}

function queryProblem(query: unknown, prefix = ''): FieldProblem | null {
  if (typeof query === 'string') {
    const hostile = hostileTextProblem(query);
    return hostile ? { field: `query:${prefix}`, rule: 'storableText', message: `${prefix} ${hostile}` } : null;
  }
  if (Array.isArray(query)) {
    for (const item of query) {
      const problem = queryProblem(item, prefix);
      if (problem) return problem;
    }
    return null;
  }
  if (query !== null && typeof query === 'object') {
    for (const [key, value] of Object.entries(query)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      const hostile = hostileTextProblem(key);
      if (hostile)
        return { field: `query:${name}`, rule: 'storableText', message: `a query parameter name ${hostile}` };
      const problem = queryProblem(value, name);
      if (problem) return problem;
    }
  }
  return null;
}
