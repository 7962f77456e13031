import type { ExpiryChoice, TokenExpiry } from "../../backend/types";
import { Radio, RadioGroup } from "../../components/Radio";
import { daysFromNow } from "./tokenDialogState";

export interface ExpiryStepProps {
  /** The engine's lifetimes, the recommended one first. */
  expiries: readonly ExpiryChoice[];
  expiry: TokenExpiry;
  onExpiryChange: (expiry: TokenExpiry) => void;
}

/** Step 2: how long the token works, in the engine's words (with the date it would stop). */
export function ExpiryStep({ expiries, expiry, onExpiryChange }: ExpiryStepProps) {
  return (
    <RadioGroup
      label="How long should the token work?"
      value={expiry}
      onChange={(value) => {
        const choice = expiries.find((c) => c.expiry === value);
        if (choice) onExpiryChange(choice.expiry);
      }}
    >
      {expiries.map((choice) => (
        <Radio
          key={choice.expiry}
          value={choice.expiry}
          description={choice.lifetime_days !== null ? `Until ${daysFromNow(choice.lifetime_days)}. ${choice.description}` : choice.description}
        >
          {choice.label}
        </Radio>
      ))}
    </RadioGroup>
  );
}
