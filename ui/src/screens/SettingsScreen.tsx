import { useEffect, useState } from "react";
import { useBackend } from "../backend/context";
import type { Result } from "../backend/result";
import type { AppInfo, CommandError, KeyringReport } from "../bindings";
import { Button } from "../components/Button";
import { Callout, ErrorCallout } from "../components/Callout";
import { Card } from "../components/Card";
import { Page } from "../components/Page";
import { CompatibilityCard } from "./CompatibilityCard";
import { NumberField } from "../components/NumberField";
import { SegmentedControl } from "../components/SegmentedControl";
import { CLIPBOARD_CLEAR_MAX, CLIPBOARD_CLEAR_MIN, useClipboardClearSeconds } from "../settings";
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

type KeyringState = { phase: "checking" } | { phase: "done"; result: Result<KeyringReport, CommandError> };

export function SettingsScreen({ theme, onThemeChange }: { theme: ThemeChoice; onThemeChange: (t: ThemeChoice) => void }) {
  const backend = useBackend();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [keyring, setKeyring] = useState<KeyringState>({ phase: "checking" });
  // Each press of "Check again" bumps this; the effect runs one check per value.
  const [checkRound, setCheckRound] = useState(0);
  const [clearSeconds, setClearSeconds] = useClipboardClearSeconds();

  useEffect(() => {
    void backend.appInfo().then((result) => {
      if (result.status === "ok") setInfo(result.data);
    });
  }, [backend]);

  useEffect(() => {
    let current = true;
    void backend.keyringStatus().then((result) => {
      if (current) setKeyring({ phase: "done", result });
    });
    return () => {
      current = false;
    };
  }, [backend, checkRound]);

  const checkAgain = () => {
    setKeyring({ phase: "checking" });
    setCheckRound((round) => round + 1);
  };

  return (
    <Page title="Settings">
      <Card title="Appearance">
        <SegmentedControl label="Theme" value={theme} options={themeOptions} onChange={onThemeChange} />
      </Card>

      <Card
        title="Clipboard"
        description="When you copy a token, Gatehouse keeps it out of clipboard history and clears the clipboard after a while, unless you copied something else since."
      >
        <NumberField
          label="Clear the clipboard after"
          unit="seconds"
          description={`Between ${CLIPBOARD_CLEAR_MIN} and ${CLIPBOARD_CLEAR_MAX} seconds. Shorter is safer; long enough to paste the token where it goes.`}
          value={clearSeconds}
          onChange={setClearSeconds}
          minValue={CLIPBOARD_CLEAR_MIN}
          maxValue={CLIPBOARD_CLEAR_MAX}
        />
      </Card>

      <Card
        title="Keychain"
        description="Gatehouse keeps tokens and app secrets in this computer's keychain and nowhere else. This check stores, reads back and deletes a test entry."
        actions={
          <Button onPress={checkAgain} isDisabled={keyring.phase === "checking"}>
            Check again
          </Button>
        }
      >
        <div aria-live="polite">
          {keyring.phase === "checking" ? (
            <Callout tone="info" title="Checking the keychain…" />
          ) : keyring.result.status === "ok" ? (
            <Callout tone="success" title="The keychain is ready">
              <span>
                {keyring.result.data.store} answered in {keyring.result.data.round_trip_ms} ms.
              </span>
            </Callout>
          ) : (
            <ErrorCallout error={keyring.result.error} title="The keychain is not usable" />
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
