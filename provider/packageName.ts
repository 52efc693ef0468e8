/** The component package's name, from package.json: its type tokens and its SDKs are named after it. */

/** The package's name: the first part of every type token, and the SDKs' module name. */
export const PACKAGE_NAME: string = (require("../package.json") as { name: string }).name;
