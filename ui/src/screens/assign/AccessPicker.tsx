import type { AssetKindInfo } from "../../backend/types";
import { Checkbox, CheckboxGroup } from "../../components/Checkbox";
import { FieldDescription } from "../../components/FieldDescription";
import { Radio, RadioGroup } from "../../components/Radio";

export type Access = { mode: "full" | "partial"; tasks: string[] };

/** The engine's least-privilege start for the kind. */
export function defaultAccess(info: AssetKindInfo): Access {
  return { mode: "partial", tasks: [...info.default_tasks] };
}

export function sameTasks(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** The Meta task names the access stands for. */
export function tasksOf(info: AssetKindInfo, access: Access): string[] {
  return access.mode === "full" ? [...info.full_control] : access.tasks;
}

/** Plain labels, in the kind's order. */
export function taskLabels(info: AssetKindInfo, tasks: readonly string[]): string[] {
  return info.tasks.filter((t) => tasks.includes(t.name)).map((t) => t.label);
}

/** What Full control or Partial means, in one line for the review. */
export function describeAccess(info: AssetKindInfo, access: Access): string {
  if (info.tasks.length === 0) return "Installed for the system user";
  const labels = taskLabels(info, tasksOf(info, access));
  return access.mode === "full" ? `Full control: ${labels.join(", ")}` : `Partial: ${labels.join(", ")}`;
}

export function accessProblem(info: AssetKindInfo, access: Access): string | null {
  if (info.tasks.length === 0 || access.mode === "full") return null;
  if (access.tasks.length === 0) return `Choose at least one thing it may do on ${info.plural}.`;
  return null;
}

export interface AccessPickerProps {
  info: AssetKindInfo;
  access: Access;
  onChange: (access: Access) => void;
}

/** Full control, or Partial with the kind's tasks in plain words (valid combinations only). */
export function AccessPicker({ info, access, onChange }: AccessPickerProps) {
  if (info.tasks.length === 0) {
    return (
      <div className="access-picker">
        <h3 className="access-picker__title">Access</h3>
        <p className="muted">
          Apps have no tasks to choose: Gatehouse installs each selected app on the system user, so it can get tokens
          from it.
        </p>
      </div>
    );
  }
  const fullLabels = taskLabels(info, info.full_control);
  const combos = info.partial_combinations;
  return (
    <div className="access-picker">
      <RadioGroup
        label={`Access to the selected ${info.plural}`}
        labelStyle="title"
        value={access.mode}
        onChange={(mode) => {
          if (mode === "full") onChange({ mode: "full", tasks: access.tasks });
          else onChange({ mode: "partial", tasks: access.tasks.length > 0 ? access.tasks : defaultAccess(info).tasks });
        }}
      >
        <Radio value="partial" description="Only what you choose below. Recommended.">
          Partial access
        </Radio>
        <Radio value="full" description={`Everything: ${fullLabels.join(", ")}.`}>
          Full control
        </Radio>
      </RadioGroup>
      {access.mode === "partial" &&
        (combos.length > 0 ? (
          <RadioGroup
            label="What it may do"
            value={combos.findIndex((c) => sameTasks(c, access.tasks)).toString()}
            onChange={(value) => {
              const combo = combos[Number(value)];
              if (combo) onChange({ mode: "partial", tasks: [...combo] });
            }}
          >
            <FieldDescription>Meta accepts only these mixes on {info.plural}.</FieldDescription>
            {combos.map((combo, index) => {
              const tasks = info.tasks.filter((t) => combo.includes(t.name));
              return (
                <Radio
                  key={combo.join()}
                  value={index.toString()}
                  description={tasks.map((t) => t.description).join(" ")}
                >
                  {tasks.map((t) => t.label).join(" + ")}
                </Radio>
              );
            })}
          </RadioGroup>
        ) : (
          <CheckboxGroup
            label="What it may do"
            value={access.tasks}
            onChange={(tasks) => onChange({ mode: "partial", tasks })}
          >
            {info.tasks.map((t) => (
              <Checkbox key={t.name} variant="flow" value={t.name} description={t.description}>
                {t.label}
                {!t.write && <span className="check__tag">read only</span>}
              </Checkbox>
            ))}
          </CheckboxGroup>
        ))}
    </div>
  );
}
