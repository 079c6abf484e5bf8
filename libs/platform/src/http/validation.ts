import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. "lines.0.quantity". */
  readonly field: string;
  /** The rule it broke, e.g. "isInt", "whitelistValidation" (unknown field). */
  readonly rule: string;
  readonly message: string;
}

export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      problems.push({
        field,
        rule: rule === 'whitelistValidation' ? 'unknownField' : rule,
        message:
          rule === 'whitelistValidation' ? `${field} is not a known field` : message.replace(error.property, field),
      });
    }
    if (error.children?.length) problems.push(...flattenValidationErrors(error.children, field));
  }
  return problems;
}

/** The body of every 400 VALIDATION_FAILED answer: the problems, and their messages joined. */
export function validationFailedBody(problems: readonly FieldProblem[]): {
  statusCode: 400;
  error: 'Bad Request';
  code: 'VALIDATION_FAILED';
  message: string;
  problems: FieldProblem[];
} {
  return {
    statusCode: 400,
    error: 'Bad Request',
    code: 'VALIDATION_FAILED',
    message: problems.map((p) => p.message).join('; ') || 'invalid request',
    problems: [...problems],
  };
}

/** A 400 VALIDATION_FAILED naming each field and rule. */
export function validationFailed(problems: readonly FieldProblem[]): BadRequestException {
  return new BadRequestException(validationFailedBody(problems));
}

/** One problem of one field, as a 400 VALIDATION_FAILED. */
export function invalidField(field: string, rule: string, message: string): BadRequestException {
  return validationFailed([{ field, rule, message }]);
}

/**
 * Request validation for every route: unknown fields refused, values
 * converted only where a DTO says so, and a 400 whose body names each field
 * and rule.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
