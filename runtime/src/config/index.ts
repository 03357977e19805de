/**
 * Configuration, resolved in one place for every entry point (the CLI, the worker, the client API,
 * the language server and the extension): where the datastore is, and who the user is.
 */
export { describeLocation, type DatastoreLocation } from "./location";
export {
  resolveDatastore,
  resolveRoot,
  datastoreEnv,
  DEFAULT_DATASTORE_DIR,
  type DatastoreSources,
  type Env,
} from "./resolve";
export { isS3Url, parseS3Url } from "./s3-url";
export { currentUser } from "./user";
