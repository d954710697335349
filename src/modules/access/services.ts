// The identity services of one platform, created on first use and kept per platform object (tests open many
// platforms in one process; each gets its own buckets and sessions).
import type { Platform } from "../../platform.ts";
import { PlanLimits, TokenBuckets } from "../../http/ratelimit.ts";
import { SessionService } from "./sessions.ts";
import { LoginThrottle } from "./throttle.ts";

export interface AccessServices {
  sessions: SessionService;
  throttle: LoginThrottle;
  buckets: TokenBuckets;
  limits: PlanLimits;
  /** Cookies get `Secure` when the public URL is https. */
  secureCookies: boolean;
  ownOrigin: string;
}

const BY_PLATFORM = new WeakMap<Platform, AccessServices>();

export function access(platform: Platform): AccessServices {
  let s = BY_PLATFORM.get(platform);
  if (!s) {
    const now = () => platform.clock.now();
    const url = new URL(platform.config.publicUrl);
    s = {
      sessions: new SessionService(platform.control, platform.config.masterKey, now),
      throttle: new LoginThrottle(now),
      buckets: new TokenBuckets(now),
      limits: new PlanLimits(platform.control, now),
      secureCookies: url.protocol === "https:",
      ownOrigin: url.origin,
    };
    BY_PLATFORM.set(platform, s);
  }
  return s;
}
