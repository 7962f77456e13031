import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // bindings.ts is generated from Rust by tests/bindings.rs.
  { ignores: ["dist/", "dist-preview/", "node_modules/", "src/bindings.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: {
        project: ["./tsconfig.json", "./tsconfig.node.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": "off",
      // Screens use the design system's own components, not the raw library parts they wrap:
      // the look and the accessibility of each live in one place (src/components).
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "react-aria-components",
              importNames: ["ProgressBar"],
              message: "Use components/ProgressBar: one progress bar, one look.",
            },
            {
              name: "react-aria-components",
              importNames: ["Tabs", "TabList", "Tab", "TabPanel", "TabPanels"],
              message: "Use components/Tabs (variant=\"flow\" for a flow's tabs).",
            },
            {
              name: "react-aria-components",
              importNames: ["Checkbox", "CheckboxButton", "CheckboxField", "CheckboxGroup"],
              message: "Use components/Checkbox (Checkbox, CheckboxGroup).",
            },
            {
              name: "react-aria-components",
              importNames: ["Radio", "RadioButton", "RadioField", "RadioGroup"],
              message: "Use components/Radio (RadioGroup, Radio), or components/SegmentedControl.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/components/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["eslint.config.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
