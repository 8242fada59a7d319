// Guess limits counted by rate-limiter-flexible in PostgreSQL: every web replica shares them, and each
// count is one atomic upsert, so parallel guesses cannot all slip under a limit.
import type { Request } from 'express';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config, Limit } from '../lib/config';
import type { Db } from '../lib/db';

const TABLE = 'rate_limits';
const DAY_MS = 24 * 60 * 60 * 1000;

function limiter(db: Db, keyPrefix: string, limit: Limit): RateLimiterPostgres {
  // The table comes from a migration; tableCreated keeps the library from creating it on its own.
  return new RateLimiterPostgres({ storeClient: db, storeType: 'knex', tableName: TABLE, tableCreated: true, keyPrefix, points: limit.count, duration: Math.ceil(limit.windowMs / 1000) });
}

/** Counts one try; 0 when it is allowed, otherwise how many milliseconds until the next one is. */
async function take(on: RateLimiterPostgres, key: string): Promise<number> {
  try {
    await on.consume(key);
    return 0;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return Math.max(refusal.msBeforeNext, 1000);
    throw refusal;
  }
}

export type StaffAttempt = { ok: true } | { ok: false; reason: 'address' | 'locked'; waitMs: number; lockedNow: boolean };

export function createThrottles(db: Db, config: Pick<Config, 'throttle' | 'otp'>) {
  const { track, staffLogin } = config.throttle;
  const trackCode = limiter(db, 'track-code', track.perCode);
  const trackAddress = limiter(db, 'track-address', track.perAddress);
  const staffAddress = limiter(db, 'staff-login-address', staffLogin.perAddress);
  // Consecutive failures of one account; forgotten once the longest lockout has passed.
  const staffAccount = limiter(db, 'staff-login-account', { count: staffLogin.failuresPerAccount, windowMs: staffLogin.maxLockoutMs });
  // Lockouts of one account within a day: each doubles the next one, up to the longest.
  const staffLockouts = limiter(db, 'staff-lockouts', { count: 1_000_000, windowMs: DAY_MS });
  const codeAddress = limiter(db, 'login-code-address', config.otp.perAddress);

  return {
    /** One guess at a request's last four digits, counted per tracking code and per address. */
    async trackGuess(code: string, address: string): Promise<number> {
      const waits = await Promise.all([take(trackCode, code), take(trackAddress, address)]);
      return Math.max(...waits);
    },
    /** A right guess is not held against the code: only wrong ones count towards its limit. */
    async trackFound(code: string): Promise<void> {
      await trackCode.reward(code, 1);
    },

    /**
     * One sign-in attempt, counted before the password is checked. Past the limit the account is locked
     * for a while that doubles with each lockout of the day (a stranger can delay a clerk, never shut them out
     * for good), and one address can only try so many times.
     */
    async staffAttempt(username: string, address: string): Promise<StaffAttempt> {
      const addressWait = await take(staffAddress, address);
      if (addressWait) return { ok: false, reason: 'address', waitMs: addressWait, lockedNow: false };
      try {
        await staffAccount.consume(username);
        return { ok: true };
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        // Exactly one attempt crosses the limit; that one sets the lockout, every later one waits it out.
        if (refusal.consumedPoints !== staffLogin.failuresPerAccount + 1) return { ok: false, reason: 'locked', waitMs: Math.max(refusal.msBeforeNext, 1000), lockedNow: false };
        const lockouts = (await staffLockouts.penalty(username, 1)).consumedPoints;
        const waitMs = Math.min(staffLogin.lockoutMs * 2 ** Math.min(lockouts - 1, 30), staffLogin.maxLockoutMs);
        await staffAccount.block(username, Math.ceil(waitMs / 1000));
        return { ok: false, reason: 'locked', waitMs, lockedNow: true };
      }
    },
    /** A right password clears the account's failures and gives the address its try back. */
    async staffSignedIn(username: string, address: string): Promise<void> {
      await staffAccount.delete(username);
      await staffAddress.reward(address, 1);
    },
    /** An admin's unlock forgets the failures and the lockouts. */
    async staffUnlocked(username: string): Promise<void> {
      await staffAccount.delete(username);
      await staffLockouts.delete(username);
    },

    /** One login code asked for from an address, whichever number. */
    async loginCodeFromAddress(address: string): Promise<number> {
      return take(codeAddress, address);
    },
    /** A code that was not sent after all (refused for the number, or Temporal down) is not counted. */
    async loginCodeNotSent(address: string): Promise<void> {
      await codeAddress.reward(address, 1);
    },
  };
}

export type Throttles = ReturnType<typeof createThrottles>;

/** The client's address as the trusted proxies (TRUST_PROXY) report it, else the socket's. */
export const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Whole minutes to wait, at least one: what the "try again in N minutes" page says. */
export const minutesToWait = (waitMs: number) => Math.max(1, Math.ceil(waitMs / 60_000));
