// typescript-to-lua plugin (tsconfig.lua.json "luaPlugins"): lowers the engine's portable byte primitives to direct
// Lua builtins at compile time, so the compiled hot loops call string.byte / string.sub themselves.
//
// Why: a tiny hot wrapper such as chars.ts `byteAt` is a function LuaJIT starts root traces at; they abort ("leaving
// loop in root trace"), LuaJIT blacklists the wrapper, and from then on every trace that reaches it aborts too
// (issue 12). Inlined builtins have no such start point.
//
//   byteAt(s, i)  ->  string.byte(s, i + 1)     (constant offsets folded: byteAt(s, p + 1) -> string.byte(s, p + 2))
//   sub(s, a, b)  ->  string.sub(s, a + 1, b)
//
// A call is lowered when its callee resolves to the `byteAt` / `sub` exported by engine/chars.ts, however it is
// reached: a named import (`import { byteAt } from "./chars"`), a namespace (`ch.byteAt(...)`), or a local alias
// (`const byteAt = ch.byteAt`). Resolution goes through the type checker (not the spelling), so a different function
// that happens to be called `sub` is left alone. The JavaScript build is not affected (the plugin only runs in tstl);
// Node and LuaJIT stay byte-identical because both forms have the same semantics for in-range indices, and return
// nothing (nil) for out-of-range ones, as the wrappers do.
const ts = require("typescript");
const tstl = require("typescript-to-lua");
const path = require("node:path");

const PRIMITIVES_FILE = "chars.ts";
/** exported name -> Lua builtin in the string library, and which arguments are 0-based indices to shift by one */
const LOWERED = {
  byteAt: { builtin: "byte", arity: 2, shift: [1] },
  sub: { builtin: "sub", arity: 3, shift: [1] },
};
const MAX_ALIAS_DEPTH = 8;

/** The LOWERED key the callee stands for, or undefined. */
function primitiveOf(checker, callee) {
  let node = callee;
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth++) {
    const at = ts.isPropertyAccessExpression(node) ? node.name : node;
    let symbol = checker.getSymbolAtLocation(at);
    if (symbol === undefined) return undefined;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const decl = symbol.valueDeclaration ?? (symbol.declarations ?? [])[0];
    if (decl === undefined) return undefined;
    const file = path.basename(decl.getSourceFile().fileName);
    if (file === PRIMITIVES_FILE && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
      const name = decl.name.text;
      if (Object.prototype.hasOwnProperty.call(LOWERED, name)) return name;
    }
    // a local alias such as `const byteAt = ch.byteAt`: follow its initializer
    if (
      ts.isVariableDeclaration(decl) &&
      decl.initializer !== undefined &&
      (ts.isIdentifier(decl.initializer) || ts.isPropertyAccessExpression(decl.initializer)) &&
      (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) !== 0
    ) {
      node = decl.initializer;
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** expr + 1 as a Lua expression, folding numeric constants (`i` -> `i + 1`, `3` -> `4`, `p + 1` -> `p + 2`, `p - 1` -> `p`). */
function plusOne(expr) {
  if (tstl.isNumericLiteral(expr)) return tstl.createNumericLiteral(expr.value + 1);
  if (tstl.isBinaryExpression(expr) && tstl.isNumericLiteral(expr.right)) {
    const k = expr.right.value;
    if (expr.operator === tstl.SyntaxKind.AdditionOperator) {
      return k + 1 === 0
        ? expr.left
        : tstl.createBinaryExpression(expr.left, tstl.createNumericLiteral(k + 1), tstl.SyntaxKind.AdditionOperator);
    }
    if (expr.operator === tstl.SyntaxKind.SubtractionOperator) {
      if (k - 1 === 0) return expr.left;
      return k - 1 > 0
        ? tstl.createBinaryExpression(expr.left, tstl.createNumericLiteral(k - 1), tstl.SyntaxKind.SubtractionOperator)
        : tstl.createBinaryExpression(expr.left, tstl.createNumericLiteral(1 - k), tstl.SyntaxKind.AdditionOperator);
    }
  }
  return tstl.createBinaryExpression(expr, tstl.createNumericLiteral(1), tstl.SyntaxKind.AdditionOperator);
}

/** @type {import("typescript-to-lua").Plugin} */
const plugin = {
  visitors: {
    [ts.SyntaxKind.CallExpression]: (node, context) => {
      const name = primitiveOf(context.checker, node.expression);
      const spec = name === undefined ? undefined : LOWERED[name];
      if (spec === undefined || node.arguments.length !== spec.arity || node.arguments.some(ts.isSpreadElement)) {
        return context.superTransformExpression(node);
      }
      const args = node.arguments.map((a, k) => {
        const lua = context.transformExpression(a);
        return spec.shift.includes(k) ? plusOne(lua) : lua;
      });
      const fn = tstl.createTableIndexExpression(
        tstl.createIdentifier("string"),
        tstl.createStringLiteral(spec.builtin),
      );
      return tstl.createCallExpression(fn, args, node);
    },
  },
};

module.exports = plugin;
module.exports.default = plugin;
module.exports.primitiveOf = primitiveOf;
