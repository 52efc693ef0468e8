/**
 * grafana-athena-source: run once in every data account. Exports exactly the stack-output
 * contract the workspace stack reads (shared/contract.ts): its outputs, in the contract's order,
 * with `outputLocation` for a results bucket or `resultsMode` for Athena's managed query results.
 */
import { AthenaSourceAccess } from "../components/source/athenaSourceAccess";
import { loadSourceConfig } from "../components/source/config";

const source = new AthenaSourceAccess("grafana-athena", loadSourceConfig());

// The module's value is the stack's outputs (@pulumi/pulumi runtime/stack.js): only the modal
// output the results need is a property at all, so no undefined output is ever exported.
export = source.contract;
