import type { Config } from "../../config/load";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/model";
import type { OAuthProviderName } from "../oauth/providers";
import type { ClientConfig } from "./model";

export interface ClientConfigSettings {
  config: Pick<Config, "OTP_LENGTH" | "OTP_EXPIRE_SECONDS" | "OTP_RESEND_COOLDOWN_SECONDS" | "ACCESS_TOKEN_EXPIRE_MINUTES">;
  oauthProviders: readonly OAuthProviderName[];
  mailboxUrl: string | null;
}

/** The public view of the settings; nothing secret or deployment-specific beyond what the page shows. */
export function describeClientConfig({ config, oauthProviders, mailboxUrl }: ClientConfigSettings): ClientConfig {
  return {
    otp_length: config.OTP_LENGTH,
    otp_expire_seconds: config.OTP_EXPIRE_SECONDS,
    otp_resend_cooldown_seconds: config.OTP_RESEND_COOLDOWN_SECONDS,
    access_token_expire_minutes: config.ACCESS_TOKEN_EXPIRE_MINUTES,
    password_min_length: PASSWORD_MIN_LENGTH,
    password_max_length: PASSWORD_MAX_LENGTH,
    oauth_providers: [...new Set(oauthProviders)],
    mailbox_url: mailboxUrl,
  };
}
