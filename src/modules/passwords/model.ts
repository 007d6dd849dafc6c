import { z } from "zod";
import { codeField, emailField, localeField, passwordField } from "../auth/model";

export const forgotPasswordBody = z.object({ email: emailField, locale: localeField });
export const resetPasswordBody = z.object({ email: emailField, code: codeField, new_password: passwordField, locale: localeField });
export const changePasswordBody = z.object({
  current_password: z.string().min(1).max(1024),
  new_password: passwordField,
});
