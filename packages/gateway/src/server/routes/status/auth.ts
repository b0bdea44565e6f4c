/**
 * Who may open the status page: an admin key, as for `/metrics`. A browser cannot add a Bearer
 * header to a page it navigates to, so the page (and its event stream, which the browser sends
 * the same credentials to) also takes the key as the password of HTTP Basic auth: the browser
 * asks for it once.
 * @module
 */
import type { onRequestHookHandler } from 'fastify';
import { requestState, type ServerContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { shuttingDown } from '../../framework-errors.js';
import { checkOperatorAccess } from '../../operator-auth.js';

/** The challenge that makes a browser ask for the key. */
export const BASIC_CHALLENGE = 'Basic realm="Lifeline status (password: an admin gateway key)", charset="UTF-8"';

/**
 * `Authorization: Basic base64(user:key)` as `Bearer key` (the password; the user name when the
 * password is empty). Any other header is returned as is.
 */
export function basicAsBearer(authorization: string | undefined): string | undefined {
  const basic = authorization === undefined ? undefined : /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)?.[1];
  if (basic === undefined) return authorization;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  const key = password !== '' ? password : user;
  // A key with spaces or control characters is no gateway key: let the check refuse it.
  return /^[\x21-\x7e]+$/.test(key) ? `Bearer ${key}` : 'Bearer \u0000';
}

/**
 * The status routes' own auth hook (they are marked `public` so the gateway's hook, which only
 * knows Bearer and `x-api-key`, lets them through to this one): the gateway key as Bearer,
 * `x-api-key` or Basic password; an admin key (403 for a tenant key); a 401 that makes a browser
 * prompt. Refuses with 503 while the gateway shuts down.
 *
 * @param ctx - the server's shared state
 * @returns the route-level `onRequest` hook
 */
export function statusAuth(ctx: ServerContext): onRequestHookHandler {
  return function statusAuth(req, _reply, done) {
    if (ctx.state.draining) return done(shuttingDown());
    try {
      const key = ctx.authenticate(basicAsBearer(req.headers.authorization), req.headers['x-api-key']);
      checkOperatorAccess({ operator: true }, key);
      requestState(ctx, req).key = key;
      done();
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) {
        const message = `${error.message}. A browser may send it as the password of Basic auth.`;
        return done(new HttpError(401, message, error.type, error.param, error.code, { 'www-authenticate': BASIC_CHALLENGE }));
      }
      done(error as Error);
    }
  };
}
