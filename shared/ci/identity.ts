/**
 * Who CI is in every member account: the role names the bootstrap creates, GitHub's OIDC issuer,
 * and the subjects of the jobs each role trusts. One definition, used by the bootstrap's template,
 * the state bucket's policy and the fleet's choice of role per stack.
 */

/** GitHub Actions' OIDC issuer host: the provider's URL, and the prefix of its condition keys. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` asks for, and the only one the roles accept. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** The read-only role of previews, plans and drift checks, in every member account. */
export const CI_PLAN_ROLE_NAME = "grafana-athena-ci-plan";
/** The role that applies reviewed plans, in every member account. */
export const CI_DEPLOY_ROLE_NAME = "grafana-athena-ci-deploy";
/** The permissions boundary every role the deploy role creates must carry. */
export const CI_BOUNDARY_POLICY_NAME = "grafana-athena-ci-boundary";

/** The tag every resource of a source stack carries (the source component's default tags). */
export const MANAGED_TAG_KEY = "Component";
export const MANAGED_TAG_VALUE = "grafana-athena";

/**
 * `owner/repo` as GitHub spells it in subjects: owner 1-39 letters, digits, hyphens; repo 1-100 of
 * [A-Za-z0-9._-].
 */
export const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** The workflows and events whose jobs may take each role. */
const DEPLOY_WORKFLOW = ".github/workflows/deploy.yml";
const PREVIEW_WORKFLOW = ".github/workflows/preview.yml";
const MAIN = "refs/heads/main";
/** The events of a deploy run: a push to main, the weekly schedule, a manual dispatch. */
const DEPLOY_EVENTS = ["push", "schedule", "workflow_dispatch"] as const;

/**
 * The OIDC subject of a job, in the form the repository's customised subject template gives
 * (`include_claim_keys: ["repo", "context", "job_workflow_ref", "event_name"]`, set once with
 * `PUT /repos/<owner>/<repo>/actions/oidc/customization/sub`, GitHub's "OpenID Connect reference",
 * "Customizing the subject claims"): the repository, the environment, the workflow file at its
 * ref, and the event. GitHub's default subject, `repo:<owner>/<repo>:environment:<name>`, names no
 * workflow, so any workflow of the repository that uses the environment would match it.
 */
function jobSubject(
    repository: string,
    environment: string,
    workflow: string,
    ref: string,
    event: string,
): string {
    return (
        `repo:${repository}:environment:${environment}:job_workflow_ref:` +
        `${repository}/${workflow}@${ref}:event_name:${event}`
    );
}

export interface RoleSubjects {
    /** Subjects matched exactly (`StringEquals`). */
    readonly exact: readonly string[];
    /** Subjects with a `*` for a pull request's number (`StringLike`); none for the deploy role. */
    readonly like: readonly string[];
}

/**
 * The plan role: the `preview` environment of a pull request's preview (its ref is
 * `refs/pull/<number>/merge`, hence the one `*`), and the `plan` environment of a deploy run of main.
 */
export function planRoleSubjects(repository: string): RoleSubjects {
    return {
        exact: DEPLOY_EVENTS.map((e) => jobSubject(repository, "plan", DEPLOY_WORKFLOW, MAIN, e)),
        like: [jobSubject(repository, "preview", PREVIEW_WORKFLOW, "refs/pull/*/merge", "pull_request")],
    };
}

/** The deploy role: only the `production` environment of a deploy run of main; never a pull request. */
export function deployRoleSubjects(repository: string): RoleSubjects {
    return {
        exact: DEPLOY_EVENTS.map((e) => jobSubject(repository, "production", DEPLOY_WORKFLOW, MAIN, e)),
        like: [],
    };
}

/** The ARN of a CI role in an account. */
export function ciRoleArn(partition: string, accountId: string, roleName: string): string {
    return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}
