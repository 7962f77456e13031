import type { ReactNode } from "react";
import { Text } from "react-aria-components";

/**
 * A plain sentence about a group of choices (components/Checkbox's CheckboxGroup,
 * components/Radio's RadioGroup), read with the group. Placed where it reads best: after the
 * group's label, or after its options.
 */
export function FieldDescription({ children }: { children: ReactNode }) {
  return (
    <Text slot="description" className="field__description">
      {children}
    </Text>
  );
}
