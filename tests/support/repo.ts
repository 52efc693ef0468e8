import * as path from "node:path";

/** This checkout: the repository the tests run in (a user's checkout, or a copy of one). */
export const REPO = path.resolve(__dirname, "..", "..");
