/**
 * Whether an existing workgroup a source stack adopts (`workgroup.create: false`) fits the stack's
 * `results`. The stack never changes an adopted workgroup's settings, so a mismatch is refused
 * before anything queries through it. Pure: the component applies it to the workgroup it reads.
 */
import type { ResultsSettings } from "./config/source";
import { isManagedResults } from "./config/source";
import { s3Url } from "./s3";

/** The settings of a workgroup as the AWS provider reads them (`aws.athena.Workgroup`'s `configuration`). */
interface WorkgroupResultsConfiguration {
    enforceWorkgroupConfiguration?: boolean;
    resultConfiguration?: { outputLocation?: string };
    managedQueryResultsConfiguration?: { enabled?: boolean; encryptionConfiguration?: { kmsKey?: string } };
}

/**
 * The one problem of an adopted workgroup for the stack's `results`, or undefined:
 * - results in a bucket, and the workgroup uses Athena's managed query results: Athena refuses a
 *   query that names an output location there ("ManagedQueryResultsConfiguration and
 *   ResultConfiguration cannot be set together"), and the data source names one;
 * - results in a bucket, and the workgroup enforces another output location: results would land
 *   where the role may not write;
 * - managed results, and the workgroup has them off: its results would go to its own output
 *   location, where the role may not write (or, without one, every query fails);
 * - managed results under another key than `results.kmsKeyArn` (or none): the role could not use it.
 */
export function adoptedWorkgroupProblem(
    workgroupName: string,
    configuration: WorkgroupResultsConfiguration | undefined,
    results: ResultsSettings,
): string | undefined {
    const managed = configuration?.managedQueryResultsConfiguration;
    const location = configuration?.resultConfiguration?.outputLocation;
    const wg = `workgroup "${workgroupName}"`;
    if (!isManagedResults(results)) {
        if (managed?.enabled) {
            return (
                `${wg} uses Athena's managed query results, but results gives a ` +
                `bucket; set results to {managed: true}`
            );
        }
        const expected = s3Url({ bucket: results.bucket, prefix: results.prefix });
        if (
            configuration?.enforceWorkgroupConfiguration &&
            location &&
            location.replace(/\/?$/, "/") !== expected
        ) {
            return (
                `${wg} enforces its output location ${location}, but ` +
                `results.bucket/results.prefix give ${expected}; ` +
                `set results to the workgroup's location (with results.create false if the bucket exists)`
            );
        }
        return undefined;
    }
    if (!managed?.enabled) {
        return (
            `${wg} does not use Athena's managed query results` +
            (location ? ` (it writes to ${location})` : "") +
            `, but results is {managed: true}; turn them on in the workgroup, or give results a bucket`
        );
    }
    const key = managed.encryptionConfiguration?.kmsKey || undefined;
    if (!sameKey(key, results.kmsKeyArn)) {
        return (
            `${wg} encrypts managed query results with ${key ?? "an AWS owned key"}, but results.kmsKeyArn ` +
            `gives ${results.kmsKeyArn ?? "none"}; set results.kmsKeyArn to the workgroup's key`
        );
    }
    return undefined;
}

/**
 * The workgroup's key (Athena accepts a key ARN, a key ID, an alias or an alias ARN) is the stack's
 * key ARN: the same ARN, or its key ID. An alias cannot be resolved offline, so it does not match.
 */
function sameKey(workgroupKey: string | undefined, stackKeyArn: string | undefined): boolean {
    if (workgroupKey === undefined || stackKeyArn === undefined) return workgroupKey === stackKeyArn;
    return (
        workgroupKey === stackKeyArn || workgroupKey === stackKeyArn.slice(stackKeyArn.lastIndexOf("/") + 1)
    );
}
