// One namespace module, not the package index: a type-check then reads this service's declarations only.
import * as cloudformation from "@pulumi/aws/cloudformation";
import * as pulumi from "@pulumi/pulumi";
import {
    CiRolesSettings,
    CREATE_OIDC_PROVIDER_PARAMETER,
    MAX_TEMPLATE_BODY_BYTES,
    ciRolesTemplate,
    templateDocuments,
} from "../shared/bootstrap/template";
import {
    CI_DEPLOY_ROLE_NAME,
    CI_PLAN_ROLE_NAME,
    MANAGED_TAG_KEY,
    MANAGED_TAG_VALUE,
} from "../shared/ci/identity";
import { BootstrapSettings } from "../shared/config/bootstrap";
import { checkedPolicyText } from "../shared/iam/checked";
import { childName } from "../shared/naming";
import { partitionOf } from "../shared/partition";
import { stateBucketPolicy } from "../shared/policies/stateBackend";
import { Refusal } from "../shared/refusal";
import { refusing } from "../shared/resourceRefusal";

interface CiRolesStackSetArgs extends BootstrapSettings {
    /** The region of the StackSet and of its stack instances (IAM is global: one region suffices). */
    region: string;
}

/** The StackSet's name in the administrator account. */
const CI_ROLES_STACK_SET_NAME = "grafana-athena-ci-roles";

/**
 * How an operation rolls out over thousands of accounts: a quarter of them at a time, and it stops
 * at the first account that fails (a role missing in one account is a deploy that fails there
 * later, so it must not pass unnoticed); one region.
 */
const OPERATION_PREFERENCES = {
    maxConcurrentPercentage: 25,
    failureToleranceCount: 0,
    regionConcurrencyType: "PARALLEL",
};

/**
 * The CI roles of every account of the organisational units, as one service-managed StackSet:
 * automatic deployment (an account that joins an OU gets the roles, one that leaves loses them),
 * one stack instance per OU, in one region. The template is built and checked in shared/
 * (shared/bootstrap/template.ts): every policy is validated against the IAM catalog and measured
 * against its quota before anything is deployed.
 */
export class CiRolesStackSet extends pulumi.ComponentResource {
    public readonly stackSet: cloudformation.StackSet;
    public readonly instances: cloudformation.StackSetInstance[];
    /** The role names every member account gets. */
    public readonly planRoleName: pulumi.Output<string>;
    public readonly deployRoleName: pulumi.Output<string>;
    /** The state bucket's policy as JSON, to put on the backend's bucket; "" without stateBucket. */
    public readonly stateBucketPolicy: pulumi.Output<string>;

    constructor(name: string, args: CiRolesStackSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("grafana-athena:bootstrap:CiRolesStackSet", name, {}, opts);
        const partition = partitionOf(args.region) ?? "aws";
        const settings: CiRolesSettings = {
            partition,
            repository: args.repository,
            regions: args.regions.length > 0 ? args.regions : [args.region],
            sourceRoleName: args.sourceRoleName,
            workgroupNames: args.workgroupNames,
            resultsBucketNames: args.resultsBucketNames,
            state: args.stateBucket
                ? { bucket: args.stateBucket, kmsKeyArn: args.stateKmsKeyArn }
                : undefined,
        };
        const callAs = args.delegatedAdministrator ? "DELEGATED_ADMIN" : "SELF";
        this.stackSet = this.createStackSet(name, settings, callAs, args.createOidcProvider);
        this.instances = args.organizationalUnitIds.map(
            (ou) =>
                new cloudformation.StackSetInstance(
                    childName(`${name}-ou`, ou),
                    {
                        stackSetName: this.stackSet.name,
                        callAs,
                        deploymentTargets: { organizationalUnitIds: [ou] },
                        stackSetInstanceRegion: args.region,
                        operationPreferences: OPERATION_PREFERENCES,
                    },
                    { parent: this },
                ),
        );
        this.planRoleName = pulumi.output(CI_PLAN_ROLE_NAME);
        this.deployRoleName = pulumi.output(CI_DEPLOY_ROLE_NAME);
        this.stateBucketPolicy =
            settings.state && args.organizationId
                ? pulumi.output(
                      refusing(this, () => {
                          const doc = stateBucketPolicy(settings.state!, partition, args.organizationId!);
                          return checkedPolicyText(doc, doc.toJSON(), "Use a shorter bucket name.");
                      }),
                  )
                : pulumi.output("");
        this.registerOutputs({
            planRoleName: this.planRoleName,
            deployRoleName: this.deployRoleName,
            stateBucketPolicy: this.stateBucketPolicy,
        });
    }

    /** The StackSet, its template known only once every policy in it passed its checks. */
    private createStackSet(
        name: string,
        settings: CiRolesSettings,
        callAs: string,
        createOidcProvider: boolean,
    ): cloudformation.StackSet {
        const templateBody = pulumi.output(
            refusing(this, async () => {
                const wayOut = "Use shorter names or fewer patterns and regions.";
                for (const doc of templateDocuments(settings))
                    await checkedPolicyText(doc, doc.toJSON(), wayOut);
                const body = ciRolesTemplate(settings);
                const bytes = Buffer.byteLength(body);
                if (bytes > MAX_TEMPLATE_BODY_BYTES) {
                    throw new Refusal(
                        `the CI roles' template is ${bytes} bytes, over ` +
                            `CloudFormation's ${MAX_TEMPLATE_BODY_BYTES}: ${wayOut}`,
                    );
                }
                return body;
            }),
        );
        return new cloudformation.StackSet(
            `${name}-stackset`,
            {
                name: CI_ROLES_STACK_SET_NAME,
                description:
                    `GitHub Actions roles of grafana-athena (${settings.repository}): ` +
                    `read-only plan role, deploy role, permissions boundary`,
                permissionModel: "SERVICE_MANAGED",
                autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
                callAs,
                capabilities: ["CAPABILITY_NAMED_IAM"],
                templateBody,
                parameters: { [CREATE_OIDC_PROVIDER_PARAMETER]: String(createOidcProvider) },
                managedExecution: { active: true },
                operationPreferences: OPERATION_PREFERENCES,
                tags: { ManagedBy: "pulumi", [MANAGED_TAG_KEY]: MANAGED_TAG_VALUE },
            },
            { parent: this },
        );
    }
}
