import { z } from 'zod';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// How an "HTTP request" token is fetched from the vendor's token endpoint.
export const tokenRequestSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048),
  method: z.enum(['get', 'post']).default('post'),
  headers: z.array(z.strictObject({ name: z.string().regex(HEADER_NAME, 'must be a valid HTTP header name'), value: z.string().max(8192) })).max(20).default([]),
  body: z.string().max(20_000).nullish().transform((v) => v ?? null),
  // Where the token and its lifetime are in the endpoint's JSON response.
  token_path: z.string().min(1).max(200).default('access_token'),
  expires_in_path: z.string().min(1).max(200).nullish().transform((v) => v ?? null),
});

export const createAuthTokenSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(100),
    kind: z.enum(['static', 'basic', 'http_request'], { error: 'kind must be one of: static, basic, http_request' }).default('static'),
    // static: the token; basic: "username:password"; http_request: the client secret the request may use as {{secret}}.
    value: z.string().min(1, 'must not be empty').max(8192),
    header_name: z.string().regex(HEADER_NAME, 'must be a valid HTTP header name').max(256).default('Authorization'),
    prefix: z.string().max(100).optional(),
    token_request: tokenRequestSchema.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'basic' && !t.value.includes(':')) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be "username:password" for a basic token' });
    if (t.kind === 'http_request' && !t.token_request) ctx.addIssue({ code: 'custom', path: ['token_request'], message: 'is required for an http_request token' });
    if (t.kind !== 'http_request' && t.token_request) ctx.addIssue({ code: 'custom', path: ['token_request'], message: 'is only allowed for an http_request token' });
  });

export type CreateAuthTokenInput = z.output<typeof createAuthTokenSchema>;
