/*
 * test_apsim.c -- tests of libapsim through its C ABI (include/apsim.h).
 *
 * Every response is parsed with jansson; every library string is released with
 * apsim_string_free() and every jansson value with json_decref(), so the program runs clean under
 * valgrind --leak-check=full (see `make test-c`).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apsim.h"
#include "check.h"
#include "json_path.h"

/* ---- Helpers --------------------------------------------------------------------------------- */

#define FSAP_PATH_PATTERN "^(\\/|(\\/(?!\\.)+[^$#<>;`|&?{}^*/\\n]+){1,4})$"

/* An error envelope: the return code, Error.Code, HTTPStatusCode and a message. */
#define CHECK_ENVELOPE(doc, rc, status, code)                                                  \
    do {                                                                                       \
        CHECK_INT_EQ((rc), (status));                                                          \
        CHECK_STR_EQ(jstr((doc), "Error.Code"), (code));                                       \
        CHECK_INT_EQ(jint((doc), "ResponseMetadata.HTTPStatusCode"), (status));                \
        CHECK(jstr((doc), "Error.Message") != NULL);                                           \
    } while (0)

/* A success document: return code 0 and the HTTP status in ResponseMetadata with a RequestId. */
#define CHECK_SUCCESS(doc, rc, status)                                                         \
    do {                                                                                       \
        CHECK_INT_EQ((rc), 0);                                                                 \
        CHECK(json_is_object(doc));                                                            \
        CHECK_INT_EQ(jint((doc), "ResponseMetadata.HTTPStatusCode"), (status));                \
        CHECK(is_request_id(jstr((doc), "ResponseMetadata.RequestId")));                       \
    } while (0)

/* `op` with `req` succeeds with HTTP `status` (CHECK_SUCCESS). The document, for more checks
 * (json_decref it). */
static json_t *expect_ok_(apsim *sim, const char *op, const char *req, int status, int line) {
    long before = check_failed_so_far();
    int rc;
    json_t *doc = call(sim, op, req, &rc);
    CHECK_SUCCESS(doc, rc, status);
    check_blame(before, __FILE__, line);
    return doc;
}
#define EXPECT_OK(sim, op, req, status) expect_ok_((sim), (op), (req), (status), __LINE__)

/* An answer is the envelope of `status` and `code` (CHECK_ENVELOPE) and, unless NULL, has exactly
 * `message`. Returns the document, for more checks (json_decref it). */
static json_t *check_error_(json_t *doc, int rc, int status, const char *code, const char *message, int line) {
    long before = check_failed_so_far();
    CHECK_ENVELOPE(doc, rc, status, code);
    if (message != NULL) CHECK_STR_EQ(jstr(doc, "Error.Message"), message);
    check_blame(before, __FILE__, line);
    return doc;
}

/* `op` with `req` answers that error (apsim_call). */
static json_t *expect_error_(apsim *sim, const char *op, const char *req, int status, const char *code,
                             const char *message, int line) {
    int rc;
    json_t *doc = call(sim, op, req, &rc);
    return check_error_(doc, rc, status, code, message, line);
}
#define EXPECT_ERROR(sim, op, req, status, code, message)                                      \
    expect_error_((sim), (op), (req), (status), (code), (message), __LINE__)

/* apsim_validate finds `req` to `op` invalid: the 400 envelope of `code` with `message` (unless NULL). */
static json_t *expect_invalid_(const char *op, const char *req, const char *code, const char *message, int line) {
    int rc;
    json_t *doc = validate(op, req, &rc);
    return check_error_(doc, rc, 400, code, message, line);
}
#define EXPECT_INVALID(op, req, code, message) expect_invalid_((op), (req), (code), (message), __LINE__)

/* efs:Describe<kind>s ("FileSystem", "AccessPoint") filtered by {"<member>": "<value>"} lists
 * exactly one item, settled ("available"), whose <kind>Id is `id`. The document (json_decref it). */
static json_t *describe_one_(apsim *sim, const char *kind, const char *member, const char *value, const char *id,
                             int line) {
    long before = check_failed_so_far();
    char op[64], req[512], path[64];
    json_t *doc;
    snprintf(op, sizeof op, "efs:Describe%ss", kind);
    snprintf(req, sizeof req, "{\"%s\": \"%s\"}", member, value);
    doc = expect_ok_(sim, op, req, 200, line);
    snprintf(path, sizeof path, "%ss", kind);
    CHECK_INT_EQ(jlen(doc, path), 1);
    snprintf(path, sizeof path, "%ss.0.%sId", kind, kind);
    CHECK_STR_EQ(jstr(doc, path), id);
    snprintf(path, sizeof path, "%ss.0.LifeCycleState", kind);
    CHECK_STR_EQ(jstr(doc, path), "available");
    check_blame(before, __FILE__, line);
    return doc;
}
#define DESCRIBE_ONE(sim, kind, member, value, id) describe_one_((sim), (kind), (member), (value), (id), __LINE__)

/* Creates a file system; returns its id (malloc'd, caller frees) or NULL. */
static char *create_file_system(apsim *sim, const char *token) {
    char req[256];
    json_t *doc;
    char *id = NULL;
    snprintf(req, sizeof req, "{\"CreationToken\": \"%s\"}", token);
    doc = EXPECT_OK(sim, "efs:CreateFileSystem", req, 201);
    id = jdup(doc, "FileSystemId");
    json_decref(doc);
    return id;
}

/* Creates an access point; returns its id (malloc'd, caller frees) or NULL. */
static char *create_access_point(apsim *sim, const char *fs_id, const char *token) {
    char req[512];
    char *out = NULL, *id = NULL;
    int rc;
    json_t *doc;
    snprintf(req, sizeof req, "{\"ClientToken\": \"%s\", \"FileSystemId\": \"%s\"}", token, fs_id);
    rc = apsim_efs_create_access_point(&out, sim, req);
    doc = parse_and_free(out);
    CHECK_SUCCESS(doc, rc, 200);
    id = jdup(doc, "AccessPointId");
    json_decref(doc);
    return id;
}

/* ---- Versions and opening ------------------------------------------------------------------- */

static void test_version(void) {
    CHECK(apsim_version() != NULL);
    CHECK_STR_EQ(apsim_version(), APSIM_VERSION_STRING);
    CHECK_INT_EQ(apsim_version_number(), APSIM_VERSION_NUMBER);
    {
        char parts[32];
        snprintf(parts, sizeof parts, "%d.%d.%d", APSIM_VERSION_MAJOR, APSIM_VERSION_MINOR, APSIM_VERSION_PATCH);
        CHECK_STR_EQ(apsim_version(), parts);
    }
    /* A static string: the same pointer every time. */
    CHECK(apsim_version() == apsim_version());
}

static void test_open_defaults(void) {
    const char *configs[] = {NULL, "", "{}", "  \n", "{\"seed\": 0}"};
    size_t i;
    for (i = 0; i < sizeof configs / sizeof configs[0]; i++) {
        apsim *sim = NULL;
        char *err = SENTINEL;
        int rc = apsim_open(&sim, configs[i], &err);
        json_t *doc;
        CHECK_INT_EQ(rc, 0);
        CHECK(sim != NULL);
        CHECK(err == NULL);
        if (sim == NULL) continue;
        /* The default account and region show in the ARNs. */
        doc = EXPECT_OK(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"t\"}", 201);
        CHECK_STR_EQ(jstr(doc, "OwnerId"), "123456789012");
        CHECK(strncmp(jstr(doc, "FileSystemArn") ? jstr(doc, "FileSystemArn") : "",
                      "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-", 64) == 0);
        json_decref(doc);
        apsim_close(sim);
    }
    /* out_error_json may be NULL. */
    {
        apsim *sim = NULL;
        CHECK_INT_EQ(apsim_open(&sim, "{}", NULL), 0);
        CHECK(sim != NULL);
        apsim_close(sim);
    }
}

static void test_open_custom_account_and_region(void) {
    apsim *sim = open_world("{\"account_id\": \"210987654321\", \"region\": \"eu-west-1\", \"seed\": 5}");
    char *fs, *ap;
    json_t *doc;
    char arn[256];
    if (sim == NULL) return;
    fs = create_file_system(sim, "custom");
    ap = fs ? create_access_point(sim, fs, "custom-ap") : NULL;
    if (ap != NULL) {
        char req[128];
        snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", ap);
        doc = EXPECT_OK(sim, "efs:DescribeAccessPoints", req, 200);
        snprintf(arn, sizeof arn, "arn:aws:elasticfilesystem:eu-west-1:210987654321:access-point/%s", ap);
        CHECK_STR_EQ(jstr(doc, "AccessPoints.0.AccessPointArn"), arn);
        CHECK_STR_EQ(jstr(doc, "AccessPoints.0.OwnerId"), "210987654321");
        json_decref(doc);
    }
    free(fs);
    free(ap);
    apsim_close(sim);
}

struct bad_config {
    const char *config;
    const char *message; /* exact, or NULL: only the code is checked */
    const char *message_prefix;
};

static void test_open_bad_config(void) {
    static const struct bad_config cases[] = {
        {"{\"colour\": \"blue\"}",
         "Unknown configuration key 'colour'. Known keys: account_id, region, seed, start_time, clock, lifecycle, "
         "creation_delay_ms, state, state_file, access_points_per_file_system, idempotent_client_tokens, strict_file_system_delete, throttling, metering, s3_access_points_per_region, network, data_limit_bytes.",
         NULL},
        {"{\"account_id\": \"12345\"}", "account_id must be a string of 12 digits, e.g. \"123456789012\".", NULL},
        {"{\"account_id\": \"12345678901a\"}", "account_id must be a string of 12 digits, e.g. \"123456789012\".",
         NULL},
        {"{\"account_id\": 123456789012}", "account_id must be a string of 12 digits, e.g. \"123456789012\".", NULL},
        {"{\"lifecycle\": \"later\"}", "lifecycle must be \"on_read\", \"instant\" or \"manual\".", NULL},
        {"{\"seed\": -1}", "seed must be an integer from 0 to 9223372036854775807.", NULL},
        {"{\"region\": \"Mars\"}", "region must be an AWS region name such as \"us-east-1\".", NULL},
        {"{\"access_points_per_file_system\": 0}",
         "access_points_per_file_system must be an integer from 1 to 1000000000.", NULL},
        {"{\"idempotent_client_tokens\": \"yes\"}", "idempotent_client_tokens must be true or false.", NULL},
        {"{seed: 1}", NULL, "The configuration is not valid JSON"},
        {"not json at all", NULL, "The configuration is not valid JSON"},
        {"[]", "The configuration must be a JSON object, not array.", NULL},
        {"{\"seed\": 1, \"seed\": 2}", NULL, "The configuration is not valid JSON"},
        {"{\"region\": \"\xff\"}", "The configuration is not valid UTF-8.", NULL},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apsim *sim = (apsim *)SENTINEL;
        char *err = SENTINEL;
        int rc = apsim_open(&sim, cases[i].config, &err);
        json_t *doc;
        CHECK_INT_EQ(rc, 400);
        CHECK(sim == NULL);
        CHECK(err != NULL && err != SENTINEL);
        if (err == SENTINEL) continue;
        doc = parse_and_free(err);
        CHECK_ENVELOPE(doc, rc, 400, "InvalidConfiguration");
        if (cases[i].message) CHECK_STR_EQ(jstr(doc, "Error.Message"), cases[i].message);
        if (cases[i].message_prefix) {
            const char *m = jstr(doc, "Error.Message");
            if (!CHECK(m != NULL && strncmp(m, cases[i].message_prefix, strlen(cases[i].message_prefix)) == 0))
                fprintf(stderr, "    config %s gave message %s\n", cases[i].config, m ? m : "NULL");
        }
        json_decref(doc);
        if (sim != NULL && sim != (apsim *)SENTINEL) apsim_close(sim);
    }
    /* A refused config without out_error_json. */
    {
        apsim *sim = (apsim *)SENTINEL;
        CHECK_INT_EQ(apsim_open(&sim, "{\"lifecycle\": \"later\"}", NULL), 400);
        CHECK(sim == NULL);
    }
}

static void test_open_misuse_and_close_null(void) {
    char *err = SENTINEL;
    CHECK_INT_EQ(apsim_open(NULL, NULL, NULL), APSIM_E_MISUSE);
    CHECK_INT_EQ(apsim_open(NULL, "{}", &err), APSIM_E_MISUSE);
    CHECK(err == NULL);
    err = SENTINEL;
    CHECK_INT_EQ(apsim_open(NULL, "{\"colour\": 1}", &err), APSIM_E_MISUSE);
    CHECK(err == NULL);
    apsim_close(NULL);
    apsim_string_free(NULL);
}

/* ---- C API misuse ---------------------------------------------------------------------------- */

static void test_null_arguments(void) {
    apsim *sim = open_world(NULL);
    const char *op = "apsim:ListOperations";
    char *out;
    if (sim == NULL) return;

    CHECK_INT_EQ(apsim_call(NULL, sim, op, "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_call(&out, NULL, op, "{}"));
    CHECK_MISUSE(out, apsim_call(&out, sim, NULL, "{}"));
    CHECK_MISUSE(out, apsim_call(&out, NULL, NULL, NULL));
    CHECK_INT_EQ(apsim_call(NULL, NULL, NULL, NULL), APSIM_E_MISUSE);

    CHECK_INT_EQ(apsim_validate(NULL, op, "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_validate(&out, NULL, "{}"));
    CHECK_INT_EQ(apsim_validate(NULL, NULL, NULL), APSIM_E_MISUSE);

    CHECK_INT_EQ(apsim_efs_create_access_point(NULL, sim, "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_efs_create_access_point(&out, NULL, "{}"));
    CHECK_INT_EQ(apsim_efs_create_access_point(NULL, NULL, NULL), APSIM_E_MISUSE);

    apsim_close(sim);
}

static void test_null_request_means_empty_object(void) {
    apsim *sim = open_world("{\"seed\": 3}");
    const char *empty[] = {NULL, "", "{}", " \t\r\n"};
    const char *expected =
        "2 validation errors detected: "
        "Value null at 'clientToken' failed to satisfy constraint: Member must not be null; "
        "Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null";
    /* apsim_validate fills the absent client token in, as SDKs do: only FileSystemId is missing. */
    const char *validated =
        "1 validation error detected: "
        "Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null";
    size_t i;
    int rc;
    json_t *doc;
    if (sim == NULL) return;
    for (i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        json_decref(EXPECT_OK(sim, "apsim:ListOperations", empty[i], 200));

        json_decref(EXPECT_ERROR(sim, "efs:CreateAccessPoint", empty[i], 400, "ValidationException", expected));

        json_decref(EXPECT_INVALID("efs:CreateAccessPoint", empty[i], "ValidationException", validated));

        doc = validate("efs:DescribeAccessPoints", empty[i], &rc);
        CHECK_INT_EQ(rc, 0);
        CHECK(json_is_true(jget(doc, "Valid")));
        json_decref(doc);
    }
    apsim_close(sim);
}

/* ---- Malformed requests ---------------------------------------------------------------------- */

static void check_serialization(apsim *sim, const char *req, const char *message, const char *prefix,
                                const char *file, int line) {
    int rc;
    json_t *doc = call(sim, "efs:CreateAccessPoint", req, &rc);
    long before = check_failed_so_far();
    CHECK_ENVELOPE(doc, rc, 400, "SerializationException");
    if (message) CHECK_STR_EQ(jstr(doc, "Error.Message"), message);
    if (prefix) {
        const char *m = jstr(doc, "Error.Message");
        CHECK(m != NULL && strncmp(m, prefix, strlen(prefix)) == 0);
    }
    check_blame(before, file, line);
    json_decref(doc);
}
#define CHECK_SERIALIZATION(sim, req, message, prefix) \
    check_serialization((sim), (req), (message), (prefix), __FILE__, __LINE__)

static char *repeat(const char *open, size_t n, const char *close) {
    size_t lo = strlen(open), lc = close ? strlen(close) : 0, i;
    char *s = malloc(n * (lo + lc) + 1), *p = s;
    if (s == NULL) return NULL;
    for (i = 0; i < n; i++, p += lo) memcpy(p, open, lo);
    for (i = 0; i < n && close; i++, p += lc) memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static void test_malformed_requests(void) {
    apsim *sim = open_world(NULL);
    char *deep;
    if (sim == NULL) return;

    CHECK_SERIALIZATION(sim, "{\"ClientToken\": \"\xff\xfe\", \"FileSystemId\": \"fs-01234567\"}",
                        "The request is not valid UTF-8.", NULL);
    CHECK_SERIALIZATION(sim, "{\"ClientToken\": \"\xc3\x28\"}", "The request is not valid UTF-8.", NULL);
    CHECK_SERIALIZATION(sim, "{not json", NULL, "Malformed JSON");
    CHECK_SERIALIZATION(sim, "{\"ClientToken\": \"a\",}", NULL, "Malformed JSON");
    CHECK_SERIALIZATION(sim, "{\"ClientToken\": \"a\"} trailing", NULL, "Malformed JSON");
    CHECK_SERIALIZATION(sim, "[1, 2, 3]", "The request body must be a JSON object, not array.", NULL);
    CHECK_SERIALIZATION(sim, "\"a string\"", "The request body must be a JSON object, not string.", NULL);
    CHECK_SERIALIZATION(sim, "42", "The request body must be a JSON object, not number.", NULL);
    CHECK_SERIALIZATION(sim, "null", "The request body must be a JSON object, not null.", NULL);
    CHECK_SERIALIZATION(sim, "{\"ClientToken\": \"a\", \"ClientToken\": \"b\", \"FileSystemId\": \"fs-01234567\"}",
                        "Duplicate member \"ClientToken\" in a JSON object.", NULL);
    CHECK_SERIALIZATION(sim, "{\"RootDirectory\": {\"Path\": \"/a\", \"Path\": \"/b\"}}",
                        "Duplicate member \"Path\" in a JSON object.", NULL);
    CHECK_SERIALIZATION(sim, "{\"ClientToken\": 7, \"FileSystemId\": \"fs-01234567\"}",
                        "Invalid type for member 'clientToken': expected a string, got number.", NULL);
    CHECK_SERIALIZATION(sim,
                        "{\"ClientToken\": \"a\", \"FileSystemId\": \"fs-01234567\", "
                        "\"PosixUser\": {\"Uid\": 1.5, \"Gid\": 1}}",
                        "Invalid value for member 'posixUser.uid': 1.5 is not an integer.", NULL);

    /* Nesting: 100000 unclosed arrays, 100000 closed ones, deep objects; the limit is 64. */
    deep = repeat("[", 100000, NULL);
    if (CHECK(deep != NULL)) CHECK_SERIALIZATION(sim, deep, "JSON nesting is deeper than 64 levels.", NULL);
    free(deep);
    deep = repeat("[", 100000, "]");
    if (CHECK(deep != NULL)) CHECK_SERIALIZATION(sim, deep, "JSON nesting is deeper than 64 levels.", NULL);
    free(deep);
    deep = repeat("{\"a\":", 100000, "}");
    if (CHECK(deep != NULL)) CHECK_SERIALIZATION(sim, deep, "JSON nesting is deeper than 64 levels.", NULL);
    free(deep);
    deep = repeat("[", 65, "]");
    if (CHECK(deep != NULL)) CHECK_SERIALIZATION(sim, deep, "JSON nesting is deeper than 64 levels.", NULL);
    free(deep);
    deep = repeat("[", 64, "]"); /* deep enough, but not an object */
    if (CHECK(deep != NULL)) CHECK_SERIALIZATION(sim, deep, "The request body must be a JSON object, not array.", NULL);
    free(deep);

    /* More than APSIM_MAX_REQUEST_BYTES. */
    {
        size_t n = (size_t)APSIM_MAX_REQUEST_BYTES + 16;
        char *big = malloc(n + 1);
        if (CHECK(big != NULL)) {
            memset(big, ' ', n);
            big[0] = '{';
            big[n - 1] = '}';
            big[n] = '\0';
            CHECK_SERIALIZATION(sim, big, NULL, "Request too large");
        }
        free(big);
    }

    /* The same rules hold for apsim_validate. */
    json_decref(EXPECT_INVALID("efs:CreateAccessPoint", "[[[[", "SerializationException", NULL));
    json_decref(EXPECT_INVALID("efs:CreateAccessPoint", "{\"ClientToken\": \"\x80\"}", "SerializationException", NULL));

    /* The world still works. */
    json_decref(EXPECT_OK(sim, "apsim:ListOperations", NULL, 200));
    apsim_close(sim);
}

static void test_unknown_operation(void) {
    apsim *sim = open_world(NULL);
    const char *names[] = {"efs:CreateAccesPoint", "CreateAccessPoint", "", "efs:createaccesspoint",
                           "s3:CreateAccessPoint"};
    /* A name one or two edits (or only case) away from an operation gets it as a hint. */
    const char *hints[] = {" Did you mean 'efs:CreateAccessPoint'?", "", "", " Did you mean 'efs:CreateAccessPoint'?", ""};
    size_t i;
    if (sim == NULL) return;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char expected[512];
        snprintf(expected, sizeof expected,
                 "Unknown operation '%s'.%s Operations are named '<service>:<Operation>', e.g. "
                 "'efs:CreateAccessPoint'; 'apsim:ListOperations' lists them.",
                 names[i], hints[i]);
        json_decref(EXPECT_ERROR(sim, names[i], "{}", 400, "UnknownOperationException", expected));
        json_decref(EXPECT_INVALID(names[i], "{}", "UnknownOperationException", expected));
    }
    /* Checked before the request: a bad request to an unknown operation is still unknown. */
    json_decref(EXPECT_ERROR(sim, "efs:Nope", "[[[", 400, "UnknownOperationException", NULL));
    /* A real operation apsim does not emulate: NotImplemented (501), not unknown. */
    json_decref(EXPECT_ERROR(sim, "fsx:DescribeBackups", "{}", 501, "NotImplemented",
                             "apsim does not emulate the FSx operation DescribeBackups ('fsx:DescribeBackups'); "
                             "apsim:ListOperations lists the operations it answers."));
    /* An operation name that is not UTF-8. */
    json_decref(EXPECT_ERROR(sim, "efs:\xff", "{}", 400, "UnknownOperationException", NULL));
    apsim_close(sim);
}

static void test_list_operations(void) {
    apsim *sim = open_world(NULL);
    const char *wanted[] = {"efs:CreateAccessPoint", "efs:DescribeAccessPoints", "efs:DeleteAccessPoint",
                            "efs:CreateFileSystem", "efs:DescribeFileSystems", "apsim:ListOperations"};
    size_t i, j;
    int rc;
    json_t *doc, *ops;
    if (sim == NULL) return;
    doc = EXPECT_OK(sim, "apsim:ListOperations", "{}", 200);
    ops = jget(doc, "Operations");
    CHECK(json_is_array(ops));
    for (i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        int found = 0;
        for (j = 0; j < json_array_size(ops); j++) {
            const char *name = json_string_value(json_array_get(ops, j));
            if (name != NULL && strcmp(name, wanted[i]) == 0) found++;
        }
        if (!CHECK_INT_EQ(found, 1)) fprintf(stderr, "    missing operation %s\n", wanted[i]);
    }
    /* Every listed operation is known: calling it with {} never gives UnknownOperationException. */
    for (j = 0; j < json_array_size(ops); j++) {
        const char *name = json_string_value(json_array_get(ops, j));
        json_t *v;
        if (!CHECK(name != NULL)) continue;
        v = validate(name, "{}", &rc);
        CHECK(jstr(v, "Error.Code") == NULL || strcmp(jstr(v, "Error.Code"), "UnknownOperationException") != 0);
        json_decref(v);
    }
    /* ListOperations takes no members. */
    json_decref(doc);
    json_decref(EXPECT_ERROR(sim, "apsim:ListOperations", "{\"Verbose\": true}", 400, "ValidationException", NULL));
    apsim_close(sim);
}

/* ---- The EFS flow ---------------------------------------------------------------------------- */

static void test_efs_file_systems(void) {
    apsim *sim = open_world("{\"seed\": 11, \"start_time\": 1700000000}");
    json_t *doc;
    char *fs;
    char req[512], arn[256], msg[256];
    if (sim == NULL) return;

    doc = EXPECT_OK(sim, "efs:CreateFileSystem",
                    "{\"CreationToken\": \"fs-one\", \"Tags\": [{\"Key\": \"Name\", \"Value\": \"data\"}]}", 201);
    CHECK(is_aws_id(jstr(doc, "FileSystemId"), "fs-"));
    CHECK_STR_EQ(jstr(doc, "LifeCycleState"), "creating");
    CHECK_STR_EQ(jstr(doc, "CreationToken"), "fs-one");
    CHECK_STR_EQ(jstr(doc, "OwnerId"), "123456789012");
    CHECK_STR_EQ(jstr(doc, "Name"), "data");
    CHECK_STR_EQ(jstr(doc, "PerformanceMode"), "generalPurpose");
    CHECK_STR_EQ(jstr(doc, "ThroughputMode"), "bursting");
    CHECK(json_is_false(jget(doc, "Encrypted")));
    CHECK_INT_EQ(jint(doc, "NumberOfMountTargets"), 0);
    /* Still creating: AWS's answer reports zero bytes, without a Timestamp. */
    CHECK_INT_EQ(jint(doc, "SizeInBytes.Value"), 0);
    CHECK_INT_EQ(jint(doc, "SizeInBytes.ValueInStandard"), 0);
    CHECK(jget(doc, "SizeInBytes.Timestamp") == NULL);
    CHECK_INT_EQ(jint(doc, "CreationTime"), 1700000000);
    CHECK_STR_EQ(jstr(doc, "Tags.0.Key"), "Name");
    fs = jdup(doc, "FileSystemId");
    json_decref(doc);
    if (!CHECK(fs != NULL)) goto done;
    snprintf(arn, sizeof arn, "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/%s", fs);

    /* The creation token is idempotent. */
    snprintf(msg, sizeof msg, "File system '%s' already exists with creation token 'fs-one'", fs);
    doc = EXPECT_ERROR(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"fs-one\"}", 409, "FileSystemAlreadyExists", msg);
    CHECK_STR_EQ(jstr(doc, "FileSystemId"), fs);
    json_decref(doc);

    /* Describe by id, by ARN, by creation token, and all. */
    doc = DESCRIBE_ONE(sim, "FileSystem", "FileSystemId", fs, fs);
    CHECK_STR_EQ(jstr(doc, "FileSystems.0.FileSystemArn"), arn);
    json_decref(doc);
    json_decref(DESCRIBE_ONE(sim, "FileSystem", "FileSystemId", arn, fs));
    json_decref(DESCRIBE_ONE(sim, "FileSystem", "CreationToken", "fs-one", fs));
    doc = EXPECT_OK(sim, "efs:DescribeFileSystems", NULL, 200);
    CHECK_INT_EQ(jlen(doc, "FileSystems"), 1);
    CHECK(jget(doc, "NextMarker") == NULL);
    json_decref(doc);

    /* Unknown file system. */
    doc = EXPECT_ERROR(sim, "efs:DescribeFileSystems", "{\"FileSystemId\": \"fs-0123456789abcdef0\"}", 404,
                       "FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist.");
    CHECK(is_request_id(jstr(doc, "ResponseMetadata.RequestId")));
    json_decref(doc);

    /* Delete (by ARN), then it is gone. */
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\"}", arn);
    json_decref(EXPECT_OK(sim, "efs:DeleteFileSystem", req, 204));
    json_decref(EXPECT_ERROR(sim, "efs:DeleteFileSystem", req, 404, "FileSystemNotFound", NULL));

done:
    free(fs);
    apsim_close(sim);
}

static void test_efs_access_point_flow(void) {
    apsim *sim = open_world("{\"seed\": 12, \"start_time\": 1700000000}");
    int rc;
    json_t *doc;
    char *fs, *out, *ap = NULL;
    char req[1024], arn[256], msg[512];
    if (sim == NULL) return;
    fs = create_file_system(sim, "flow");
    if (!CHECK(fs != NULL)) goto done;

    /* Create (on a file system that is still "creating" in its create response: it settles). */
    snprintf(req, sizeof req, "{\"ClientToken\": \"tok-1\", \"FileSystemId\": \"%s\"}", fs);
    out = SENTINEL;
    rc = apsim_efs_create_access_point(&out, sim, req);
    CHECK(out != SENTINEL && out != NULL);
    doc = out == SENTINEL ? NULL : parse_and_free(out);
    CHECK_SUCCESS(doc, rc, 200);
    CHECK_STR_EQ(jstr(doc, "LifeCycleState"), "creating");
    CHECK(is_aws_id(jstr(doc, "AccessPointId"), "fsap-"));
    ap = jstr(doc, "AccessPointId") ? strdup(jstr(doc, "AccessPointId")) : strdup("fsap-missing");
    snprintf(arn, sizeof arn, "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/%s", ap);
    CHECK_STR_EQ(jstr(doc, "AccessPointArn"), arn);
    CHECK_STR_EQ(jstr(doc, "RootDirectory.Path"), "/");
    CHECK(jget(doc, "RootDirectory.CreationInfo") == NULL);
    CHECK_STR_EQ(jstr(doc, "FileSystemId"), fs);
    CHECK_STR_EQ(jstr(doc, "ClientToken"), "tok-1");
    CHECK_STR_EQ(jstr(doc, "OwnerId"), "123456789012");
    CHECK_INT_EQ(jlen(doc, "Tags"), 0);
    CHECK(jget(doc, "Name") == NULL);
    CHECK(jget(doc, "PosixUser") == NULL);
    json_decref(doc);

    /* The same call through apsim_call is the same operation: the token is taken now. */
    snprintf(msg, sizeof msg, "Access point '%s' already exists with client token 'tok-1'", ap);
    doc = EXPECT_ERROR(sim, "efs:CreateAccessPoint", req, 409, "AccessPointAlreadyExists", msg);
    CHECK_STR_EQ(jstr(doc, "AccessPointId"), ap);
    CHECK(is_request_id(jstr(doc, "ResponseMetadata.RequestId")));
    json_decref(doc);
    /* Any reuse, other parameters or not. */
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"tok-1\", \"FileSystemId\": \"%s\", \"RootDirectory\": {\"Path\": \"/other\"}}", fs);
    doc = EXPECT_ERROR(sim, "efs:CreateAccessPoint", req, 409, "AccessPointAlreadyExists", msg);
    CHECK_STR_EQ(jstr(doc, "AccessPointId"), ap);
    json_decref(doc);

    /* A five-level path. */
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"tok-deep\", \"FileSystemId\": \"%s\", \"RootDirectory\": {\"Path\": \"/a/b/c/d/e\"}}",
             fs);
    json_decref(EXPECT_ERROR(sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
                             "1 validation error detected: Value '/a/b/c/d/e' at 'rootDirectory.path' failed to satisfy "
                             "constraint: Member must satisfy regular expression pattern: " FSAP_PATH_PATTERN));
    /* Four levels are fine; so are the full options. */
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"tok-full\", \"FileSystemId\": \"%s\","
             " \"Tags\": [{\"Key\": \"Name\", \"Value\": \"app\"}, {\"Key\": \"team\", \"Value\": \"db\"}],"
             " \"PosixUser\": {\"Uid\": 1000, \"Gid\": 1000, \"SecondaryGids\": [4, 4294967295]},"
             " \"RootDirectory\": {\"Path\": \"/a/b/c/d\","
             " \"CreationInfo\": {\"OwnerUid\": 1000, \"OwnerGid\": 1000, \"Permissions\": \"0755\"}}}",
             fs);
    doc = EXPECT_OK(sim, "efs:CreateAccessPoint", req, 200);
    CHECK_STR_EQ(jstr(doc, "Name"), "app");
    CHECK_INT_EQ(jlen(doc, "Tags"), 2);
    CHECK_STR_EQ(jstr(doc, "Tags.1.Key"), "team");
    CHECK_INT_EQ(jint(doc, "PosixUser.Uid"), 1000);
    CHECK_INT_EQ(jint(doc, "PosixUser.SecondaryGids.1"), 4294967295LL);
    CHECK_STR_EQ(jstr(doc, "RootDirectory.Path"), "/a/b/c/d");
    CHECK_STR_EQ(jstr(doc, "RootDirectory.CreationInfo.Permissions"), "0755");
    CHECK_INT_EQ(jint(doc, "RootDirectory.CreationInfo.OwnerGid"), 1000);
    json_decref(doc);

    /* The file system by ARN: the response names the fs- id. */
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"tok-arn\", \"FileSystemId\": "
             "\"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/%s\"}",
             fs);
    doc = EXPECT_OK(sim, "efs:CreateAccessPoint", req, 200);
    CHECK_STR_EQ(jstr(doc, "FileSystemId"), fs);
    json_decref(doc);
    /* An ARN of another account is not found. */
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"tok-arn2\", \"FileSystemId\": "
             "\"arn:aws:elasticfilesystem:us-east-1:999999999999:file-system/%s\"}",
             fs);
    json_decref(EXPECT_ERROR(sim, "efs:CreateAccessPoint", req, 404, "FileSystemNotFound", NULL));

    /* An unknown file system. */
    json_decref(EXPECT_ERROR(sim, "efs:CreateAccessPoint",
                             "{\"ClientToken\": \"tok-x\", \"FileSystemId\": \"fs-0123456789abcdef0\"}", 404,
                             "FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist."));

    /* Describe one (by id and by ARN): settled now. */
    json_decref(DESCRIBE_ONE(sim, "AccessPoint", "AccessPointId", ap, ap));
    json_decref(DESCRIBE_ONE(sim, "AccessPoint", "AccessPointId", arn, ap));
    /* Both filters. */
    snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\", \"FileSystemId\": \"%s\"}", ap, fs);
    json_decref(EXPECT_ERROR(sim, "efs:DescribeAccessPoints", req, 400, "BadRequest",
                             "You can provide either an AccessPointId or a FileSystemId in the request, but not both."));

    /* Delete: 204, then gone, and its token is free again. */
    snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", ap);
    json_decref(EXPECT_OK(sim, "efs:DeleteAccessPoint", req, 204));
    snprintf(msg, sizeof msg, "Access point '%s' does not exist.", ap);
    json_decref(EXPECT_ERROR(sim, "efs:DeleteAccessPoint", req, 404, "AccessPointNotFound", msg));
    json_decref(EXPECT_ERROR(sim, "efs:DescribeAccessPoints", req, 404, "AccessPointNotFound", msg));
    {
        char *again = create_access_point(sim, fs, "tok-1");
        CHECK(again != NULL && strcmp(again, ap) != 0);
        free(again);
    }

done:
    free(ap);
    free(fs);
    apsim_close(sim);
}

/* One page of DescribeAccessPoints: {<filter>"MaxResults": 2} and the NextToken *token unless
 * NULL; 200. *token (freed) becomes the page's NextToken, NULL after the last page. The page
 * (json_decref it). */
static json_t *next_page(apsim *sim, const char *filter, char **token) {
    char req[512];
    json_t *doc;
    if (*token)
        snprintf(req, sizeof req, "{%s\"MaxResults\": 2, \"NextToken\": \"%s\"}", filter, *token);
    else
        snprintf(req, sizeof req, "{%s\"MaxResults\": 2}", filter);
    free(*token);
    doc = EXPECT_OK(sim, "efs:DescribeAccessPoints", req, 200);
    *token = jdup(doc, "NextToken");
    return doc;
}

/* Walks DescribeAccessPoints with MaxResults 2; every id of want[] must be seen exactly once. */
static void walk_pages(apsim *sim, const char *filter, char **want, size_t n_want, size_t expected_pages) {
    int seen[16] = {0};
    size_t i, pages = 0, total = 0;
    char *token = NULL;
    do {
        json_t *doc = next_page(sim, filter, &token), *aps = jget(doc, "AccessPoints");
        size_t k;
        if (!CHECK(json_is_array(aps))) {
            json_decref(doc);
            break;
        }
        CHECK(json_array_size(aps) <= 2 && json_array_size(aps) >= 1);
        for (k = 0; k < json_array_size(aps); k++) {
            const char *id = json_string_value(json_object_get(json_array_get(aps, k), "AccessPointId"));
            CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(aps, k), "LifeCycleState")), "available");
            for (i = 0; i < n_want; i++)
                if (id && strcmp(id, want[i]) == 0) seen[i]++;
            total++;
        }
        json_decref(doc);
        pages++;
    } while (token != NULL && pages < 100);
    free(token);
    CHECK_INT_EQ(pages, expected_pages);
    CHECK_INT_EQ(total, n_want);
    for (i = 0; i < n_want; i++) CHECK_INT_EQ(seen[i], 1);
}

static void test_describe_access_points_paging(void) {
    apsim *sim = open_world("{\"seed\": 13}");
    char *fs, *fs2, *other;
    char *aps[5] = {0};
    char filter[128], req[256];
    size_t i;
    json_t *doc;
    if (sim == NULL) return;
    fs = create_file_system(sim, "paging");
    fs2 = create_file_system(sim, "paging-2");
    if (!CHECK(fs != NULL && fs2 != NULL)) goto done;
    for (i = 0; i < 5; i++) {
        char token[32];
        snprintf(token, sizeof token, "page-%zu", i);
        aps[i] = create_access_point(sim, fs, token);
        if (i == 2) { /* one on another file system in between */
            other = create_access_point(sim, fs2, "page-other");
            free(other);
        }
    }
    for (i = 0; i < 5; i++) CHECK(aps[i] != NULL);
    if (aps[0] && aps[1] && aps[2] && aps[3] && aps[4]) {
        snprintf(filter, sizeof filter, "\"FileSystemId\": \"%s\", ", fs);
        walk_pages(sim, filter, aps, 5, 3);
    }

    /* All access points of the account: 6, in creation order. */
    doc = EXPECT_OK(sim, "efs:DescribeAccessPoints", "{}", 200);
    CHECK_INT_EQ(jlen(doc, "AccessPoints"), 6);
    CHECK_STR_EQ(jstr(doc, "AccessPoints.0.AccessPointId"), aps[0]);
    CHECK_STR_EQ(jstr(doc, "AccessPoints.5.AccessPointId"), aps[4]);
    CHECK(jget(doc, "NextToken") == NULL);
    json_decref(doc);

    /* A token that was never issued, and one issued for another filter. */
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"NextToken\": \"bogus\"}", fs);
    json_decref(EXPECT_ERROR(sim, "efs:DescribeAccessPoints", req, 400, "BadRequest", NULL));
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"MaxResults\": 1}", fs);
    doc = EXPECT_OK(sim, "efs:DescribeAccessPoints", req, 200);
    if (CHECK(jstr(doc, "NextToken") != NULL)) {
        snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"NextToken\": \"%s\"}", fs2, jstr(doc, "NextToken"));
        json_decref(EXPECT_ERROR(sim, "efs:DescribeAccessPoints", req, 400, "BadRequest", NULL));
    }
    json_decref(doc);

    /* MaxResults limits. */
    json_decref(EXPECT_ERROR(sim, "efs:DescribeAccessPoints", "{\"MaxResults\": 0}", 400, "ValidationException",
                             "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
                             "Member must have value greater than or equal to 1"));
    json_decref(EXPECT_ERROR(sim, "efs:DescribeAccessPoints", "{\"MaxResults\": 10001}", 400, "ValidationException", NULL));

done:
    for (i = 0; i < 5; i++) free(aps[i]);
    free(fs);
    free(fs2);
    apsim_close(sim);
}

/* Deletes and creates between pages: an access point that exists for the whole walk is seen exactly
 * once; a deleted one that was not reached yet is never seen. */
static void test_paging_while_changing(void) {
    apsim *sim = open_world("{\"seed\": 14}");
    char *fs, *aps[7] = {0};
    int seen[7] = {0}, pages = 0, i;
    char filter[128], req[256], *token = NULL;
    json_t *doc;
    if (sim == NULL) return;
    fs = create_file_system(sim, "changing");
    if (!CHECK(fs != NULL)) goto done;
    for (i = 0; i < 6; i++) {
        char t[16];
        snprintf(t, sizeof t, "chg-%d", i);
        aps[i] = create_access_point(sim, fs, t);
        if (!CHECK(aps[i] != NULL)) goto done;
    }
    snprintf(filter, sizeof filter, "\"FileSystemId\": \"%s\", ", fs);
    do {
        size_t k;
        doc = next_page(sim, filter, &token);
        for (k = 0; k < jlen(doc, "AccessPoints") && jlen(doc, "AccessPoints") != (size_t)-1; k++) {
            const char *id = json_string_value(json_object_get(json_array_get(jget(doc, "AccessPoints"), k),
                                                               "AccessPointId"));
            int j;
            for (j = 0; j < 7; j++)
                if (id && aps[j] && strcmp(id, aps[j]) == 0) seen[j]++;
        }
        json_decref(doc);
        if (++pages == 1) {
            /* After the first page (aps 0 and 1): delete a seen one and the next one, add one. */
            snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", aps[1]);
            json_decref(EXPECT_OK(sim, "efs:DeleteAccessPoint", req, 204));
            snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", aps[2]);
            json_decref(EXPECT_OK(sim, "efs:DeleteAccessPoint", req, 204));
            aps[6] = create_access_point(sim, fs, "chg-6");
        }
    } while (token != NULL && pages < 20);
    free(token);
    CHECK_INT_EQ(seen[0], 1);
    CHECK_INT_EQ(seen[1], 1);
    CHECK_INT_EQ(seen[2], 0);
    CHECK_INT_EQ(seen[3], 1);
    CHECK_INT_EQ(seen[4], 1);
    CHECK_INT_EQ(seen[5], 1);
    CHECK(seen[6] <= 1);
done:
    for (i = 0; i < 7; i++) free(aps[i]);
    free(fs);
    apsim_close(sim);
}

/* ---- Config switches ------------------------------------------------------------------------- */

static void test_config_switches(void) {
    json_t *doc;
    char req[256];
    apsim *sim = open_world("{\"lifecycle\": \"instant\", \"idempotent_client_tokens\": true, "
                            "\"strict_file_system_delete\": true, \"access_points_per_file_system\": 2}");
    char *fs, *ap = NULL;
    if (sim == NULL) return;
    doc = EXPECT_OK(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"switch\"}", 201);
    CHECK_STR_EQ(jstr(doc, "LifeCycleState"), "available");
    fs = jdup(doc, "FileSystemId");
    json_decref(doc);
    if (!CHECK(fs != NULL)) goto done;
    snprintf(req, sizeof req, "{\"ClientToken\": \"same\", \"FileSystemId\": \"%s\"}", fs);
    doc = EXPECT_OK(sim, "efs:CreateAccessPoint", req, 200);
    CHECK_STR_EQ(jstr(doc, "LifeCycleState"), "available");
    ap = jdup(doc, "AccessPointId");
    json_decref(doc);
    /* idempotent_client_tokens: the same request returns the same access point. */
    doc = EXPECT_OK(sim, "efs:CreateAccessPoint", req, 200);
    CHECK_STR_EQ(jstr(doc, "AccessPointId"), ap);
    json_decref(doc);
    /* ... but other parameters still conflict. */
    snprintf(req, sizeof req, "{\"ClientToken\": \"same\", \"FileSystemId\": \"%s\", \"PosixUser\": {\"Uid\": 1, \"Gid\": 1}}",
             fs);
    doc = EXPECT_ERROR(sim, "efs:CreateAccessPoint", req, 409, "AccessPointAlreadyExists", NULL);
    CHECK_STR_EQ(jstr(doc, "AccessPointId"), ap);
    json_decref(doc);
    /* Quota 2. */
    free(create_access_point(sim, fs, "second"));
    snprintf(req, sizeof req, "{\"ClientToken\": \"third\", \"FileSystemId\": \"%s\"}", fs);
    {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "You have reached the maximum number of access points (2) for your file system %s. "
                 "Delete an access point and add a new one.",
                 fs);
        json_decref(EXPECT_ERROR(sim, "efs:CreateAccessPoint", req, 403, "AccessPointLimitExceeded", msg));
    }
    /* strict_file_system_delete. */
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\"}", fs);
    json_decref(EXPECT_ERROR(sim, "efs:DeleteFileSystem", req, 409, "FileSystemInUse", NULL));
done:
    free(ap);
    free(fs);
    apsim_close(sim);
}

/* ---- apsim_validate -------------------------------------------------------------------------- */

static void test_validate(void) {
    int rc;
    json_t *doc, *expected;
    char *out;

    /* Valid, even though no world has this file system. */
    doc = validate("efs:CreateAccessPoint",
                   "{\"ClientToken\": \"t\", \"FileSystemId\": \"fs-0123456789abcdef0\","
                   " \"RootDirectory\": {\"Path\": \"/a/b/c/d\"}}",
                   &rc);
    CHECK_INT_EQ(rc, 0);
    expected = json_pack("{s:b}", "Valid", 1);
    CHECK(json_equal(doc, expected));
    json_decref(expected);
    json_decref(doc);

    /* The exact envelope: violations in model order, no RequestId (no world, no request); the
     * absent ClientToken is filled in, as SDKs fill it. */
    out = NULL;
    rc = apsim_validate(&out, "efs:CreateAccessPoint",
                        "{\"FileSystemId\": \"fs-0123456789abcdef0\", \"RootDirectory\": {\"Path\": \"/a/b/c/d/e\"}}");
    CHECK_INT_EQ(rc, 400);
    doc = parse_and_free(out);
    expected = json_pack(
        "{s:{s:s,s:s},s:{s:i}}", "Error", "Code", "ValidationException", "Message",
        "1 validation error detected: Value '/a/b/c/d/e' at 'rootDirectory.path' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: " FSAP_PATH_PATTERN,
        "ResponseMetadata", "HTTPStatusCode", 400);
    if (!CHECK(json_equal(doc, expected))) {
        char *a = json_dumps(doc, JSON_SORT_KEYS), *b = json_dumps(expected, JSON_SORT_KEYS);
        fprintf(stderr, "    got:      %s\n    expected: %s\n", a ? a : "NULL", b ? b : "NULL");
        free(a);
        free(b);
    }
    json_decref(expected);
    json_decref(doc);

    /* Unknown member (botocore's words). */
    json_decref(EXPECT_INVALID("efs:CreateAccessPoint",
                               "{\"ClientToken\": \"t\", \"FileSystemId\": \"fs-01234567\", \"Bogus\": 1}",
                               "ValidationException",
                               "Unknown parameter in input: \"Bogus\", must be one of: ClientToken, Tags, FileSystemId, "
                               "PosixUser, RootDirectory"));

    /* A stateless rule beyond the model: duplicate tag keys. */
    json_decref(EXPECT_INVALID("efs:CreateAccessPoint",
                               "{\"ClientToken\": \"t\", \"FileSystemId\": \"fs-01234567\","
                               " \"Tags\": [{\"Key\": \"k\", \"Value\": \"1\"}, {\"Key\": \"k\", \"Value\": \"2\"}]}",
                               "BadRequest", "Tag keys must be unique; the key 'k' appears more than once in the request."));

    /* Several kinds of violation at once. */
    json_decref(EXPECT_INVALID("efs:CreateAccessPoint",
                               "{\"ClientToken\": \"\", \"FileSystemId\": \"fs-01234567\","
                               " \"RootDirectory\": {\"CreationInfo\": {\"OwnerUid\": 1, \"OwnerGid\": 1, \"Permissions\": \"999\"}}}",
                               "ValidationException",
                               "3 validation errors detected: Value '' at 'clientToken' failed to satisfy constraint: Member "
                               "must have length greater than or equal to 1; Value '' at 'clientToken' failed to satisfy "
                               "constraint: Member must satisfy regular expression pattern: .+; Value '999' at "
                               "'rootDirectory.creationInfo.permissions' failed to satisfy constraint: Member must satisfy "
                               "regular expression pattern: ^[0-7]{3,4}$"));
}

/* ---- Determinism ----------------------------------------------------------------------------- */

static void run_sequence(apsim *sim, char **outputs, size_t *n) {
    static const char *const calls[][2] = {
        {"efs:CreateFileSystem", "{\"CreationToken\": \"det\"}"},
        {"efs:DescribeFileSystems", "{}"},
        {"efs:CreateFileSystem", "{\"CreationToken\": \"det\"}"},
        {"apsim:ListOperations", NULL},
        {"efs:DescribeAccessPoints", "{}"},
        {"efs:CreateAccessPoint", "{\"ClientToken\": \"x\", \"FileSystemId\": \"fs-0123456789abcdef0\"}"},
        {"efs:CreateAccessPoint", "{\"ClientToken\": \"x\"}"},
        {"efs:Unknown", "{}"},
    };
    size_t i;
    char *fs = NULL;
    for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char *out = NULL;
        apsim_call(&out, sim, calls[i][0], calls[i][1]);
        outputs[(*n)++] = out;
        if (i == 0 && out) {
            json_t *doc = json_loads(out, 0, NULL);
            fs = jdup(doc, "FileSystemId");
            json_decref(doc);
        }
    }
    if (fs == NULL) return;
    for (i = 0; i < 4; i++) {
        char req[256], *out = NULL;
        snprintf(req, sizeof req, "{\"ClientToken\": \"det-%zu\", \"FileSystemId\": \"%s\"}", i % 3, fs);
        apsim_efs_create_access_point(&out, sim, req);
        outputs[(*n)++] = out;
    }
    {
        char *out = NULL;
        apsim_call(&out, sim, "efs:DescribeAccessPoints", "{\"MaxResults\": 2}");
        outputs[(*n)++] = out;
    }
    free(fs);
}

static void test_determinism(void) {
    const char *config = "{\"seed\":42,\"start_time\":1700000000}";
    apsim *a = open_world(config), *b = open_world(config), *c = open_world("{\"seed\":43,\"start_time\":1700000000}");
    char *out_a[32] = {0}, *out_b[32] = {0}, *out_c[32] = {0};
    size_t na = 0, nb = 0, nc = 0, i;
    if (a == NULL || b == NULL || c == NULL) goto done;
    run_sequence(a, out_a, &na);
    run_sequence(b, out_b, &nb);
    run_sequence(c, out_c, &nc);
    CHECK_INT_EQ(na, 13);
    CHECK_INT_EQ(nb, na);
    for (i = 0; i < na && i < nb; i++) {
        if (!CHECK(out_a[i] != NULL && out_b[i] != NULL && strcmp(out_a[i], out_b[i]) == 0))
            fprintf(stderr, "    call %zu differs:\n    %s\n    %s\n", i, out_a[i] ? out_a[i] : "NULL",
                    out_b[i] ? out_b[i] : "NULL");
    }
    /* Another seed: other IDs. */
    CHECK(nc > 0 && out_c[0] != NULL && out_a[0] != NULL && strcmp(out_a[0], out_c[0]) != 0);
    /* The start time shows in the CreationTime. */
    if (out_a[0]) {
        json_t *doc = json_loads(out_a[0], 0, NULL);
        CHECK_INT_EQ(jint(doc, "CreationTime"), 1700000000);
        json_decref(doc);
    }
done:
    for (i = 0; i < na; i++) apsim_string_free(out_a[i]);
    for (i = 0; i < nb; i++) apsim_string_free(out_b[i]);
    for (i = 0; i < nc; i++) apsim_string_free(out_c[i]);
    apsim_close(a);
    apsim_close(b);
    apsim_close(c);
}

/* ---- Threads --------------------------------------------------------------------------------- */

#define THREADS 8
#define CALLS_PER_THREAD 300
/* Every RACE_EVERY-th call of each thread uses a token shared by all threads. */
#define RACE_EVERY 10

struct created {
    char id[32];
    char token[32];
};

struct worker {
    apsim *sim;
    const char *fs;
    int index;
    struct created made[CALLS_PER_THREAD];
    int n_made;
    int conflicts;           /* 409 AccessPointAlreadyExists */
    int conflict_id_missing; /* a 409 without a well-formed AccessPointId */
    int unexpected;          /* any other outcome */
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    int j;
    for (j = 0; j < CALLS_PER_THREAD; j++) {
        char token[32], req[256], *out = NULL;
        json_t *doc;
        int rc;
        if (j % RACE_EVERY == 0)
            snprintf(token, sizeof token, "race-%d", j);
        else
            snprintf(token, sizeof token, "t%d-%d", w->index, j);
        snprintf(req, sizeof req, "{\"ClientToken\": \"%s\", \"FileSystemId\": \"%s\"}", token, w->fs);
        rc = (j % 2) ? apsim_efs_create_access_point(&out, w->sim, req)
                     : apsim_call(&out, w->sim, "efs:CreateAccessPoint", req);
        doc = out ? json_loads(out, 0, NULL) : NULL;
        apsim_string_free(out);
        if (rc == 0 && is_aws_id(jstr(doc, "AccessPointId"), "fsap-") &&
            strcmp(jstr(doc, "ClientToken") ? jstr(doc, "ClientToken") : "", token) == 0) {
            strcpy(w->made[w->n_made].id, jstr(doc, "AccessPointId"));
            strcpy(w->made[w->n_made].token, token);
            w->n_made++;
        } else if (rc == 409 && jstr(doc, "Error.Code") &&
                   strcmp(jstr(doc, "Error.Code"), "AccessPointAlreadyExists") == 0) {
            w->conflicts++;
            if (!is_aws_id(jstr(doc, "AccessPointId"), "fsap-")) w->conflict_id_missing++;
        } else {
            w->unexpected++;
        }
        json_decref(doc);
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_threads(void) {
    apsim *sim = open_world("{\"seed\": 99}");
    static struct worker workers[THREADS];
    pthread_t tids[THREADS];
    int started[THREADS] = {0};
    int i, k, total = 0, conflicts = 0, unexpected = 0, missing = 0, dup_ids = 0, dup_tokens = 0;
    const int races = (CALLS_PER_THREAD + RACE_EVERY - 1) / RACE_EVERY;
    const int expected_total = THREADS * (CALLS_PER_THREAD - races) + races;
    char **ids, **tokens;
    char *fs;
    if (sim == NULL) return;
    fs = create_file_system(sim, "threads");
    if (!CHECK(fs != NULL)) goto done;
    for (i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].sim = sim;
        workers[i].fs = fs;
        workers[i].index = i;
    }
    for (i = 0; i < THREADS; i++) started[i] = pthread_create(&tids[i], NULL, worker_main, &workers[i]) == 0;
    for (i = 0; i < THREADS; i++) {
        CHECK(started[i]);
        if (started[i]) pthread_join(tids[i], NULL);
    }

    for (i = 0; i < THREADS; i++) {
        total += workers[i].n_made;
        conflicts += workers[i].conflicts;
        unexpected += workers[i].unexpected;
        missing += workers[i].conflict_id_missing;
    }
    CHECK_INT_EQ(unexpected, 0);
    CHECK_INT_EQ(missing, 0);
    CHECK_INT_EQ(total, expected_total);
    CHECK_INT_EQ(conflicts, races * (THREADS - 1));
    CHECK_INT_EQ(total + conflicts, THREADS * CALLS_PER_THREAD);

    /* Unique ids, each token created once. */
    ids = malloc(sizeof(char *) * (size_t)(total ? total : 1));
    tokens = malloc(sizeof(char *) * (size_t)(total ? total : 1));
    if (CHECK(ids != NULL && tokens != NULL)) {
        int n = 0;
        for (i = 0; i < THREADS; i++)
            for (k = 0; k < workers[i].n_made; k++, n++) {
                ids[n] = workers[i].made[k].id;
                tokens[n] = workers[i].made[k].token;
            }
        qsort(ids, (size_t)n, sizeof(char *), cmp_str);
        qsort(tokens, (size_t)n, sizeof(char *), cmp_str);
        for (i = 1; i < n; i++) {
            if (strcmp(ids[i - 1], ids[i]) == 0) dup_ids++;
            if (strcmp(tokens[i - 1], tokens[i]) == 0) dup_tokens++;
        }
        CHECK_INT_EQ(dup_ids, 0);
        CHECK_INT_EQ(dup_tokens, 0);
    }
    free(ids);
    free(tokens);

    /* The world agrees: as many access points as successes (one page, and by file system). */
    {
        int rc;
        char req[256];
        json_t *doc = call(sim, "efs:DescribeAccessPoints", "{\"MaxResults\": 10000}", &rc);
        CHECK_SUCCESS(doc, rc, 200);
        CHECK_INT_EQ(jlen(doc, "AccessPoints"), total);
        CHECK(jget(doc, "NextToken") == NULL);
        json_decref(doc);
        snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"MaxResults\": 1000}", fs);
        doc = EXPECT_OK(sim, "efs:DescribeAccessPoints", req, 200);
        CHECK_INT_EQ(jlen(doc, "AccessPoints"), total < 1000 ? total : 1000);
        CHECK((jget(doc, "NextToken") != NULL) == (total > 1000));
        json_decref(doc);
    }
done:
    free(fs);
    apsim_close(sim);
}

/* Several worlds used from several threads at once are independent. */
struct own_world {
    int index;
    int ok;
};

static void *own_world_main(void *arg) {
    struct own_world *w = arg;
    apsim *sim = NULL;
    char *out = NULL, req[256];
    int rc, j, fails = 0;
    json_t *doc;
    char fs[32] = "";
    if (apsim_open(&sim, "{\"seed\": 7}", NULL) != 0) return NULL;
    rc = apsim_call(&out, sim, "efs:CreateFileSystem", "{\"CreationToken\": \"own\"}");
    doc = out ? json_loads(out, 0, NULL) : NULL;
    apsim_string_free(out);
    if (rc == 0 && jstr(doc, "FileSystemId") && strlen(jstr(doc, "FileSystemId")) < sizeof fs)
        strcpy(fs, jstr(doc, "FileSystemId"));
    else
        fails++;
    json_decref(doc);
    for (j = 0; j < 20 && fs[0]; j++) {
        out = NULL;
        snprintf(req, sizeof req, "{\"ClientToken\": \"own-%d\", \"FileSystemId\": \"%s\"}", j, fs);
        if (apsim_efs_create_access_point(&out, sim, req) != 0) fails++;
        apsim_string_free(out);
    }
    out = NULL;
    rc = apsim_call(&out, sim, "efs:DescribeAccessPoints", "{}");
    doc = out ? json_loads(out, 0, NULL) : NULL;
    apsim_string_free(out);
    if (rc != 0 || jlen(doc, "AccessPoints") != 20) fails++;
    json_decref(doc);
    apsim_close(sim);
    w->ok = fails == 0;
    return NULL;
}

static void test_threads_own_worlds(void) {
    pthread_t tids[4];
    struct own_world ws[4];
    int started[4], i;
    for (i = 0; i < 4; i++) {
        ws[i].index = i;
        ws[i].ok = 0;
        started[i] = pthread_create(&tids[i], NULL, own_world_main, &ws[i]) == 0;
    }
    for (i = 0; i < 4; i++) {
        if (CHECK(started[i])) pthread_join(tids[i], NULL);
        CHECK(ws[i].ok);
    }
}

/* ---- main ------------------------------------------------------------------------------------ */

int main(void) {
    CHECK_RUN(test_version);
    CHECK_RUN(test_open_defaults);
    CHECK_RUN(test_open_custom_account_and_region);
    CHECK_RUN(test_open_bad_config);
    CHECK_RUN(test_open_misuse_and_close_null);
    CHECK_RUN(test_null_arguments);
    CHECK_RUN(test_null_request_means_empty_object);
    CHECK_RUN(test_malformed_requests);
    CHECK_RUN(test_unknown_operation);
    CHECK_RUN(test_list_operations);
    CHECK_RUN(test_efs_file_systems);
    CHECK_RUN(test_efs_access_point_flow);
    CHECK_RUN(test_describe_access_points_paging);
    CHECK_RUN(test_paging_while_changing);
    CHECK_RUN(test_config_switches);
    CHECK_RUN(test_validate);
    CHECK_RUN(test_determinism);
    CHECK_RUN(test_threads);
    CHECK_RUN(test_threads_own_worlds);
    return check_summary();
}
