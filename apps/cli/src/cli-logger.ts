import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '@crm/platform';

/**
 * The framework's log, as a command-line tool shows it: warnings and errors
 * as one line each on standard error, the rest only at LOG_LEVEL=debug or
 * verbose. A failure while opening the storage is reported once, by the
 * command, without a stack trace.
 */
export class CliLogger implements LoggerService {
  private readonly chatty: boolean;

  constructor(level: LogLevel) {
    this.chatty = level === 'debug' || level === 'verbose';
  }

  log(message: unknown, context?: unknown): void {
    if (this.chatty) this.write('log', message, context);
  }

  debug(message: unknown, context?: unknown): void {
    if (this.chatty) this.write('debug', message, context);
  }

  verbose(message: unknown, context?: unknown): void {
    if (this.chatty) this.write('verbose', message, context);
  }

  warn(message: unknown, context?: unknown): void {
    this.write('warning', message, context);
  }

  error(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    // The framework's own report of an error while starting: the command reports it instead.
    if (context === 'ExceptionHandler' && !this.chatty) return;
    this.write('error', message, context);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.error(message, ...rest);
  }

  private write(level: string, message: unknown, context: unknown): void {
    const text = message instanceof Error ? message.message : String(message);
    process.stderr.write(`${level}${typeof context === 'string' ? ` [${context}]` : ''}: ${text}\n`);
  }
}
