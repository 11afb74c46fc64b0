import { AppError } from '@tasktide/service-kit';

/** A 400 validation_failed naming one field (a JSON pointer or `/<query parameter>`). */
export const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field}: ${message}`, { errors: [{ field, message }] });
