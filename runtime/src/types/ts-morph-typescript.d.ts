// ts-morph ships its own TypeScript and exposes it as `ts`; the analyzer loads that module alone.
declare module "@ts-morph/common/dist/typescript.js" {
  import { ts } from "ts-morph";
  export = ts;
}
