/**
 * `dashboard.files`: dashboards exported from Grafana, by path relative to the stack file's folder
 * (shared/dashboardFiles.ts reads them; shared/grafana/dashboardFile.ts binds each to every source).
 */
import { z } from "zod";
import { dashboardPathProblem } from "../dashboardFiles";
import { MAX_DASHBOARD_FILES } from "../grafana/dashboardFile";
import * as r from "./rules";

const dashboardPath = z
    .string({ error: (i) => `must be the path of a dashboard's JSON file, got ${r.describe(i.input)}` })
    .superRefine((file, ctx) => {
        const problem = dashboardPathProblem(file);
        if (problem !== undefined)
            ctx.addIssue({ code: "custom", message: `${problem}, got ${r.describe(file)}` });
    });

export const dashboardFileList = z
    .array(dashboardPath, {
        error: (i) => `must be a list of paths of dashboard JSON files, got ${r.describe(i.input)}`,
    })
    .max(MAX_DASHBOARD_FILES, {
        error: (i) =>
            `lists ${(i.input as unknown[]).length} files, more than the ` +
            `${MAX_DASHBOARD_FILES} a stack's dashboards take`,
    })
    .refine((fs) => new Set(fs).size === fs.length, { error: "lists a file twice" });
