import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Business times may run slightly ahead of this server's clock, never further. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export function IsNotFarFuture(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotFarFuture',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must not be more than 5 minutes in the future`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return true;
          const time = Date.parse(value);
          return Number.isNaN(time) || time <= Date.now() + FUTURE_TOLERANCE_MS;
        },
      },
    });
  };
}
