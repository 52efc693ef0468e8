/**
 * The policy pack: `pulumi preview --policy-pack policy` (from the repository root, any stack of
 * any project; no Pulumi Cloud needed). The same rules run offline on plans: `npm run policy`.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./pack";

new PolicyPack("grafana-athena-security", {
    description:
        "The grafana-athena security model on any stack: Grafana's roles, their " +
        "policies, Athena workgroups and results buckets.",
    policies: POLICIES,
});
