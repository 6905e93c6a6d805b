// The WebAssembly API src/shell/wasm.ts and parser.ts use: @types/node 20 declares none and the
// project's lib (ES2023, no DOM) has none either.
declare namespace WebAssembly {
  class Module {
    private readonly webAssemblyModule: never;
    static exports(module: Module): { name: string; kind: string }[];
  }
  type Imports = Record<string, Record<string, unknown>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, unknown>;
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
