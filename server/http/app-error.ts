// The one error type of Patchbay: a stable code (the Intercom error codes where
// they exist), an HTTP status, and optionally the field at fault. The HTTP edge
// maps it to { type: "error.list", request_id, errors: [{ code, message, field }] }.
export interface ErrorItem {
  code: string;
  message: string;
  field?: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly errors: ErrorItem[];

  constructor(status: number, errors: ErrorItem[] | ErrorItem) {
    const list = Array.isArray(errors) ? errors : [errors];
    super(list.map((e) => e.message).join('; '));
    this.status = status;
    this.errors = list;
  }

  get code(): string {
    return this.errors[0]?.code ?? 'server_error';
  }
}

export const notFound = (code: string, message: string) => new AppError(404, { code, message });
export const conflict = (code: string, message: string) => new AppError(409, { code, message });
export const invalidParameter = (field: string, message: string, status = 422) =>
  new AppError(status, { code: 'parameter_invalid', message, field });
