/*
 * apsim.h -- the public C API of libapsim, an in-process emulator of the Amazon EFS access point
 * and Amazon FSx S3 access point attachment control-plane APIs.
 *
 * This header is the whole published API: a function, type or macro that is not declared here is
 * not part of it. Every request and every response is a JSON document (UTF-8, NUL-terminated), so
 * the ABI has no structs and stays stable as the emulated APIs grow.
 *
 * CONVENTIONS (read once, they hold for every function below)
 *
 *  Ownership.  Every `char *` the library hands out (through an `out_...` parameter) is allocated by
 *     the library and owned by the caller, who releases it with apsim_string_free() -- never with
 *     free(). A `const char *` return value (apsim_version) is static and must never be freed.
 *     Input strings are borrowed for the duration of the call only.
 *
 *  Out parameters come first.  Each function that produces a document writes it through its first
 *     parameter. On return that pointer holds either NULL or one JSON document: the response, or an
 *     error envelope. Passing the same out pointer to apsim_string_free() is always correct.
 *
 *  Return codes.
 *       0            success; *out holds the response.
 *     > 0            an AWS-style error; the value is its HTTP status (400, 403, 404, 405, 409,
 *                    410, 429, 500, 501, 503, 504, 507). *out holds the error envelope (see below).
 *     < 0            a misuse of the C API (one of the APSIM_E_* codes); *out is set to NULL when
 *                    out is not NULL. A request that is merely wrong (bad JSON, an unknown
 *                    operation, a missing member) is never a misuse: it gets a 400 envelope.
 *
 *  Success documents are the AWS response members exactly as boto3 returns them (member names and
 *     nesting of the AWS API, timestamps as epoch seconds) plus
 *         "ResponseMetadata": {"RequestId": "...", "HTTPStatusCode": 200}
 *     (201 or 204 where AWS answers with those).
 *
 *  Error envelopes have the shape botocore gives a parsed AWS error, so Python can raise botocore's
 *     ClientError from them unchanged:
 *         {"Error": {"Code": "FileSystemNotFound", "Message": "File system 'fs-...' does not exist."},
 *          "ResponseMetadata": {"RequestId": "...", "HTTPStatusCode": 404}}
 *     plus any modeled error members at the top level (e.g. "AccessPointId" on
 *     AccessPointAlreadyExists, "FileSystemId" on FileSystemAlreadyExists).
 *
 *  Operations are named "<service>:<Operation>" with the boto3 service name and the AWS operation
 *     name: "efs:CreateAccessPoint", "efs:DescribeAccessPoints", "fsx:CreateAndAttachS3AccessPoint".
 *     Control operations steer the world (README, "Steering the world"). Each is called like an AWS
 *     operation, never fails by an injected fault, and answers with an all-zero RequestId. The
 *     network controls and SetLifecycleState act in the call's account and region; the others act
 *     on the whole world. Request -> response members (every response adds ResponseMetadata):
 *       "apsim:ListOperations"       {} -> {Operations: [every operation name]}
 *       "apsim:AdvanceClock"         {Milliseconds} -> {Now: epoch seconds}
 *       "apsim:SetLifecycleState"    {ResourceId or Name, State, Message?} -> {ResourceId or Name, State}
 *       "apsim:InjectFault"          {Operation, ErrorCode, Count? or Probability?, Message?, StatusCode?} -> {FaultId}
 *       "apsim:ListFaults"           {} -> {Faults: [{FaultId, Operation, ErrorCode, StatusCode, Count or Probability}]}
 *       "apsim:ClearFaults"          {} -> {Cleared: n}
 *       "apsim:Reset"                {} -> {}  (as the config opens it, without "state"/"state_file")
 *       "apsim:ExportState"          {} -> the whole world as one document
 *       "apsim:ImportState"          {State: an ExportState document} -> {}
 *       "apsim:SetNetwork"           {Vpcs, Subnets, SecurityGroups} or {Mode: "open"} -> as apsim:GetNetwork
 *       "apsim:GetNetwork"           {} -> {Mode: "open"} or {Mode: "declared", Vpcs, Subnets, SecurityGroups}
 *       "apsim:SetNetworkInterface"  {ResourceId: an fsmt- ID, NetworkInterfaceId} -> {ResourceId, NetworkInterfaceId}
 *       "apsim:DescribeStateFile"    {} -> {StateFile, Journal, Lock, Notices} ({Notices: []} without a state_file)
 *       "apsim:DescribeConfiguration" {} -> {Configuration: [{Key, Owner, Type, Default, Summary, Value?}]}: every
 *                                    config key, who owns it (world, a service, a component) and this world's value
 *       "apsim:PutPrincipal"         {Arn, Policies?: [documents, objects or strings], AccessKeyIds?} -> {Arn,
 *                                    AccessKeyIds, Policies}: an IAM user or role with its identity policies
 *       "apsim:DeletePrincipal"      {Arn} -> {}
 *       "apsim:ListPrincipals"       {} -> {Principals: [{Arn, AccessKeyIds, Policies}]}
 *
 *  Threads.  The library has no global mutable state. One apsim handle may be used from any number
 *     of threads at once: every call on it is internally synchronized (state changes are atomic per
 *     call; JSON parsing, validation and serialization run outside the lock). Distinct handles are
 *     independent. apsim_close() must not race with other calls on the same handle.
 *
 *  Robustness.  No input makes the library crash its host: NULL pointers give APSIM_E_MISUSE,
 *     everything else (invalid UTF-8, non-JSON, wrong JSON types, numbers out of range, huge or
 *     deeply nested documents) gives an error envelope. Limits: a request document may be at most
 *     APSIM_MAX_REQUEST_BYTES bytes long and nest at most APSIM_MAX_JSON_DEPTH arrays/objects deep;
 *     larger or deeper documents are answered with a 400 SerializationException. Calls need about
 *     128 KiB of the calling thread's stack (every common thread default is larger).
 */
#ifndef APSIM_H
#define APSIM_H

#include <stddef.h> /* size_t */

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define APSIM_API __attribute__((visibility("default")))
#else
#define APSIM_API
#endif

/* ---- Versions ------------------------------------------------------------------------------- */

/* The one place apsim's version is written: the library, the CLI, the Makefile and the Python
 * package all read these three lines. */
#define APSIM_VERSION_MAJOR 0
#define APSIM_VERSION_MINOR 1
#define APSIM_VERSION_PATCH 0
#define APSIM_STRINGIFY_(x) #x
#define APSIM_STRINGIFY(x) APSIM_STRINGIFY_(x)
/* "MAJOR.MINOR.PATCH" */
#define APSIM_VERSION_STRING \
    APSIM_STRINGIFY(APSIM_VERSION_MAJOR) "." APSIM_STRINGIFY(APSIM_VERSION_MINOR) "." APSIM_STRINGIFY(APSIM_VERSION_PATCH)
/* MAJOR * 1000000 + MINOR * 1000 + PATCH, as sqlite does. */
#define APSIM_VERSION_NUMBER (APSIM_VERSION_MAJOR * 1000000 + APSIM_VERSION_MINOR * 1000 + APSIM_VERSION_PATCH)

/* ---- Status codes (negative: misuse of the C API) -------------------------------------------- */

#define APSIM_OK 0
/* A required pointer argument (sim, operation, an out pointer) was NULL. */
#define APSIM_E_MISUSE (-1)
/* The library could not allocate the response. */
#define APSIM_E_NOMEM (-2)

/* ---- Limits --------------------------------------------------------------------------------- */

#define APSIM_MAX_REQUEST_BYTES (4 * 1024 * 1024)
#define APSIM_MAX_JSON_DEPTH 64

/* ---- Types ---------------------------------------------------------------------------------- */

/* One simulated AWS world: accounts, regions, file systems, access points, a clock and a seeded
 * ID generator. Opaque; created by apsim_open(), destroyed by apsim_close(). */
typedef struct apsim apsim;

/* ---- Functions ------------------------------------------------------------------------------ */

/* The library's version, e.g. "0.1.0". Static string: never freed. Compare with
 * APSIM_VERSION_STRING to detect a header/library mismatch. */
APSIM_API const char *apsim_version(void);

/* APSIM_VERSION_NUMBER of the library that is loaded. */
APSIM_API int apsim_version_number(void);

/* Opens a new world.
 *   out_sim        receives the handle (NULL on failure). Required.
 *   config_json    NULL, "" or "{}" for the defaults, or an object with these keys:
 *                    "account_id"  12 digits, default "123456789012"
 *                    "region"      e.g. "eu-west-1", default "us-east-1"
 *                    "seed"        integer 0..2^63-1; the same seed and the same calls give the same
 *                                  IDs, aliases and RequestIds. Default: random.
 *                    "start_time"  epoch seconds of the world's clock at open (default: now).
 *                    "clock"       "virtual" (default): the clock moves only when told to
 *                                  (apsim:AdvanceClock), so runs are reproducible byte for byte;
 *                                  "real": it also advances with the monotonic clock from
 *                                  start_time on (AdvanceClock still jumps it ahead).
 *                    "lifecycle"   "on_read" (default): a new resource is creating/CREATING in its
 *                                  create response and settled (available/AVAILABLE) on any later
 *                                  read; "instant": the create response is already settled;
 *                                  "manual": it settles once the virtual clock has advanced
 *                                  "creation_delay_ms" (default 0) past its creation.
 *                    "creation_delay_ms"  with "lifecycle": "manual", the virtual milliseconds
 *                                  a new resource stays transitional (0 to a year, default 0).
 *                    "access_points_per_file_system"  EFS quota, default 10000.
 *                    "s3_access_points_per_region"  FSx quota of S3 access points per account
 *                                  and region, default 10000.
 *                    "idempotent_client_tokens"  true: an EFS CreateAccessPoint that repeats a live
 *                                  token with identical parameters returns the existing access
 *                                  point instead of AccessPointAlreadyExists (not AWS behaviour).
 *                    "strict_file_system_delete"  true: EFS DeleteFileSystem fails with
 *                                  FileSystemInUse while access points exist (default: they are
 *                                  deleted with it).
 *                    "throttling"  true, or {"near_quota_fraction": 0.9, "interval_ms": 1000}:
 *                                  CreateAccessPoint answers ThrottlingException (429) when the file
 *                                  system holds at least that fraction of its quota and its previous
 *                                  access point was created less than interval_ms ago (virtual
 *                                  clock). Off by default.
 *                    "metering"    "instant" (default): EFS SizeInBytes is the files' metered size at
 *                                  the description; "hourly": the size at the last hour boundary.
 *                    "state"       an apsim:ExportState document to start from.
 *                    "network"     a list of apsim:SetNetwork documents, each with "AccountId" and
 *                                  "Region": the networks those accounts and regions start with
 *                                  (default: every account and region has the open network).
 *                    "data_limit_bytes"  the most file data (nfs:Write) the world stores in all
 *                                  its trees, default 268435456 (256 MiB); beyond it a write fails
 *                                  with ENOSPC. Not an AWS limit: it guards the host's memory.
 *                    "state_file"  a path: the world is loaded from it when it exists and rewritten
 *                                  atomically (temporary file, fsync, rename) after every change,
 *                                  before the call returns. A file that is not a valid state makes
 *                                  apsim_open fail; the file is left untouched.
 *                  Unknown keys and values of the wrong type or range are refused.
 *   out_error_json receives an error envelope (code "InvalidConfiguration") when the config is
 *                  refused, else NULL. May be NULL if the caller does not want it.
 * Returns 0, 400 for a refused config, or APSIM_E_MISUSE when out_sim is NULL. */
APSIM_API int apsim_open(apsim **out_sim, const char *config_json, char **out_error_json);

/* Destroys a world and everything in it. NULL is a harmless no-op. The handle must not be used
 * afterwards, nor closed twice. */
APSIM_API void apsim_close(apsim *sim);

/* Calls one operation in the world's default account and region.
 *   out_response_json  receives the response or error envelope. Required.
 *   sim, operation     required. operation is "<service>:<Operation>" (see CONVENTIONS); an
 *                      unknown name is a 400 UnknownOperationException envelope.
 *   request_json       the request members as a JSON object (NULL or "" mean {}).
 * Returns 0, an HTTP status (> 0) or APSIM_E_MISUSE. */
APSIM_API int apsim_call(char **out_response_json, apsim *sim, const char *operation,
                         const char *request_json);

/* Like apsim_call, in another account and region of the same world. Accounts and regions are
 * fully isolated: each has its own resources, client tokens and names, and an ID or ARN of another
 * account or region is not found there.
 *   account_id  12 digits, or NULL for the world's account_id.
 *   region      a region name such as "eu-west-1", or NULL for the world's region.
 * A malformed account_id or region is a 400 ValidationException envelope.
 * Returns 0, an HTTP status (> 0) or APSIM_E_MISUSE. */
APSIM_API int apsim_call_in(char **out_response_json, apsim *sim, const char *account_id, const char *region,
                            const char *operation, const char *request_json);

/* Answers one HTTP request in the AWS wire protocol of its service, as AWS would: what an AWS SDK
 * or the AWS CLI sends, without a socket (apsim serve and the Python mock use it).
 *   request_json       {"method": "POST", "path": "/2015-02-01/access-points", "query": {...},
 *                      "headers": {...}, "body": "<JSON text>"}. "query" is an object of strings
 *                      (numbers and booleans are taken as their text) or arrays of them, or a
 *                      raw query string; a query in "path" also counts. "headers" is an object
 *                      of strings; "body" a string.
 *   out_response_json  {"status": 201, "headers": {...}, "body": "<JSON text>"}.
 * EFS speaks rest-json (method and path name the operation; errors carry x-amzn-ErrorType and
 * {"ErrorCode", "Message"}); FSx speaks JSON 1.1 (X-Amz-Target: AWSSimbaAPIService_v20180301.<Op>;
 * errors {"__type", "Message"}); POST /_apsim/<Operation> reaches the control operations. The
 * account and region come from the SigV4 credential scope (a 12-digit access key ID names the
 * account) or the Host header, else the world's defaults. The service is the one the credential
 * scope is signed for, else the one the Host names (elasticfilesystem.<region>.amazonaws.com,
 * fsx.<region>.amazonaws.com), else whichever protocol recognises the request; the access key
 * names the caller (its account's root).
 * Returns 0 whenever an HTTP response was produced (AWS errors are responses: read "status"), 400
 * with an error envelope when request_json itself is malformed, or APSIM_E_MISUSE. */
APSIM_API int apsim_http(char **out_response_json, apsim *sim, const char *request_json);

/* Checks a request without any world: only the stateless rules of the operation (member types,
 * lengths, ranges, patterns, enums and cross-field rules). A pre-flight linter for requests
 * before they are sent to AWS.
 *   out_response_json  receives {"Valid": true} or the error envelope AWS would answer with.
 * Returns 0 when valid, the error's HTTP status otherwise, or APSIM_E_MISUSE. */
APSIM_API int apsim_validate(char **out_response_json, const char *operation,
                             const char *request_json);

/* Shorthand for apsim_call(out_response_json, sim, "efs:CreateAccessPoint", request_json). */
APSIM_API int apsim_efs_create_access_point(char **out_response_json, apsim *sim,
                                            const char *request_json);

/* Shorthand for apsim_call(out_response_json, sim, "fsx:CreateAndAttachS3AccessPoint",
 * request_json): creates an S3 access point and attaches it to an FSx for OpenZFS or ONTAP volume. */
APSIM_API int apsim_fsx_create_and_attach_s3_access_point(char **out_response_json, apsim *sim,
                                                          const char *request_json);

/* File data through a mount without base64 (see README, "What a client sees"):
 *   apsim_nfs_write  nfs:Write with its bytes beside the request: request_json is nfs:Write's
 *                    document without "Data" or "Text" (MountId, Path, Offset, ...); data and length
 *                    the bytes (data may be NULL when length is 0). out_response_json as apsim_call.
 *   apsim_nfs_read   nfs:Read with its bytes beside the response: on success *out_data receives the
 *                    bytes read (release them with apsim_bytes_free; NULL when none) and
 *                    *out_length their count; the response document has "Size" and "Eof" and no
 *                    "Data". On failure *out_data is NULL and *out_length 0.
 * Both return as apsim_call does (0, an HTTP status, or APSIM_E_MISUSE when a required pointer is
 * NULL). A write's bytes are journaled with it, as any change. */
APSIM_API int apsim_nfs_write(char **out_response_json, apsim *sim, const char *request_json, const void *data,
                              size_t length);
APSIM_API int apsim_nfs_read(char **out_response_json, void **out_data, size_t *out_length, apsim *sim,
                             const char *request_json);

/* Releases bytes returned by apsim_nfs_read. NULL is a harmless no-op. */
APSIM_API void apsim_bytes_free(void *data);

/* Releases a string returned by this library. NULL is a harmless no-op. */
APSIM_API void apsim_string_free(char *s);

#ifdef __cplusplus
}
#endif

#endif /* APSIM_H */
