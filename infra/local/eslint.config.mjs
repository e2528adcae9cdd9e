// eslint for the admin page's plain ES modules (chalicelib/admin), run by `make lint` from the repository root.
// Patterns are relative to the directory eslint runs in (the root); packages resolve from here.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    files: ["chalicelib/admin/**/*.js"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: globals.browser,
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-unused-vars": ["error", {
        args: "after-used", argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none",
      }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
      // ARCHITECTURE.md: a screen's file is split by part once it passes ~400 lines.
      "max-lines": ["error", { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
];
