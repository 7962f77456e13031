import { Label, ProgressBar as AriaProgressBar } from "react-aria-components";

export interface ProgressBarProps {
  label: string;
  value: number;
  maxValue?: number;
  /** Read out and shown at the right, e.g. "120 of 300 done". */
  valueLabel?: string;
  /** No known end yet (waiting, starting). */
  isIndeterminate?: boolean;
}

/** A labelled progress bar; screen readers hear the label and the value text. */
export function ProgressBar({ label, value, maxValue = 100, valueLabel, isIndeterminate }: ProgressBarProps) {
  return (
    <AriaProgressBar
      className="progress"
      value={value}
      maxValue={maxValue}
      valueLabel={valueLabel}
      isIndeterminate={isIndeterminate}
    >
      {({ percentage, valueText }) => (
        <>
          <div className="progress__header">
            <Label className="field__label">{label}</Label>
            <span className="progress__value">{valueText}</span>
          </div>
          <div className="progress__track">
            <div
              className={isIndeterminate ? "progress__fill progress__fill--indeterminate" : "progress__fill"}
              style={isIndeterminate ? undefined : { width: `${percentage ?? 0}%` }}
            />
          </div>
        </>
      )}
    </AriaProgressBar>
  );
}
