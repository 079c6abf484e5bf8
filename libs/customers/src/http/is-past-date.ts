import { registerDecorator, type ValidationOptions } from 'class-validator';

/** A real calendar date (YYYY-MM-DD) from 1900 up to today. */
export function IsPastDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isPastDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a real date between 1900-01-01 and today', ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return true;
          const date = new Date(`${value}T00:00:00Z`);
          return (
            !Number.isNaN(date.getTime()) &&
            date.toISOString().slice(0, 10) === value &&
            value >= '1900-01-01' &&
            date.getTime() <= Date.now()
          );
        },
      },
    });
  };
}
