// ESLint (flat config) with typescript-eslint, for every TypeScript file of the project. Formatting is prettier's
// (.prettierrc.json): no style rules here. The plugin source gets the conventions of CONTRIBUTING.md as rules.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const PLUGIN = "plugin-src/**/*.ts";

export default tseslint.config(
  // the corpus holds documents (some are TypeScript) to scan, not project code
  { ignores: ["build/", "node_modules/", "spec/fixtures/corpus/", "spec/fixtures/probes/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // JSON from the wire, fixtures and Lua interop are untyped by nature; `unknown` is preferred in new code
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // best-effort probes (/proc, resolv.conf) ignore failures on purpose
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  {
    // CommonJS tools (the tstl plugin under tools/ is loaded by require)
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["spec/**/*.ts", "bench/**/*.ts"],
    // specs feed control characters on purpose
    rules: { "no-control-regex": "off" },
  },
  {
    files: [PLUGIN],
    rules: {
      // Lua modules (cjson.safe, resty.*, ffi, kong.db.schema.typedefs) are loaded with require, as Lua does
      "@typescript-eslint/no-require-imports": "off",
      "no-restricted-properties": [
        "error",
        {
          property: "substring",
          message: "use sub(s, a, b) from engine/chars (substring compiles to a clamping helper)",
        },
        {
          property: "charCodeAt",
          message: "use byteAt(s, i) from engine/chars (charCodeAt compiles to `string.byte(...) or 0/0`)",
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "Literal[regex]",
          message: "no RegExp in the plugin: TSTL cannot compile it (byte loops, ngx.re behind an interface)",
        },
        { selector: "NewExpression[callee.name='RegExp']", message: "no RegExp in the plugin: TSTL cannot compile it" },
        {
          selector: "CallExpression[callee.property.name='push'][arguments.length>1]",
          message: "push one value per call (several compile to the __TS__ArrayPush helper)",
        },
        {
          // (object-literal methods are different: they take self unless declared `this: void`)
          selector:
            ":matches(FunctionDeclaration, ArrowFunctionExpression) > Identifier.params[name='this'][typeAnnotation.typeAnnotation.type='TSVoidKeyword']",
          message:
            "no `this: void` on functions: tsconfig.lua.json's noImplicitSelf already compiles them without self",
        },
      ],
    },
  },
);
