import { commandError } from "../backend/query";
import { Button } from "../components/Button";
import { Callout, ErrorCallout } from "../components/Callout";
import { Card } from "../components/Card";
import { Checkbox } from "../components/Checkbox";
import { Page } from "../components/Page";
import { CompatibilityCard } from "./CompatibilityCard";
import { NumberField } from "../components/NumberField";
import { SegmentedControl } from "../components/SegmentedControl";
import { useAppInfo, useKeyringStatus } from "../queries";
import { useClipboardClearSeconds, useExpiryReminder } from "../settings";
import type { ThemeChoice } from "../theme";

const themeOptions = [
  { value: "system", label: "Match system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
] as const;

/** Rust's OS family names, as people write them. */
function osName(os: string): string {
  const names: Record<string, string> = { linux: "Linux", macos: "macOS", windows: "Windows" };
  return names[os] ?? os;
}

export function SettingsScreen({ theme, onThemeChange }: { theme: ThemeChoice; onThemeChange: (t: ThemeChoice) => void }) {
  const info = useAppInfo().data ?? null;
  // "Check again" runs the check again; what the last one said is not shown meanwhile.
  const keyring = useKeyringStatus();
  const checking = keyring.isFetching || keyring.isPending;
  const [clearSeconds, setClearSeconds] = useClipboardClearSeconds();
  // The default and the bounds are the engine's (every copy is held to them there).
  const clearRange = useAppInfo().data?.clipboard_clear;
  const reminderRange = useAppInfo().data?.expiry_reminder;
  const [reminder, setReminder] = useExpiryReminder();

  return (
    <Page title="Settings">
      <Card title="Appearance">
        <SegmentedControl label="Theme" value={theme} options={themeOptions} onChange={onThemeChange} />
      </Card>

      <Card
        title="Clipboard"
        description="When you copy a token, Gatehouse keeps it out of clipboard history and clears the clipboard after a while, unless you copied something else since."
      >
        {clearRange && (
          <NumberField
            label="Clear the clipboard after"
            unit="seconds"
            description={`Between ${String(clearRange.min)} and ${String(clearRange.max)} seconds. Shorter is safer; long enough to paste the token where it goes.`}
            value={Math.min(clearRange.max, Math.max(clearRange.min, clearSeconds ?? clearRange.default))}
            onChange={setClearSeconds}
            minValue={clearRange.min}
            maxValue={clearRange.max}
          />
        )}
      </Card>

      <Card
        title="Token expiry"
        description="Gatehouse reminds you of tokens about to end (the ones it generated, refreshed or inspected) with a desktop notification when it starts, and twice a day while it runs."
      >
        <div className="stack">
          <Checkbox isSelected={reminder.on} onChange={(on) => setReminder({ ...reminder, on })}>
            Remind me before a token expires
          </Checkbox>
          {reminderRange && (
            <NumberField
              label="Remind me this many days before"
              unit="days"
              description={`Between ${String(reminderRange.min)} and ${String(reminderRange.max)} days.`}
              value={Math.min(reminderRange.max, Math.max(reminderRange.min, reminder.days ?? reminderRange.default))}
              onChange={(days) => setReminder({ ...reminder, days })}
              minValue={reminderRange.min}
              maxValue={reminderRange.max}
              isDisabled={!reminder.on}
            />
          )}
        </div>
      </Card>

      <Card
        title="Keychain"
        description="Gatehouse keeps tokens and app secrets in this computer's keychain and nowhere else. This check stores, reads back and deletes a test entry."
        actions={
          <Button onPress={() => void keyring.refetch()} isDisabled={checking}>
            Check again
          </Button>
        }
      >
        <div aria-live="polite">
          {checking ? (
            <Callout tone="info" title="Checking the keychain…" />
          ) : keyring.isSuccess ? (
            <Callout tone="success" title="The keychain is ready">
              <span>
                {keyring.data.store} answered in {keyring.data.round_trip_ms} ms.
              </span>
            </Callout>
          ) : (
            <ErrorCallout error={commandError(keyring.error)} title="The keychain is not usable" />
          )}
        </div>
      </Card>

      <CompatibilityCard />

      <Card title="About">
        <dl className="definition-list">
          <dt>Version</dt>
          <dd data-testid="app-version">{info ? info.version : "…"}</dd>
          <dt>System</dt>
          <dd>{info ? osName(info.os) : "…"}</dd>
        </dl>
      </Card>
    </Page>
  );
}
