import type { CommandError } from "../../bindings";
import { fieldMessage } from "../../components/Callout";
import { SecretField } from "../../components/SecretField";
import { TextField } from "../../components/TextField";

type AppField = "app_id" | "app_secret";

/**
 * The app's ID and secret, with where to find them in the App Dashboard: the same two fields on
 * both ways of connecting (pasting a token, signing in with Meta). `error` marks the field an
 * engine error is about.
 */
export function AppFields({
  appId,
  appSecret,
  onChange,
  error,
}: {
  appId: string;
  appSecret: string;
  onChange: (field: AppField) => (value: string) => void;
  error: CommandError | null;
}) {
  const fieldError = (key: AppField) => (error?.field === key ? fieldMessage(error) : undefined);
  return (
    <div className="form-grid">
      <TextField
        label="App ID"
        description="At developers.facebook.com, in your app: App settings › Basic › App ID."
        value={appId}
        onChange={onChange("app_id")}
        inputMode="numeric"
        isRequired
        isInvalid={error?.field === "app_id"}
        errorMessage={fieldError("app_id") ?? "Type the app ID."}
      />
      <SecretField
        label="App secret"
        description="On the same page: App settings › Basic › App secret, then “Show” (Meta asks for your password)."
        value={appSecret}
        onChange={onChange("app_secret")}
        isRequired
        isInvalid={error?.field === "app_secret"}
        errorMessage={fieldError("app_secret") ?? "Paste the app secret."}
      />
    </div>
  );
}
