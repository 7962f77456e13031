import type { UseQueryResult } from "@tanstack/react-query";
import { commandError } from "../../backend/query";
import type { ScopeCatalog } from "../../backend/types";
import { Button } from "../../components/Button";
import { ErrorCallout } from "../../components/Callout";
import { Checkbox, CheckboxGroup } from "../../components/Checkbox";

export interface ScopeStepProps {
  catalog: UseQueryResult<ScopeCatalog>;
  /** The permissions ticked. */
  chosen: readonly string[];
  /** The ticked ones and every one they need (resolveScopes). */
  all: string[];
  /** For each permission added because it is needed, the ticked ones that need it. */
  neededBy: ReadonlyMap<string, ReadonlySet<string>>;
  onChosenChange: (chosen: readonly string[]) => void;
}

function sameSet(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * Step 3: the engine's presets and its permissions by group, each in one sentence; what a ticked
 * one needs is ticked too (and cannot be unticked), saying which one needs it.
 */
export function ScopeStep({ catalog, chosen, all, neededBy, onChosenChange }: ScopeStepProps) {
  if (catalog.isPending) return <p role="status" className="muted">Loading permissions…</p>;
  if (catalog.isError) return <ErrorCallout error={commandError(catalog.error)} title="The permissions could not be loaded" />;
  const data = catalog.data;
  const activePreset = data.presets.find((p) => sameSet(p.scopes, chosen));
  const added = all.filter((s) => !chosen.includes(s));
  return (
    <div className="stack">
      <div className="stack-sm">
        <span className="field__label" id="presets-label">
          Start from what the token is for
        </span>
        <div className="presets" role="group" aria-labelledby="presets-label">
          {data.presets.map((preset) => (
            <Button
              key={preset.id}
              className="preset"
              aria-pressed={activePreset?.id === preset.id}
              onPress={() => onChosenChange([...preset.scopes])}
            >
              {preset.label}
            </Button>
          ))}
        </div>
        <p className="field__description">
          {activePreset ? activePreset.description : "A quick pick replaces the ticks below; you can change them after."}
        </p>
      </div>
      <p aria-live="polite" className="muted">
        {all.length === 0
          ? "No permissions chosen yet."
          : `${String(all.length)} ${all.length === 1 ? "permission" : "permissions"}: ${String(chosen.length)} chosen${added.length > 0 ? `, ${String(added.length)} added because they are needed` : ""}.`}
      </p>
      <CheckboxGroup
        aria-label="Permissions"
        gap="md"
        value={all}
        onChange={(values) => {
          const turnedOn = values.filter((v) => !all.includes(v));
          const turnedOff = all.filter((v) => !values.includes(v));
          onChosenChange([...chosen.filter((c) => !turnedOff.includes(c)), ...turnedOn]);
        }}
      >
        {data.groups.map((group) => (
          <fieldset key={group.name} className="scope-group">
            <legend>{group.name}</legend>
            {group.scopes.map((scope) => {
              const by = neededBy.get(scope.name);
              const isAdded = by !== undefined && !chosen.includes(scope.name);
              return (
                <Checkbox
                  key={scope.name}
                  variant="flow"
                  value={scope.name}
                  isDisabled={isAdded}
                  description={<span className="scope-name">{scope.name}</span>}
                >
                  {scope.sentence}
                  {isAdded && <span className="check__added">added because {[...by].join(" and ")} needs it</span>}
                </Checkbox>
              );
            })}
          </fieldset>
        ))}
      </CheckboxGroup>
    </div>
  );
}
