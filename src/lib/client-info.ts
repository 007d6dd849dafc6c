import type { LocalePreference } from "./locale";

/**
 * Who sent a request, as sessions and the audit log record it; null where it is not known. The language it
 * asks for (its body's `locale`, its Accept-Language) rides along, so a mail sent for it speaks that language.
 */
export interface ClientInfo extends LocalePreference {
  ip: string | null;
  userAgent: string | null;
}
