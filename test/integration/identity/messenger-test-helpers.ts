// Helpers for the messenger identity tests: a JWKS server on 127.0.0.1, token
// signing with jose (as the host company's server, or an attacker, would) and
// calls to the messenger endpoints, which live outside /api.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { TestApp } from '../../support/start-test-app.ts';

export interface MessengerResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function boot<T = any>(app: TestApp, body: unknown): Promise<MessengerResponse<T>> {
  const response = await fetch(`${app.baseUrl}/messenger/boot`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export async function messengerSession<T = any>(app: TestApp, token: string | null): Promise<MessengerResponse<T>> {
  const response = await fetch(`${app.baseUrl}/messenger/session`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

export const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

// A token as the host's server signs it: HS256 with the messenger secret's UTF-8 bytes.
export function signHs256(secret: string, claims: JWTPayload, options: { now: Date; lifetimeSeconds?: number; iat?: boolean } = { now: new Date() }) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  if (options.iat !== false) jwt.setIssuedAt(seconds(options.now));
  if (claims.exp === undefined) jwt.setExpirationTime(seconds(options.now) + (options.lifetimeSeconds ?? 600));
  return jwt.sign(new TextEncoder().encode(secret));
}

export interface KeyPair {
  alg: 'RS256' | 'ES256';
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export function signWithKey(key: KeyPair, claims: JWTPayload, now: Date, lifetimeSeconds = 600) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + lifetimeSeconds)
    .sign(key.privateKey);
}

export interface JwksServer {
  url: string;
  requests: number;
  setKeys(keys: JWK[]): void;
  close(): Promise<void>;
}

// The host company's key server: serves a JWKS on 127.0.0.1.
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let current = keys;
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: current }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return {
    url,
    get requests() {
      return state.requests;
    },
    setKeys(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
