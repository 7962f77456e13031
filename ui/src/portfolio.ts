// Portfolio facts in plain words. (What the screens read from a portfolio: queries.ts.)

/** Meta's verification status in plain words. */
export function verificationLabel(status: string | null): string {
  switch (status) {
    case "verified":
      return "Verified";
    case "not_verified":
      return "Not verified";
    case "pending":
    case "pending_submission":
    case "pending_need_more_info":
      return "Verification pending";
    case "rejected":
      return "Verification rejected";
    case null:
      return "Unknown";
    default:
      return status.replace(/_/g, " ");
  }
}

/** The portfolio's two-factor requirement in plain words. */
export function twoFactorLabel(setting: string | null): string {
  switch (setting) {
    case "admin_required":
      return "Required for admins";
    case "all_required":
      return "Required for everyone";
    case "none":
      return "Not required";
    case null:
      return "Unknown";
    default:
      return setting.replace(/_/g, " ");
  }
}
