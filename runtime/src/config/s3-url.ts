import { TsflowError } from "../errors";

/** A root that names a place in a bucket: `s3://bucket` or `s3://bucket/prefix`. */
export function isS3Url(root: string): boolean {
  return /^s3:\/\//i.test(root);
}

/**
 * The bucket and key prefix of an `s3://bucket/prefix` root. The prefix has no leading or trailing
 * slash ("" for the whole bucket). A root that cannot name a bucket and a prefix is one usage
 * error that quotes it and says what is wrong, before anything touches the network.
 */
export function parseS3Url(root: string): { bucket: string; prefix: string } {
  const rest = root.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (bucket === "") throw badRoot(root, "it names no bucket (expected s3://BUCKET or s3://BUCKET/PREFIX)");
  const bucketProblem = bucketNameProblem(bucket);
  if (bucketProblem) throw badRoot(root, `'${bucket}' is not a bucket name: ${bucketProblem}`);
  const prefixProblem = prefixProblemOf(prefix);
  if (prefixProblem) throw badRoot(root, `the key prefix '${prefix}' ${prefixProblem}`);
  return { bucket, prefix };
}

/** What is wrong with a bucket name by S3's naming rules, or undefined when nothing is. */
function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return "a bucket name has 3 to 63 characters";
  if (!/^[a-z0-9.-]+$/.test(bucket)) return "it may hold only lowercase letters, digits, dots and hyphens";
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return "it must begin and end with a letter or a digit";
  if (bucket.includes("..")) return "it may not hold two dots in a row";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return "it may not look like an IP address";
  return undefined;
}

/** What is wrong with a key prefix, or undefined: its parts become key segments as they are. */
function prefixProblemOf(prefix: string): string | undefined {
  if (prefix === "") return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(prefix)) return "holds a control character or a backslash";
  const parts = prefix.split("/");
  if (parts.some((part) => part === "")) return "has an empty part ('//')";
  if (parts.some((part) => part === "." || part === "..")) return "has a '.' or '..' part";
  return undefined;
}

function badRoot(root: string, why: string): TsflowError {
  return new TsflowError("usage", `datastore root ${root}: ${why}`, root);
}
