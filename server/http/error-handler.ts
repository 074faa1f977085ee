import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { AppError } from './app-error.ts';

export function sendError(res: Parameters<RequestHandler>[1], error: AppError) {
  res.status(error.status).json({ type: 'error.list', request_id: res.locals.requestId ?? null, errors: error.errors });
}

// body-parser reports its failures as errors with a status and a `type`.
function fromBodyParser(error: { type?: string; status?: number; message?: string }): AppError | null {
  if (error.type === 'entity.parse.failed') return new AppError(400, { code: 'client_error', message: `The request body is not valid JSON: ${error.message}` });
  if (error.type === 'entity.too.large') return new AppError(413, { code: 'client_error', message: 'The request body is too large' });
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') return new AppError(415, { code: 'client_error', message: error.message ?? 'Unsupported encoding' });
  return null;
}

export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof AppError ? error : fromBodyParser(error);
    if (known) return sendError(res, known);
    logger.error({ err: error, method: req.method, path: req.path, requestId: res.locals.requestId }, 'unhandled error');
    sendError(res, new AppError(500, { code: 'server_error', message: 'Something went wrong on our side; the error has been logged' }));
  };
}

export const apiNotFound: RequestHandler = (req, res) =>
  sendError(res, new AppError(404, { code: 'not_found', message: `No API route ${req.method} ${req.originalUrl.split('?')[0]}` }));
