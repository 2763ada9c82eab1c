/*
 * test_hostile.c -- hostile input at the C boundary of libapsim (include/apsim.h).
 *
 * Each hostile input goes through apsim_call (and apsim_call_in and the shorthands), through
 * apsim_validate, through apsim_http (as the body of an EFS rest-json request, as the body of an
 * FSx JSON 1.1 request, and as the request document itself) and through apsim_open as a config.
 * Every case asserts the exact return code, the exact error code and message, that the process is
 * alive (a normal call still works afterwards) and that the world is unchanged: apsim:ExportState
 * is byte-identical before and after, except Random.Requests (refused AWS calls still draw a
 * RequestId, as from AWS). Misuse (NULL pointers) must not even draw a RequestId: there the whole
 * export is compared.
 *
 * APSIM_UNDER_VALGRIND=1 skips the 64 MiB requests (valgrind needs minutes for them); the native
 * run always has them.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apsim.h"
#include "check.h"
#include "json_path.h"

/* ---- Helpers --------------------------------------------------------------------------------- */

#define WORLD "{\"seed\": 7, \"start_time\": 1700000000}"
#define FSX_TARGET "AWSSimbaAPIService_v20180301."
#define NO_FS "fs-0123456789abcdef0"
#define NO_VOLUME "fsvol-0123456789abcdef0"
#define HUGE_BYTES ((size_t)64 * 1024 * 1024)

#define UNKNOWN_OP(name)                                                                       \
    "Unknown operation '" name "'. Operations are named '<service>:<Operation>', e.g. "        \
    "'efs:CreateAccessPoint'; 'apsim:ListOperations' lists them."
#define TOO_LARGE "Request too large: more than 4194304 bytes; the limit is 4194304 bytes."
#define TOO_DEEP "JSON nesting is deeper than 64 levels."
#define NOT_UTF8 "The request is not valid UTF-8."
#define EFS_MEMBERS "ClientToken, Tags, FileSystemId, PosixUser, RootDirectory"
#define FSX_MEMBERS "ClientRequestToken, Name, Type, OpenZFSConfiguration, OntapConfiguration, S3AccessPoint"
#define EFS_MISSING                                                                            \
    "2 validation errors detected: Value null at 'clientToken' failed to satisfy constraint: " \
    "Member must not be null; Value null at 'fileSystemId' failed to satisfy constraint: "     \
    "Member must not be null"
/* What apsim_validate answers for the same request: the client token is filled in, as SDKs do. */
#define EFS_FS_MISSING \
    "1 validation error detected: Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null"
#define FSX_MISSING                                                                            \
    "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member " \
    "must not be null; Value null at 'type' failed to satisfy constraint: Member must not be null"
#define HTTP_BAD_METHOD "Invalid HTTP request document: \"method\" must be a string such as \"POST\"."
#define ZFS_UID "openZFSConfiguration.fileSystemIdentity.posixUser.uid"

static int under_valgrind(void) {
    const char *v = getenv("APSIM_UNDER_VALGRIND");
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

/* Whether the JSON string at `path` is exactly the `len` bytes of `expected`. */
static int jstr_is(json_t *doc, const char *path, const char *expected, size_t len) {
    json_t *v = jget(doc, path);
    return json_is_string(v) && json_string_length(v) == len && memcmp(json_string_value(v), expected, len) == 0;
}

/* apsim:ExportState as the library wrote it. Unless `exact`, the 16 hex digits of
 * Random.Requests (the first "Requests" member: Random precedes Regions) are blanked. */
static char *snapshot(apsim *sim, int exact) {
    char *out = SENTINEL, *p;
    int rc = apsim_call(&out, sim, "apsim:ExportState", NULL);
    CHECK_INT_EQ(rc, 0);
    if (out == SENTINEL) return NULL;
    if (out != NULL && !exact) {
        p = strstr(out, "\"Requests\":\"");
        if (CHECK(p != NULL && strlen(p) > 12 + 16)) memset(p + 12, '0', 16);
    }
    return out;
}

/* Compares the world with a snapshot taken before a hostile call; frees the snapshot. */
static void check_unchanged(apsim *sim, char *before, int exact, const char *what) {
    char *after = snapshot(sim, exact);
    if (!CHECK(before != NULL && after != NULL) || !CHECK(strcmp(before, after) == 0)) {
        fprintf(stderr, "    the world changed: %s\n", what);
    }
    apsim_string_free(before);
    apsim_string_free(after);
}

/* An error envelope: return code == status, exact code and message, HTTPStatusCode. */
static void check_envelope(json_t *doc, int rc, int status, const char *code, const char *message) {
    CHECK_INT_EQ(rc, status);
    CHECK(json_is_object(doc));
    CHECK_STR_EQ(jstr(doc, "Error.Code"), code);
    CHECK_STR_EQ(jstr(doc, "Error.Message"), message);
    CHECK_INT_EQ(jint(doc, "ResponseMetadata.HTTPStatusCode"), status);
    /* A RequestId, when there is one, is well-formed. */
    if (jget(doc, "ResponseMetadata.RequestId") != NULL) CHECK(is_request_id(jstr(doc, "ResponseMetadata.RequestId")));
}

/* ---- A populated world ----------------------------------------------------------------------- */

struct world {
    apsim *sim;
    char fs[64];     /* an EFS file system */
    char ap[64];     /* an EFS access point on it, token "t-1", tagged */
    char zfs[64];    /* an FSx for OpenZFS HA file system */
    char volume[64]; /* its root volume, with the attachment "ap-one" */
};

static void copy_str(char dst[64], json_t *doc, const char *path) {
    const char *s = jstr(doc, path);
    snprintf(dst, 64, "%s", s ? s : "");
}

/* Opens a world with one of everything, settled (observed once). */
static int open_populated_world(struct world *w) {
    char req[512];
    int rc;
    json_t *doc;
    char *err = SENTINEL;
    memset(w, 0, sizeof *w);
    rc = apsim_open(&w->sim, WORLD, &err);
    if (!CHECK_INT_EQ(rc, 0) || !CHECK(err == NULL) || w->sim == NULL) return 0;
    doc = call(w->sim, "efs:CreateFileSystem", "{\"CreationToken\": \"hostile\"}", &rc);
    CHECK_INT_EQ(rc, 0);
    copy_str(w->fs, doc, "FileSystemId");
    json_decref(doc);
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"t-1\", \"FileSystemId\": \"%s\", \"Tags\": [{\"Key\": \"Name\", \"Value\": \"one\"}],"
             " \"PosixUser\": {\"Uid\": 1000, \"Gid\": 1000}, \"RootDirectory\": {\"Path\": \"/data\"}}",
             w->fs);
    doc = call(w->sim, "efs:CreateAccessPoint", req, &rc);
    CHECK_INT_EQ(rc, 0);
    copy_str(w->ap, doc, "AccessPointId");
    json_decref(doc);
    doc = call(w->sim, "fsx:CreateFileSystem",
               "{\"FileSystemType\": \"OPENZFS\", \"SubnetIds\": [\"subnet-0123456789abcdef0\"], \"StorageCapacity\": 64,"
               " \"OpenZFSConfiguration\": {\"DeploymentType\": \"SINGLE_AZ_HA_2\", \"ThroughputCapacity\": 160}}",
               &rc);
    CHECK_INT_EQ(rc, 0);
    copy_str(w->zfs, doc, "FileSystem.FileSystemId");
    copy_str(w->volume, doc, "FileSystem.OpenZFSConfiguration.RootVolumeId");
    json_decref(doc);
    doc = call(w->sim, "fsx:DescribeVolumes", NULL, &rc); /* settles the root volume */
    json_decref(doc);
    snprintf(req, sizeof req,
             "{\"Name\": \"ap-one\", \"Type\": \"OPENZFS\", \"OpenZFSConfiguration\": {\"VolumeId\": \"%s\","
             " \"FileSystemIdentity\": {\"Type\": \"POSIX\", \"PosixUser\": {\"Uid\": 1, \"Gid\": 1}}}}",
             w->volume);
    doc = call(w->sim, "fsx:CreateAndAttachS3AccessPoint", req, &rc);
    CHECK_INT_EQ(rc, 0);
    json_decref(doc);
    doc = call(w->sim, "fsx:DescribeS3AccessPointAttachments", NULL, &rc);
    json_decref(doc);
    doc = call(w->sim, "efs:DescribeAccessPoints", NULL, &rc);
    json_decref(doc);
    return CHECK(strncmp(w->fs, "fs-", 3) == 0 && strncmp(w->ap, "fsap-", 5) == 0 &&
                 strncmp(w->zfs, "fs-", 3) == 0 && strncmp(w->volume, "fsvol-", 6) == 0);
}

/* The process is alive and the world still answers: the access point is there, as it was. */
static void check_alive(struct world *w) {
    char req[128];
    int rc;
    json_t *doc;
    snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", w->ap);
    doc = call(w->sim, "efs:DescribeAccessPoints", req, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(jstr(doc, "AccessPoints.0.ClientToken"), "t-1");
    CHECK_STR_EQ(jstr(doc, "AccessPoints.0.LifeCycleState"), "available");
    json_decref(doc);
    doc = call(w->sim, "fsx:DescribeS3AccessPointAttachments", "{\"Names\": [\"ap-one\"]}", &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachments.0.Lifecycle"), "AVAILABLE");
    json_decref(doc);
}

static void close_world(struct world *w) {
    if (w->sim != NULL) check_alive(w);
    apsim_close(w->sim);
    w->sim = NULL;
}

/* ---- The expectations of one hostile case ----------------------------------------------------- */

/* One entry point: apsim_call, apsim_call_in (defaults) or the operation's shorthand. */
enum entry { VIA_CALL, VIA_CALL_IN, VIA_SHORTHAND };

static int run_entry(enum entry how, char **out, apsim *sim, const char *op, const char *req) {
    switch (how) {
    case VIA_CALL_IN: return apsim_call_in(out, sim, NULL, NULL, op, req);
    case VIA_SHORTHAND:
        if (strcmp(op, "efs:CreateAccessPoint") == 0) return apsim_efs_create_access_point(out, sim, req);
        return apsim_fsx_create_and_attach_s3_access_point(out, sim, req);
    default: return apsim_call(out, sim, op, req);
    }
}

/* `req` through apsim_call, apsim_call_in and (for the two create operations) the shorthand:
 * each answers the envelope, and the world is unchanged. */
static void expect_call_(apsim *sim, const char *op, const char *req, int status, const char *code,
                         const char *message, int line) {
    long before = check_failed_so_far();
    enum entry how;
    for (how = VIA_CALL; how <= VIA_SHORTHAND; how++) {
        char *out = SENTINEL, *world;
        int rc;
        json_t *doc;
        if (how == VIA_SHORTHAND && strcmp(op, "efs:CreateAccessPoint") != 0 &&
            strcmp(op, "fsx:CreateAndAttachS3AccessPoint") != 0)
            continue;
        world = snapshot(sim, 0);
        rc = run_entry(how, &out, sim, op, req);
        if (!CHECK(out != SENTINEL && out != NULL)) continue;
        doc = parse_and_free(out);
        check_envelope(doc, rc, status, code, message);
        json_decref(doc);
        check_unchanged(sim, world, 0, op);
    }
    check_blame(before, __FILE__, line);
}
#define EXPECT_CALL(sim, op, req, status, code, message) expect_call_((sim), (op), (req), (status), (code), (message), __LINE__)

/* apsim_validate answers the envelope, without a RequestId (there is no world). */
static void expect_validate_(const char *op, const char *req, int status, const char *code, const char *message, int line) {
    long before = check_failed_so_far();
    char *out = SENTINEL;
    int rc = apsim_validate(&out, op, req);
    json_t *doc;
    if (CHECK(out != SENTINEL && out != NULL)) {
        doc = parse_and_free(out);
        check_envelope(doc, rc, status, code, message);
        CHECK(jget(doc, "ResponseMetadata.RequestId") == NULL);
        json_decref(doc);
    }
    check_blame(before, __FILE__, line);
}
#define EXPECT_VALIDATE(op, req, status, code, message) expect_validate_((op), (req), (status), (code), (message), __LINE__)

/* Both: the stateless answer is the same through every entry point. */
#define EXPECT_ALL(sim, op, req, status, code, message)                                        \
    do {                                                                                       \
        EXPECT_CALL((sim), (op), (req), (status), (code), (message));                          \
        EXPECT_VALIDATE((op), (req), (status), (code), (message));                             \
    } while (0)

/* apsim_http with a malformed request document: 400 and an envelope, and no trace in the world
 * (not even a RequestId: the request never reached a service). */
static void expect_http_refused_(apsim *sim, const char *request, const char *message, int line) {
    long before = check_failed_so_far();
    char *world = snapshot(sim, 1), *out = SENTINEL;
    int rc = apsim_http(&out, sim, request);
    json_t *doc;
    if (CHECK(out != SENTINEL && out != NULL)) {
        doc = parse_and_free(out);
        check_envelope(doc, rc, 400, "SerializationException", message);
        json_decref(doc);
    }
    check_unchanged(sim, world, 1, "apsim_http");
    check_blame(before, __FILE__, line);
}
#define EXPECT_HTTP_REFUSED(sim, request, message) expect_http_refused_((sim), (request), (message), __LINE__)

/* One HTTP request document (text) answered with an AWS error response: rc 0, the status,
 * x-amzn-ErrorType, and the error body in the protocol's shape (rest-json {"ErrorCode",
 * "Message"}, JSON 1.1 {"__type", "Message"}); the message is `message_len` bytes that may hold
 * NULs. The world is unchanged. */
static void expect_http_text_error(apsim *sim, const char *text, int status, const char *code, const char *message,
                                   size_t message_len, int json11, int line) {
    long before = check_failed_so_far();
    char *out = SENTINEL, *world = snapshot(sim, 0);
    int rc = apsim_http(&out, sim, text);
    json_t *doc, *body;
    json_error_t err;
    CHECK_INT_EQ(rc, 0);
    if (CHECK(out != SENTINEL && out != NULL)) {
        doc = parse_and_free(out);
        CHECK_INT_EQ(jint(doc, "status"), status);
        CHECK_STR_EQ(jstr(doc, "headers.x-amzn-ErrorType"), code);
        CHECK(is_request_id(jstr(doc, "headers.x-amzn-RequestId")));
        body = jstr(doc, "body") ? json_loads(jstr(doc, "body"), JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err) : NULL;
        if (CHECK(body != NULL)) {
            CHECK_STR_EQ(jstr(body, json11 ? "__type" : "ErrorCode"), code);
            if (message_len == strlen(message)) {
                CHECK_STR_EQ(jstr(body, "Message"), message);
            } else if (!CHECK(jstr_is(body, "Message", message, message_len))) { /* a message with NULs */
                fprintf(stderr, "    got: %s\n", jstr(body, "Message") ? jstr(body, "Message") : "NULL");
            }
        }
        json_decref(body);
        json_decref(doc);
    }
    check_unchanged(sim, world, 0, "apsim_http");
    check_blame(before, __FILE__, line);
}

/* The same with the request built with jansson (stolen; a body may hold NULs). */
static void expect_http_error(apsim *sim, json_t *request, int status, const char *code, const char *message,
                              size_t message_len, int json11, int line) {
    long before = check_failed_so_far();
    char *text = json_dumps(request, JSON_COMPACT | JSON_ALLOW_NUL);
    json_decref(request);
    if (CHECK(text != NULL)) {
        expect_http_text_error(sim, text, status, code, message, message_len, json11, line);
    } else {
        check_blame(before, __FILE__, line);
    }
    free(text);
}

/* POST /2015-02-01/access-points (EFS CreateAccessPoint, rest-json) with `body` as the body. */
static json_t *efs_create_request(const char *body, size_t len) {
    return json_pack("{s:s,s:s,s:s%}", "method", "POST", "path", "/2015-02-01/access-points", "body", body, len);
}

/* POST / with X-Amz-Target: AWSSimbaAPIService_v20180301.<op> (FSx, JSON 1.1). */
static json_t *fsx_request(const char *op, const char *body, size_t len) {
    char target[128];
    snprintf(target, sizeof target, FSX_TARGET "%s", op);
    return json_pack("{s:s,s:s,s:{s:s},s:s%}", "method", "POST", "path", "/", "headers", "X-Amz-Target", target,
                     "body", body, len);
}

#define EXPECT_EFS_BODY(sim, body, status, code, message)                                      \
    expect_http_error((sim), efs_create_request((body), strlen(body)), (status), (code), (message), strlen(message), 0, __LINE__)
#define EXPECT_FSX_BODY(sim, body, status, code, message)                                      \
    expect_http_error((sim), fsx_request("CreateAndAttachS3AccessPoint", (body), strlen(body)), (status), (code), \
                      (message), strlen(message), 1, __LINE__)
#define EXPECT_HTTP(sim, request, status, code, message, json11)                               \
    expect_http_error((sim), (request), (status), (code), (message), strlen(message), (json11), __LINE__)
/* The same with a message of `len` bytes that may hold NULs. */
#define EXPECT_HTTP_N(sim, request, status, code, message, len, json11)                        \
    expect_http_error((sim), (request), (status), (code), (message), (len), (json11), __LINE__)
/* The same with the request document as text (numbers jansson cannot hold, such as 1e400). */
#define EXPECT_HTTP_TEXT(sim, text, status, code, message, json11)                             \
    expect_http_text_error((sim), (text), (status), (code), (message), strlen(message), (json11), __LINE__)

/* apsim_open refuses `config` (with and without an error out parameter) and opens nothing. */
static void expect_open_refused_(const char *config, const char *message, int line) {
    long before = check_failed_so_far();
    apsim *sim = (apsim *)SENTINEL;
    char *err = SENTINEL;
    int rc = apsim_open(&sim, config, &err);
    json_t *doc;
    CHECK(sim == NULL);
    if (CHECK(err != SENTINEL && err != NULL)) {
        doc = parse_and_free(err);
        check_envelope(doc, rc, 400, "InvalidConfiguration", message);
        json_decref(doc);
    }
    sim = (apsim *)SENTINEL;
    CHECK_INT_EQ(apsim_open(&sim, config, NULL), 400);
    CHECK(sim == NULL);
    check_blame(before, __FILE__, line);
}
#define EXPECT_OPEN_REFUSED(config, message) expect_open_refused_((config), (message), __LINE__)

/* apsim_call_in with `account` and `region` (NULL: the defaults) answers the envelope, and the
 * world is unchanged. */
static void expect_call_in_(apsim *sim, const char *account, const char *region, const char *op, const char *req,
                            int status, const char *code, const char *message, int line) {
    long before = check_failed_so_far();
    char *world = snapshot(sim, 0);
    int rc;
    json_t *doc = call_in(sim, account, region, op, req, &rc);
    check_envelope(doc, rc, status, code, message);
    json_decref(doc);
    check_unchanged(sim, world, 0, op);
    check_blame(before, __FILE__, line);
}
#define EXPECT_CALL_IN(sim, account, region, op, req, status, code, message)                   \
    expect_call_in_((sim), (account), (region), (op), (req), (status), (code), (message), __LINE__)

/* {<others>"<Member>": <value>} to `op` is refused through every entry point with a
 * SerializationException "Invalid value for member '<member>': <value> <reason>" (the member
 * named in lowerCamelCase, as AWS does). */
static void expect_member_refused_(apsim *sim, const char *op, const char *others, const char *member, const char *value,
                                   const char *reason, int line) {
    long before = check_failed_so_far();
    char req[512], message[256];
    snprintf(req, sizeof req, "{%s\"%s\": %s}", others, member, value);
    snprintf(message, sizeof message, "Invalid value for member '%c%s': %s %s", tolower((unsigned char)member[0]), member + 1,
             value, reason);
    EXPECT_ALL(sim, op, req, 400, "SerializationException", message);
    check_blame(before, __FILE__, line);
}
#define EXPECT_MEMBER_REFUSED(sim, op, others, member, value, reason)                          \
    expect_member_refused_((sim), (op), (others), (member), (value), (reason), __LINE__)

/* The config {"<key>": <value>} is refused with `message`. */
static void expect_config_value_refused_(const char *key, const char *value, const char *message, int line) {
    char config[512];
    snprintf(config, sizeof config, "{\"%s\": %s}", key, value);
    expect_open_refused_(config, message, line);
}
#define EXPECT_CONFIG_VALUE_REFUSED(key, value, message) expect_config_value_refused_((key), (value), (message), __LINE__)

/* A query path: /2015-02-01/access-points?MaxResults=<value>, '+' percent-encoded (it is a space in a query). */
static void query_path(char *dst, size_t size, const char *value) {
    size_t n = (size_t)snprintf(dst, size, "/2015-02-01/access-points?MaxResults=");
    for (; *value != '\0' && n + 4 < size; value++) {
        if (*value == '+') {
            memcpy(dst + n, "%2B", 3);
            n += 3;
        } else {
            dst[n++] = *value;
        }
    }
    dst[n] = '\0';
}

/* `value` where an integer belongs is refused with a SerializationException "Invalid value for
 * member '<member>': <value> <reason>": as the PosixUser Uid (the Gid when `in_gid`) of an EFS
 * access point and as the Uid of an FSx attachment (each through every entry point and as the
 * HTTP body), and as the Milliseconds of apsim:AdvanceClock. In a query string it is text, and
 * "'<value>' is not an integer". */
static void expect_integer_refused_(struct world *w, const char *value, int in_gid, const char *reason, int line) {
    long before = check_failed_so_far();
    char req[512], message[256];
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"PosixUser\": {\"Uid\": %s, \"Gid\": %s}}",
             w->fs, in_gid ? "1" : value, in_gid ? value : "1");
    snprintf(message, sizeof message, "Invalid value for member 'posixUser.%s': %s %s", in_gid ? "gid" : "uid", value, reason);
    EXPECT_ALL(w->sim, "efs:CreateAccessPoint", req, 400, "SerializationException", message);
    EXPECT_EFS_BODY(w->sim, req, 400, "SerializationException", message);
    snprintf(req, sizeof req,
             "{\"Name\": \"ap-two\", \"Type\": \"OPENZFS\", \"OpenZFSConfiguration\": {\"VolumeId\": \"%s\","
             " \"FileSystemIdentity\": {\"Type\": \"POSIX\", \"PosixUser\": {\"Uid\": %s, \"Gid\": 1}}}}",
             w->volume, value);
    snprintf(message, sizeof message, "Invalid value for member '" ZFS_UID "': %s %s", value, reason);
    EXPECT_ALL(w->sim, "fsx:CreateAndAttachS3AccessPoint", req, 400, "SerializationException", message);
    EXPECT_FSX_BODY(w->sim, req, 400, "SerializationException", message);
    EXPECT_MEMBER_REFUSED(w->sim, "apsim:AdvanceClock", "", "Milliseconds", value, reason);
    query_path(req, sizeof req, value);
    snprintf(message, sizeof message, "Invalid value for member 'maxResults': '%s' is not an integer.", value);
    EXPECT_HTTP(w->sim, json_pack("{s:s,s:s}", "method", "GET", "path", req), 400, "SerializationException", message, 0);
    check_blame(before, __FILE__, line);
}
#define EXPECT_INTEGER_REFUSED(w, value, in_gid, reason) expect_integer_refused_((w), (value), (in_gid), (reason), __LINE__)

/* An error answer (doc is freed) whose message is bounded: a huge name is cut, not echoed whole. */
static void check_bounded_error(json_t *doc, int rc, const char *code) {
    CHECK_INT_EQ(rc, 400);
    CHECK_STR_EQ(jstr(doc, "Error.Code"), code);
    CHECK(jstr(doc, "Error.Message") != NULL && strlen(jstr(doc, "Error.Message")) < 1024);
    json_decref(doc);
}

/* A malloc'd copy of `text` repeated `n` times between prefix and suffix. */
static char *repeat(const char *prefix, const char *text, size_t n, const char *suffix) {
    size_t lp = strlen(prefix), lt = strlen(text), ls = strlen(suffix), i;
    char *p = malloc(lp + lt * n + ls + 1), *q;
    if (p == NULL) return NULL;
    memcpy(p, prefix, lp);
    for (i = 0, q = p + lp; i < n; i++, q += lt) memcpy(q, text, lt);
    memcpy(q, suffix, ls + 1);
    return p;
}

/* ---- 1. NULL for every pointer argument ------------------------------------------------------- */

static void test_null_pointers(void) {
    struct world w;
    char *out, *world;
    apsim *sim;
    int rc;
    json_t *doc;
    if (!open_populated_world(&w)) goto done;

    /* apsim_open: out_sim NULL is misuse (and *out_error_json is reset); config and error NULL are fine. */
    CHECK_MISUSE(out, apsim_open(NULL, WORLD, &out));
    CHECK_INT_EQ(apsim_open(NULL, NULL, NULL), APSIM_E_MISUSE);
    CHECK_INT_EQ(apsim_open(NULL, "{\"seed\": -1}", NULL), APSIM_E_MISUSE);
    sim = (apsim *)SENTINEL;
    CHECK_INT_EQ(apsim_open(&sim, NULL, NULL), 0);
    CHECK(sim != NULL && sim != (apsim *)SENTINEL);
    if (sim != (apsim *)SENTINEL) apsim_close(sim);

    /* apsim_close and apsim_string_free: NULL is a harmless no-op. */
    apsim_close(NULL);
    apsim_string_free(NULL);

    /* Misuse never reaches the world: not even a RequestId is drawn (exact comparison). */
    world = snapshot(w.sim, 1);
    CHECK_INT_EQ(apsim_call(NULL, w.sim, "efs:DescribeFileSystems", "{}"), APSIM_E_MISUSE);
    CHECK_INT_EQ(apsim_call(NULL, NULL, NULL, NULL), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_call(&out, NULL, "efs:DescribeFileSystems", "{}"));
    CHECK_MISUSE(out, apsim_call(&out, w.sim, NULL, "{}"));
    CHECK_MISUSE(out, apsim_call(&out, NULL, NULL, NULL));

    CHECK_INT_EQ(apsim_call_in(NULL, w.sim, "123456789012", "us-east-1", "efs:DescribeFileSystems", "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_call_in(&out, NULL, "123456789012", "us-east-1", "efs:DescribeFileSystems", "{}"));
    CHECK_MISUSE(out, apsim_call_in(&out, w.sim, NULL, NULL, NULL, NULL));
    CHECK_MISUSE(out, apsim_call_in(&out, NULL, NULL, NULL, NULL, NULL));

    CHECK_INT_EQ(apsim_http(NULL, w.sim, "{\"method\": \"GET\", \"path\": \"/_apsim/health\"}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_http(&out, NULL, "{\"method\": \"GET\", \"path\": \"/_apsim/health\"}"));
    CHECK_MISUSE(out, apsim_http(&out, NULL, NULL));

    CHECK_INT_EQ(apsim_validate(NULL, "efs:DescribeFileSystems", "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_validate(&out, NULL, "{}"));
    CHECK_MISUSE(out, apsim_validate(&out, NULL, NULL));

    CHECK_INT_EQ(apsim_efs_create_access_point(NULL, w.sim, "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_efs_create_access_point(&out, NULL, "{}"));
    CHECK_INT_EQ(apsim_fsx_create_and_attach_s3_access_point(NULL, w.sim, "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_fsx_create_and_attach_s3_access_point(&out, NULL, "{}"));
    check_unchanged(w.sim, world, 1, "misuse");

    /* NULL where the API allows it: a request of NULL is {}, NULL account and region the defaults. */
    /* (apsim_validate fills the absent client token in, as SDKs do: only FileSystemId is missing.) */
    EXPECT_CALL(w.sim, "efs:CreateAccessPoint", NULL, 400, "ValidationException", EFS_MISSING);
    EXPECT_VALIDATE("efs:CreateAccessPoint", NULL, 400, "ValidationException", EFS_FS_MISSING);
    EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", NULL, 400, "BadRequest", FSX_MISSING);
    world = snapshot(w.sim, 0);
    doc = call(w.sim, "efs:DescribeFileSystems", NULL, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(jstr(doc, "FileSystems.0.FileSystemId"), w.fs);
    json_decref(doc);
    doc = validate("efs:DescribeFileSystems", NULL, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(json_is_true(jget(doc, "Valid")));
    json_decref(doc);
    doc = call_in(w.sim, NULL, NULL, "efs:DescribeFileSystems", NULL, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(jstr(doc, "FileSystems.0.FileSystemId"), w.fs);
    json_decref(doc);
    check_unchanged(w.sim, world, 0, "NULL request");
    /* apsim_http with a NULL request document: {} is a malformed HTTP request. */
    EXPECT_HTTP_REFUSED(w.sim, NULL, HTTP_BAD_METHOD);
done:
    close_world(&w);
}

/* ---- 2. The empty string ---------------------------------------------------------------------- */

static void test_empty_string(void) {
    struct world w;
    apsim *sim = NULL;
    if (!open_populated_world(&w)) goto done;
    /* "" is a request of {} (apsim.h): the missing members are reported. */
    EXPECT_CALL(w.sim, "efs:CreateAccessPoint", "", 400, "ValidationException", EFS_MISSING);
    EXPECT_VALIDATE("efs:CreateAccessPoint", "", 400, "ValidationException", EFS_FS_MISSING);
    EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", "", 400, "BadRequest", FSX_MISSING);
    EXPECT_CALL(w.sim, "efs:CreateAccessPoint", " \t\r\n", 400, "ValidationException", EFS_MISSING);
    EXPECT_VALIDATE("efs:CreateAccessPoint", " \t\r\n", 400, "ValidationException", EFS_FS_MISSING);
    /* "" as the operation, the account, the region, a member. */
    EXPECT_ALL(w.sim, "", "{}", 400, "UnknownOperationException", UNKNOWN_OP(""));
    EXPECT_ALL(w.sim, "", "", 400, "UnknownOperationException", UNKNOWN_OP(""));
    EXPECT_CALL_IN(w.sim, "", NULL, "efs:DescribeFileSystems", "{}", 400, "ValidationException",
                   "The account ID '' is not valid: it must be 12 digits.");
    EXPECT_CALL_IN(w.sim, NULL, "", "efs:DescribeFileSystems", "{}", 400, "ValidationException",
                   "The region '' is not valid: use a region name such as 'us-east-1'.");
    {
        char req[128];
        snprintf(req, sizeof req, "{\"ClientToken\": \"\", \"FileSystemId\": \"%s\"}", w.fs);
        EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
                   "2 validation errors detected: Value '' at 'clientToken' failed to satisfy constraint: Member must "
                   "have length greater than or equal to 1; Value '' at 'clientToken' failed to satisfy constraint: "
                   "Member must satisfy regular expression pattern: .+");
    }
    /* HTTP: an empty body is {}; an empty request document is {} too, which is no HTTP request. */
    EXPECT_EFS_BODY(w.sim, "", 400, "ValidationException", EFS_MISSING);
    EXPECT_FSX_BODY(w.sim, "", 400, "BadRequest", FSX_MISSING);
    EXPECT_HTTP_REFUSED(w.sim, "", HTTP_BAD_METHOD);
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"\", \"path\": \"/\"}", HTTP_BAD_METHOD);
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"POST\", \"path\": \"\"}",
                        "Invalid HTTP request document: \"path\" must be a string starting with \"/\".");
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s,s:{s:s}}", "method", "POST", "path", "/", "headers", "X-Amz-Target", ""),
                400, "UnknownOperationException",
                "Unknown X-Amz-Target ''; apsim serves " FSX_TARGET "<Operation> (FSx).", 1);
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s,s:s}", "method", "POST", "path", "/", "body", ""), 404,
                "UnknownOperationException", "No EFS operation is POST /; FSx requests need an X-Amz-Target header.", 0);
    /* Config: "" means the defaults (apsim.h). */
    CHECK_INT_EQ(apsim_open(&sim, "", NULL), 0);
    CHECK(sim != NULL);
    apsim_close(sim);
    EXPECT_OPEN_REFUSED("{\"region\": \"\"}", "region must be an AWS region name such as \"us-east-1\".");
    EXPECT_OPEN_REFUSED("{\"state_file\": \"\"}", "state_file must be a file path.");
done:
    close_world(&w);
}

/* ---- 3. Invalid UTF-8 ------------------------------------------------------------------------ */

static void test_invalid_utf8(void) {
    struct world w;
    /* A lone continuation byte, an overlong '/', an encoded surrogate, a truncated sequence, 0xFF. */
    static const char *const bad[] = {
        "{\"ClientToken\": \"\x80\"}",          "{\"ClientToken\": \"\xc0\xaf\"}", "{\"ClientToken\": \"\xed\xa0\x80\"}",
        "{\"ClientToken\": \"\xe2\x82\"}",      "\xff",                            "{\"Client\xfeToken\": 1}",
        "{\"ClientToken\": \"ok\"} \xf8\x88\x80\x80\x80",
    };
    size_t i;
    if (!open_populated_world(&w)) goto done;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_ALL(w.sim, "efs:CreateAccessPoint", bad[i], 400, "SerializationException", NOT_UTF8);
        EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", bad[i], 400, "SerializationException", NOT_UTF8);
        EXPECT_ALL(w.sim, "apsim:AdvanceClock", bad[i], 400, "SerializationException", NOT_UTF8);
    }
    /* Invalid UTF-8 in the operation name, the account and the region. */
    EXPECT_ALL(w.sim, "efs:Create\xff" "AccessPoint", "{}", 400, "UnknownOperationException", UNKNOWN_OP("<invalid UTF-8>"));
    EXPECT_CALL_IN(w.sim, "12345678901\xff", NULL, "efs:DescribeFileSystems", "{}", 400, "ValidationException",
                   "The account ID '<invalid UTF-8>' is not valid: it must be 12 digits.");
    EXPECT_CALL_IN(w.sim, NULL, "us-east-\xc3", "efs:DescribeFileSystems", "{}", 400, "ValidationException",
                   "The region '<invalid UTF-8>' is not valid: use a region name such as 'us-east-1'.");
    /* Escapes that name no Unicode scalar (a lone surrogate) are refused by the parser. */
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", "{\"ClientToken\": \"\\udcff\"}", 400, "SerializationException",
               "Malformed JSON at byte 23: unpaired surrogate in \\u escape.");
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", "{\"ClientToken\": \"\\ud800x\"}", 400, "SerializationException",
               "Malformed JSON at byte 23: unpaired surrogate in \\u escape.");
    /* HTTP: invalid UTF-8 anywhere in the request document; a lone surrogate in the body text. */
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"POST\", \"path\": \"/2015-02-01/access-points\", \"body\": \"\xc0\xaf\"}", NOT_UTF8);
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"POST\", \"path\": \"/\", \"headers\": {\"X-Amz-Target\": \"\xff\"}}", NOT_UTF8);
    EXPECT_HTTP_REFUSED(w.sim, "\xed\xa0\x80", NOT_UTF8);
    EXPECT_EFS_BODY(w.sim, "{\"ClientToken\": \"\\udcff\"}", 400, "SerializationException",
                    "Malformed JSON at byte 23: unpaired surrogate in \\u escape.");
    EXPECT_FSX_BODY(w.sim, "{\"Name\": \"\\udcff\"}", 400, "SerializationException",
                    "Malformed JSON at byte 16: unpaired surrogate in \\u escape.");
    /* Config. */
    EXPECT_OPEN_REFUSED("{\"region\": \"us-east-\xc3\"}", "The configuration is not valid UTF-8.");
    EXPECT_OPEN_REFUSED("\xff", "The configuration is not valid UTF-8.");
done:
    close_world(&w);
}

/* ---- 4. JSON that is not an object (and text that is not JSON) --------------------------------- */

static void test_non_object_json(void) {
    static const struct {
        const char *text, *type;
    } values[] = {{"[]", "array"}, {"[{}]", "array"}, {"1", "number"}, {"-1.5e3", "number"},
                  {"\"{}\"", "string"}, {"true", "boolean"}, {"null", "null"}};
    static const struct {
        const char *text, *message;
    } malformed[] = {
        {"{", "Malformed JSON at byte 1: expected a member name."},
        {"{} {}", "Malformed JSON at byte 3: unexpected data after the JSON document."},
        {"{\"a\": 1,}", "Malformed JSON at byte 8: expected a member name."},
        {"{'a': 1}", "Malformed JSON at byte 1: expected a member name."},
        {"nul", "Malformed JSON at byte 0: unexpected end of input."},
        {"NaN", "Malformed JSON at byte 0: unexpected character."},
        {"{\"a\": 01}", "Malformed JSON at byte 7: expected ',' or '}'."},
        {"{\"a\": \"\x01\"}", "Malformed JSON at byte 7: unescaped control character in a string."},
        {"{\"a\": \"\\x\"}", "Malformed JSON at byte 9: invalid escape."},
        {"/* c */ {}", "Malformed JSON at byte 0: unexpected character."},
    };
    struct world w;
    char message[128];
    size_t i;
    if (!open_populated_world(&w)) goto done;
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        snprintf(message, sizeof message, "The request body must be a JSON object, not %s.", values[i].type);
        EXPECT_ALL(w.sim, "efs:CreateAccessPoint", values[i].text, 400, "SerializationException", message);
        EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", values[i].text, 400, "SerializationException", message);
        EXPECT_ALL(w.sim, "apsim:ExportState", values[i].text, 400, "SerializationException", message);
        EXPECT_FSX_BODY(w.sim, values[i].text, 400, "SerializationException", message);
        EXPECT_EFS_BODY(w.sim, values[i].text, 400, "SerializationException", message);
        snprintf(message, sizeof message, "The configuration must be a JSON object, not %s.", values[i].type);
        EXPECT_OPEN_REFUSED(values[i].text, message);
        EXPECT_HTTP_REFUSED(w.sim, values[i].text, "Invalid HTTP request document: it must be a JSON object.");
    }
    for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        EXPECT_ALL(w.sim, "efs:CreateAccessPoint", malformed[i].text, 400, "SerializationException", malformed[i].message);
        EXPECT_EFS_BODY(w.sim, malformed[i].text, 400, "SerializationException", malformed[i].message);
        EXPECT_FSX_BODY(w.sim, malformed[i].text, 400, "SerializationException", malformed[i].message);
        EXPECT_HTTP_REFUSED(w.sim, malformed[i].text, malformed[i].message);
        snprintf(message, sizeof message, "The configuration is not valid JSON: %s", malformed[i].message);
        EXPECT_OPEN_REFUSED(malformed[i].text, message);
    }
    /* A member of the wrong JSON type. */
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", "{\"ClientToken\": [], \"FileSystemId\": \"" NO_FS "\"}", 400,
               "SerializationException", "Invalid type for member 'clientToken': expected a string, got array.");
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", "{\"ClientToken\": \"t\", \"FileSystemId\": \"" NO_FS "\", \"Tags\": {}}", 400,
               "SerializationException", "Invalid type for member 'tags': expected an array, got object.");
    /* HTTP documents whose members have the wrong type. */
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"POST\", \"path\": \"/\", \"headers\": []}",
                        "Invalid HTTP request document: \"headers\" must be an object of strings.");
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"POST\", \"path\": \"/\", \"headers\": {\"X-Amz-Target\": 1}}",
                        "Invalid HTTP request document: header values must be strings.");
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"POST\", \"path\": \"/\", \"body\": {}}",
                        "Invalid HTTP request document: \"body\" must be a string.");
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": 1, \"path\": \"/\"}", HTTP_BAD_METHOD);
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"GET\", \"path\": \"/\", \"query\": [1]}",
                        "Invalid HTTP request document: \"query\" must be an object or a string.");
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"GET\", \"path\": \"/\", \"query\": {\"a\": {}}}",
                        "Invalid HTTP request document: query values must be strings, numbers, booleans or arrays of them.");
done:
    close_world(&w);
}

/* ---- 5. 100,000 nested arrays ------------------------------------------------------------------ */

static void test_deep_nesting(void) {
    struct world w;
    char *arrays = repeat("", "[", 100000, ""), *closed = NULL, *objects = NULL, *member = NULL, *unclosed = NULL;
    char *edge64 = NULL, *edge65 = NULL, *http = NULL, *query = NULL, *config = NULL, *body = NULL;
    size_t n;
    if (!open_populated_world(&w) || !CHECK(arrays != NULL)) goto done;
    /* [[[...]]] 100,000 deep, closed; the same unclosed; {"a":{"a":...}} 100,000 deep; deep inside a member. */
    closed = malloc(200001);
    if (!CHECK(closed != NULL)) goto done;
    memset(closed, '[', 100000);
    memset(closed + 100000, ']', 100000);
    closed[200000] = '\0';
    unclosed = arrays;
    arrays = NULL;
    objects = repeat("", "{\"a\":", 100000, "1");
    member = repeat("{\"ClientToken\": \"t\", \"FileSystemId\": \"" NO_FS "\", \"Tags\": ", "[", 100000, "");
    if (!CHECK(objects != NULL && member != NULL)) goto done;
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", closed, 400, "SerializationException", TOO_DEEP);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", unclosed, 400, "SerializationException", TOO_DEEP);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", objects, 400, "SerializationException", TOO_DEEP);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", member, 400, "SerializationException", TOO_DEEP);
    EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", closed, 400, "SerializationException", TOO_DEEP);
    EXPECT_ALL(w.sim, "apsim:ImportState", objects, 400, "SerializationException", TOO_DEEP);
    /* An unknown operation is reported before its request is parsed. */
    EXPECT_ALL(w.sim, "efs:Nope", closed, 400, "UnknownOperationException", UNKNOWN_OP("efs:Nope"));

    /* The limit is exactly 64: 64 nested arrays parse (and are no object), 65 do not. */
    edge64 = malloc(129);
    edge65 = malloc(131);
    if (!CHECK(edge64 != NULL && edge65 != NULL)) goto done;
    memset(edge64, '[', 64);
    memset(edge64 + 64, ']', 64);
    edge64[128] = '\0';
    memset(edge65, '[', 65);
    memset(edge65 + 65, ']', 65);
    edge65[130] = '\0';
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", edge64, 400, "SerializationException",
               "The request body must be a JSON object, not array.");
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", edge65, 400, "SerializationException", TOO_DEEP);

    /* HTTP: deep bodies, a deep request document, a deep query. */
    EXPECT_EFS_BODY(w.sim, closed, 400, "SerializationException", TOO_DEEP);
    EXPECT_FSX_BODY(w.sim, objects, 400, "SerializationException", TOO_DEEP);
    EXPECT_FSX_BODY(w.sim, member, 400, "SerializationException", TOO_DEEP);
    n = strlen(closed);
    http = malloc(n + 100);
    if (!CHECK(http != NULL)) goto done;
    snprintf(http, n + 100, "{\"method\": \"POST\", \"path\": \"/\", \"query\": %s}", closed);
    EXPECT_HTTP_REFUSED(w.sim, http, TOO_DEEP);
    EXPECT_HTTP_REFUSED(w.sim, closed, TOO_DEEP);
    query = repeat("{\"method\": \"GET\", \"path\": \"/2015-02-01/access-points\", \"query\": ", "{\"a\":", 100000, "");
    if (!CHECK(query != NULL)) goto done;
    EXPECT_HTTP_REFUSED(w.sim, query, TOO_DEEP);
    /* A deep body inside a valid control request. */
    body = repeat("{\"State\": ", "[", 100000, "");
    if (!CHECK(body != NULL)) goto done;
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s,s:s}", "method", "POST", "path", "/_apsim/ImportState", "body", body), 400,
                "SerializationException", TOO_DEEP, 1);
    /* Config. */
    config = repeat("{\"state\": ", "{\"a\":", 100000, "");
    if (!CHECK(config != NULL)) goto done;
    EXPECT_OPEN_REFUSED(closed, "The configuration is not valid JSON: " TOO_DEEP);
    EXPECT_OPEN_REFUSED(config, "The configuration is not valid JSON: " TOO_DEEP);
done:
    free(arrays);
    free(closed);
    free(unclosed);
    free(objects);
    free(member);
    free(edge64);
    free(edge65);
    free(http);
    free(query);
    free(body);
    free(config);
    close_world(&w);
}

/* ---- 6. A 64 MiB request, and the 4 MiB limit ------------------------------------------------ */

/* Rewrites the ends of the 64 MiB buffer (all 'a' in between). */
static void reshape(char *buf, size_t size, const char *prefix, const char *suffix) {
    memset(buf, 'a', 256);
    memset(buf + size - 256, 'a', 256);
    memcpy(buf, prefix, strlen(prefix));
    memcpy(buf + size - strlen(suffix), suffix, strlen(suffix));
    buf[size] = '\0';
}

static void test_huge_request(void) {
    struct world w;
    char *buf = NULL, expected[1024];
    size_t limit = APSIM_MAX_REQUEST_BYTES, i;
    int rc;
    json_t *doc;
    if (!open_populated_world(&w)) goto done;

    /* The limit is exact: a document of 4 MiB is parsed (its 4 MiB ClientToken is echoed cut at
     * 256 characters), one byte more is refused before it is copied. */
    buf = malloc(limit + 2);
    if (!CHECK(buf != NULL)) goto done;
    memset(buf, 'a', limit + 1);
    reshape(buf, limit, "{\"ClientToken\": \"", "\"}");
    CHECK_INT_EQ(strlen(buf), limit);
    i = (size_t)snprintf(expected, sizeof expected, "2 validation errors detected: Value '");
    memset(expected + i, 'a', 256);
    snprintf(expected + i + 256, sizeof expected - i - 256,
             "...' at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64; "
             "Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null");
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", buf, 400, "ValidationException", expected);
    memset(buf, 'a', limit + 1);
    reshape(buf, limit + 1, "{\"ClientToken\": \"", "\"}");
    CHECK_INT_EQ(strlen(buf), limit + 1);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", buf, 400, "SerializationException", TOO_LARGE);
    EXPECT_HTTP_REFUSED(w.sim, buf, TOO_LARGE);
    free(buf);
    buf = NULL;

    if (under_valgrind()) {
        fprintf(stderr, "test_huge_request: APSIM_UNDER_VALGRIND is set: the 64 MiB requests are skipped\n");
        goto done;
    }
    /* 64 MiB, malloc'd: through every entry point and as a config. */
    buf = malloc(HUGE_BYTES + 1);
    if (!CHECK(buf != NULL)) goto done;
    memset(buf, 'a', HUGE_BYTES);
    reshape(buf, HUGE_BYTES, "{\"ClientToken\": \"", "\"}");
    CHECK_INT_EQ(strlen(buf), HUGE_BYTES);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", buf, 400, "SerializationException", TOO_LARGE);
    EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", buf, 400, "SerializationException", TOO_LARGE);
    EXPECT_ALL(w.sim, "apsim:ImportState", buf, 400, "SerializationException", TOO_LARGE);
    reshape(buf, HUGE_BYTES, "{\"method\": \"POST\", \"path\": \"/2015-02-01/access-points\", \"body\": \"", "\"}");
    EXPECT_HTTP_REFUSED(w.sim, buf, TOO_LARGE);
    reshape(buf, HUGE_BYTES, "{\"region\": \"", "\"}");
    /* A config may embed a whole state, so it is bounded at 1 GiB: this one is read, and refused
     * for what it says. */
    EXPECT_OPEN_REFUSED(buf, "region must be an AWS region name such as \"us-east-1\".");
    /* A 64 MiB operation name, account or region (not request documents, so not bound by the
     * limit): a clear error with a bounded message (the name is cut at 256 characters), the
     * world unchanged. */
    {
        char *world = snapshot(w.sim, 0);
        memset(buf, 'a', HUGE_BYTES);
        buf[HUGE_BYTES] = '\0';
        doc = call(w.sim, buf, "{}", &rc);
        check_bounded_error(doc, rc, "UnknownOperationException");
        doc = call_in(w.sim, buf, NULL, "efs:DescribeFileSystems", "{}", &rc);
        check_bounded_error(doc, rc, "ValidationException");
        doc = validate(buf, NULL, &rc);
        check_bounded_error(doc, rc, "UnknownOperationException");
        check_unchanged(w.sim, world, 0, "64 MiB names");
    }
done:
    free(buf);
    close_world(&w);
}

/* ---- 7. Integers beyond 2^64 ------------------------------------------------------------------ */

static void test_integers_beyond_2_64(void) {
    static const char *const big[] = {"18446744073709551616", "18446744073709551617", "9223372036854775808",
                                      "-9223372036854775809", "340282366920938463463374607431768211456"};
    struct world w;
    char req[512], message[256];
    size_t i;
    if (!open_populated_world(&w)) goto done;
    for (i = 0; i < sizeof big / sizeof big[0]; i++) {
        /* The Uid of EFS and FSx, the clock, a query string. */
        EXPECT_INTEGER_REFUSED(&w, big[i], 0, "does not fit a 64-bit integer.");
        /* A 32-bit member. */
        EXPECT_MEMBER_REFUSED(w.sim, "efs:DescribeAccessPoints", "", "MaxResults", big[i], "does not fit a 32-bit integer.");
        EXPECT_MEMBER_REFUSED(w.sim, "fsx:DescribeS3AccessPointAttachments", "", "MaxResults", big[i],
                              "does not fit a 32-bit integer.");
        /* A number in the query object: its text. */
        snprintf(req, sizeof req, "{\"method\": \"GET\", \"path\": \"/2015-02-01/access-points\", \"query\": {\"MaxResults\": %s}}",
                 big[i]);
        snprintf(message, sizeof message, "Invalid value for member 'maxResults': '%s' is not an integer.", big[i]);
        EXPECT_HTTP_TEXT(w.sim, req, 400, "SerializationException", message, 0);
        /* Config. */
        EXPECT_CONFIG_VALUE_REFUSED("seed", big[i], "seed must be an integer from 0 to 9223372036854775807.");
        EXPECT_CONFIG_VALUE_REFUSED("access_points_per_file_system", big[i],
                                    "access_points_per_file_system must be an integer from 1 to 1000000000.");
    }
    /* Just inside: 2^64 - 1 does not fit Int64 either; 2^32 fits Int64 but not the Uid range;
     * 2^31 does not fit the 32-bit MaxResults. */
    EXPECT_ALL(w.sim, "efs:DescribeAccessPoints", "{\"MaxResults\": 2147483648}", 400, "SerializationException",
               "Invalid value for member 'maxResults': 2147483648 does not fit a 32-bit integer.");
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"PosixUser\": {\"Uid\": 4294967296, \"Gid\": 18446744073709551615}}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "SerializationException",
               "Invalid value for member 'posixUser.gid': 18446744073709551615 does not fit a 64-bit integer.");
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"PosixUser\": {\"Uid\": 4294967296, \"Gid\": 1}}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
               "1 validation error detected: Value '4294967296' at 'posixUser.uid' failed to satisfy constraint: Member "
               "must have value less than or equal to 4294967295");
    EXPECT_OPEN_REFUSED("{\"seed\": 9223372036854775808}", "seed must be an integer from 0 to 9223372036854775807.");
done:
    close_world(&w);
}

/* ---- 8. Negative and fractional numbers where integers belong ----------------------------------- */

static void test_negative_and_fractional(void) {
    struct world w;
    char req[512], message[512];
    static const char *const fractions[] = {"1.5", "1.0", "0.0", "-0.5", "1e2", "1E+2", "2.5e-3"};
    /* {<others>"<Member>": <value>} below the member's minimum: "1 validation error detected: Value
     * '<shown>' at '<member>' failed to satisfy constraint: Member must have value greater than or
     * equal to <minimum>" ("-0" is the integer 0). */
    static const struct {
        const char *op, *others, *member, *value, *shown, *minimum, *code;
    } below[] = {
        {"efs:DescribeAccessPoints", "", "MaxResults", "-1", "-1", "1", "ValidationException"},
        {"efs:DescribeAccessPoints", "", "MaxResults", "0", "0", "1", "ValidationException"},
        {"efs:DescribeAccessPoints", "", "MaxResults", "-0", "0", "1", "ValidationException"},
        {"fsx:DescribeS3AccessPointAttachments", "", "MaxResults", "-2147483648", "-2147483648", "1", "BadRequest"},
        {"apsim:AdvanceClock", "", "Milliseconds", "-1", "-1", "0", "ValidationException"},
        {"apsim:InjectFault", "\"Operation\": \"*\", \"ErrorCode\": \"X\", ", "Count", "-1", "-1", "1", "ValidationException"},
    };
    size_t i;
    if (!open_populated_world(&w)) goto done;
    /* Negative: a range violation (EFS ValidationException, FSx BadRequest). */
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"PosixUser\": {\"Uid\": -1, \"Gid\": -4294967296}}", w.fs);
    snprintf(message, sizeof message,
             "2 validation errors detected: Value '-1' at 'posixUser.uid' failed to satisfy constraint: Member must have "
             "value greater than or equal to 0; Value '-4294967296' at 'posixUser.gid' failed to satisfy constraint: "
             "Member must have value greater than or equal to 0");
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException", message);
    EXPECT_EFS_BODY(w.sim, req, 400, "ValidationException", message);
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"PosixUser\": {\"Uid\": 1, \"Gid\": 1, \"SecondaryGids\": [1, -1]}}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
               "1 validation error detected: Value '[1, -1]' at 'posixUser.secondaryGids' failed to satisfy constraint: "
               "Member must satisfy constraint: [Member must have value less than or equal to 4294967295, Member must have "
               "value greater than or equal to 0]");
    snprintf(req, sizeof req,
             "{\"Name\": \"ap-two\", \"Type\": \"OPENZFS\", \"OpenZFSConfiguration\": {\"VolumeId\": \"%s\","
             " \"FileSystemIdentity\": {\"Type\": \"POSIX\", \"PosixUser\": {\"Uid\": -1, \"Gid\": 1}}}}",
             w.volume);
    snprintf(message, sizeof message,
             "1 validation error detected: Value '-1' at '" ZFS_UID "' failed to satisfy constraint: Member must have value "
             "greater than or equal to 0");
    EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", req, 400, "BadRequest", message);
    EXPECT_FSX_BODY(w.sim, req, 400, "BadRequest", message);
    for (i = 0; i < sizeof below / sizeof below[0]; i++) {
        snprintf(req, sizeof req, "{%s\"%s\": %s}", below[i].others, below[i].member, below[i].value);
        snprintf(message, sizeof message,
                 "1 validation error detected: Value '%s' at '%c%s' failed to satisfy constraint: Member must have value "
                 "greater than or equal to %s",
                 below[i].shown, tolower((unsigned char)below[i].member[0]), below[i].member + 1, below[i].minimum);
        EXPECT_ALL(w.sim, below[i].op, req, 400, below[i].code, message);
    }
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s}", "method", "GET", "path", "/2015-02-01/access-points?MaxResults=-1"), 400,
                "ValidationException",
                "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value "
                "greater than or equal to 1", 0);
    /* Fractions (and exponents, even of integral values): SerializationException. */
    for (i = 0; i < sizeof fractions / sizeof fractions[0]; i++) {
        /* The Gid of EFS, the Uid of FSx, the clock, a query string; MaxResults. */
        EXPECT_INTEGER_REFUSED(&w, fractions[i], 1, "is not an integer.");
        EXPECT_MEMBER_REFUSED(w.sim, "efs:DescribeAccessPoints", "", "MaxResults", fractions[i], "is not an integer.");
        EXPECT_CONFIG_VALUE_REFUSED("access_points_per_file_system", fractions[i],
                                    "access_points_per_file_system must be an integer from 1 to 1000000000.");
    }
    EXPECT_OPEN_REFUSED("{\"seed\": -1}", "seed must be an integer from 0 to 9223372036854775807.");
    EXPECT_OPEN_REFUSED("{\"seed\": 1.5}", "seed must be an integer from 0 to 9223372036854775807.");
    EXPECT_OPEN_REFUSED("{\"creation_delay_ms\": -1}", "creation_delay_ms must be an integer from 0 to 31536000000 (a year).");
    EXPECT_OPEN_REFUSED("{\"start_time\": -1}", "start_time must be epoch seconds (a number from 0 to 99999999999).");
done:
    close_world(&w);
}

/* ---- 9. 1e400 -------------------------------------------------------------------------------- */

static void test_1e400(void) {
    static const char *const huge[] = {"1e400", "-1e400", "1E400", "1e+400", "1.5e400", "1e99999999999999999999"};
    struct world w;
    char req[512];
    size_t i;
    if (!open_populated_world(&w)) goto done;
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        /* Where an integer belongs (and in the query, as text). */
        EXPECT_INTEGER_REFUSED(&w, huge[i], 0, "is not an integer.");
        /* Where a double belongs: not finite. */
        EXPECT_MEMBER_REFUSED(w.sim, "apsim:InjectFault", "\"Operation\": \"*\", \"ErrorCode\": \"X\", ", "Probability", huge[i],
                              "is not a finite number.");
        EXPECT_MEMBER_REFUSED(w.sim, "efs:CreateFileSystem", "\"CreationToken\": \"x\", \"ThroughputMode\": \"provisioned\", ",
                              "ProvisionedThroughputInMibps", huge[i], "is not a finite number.");
        /* Where a string belongs. */
        snprintf(req, sizeof req, "{\"ClientToken\": %s, \"FileSystemId\": \"%s\"}", huge[i], w.fs);
        EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "SerializationException",
                   "Invalid type for member 'clientToken': expected a string, got number.");
        /* Config. */
        EXPECT_CONFIG_VALUE_REFUSED("start_time", huge[i], "start_time must be epoch seconds (a number from 0 to 99999999999).");
        snprintf(req, sizeof req, "{\"throttling\": {\"near_quota_fraction\": %s}}", huge[i]);
        EXPECT_OPEN_REFUSED(req, "throttling must be true, false or {\"near_quota_fraction\": 0 < x <= 1, \"interval_ms\": integer >= 0}.");
    }
    /* A number in the query object is taken as its text. */
    EXPECT_HTTP_TEXT(w.sim, "{\"method\": \"GET\", \"path\": \"/2015-02-01/access-points\", \"query\": {\"MaxResults\": 1e400}}",
                     400, "SerializationException", "Invalid value for member 'maxResults': '1e400' is not an integer.", 0);
done:
    close_world(&w);
}

/* ---- 10. Duplicate JSON keys ----------------------------------------------------------------- */

static void test_duplicate_keys(void) {
    struct world w;
    char req[1024], *wide = NULL;
    size_t i, n;
    if (!open_populated_world(&w)) goto done;
    snprintf(req, sizeof req, "{\"ClientToken\": \"a\", \"FileSystemId\": \"%s\", \"ClientToken\": \"b\"}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "SerializationException", "Duplicate member \"ClientToken\" in a JSON object.");
    EXPECT_EFS_BODY(w.sim, req, 400, "SerializationException", "Duplicate member \"ClientToken\" in a JSON object.");
    EXPECT_FSX_BODY(w.sim, req, 400, "SerializationException", "Duplicate member \"ClientToken\" in a JSON object.");
    /* The same key spelled with an escape; a duplicate deep inside; a duplicate empty key. */
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", "{\"a\": 1, \"\\u0061\": 2}", 400, "SerializationException",
               "Duplicate member \"a\" in a JSON object.");
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"RootDirectory\": {\"Path\": \"/a\", \"Path\": \"/b\"}}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "SerializationException", "Duplicate member \"Path\" in a JSON object.");
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"Tags\": [{\"Key\": \"k\", \"Value\": \"v\", \"Key\": \"k\"}]}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "SerializationException", "Duplicate member \"Key\" in a JSON object.");
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", "{\"\": 1, \"\": 2}", 400, "SerializationException",
               "Duplicate member \"\" in a JSON object.");
    EXPECT_ALL(w.sim, "apsim:AdvanceClock", "{\"Milliseconds\": 1, \"Milliseconds\": 1}", 400, "SerializationException",
               "Duplicate member \"Milliseconds\" in a JSON object.");
    /* Objects of more than 16 members use a set: a duplicate at position 17 and at 40. */
    for (n = 17; n <= 40; n += 23) {
        size_t len = 0;
        wide = malloc(64 * 41);
        if (!CHECK(wide != NULL)) goto done;
        len += (size_t)sprintf(wide + len, "{");
        for (i = 0; i < n - 1; i++) len += (size_t)sprintf(wide + len, "\"k%zu\": %zu, ", i, i);
        sprintf(wide + len, "\"k3\": 0}");
        EXPECT_ALL(w.sim, "efs:CreateAccessPoint", wide, 400, "SerializationException", "Duplicate member \"k3\" in a JSON object.");
        free(wide);
        wide = NULL;
    }
    /* The HTTP request document, its headers, its query. */
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"POST\", \"path\": \"/\", \"method\": \"GET\"}",
                        "Duplicate member \"method\" in a JSON object.");
    EXPECT_HTTP_REFUSED(w.sim,
                        "{\"method\": \"POST\", \"path\": \"/\", \"headers\": {\"X-Amz-Target\": \"" FSX_TARGET
                        "DescribeVolumes\", \"X-Amz-Target\": \"" FSX_TARGET "DeleteVolume\"}}",
                        "Duplicate member \"X-Amz-Target\" in a JSON object.");
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"GET\", \"path\": \"/\", \"query\": {\"a\": \"1\", \"a\": \"2\"}}",
                        "Duplicate member \"a\" in a JSON object.");
    /* Config. */
    EXPECT_OPEN_REFUSED("{\"seed\": 1, \"seed\": 2}", "The configuration is not valid JSON: Duplicate member \"seed\" in a JSON object.");
done:
    free(wide);
    close_world(&w);
}

/* ---- 11. Unknown operations ------------------------------------------------------------------ */

static void test_unknown_operations(void) {
    static const char *const names[] = {"efs:Nope", "efs:createAccessPoint", "EFS:CreateAccessPoint", "efs:", ":", "efs",
                                        "CreateAccessPoint", "s3:CreateBucket", "apsim:Nope", "efs:CreateAccessPoint ",
                                        " efs:CreateAccessPoint", "efs::CreateAccessPoint", "fsx:CreateAccessPoint",
                                        "efs:CreateAndAttachS3AccessPoint"};
    /* Names one or two edits (or only case) from an operation get it as a hint. */
    static const char *const hints[] = {NULL, "efs:CreateAccessPoint", "efs:CreateAccessPoint", NULL, NULL, NULL,
                                        NULL, NULL, NULL, "efs:CreateAccessPoint",
                                        "efs:CreateAccessPoint", "efs:CreateAccessPoint", "efs:CreateAccessPoint",
                                        "fsx:CreateAndAttachS3AccessPoint"};
    struct world w;
    char message[512];
    size_t i;
    char *longname = NULL;
    if (!open_populated_world(&w)) goto done;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (hints[i] != NULL) {
            snprintf(message, sizeof message,
                     "Unknown operation '%s'. Did you mean '%s'? Operations are named '<service>:<Operation>', e.g. "
                     "'efs:CreateAccessPoint'; 'apsim:ListOperations' lists them.", names[i], hints[i]);
        } else {
            snprintf(message, sizeof message, UNKNOWN_OP("%s"), names[i]);
        }
        EXPECT_ALL(w.sim, names[i], "{}", 400, "UnknownOperationException", message);
        /* Reported before the request is looked at. */
        EXPECT_ALL(w.sim, names[i], "[", 400, "UnknownOperationException", message);
        EXPECT_CALL_IN(w.sim, "111122223333", "eu-west-1", names[i], "{}", 400, "UnknownOperationException", message);
    }
    /* A long name is echoed cut at 256 characters ("efs:" and 252 X). */
    longname = repeat("efs:", "X", 10000, "");
    if (CHECK(longname != NULL)) {
        char *expected = repeat("Unknown operation 'efs:", "X", 252,
                                "...'. Operations are named '<service>:<Operation>', e.g. 'efs:CreateAccessPoint'; "
                                "'apsim:ListOperations' lists them.");
        EXPECT_ALL(w.sim, longname, "{}", 400, "UnknownOperationException", expected);
        free(expected);
    }
    /* HTTP: an unknown X-Amz-Target operation, a foreign target prefix, an unknown rest-json route,
     * an unknown control operation, a control operation with GET. */
    EXPECT_HTTP(w.sim, fsx_request("Nope", "{}", 2), 400, "UnknownOperationException", UNKNOWN_OP("fsx:Nope"), 1);
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s,s:{s:s},s:s}", "method", "POST", "path", "/", "headers", "X-Amz-Target",
                                 "DynamoDB_20120810.GetItem", "body", "{}"),
                400, "UnknownOperationException",
                "Unknown X-Amz-Target 'DynamoDB_20120810.GetItem'; apsim serves " FSX_TARGET "<Operation> (FSx).", 1);
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s,s:s}", "method", "PUT", "path", "/2015-02-01/access-points", "body", "{}"), 404,
                "UnknownOperationException",
                "No EFS operation is PUT /2015-02-01/access-points; FSx requests need an X-Amz-Target header.", 0);
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s}", "method", "GET", "path", "/2015-02-01/nope"), 404, "UnknownOperationException",
                "No EFS operation is GET /2015-02-01/nope; FSx requests need an X-Amz-Target header.", 0);
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s,s:s}", "method", "POST", "path", "/_apsim/Nope", "body", "{}"), 400,
                "UnknownOperationException", UNKNOWN_OP("apsim:Nope"), 1);
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s}", "method", "GET", "path", "/_apsim/ExportState"), 405, "MethodNotAllowed",
                "Control operations are POST /_apsim/<Operation> with a JSON body.", 1);
done:
    free(longname);
    close_world(&w);
}

/* ---- 12. Unknown members --------------------------------------------------------------------- */

/* ---- The data plane and policy documents: refused whole, the world unchanged --------------- */

static void test_data_plane_and_policies(void) {
    struct world w;
    char req[768];
    char mount[64] = "";
    int rc;
    json_t *doc;
    if (!open_populated_world(&w)) goto done;
    EXPECT_CALL(w.sim, "nfs:Stat", "{\"MountId\": \"mount-0123456789abcdef0\"}", 400, "ValidationException",
                "1 validation error detected: Value null at 'path' failed to satisfy constraint: Member must not be null");
    EXPECT_CALL(w.sim, "nfs:Chmod", "{\"MountId\": \"m\", \"Path\": \"/\", \"Mode\": 4096}", 400, "ValidationException",
                "1 validation error detected: Value '4096' at 'mode' failed to satisfy constraint: Member must have value less than or equal to 4095");
    EXPECT_CALL(w.sim, "nfs:Read", "{\"MountId\": \"mount-0123456789abcdef0\", \"Path\": \"/\"}", 400, "EBADF", "Bad file descriptor");
    EXPECT_CALL(w.sim, "nfs:Mount", "{\"FileSystemId\": \"fs-0123456789abcdef0\", \"VolumeId\": \"fsvol-0123456789abcdef0\"}",
                400, "ValidationException", "nfs:Mount takes exactly one of FileSystemId (or AccessPointArn) and VolumeId.");
    /* A mount of the populated file system (its mount target in the open network), then bad data. */
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"SubnetId\": \"subnet-0123456789abcdef0\"}", w.fs);
    json_decref(call(w.sim, "efs:DescribeFileSystems", "{}", &rc));
    json_decref(call(w.sim, "efs:CreateMountTarget", req, &rc));
    json_decref(call(w.sim, "efs:DescribeMountTargets", "{}", &rc));
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\"}", w.fs);
    doc = call(w.sim, "nfs:Mount", req, &rc);
    if (CHECK_INT_EQ(rc, 0)) copy_str(mount, doc, "MountId");
    json_decref(doc);
    snprintf(req, sizeof req, "{\"MountId\": \"%s\", \"Path\": \"/x\", \"Data\": \"***\"}", mount);
    EXPECT_CALL(w.sim, "nfs:Write", req, 400, "SerializationException", "Data must be base64 (RFC 4648, with padding).");
    {
        char name[257];
        memset(name, 'n', 256);
        name[256] = '\0';  /* one byte over NAME_MAX */
        snprintf(req, sizeof req, "{\"MountId\": \"%s\", \"Path\": \"/../../%s\"}", mount, name);
    }
    EXPECT_CALL(w.sim, "nfs:Stat", req, 400, "ENAMETOOLONG", "File name too long");
    /* Policy documents that are no policies. */
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"Policy\": \"{\\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\", \\\"Action\\\": \\\"*\\\","
             " \\\"Condition\\\": {\\\"StringLike\\\": {\\\"k\\\": [{\\\"deep\\\": 1}]}}}]}\"}", w.fs);
    EXPECT_CALL(w.sim, "efs:PutFileSystemPolicy", req, 400, "InvalidPolicyException",
                "The file system policy is not valid: Statement 1's condition StringLike on k must have strings, numbers or booleans.");
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"Policy\": \"{\\\"Statement\\\": {\\\"Effect\\\": \\\"Allow\\\", \\\"Action\\\": \\\"*\\\","
             " \\\"Principal\\\": {\\\"AWS\\\": [\\\"xxx\\\"]}}}\"}", w.fs);
    EXPECT_CALL(w.sim, "efs:PutFileSystemPolicy", req, 400, "InvalidPolicyException",
                "The file system policy is not valid: Statement 1's Principal names 'xxx', which is no account ID, principal ARN or \"*\".");
    EXPECT_CALL(w.sim, "apsim:PutPrincipal", "{\"Arn\": \"arn:aws:iam::123456789012:role/r\", \"Policies\": [\"{\"]}", 400,
                "InvalidPrincipal",
                "Invalid principal: Policies[0] is not a valid policy: The policy is not valid JSON: Malformed JSON at byte 1: expected a member name.");
done:
    close_world(&w);
}

static void test_unknown_members(void) {
    struct world w;
    char req[512];
    if (!open_populated_world(&w)) goto done;
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"Bogus\": 1}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
               "Unknown parameter in input: \"Bogus\", must be one of: " EFS_MEMBERS);
    EXPECT_EFS_BODY(w.sim, req, 400, "ValidationException", "Unknown parameter in input: \"Bogus\", must be one of: " EFS_MEMBERS);
    /* Names are case-sensitive. */
    snprintf(req, sizeof req, "{\"clientToken\": \"t\", \"FileSystemId\": \"%s\"}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
               "Unknown parameter in input: \"clientToken\", must be one of: " EFS_MEMBERS);
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"RootDirectory\": {\"Path\": \"/a\", \"Mode\": 1}}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
               "Unknown parameter in RootDirectory: \"Mode\", must be one of: Path, CreationInfo");
    snprintf(req, sizeof req,
             "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"RootDirectory\": {\"Path\": \"/a\", \"CreationInfo\":"
             " {\"OwnerUid\": 1, \"OwnerGid\": 1, \"Permissions\": \"755\", \"Sticky\": true}}}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
               "Unknown parameter in RootDirectory.CreationInfo: \"Sticky\", must be one of: OwnerUid, OwnerGid, Permissions");
    snprintf(req, sizeof req, "{\"ClientToken\": \"t\", \"FileSystemId\": \"%s\", \"Tags\": [{\"Key\": \"k\", \"Value\": \"v\"}, {\"Key\": \"k2\", \"Value\": \"v\", \"Colour\": \"red\"}]}", w.fs);
    EXPECT_ALL(w.sim, "efs:CreateAccessPoint", req, 400, "ValidationException",
               "Unknown parameter in Tags[1]: \"Colour\", must be one of: Key, Value");
    snprintf(req, sizeof req, "{\"Name\": \"ap-two\", \"Type\": \"OPENZFS\", \"Bogus\": {}}");
    EXPECT_ALL(w.sim, "fsx:CreateAndAttachS3AccessPoint", req, 400, "ValidationException",
               "Unknown parameter in input: \"Bogus\", must be one of: " FSX_MEMBERS);
    EXPECT_FSX_BODY(w.sim, req, 400, "ValidationException", "Unknown parameter in input: \"Bogus\", must be one of: " FSX_MEMBERS);
    EXPECT_ALL(w.sim, "apsim:AdvanceClock", "{\"Milliseconds\": 1, \"Seconds\": 1}", 400, "ValidationException",
               "Unknown parameter in input: \"Seconds\", must be one of: Milliseconds");
    EXPECT_ALL(w.sim, "apsim:ExportState", "{\"Pretty\": true}", 400, "ValidationException",
               "Unknown parameter in input: \"Pretty\", must be one of: ");
    EXPECT_HTTP(w.sim, json_pack("{s:s,s:s,s:s}", "method", "POST", "path", "/_apsim/AdvanceClock", "body", "{\"Seconds\": 1}"), 400,
                "ValidationException", "Unknown parameter in input: \"Seconds\", must be one of: Milliseconds", 1);
    /* HTTP documents and configs with unknown members. */
    EXPECT_HTTP_REFUSED(w.sim, "{\"method\": \"GET\", \"path\": \"/_apsim/health\", \"Method\": \"GET\"}",
                        "Invalid HTTP request document: unknown member \"Method\"; the members are method, path, query, headers, body.");
    EXPECT_OPEN_REFUSED("{\"Seed\": 1}",
                        "Unknown configuration key 'Seed'. Known keys: account_id, region, seed, start_time, clock, lifecycle, "
                        "creation_delay_ms, state, state_file, access_points_per_file_system, idempotent_client_tokens, "
                        "strict_file_system_delete, throttling, metering, s3_access_points_per_region, network, data_limit_bytes.");
done:
    close_world(&w);
}

/* ---- 13. Strings with NUL escapes ------------------------------------------------------------- */

/* An error answer (doc is freed): rc 400, the code, and the `len` bytes of `message`, which may
 * hold NULs (NULL: only the code is checked). */
static void check_nul_error(json_t *doc, int rc, const char *code, const char *message, size_t len) {
    CHECK_INT_EQ(rc, 400);
    CHECK_STR_EQ(jstr(doc, "Error.Code"), code);
    if (message != NULL) CHECK(jstr_is(doc, "Error.Message", message, len));
    json_decref(doc);
}

static void test_nul_escapes(void) {
    static const char unknown[] = "Unknown parameter in input: \"Client\0Token\", must be one of: " EFS_MEMBERS;
    static const char name[] =
        "1 validation error detected: Value 'ab\0c' at 'name' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: ^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$";
    static const char fsx_body[] = "{\"Name\": \"ab\\u0000c\", \"Type\": \"OPENZFS\"}";
    struct world w;
    char req[512], id[64] = "", message[256];
    int rc;
    size_t n;
    json_t *doc;
    if (!open_populated_world(&w)) goto done;

    /* A NUL escape is a character like any other: the pattern ".+" of ClientToken accepts it, so
     * "a\u0000b" is a new token, distinct from "a", "a\u0000c" and "t-1". */
    snprintf(req, sizeof req, "{\"ClientToken\": \"a\\u0000b\", \"FileSystemId\": \"%s\"}", w.fs);
    {
        char *out = SENTINEL, *before = snapshot(w.sim, 0), *after;
        rc = apsim_efs_create_access_point(&out, w.sim, req);
        doc = out == SENTINEL ? NULL : parse_and_free(out);
        /* The world did change (so the comparisons of the other cases are not vacuous). */
        after = snapshot(w.sim, 0);
        CHECK(before != NULL && after != NULL && strcmp(before, after) != 0);
        CHECK(after != NULL && strstr(after, "\"a\\u0000b\"") != NULL);
        apsim_string_free(before);
        apsim_string_free(after);
    }
    CHECK_INT_EQ(rc, 0);
    CHECK(jstr_is(doc, "ClientToken", "a\0b", 3));
    copy_str(id, doc, "AccessPointId");
    CHECK(strncmp(id, "fsap-", 5) == 0 && strcmp(id, w.ap) != 0);
    json_decref(doc);
    /* Repeating it is AccessPointAlreadyExists, the NUL echoed in the message. */
    doc = call(w.sim, "efs:CreateAccessPoint", req, &rc);
    CHECK_INT_EQ(rc, 409);
    CHECK_STR_EQ(jstr(doc, "Error.Code"), "AccessPointAlreadyExists");
    CHECK_STR_EQ(jstr(doc, "AccessPointId"), id);
    n = (size_t)snprintf(message, sizeof message, "Access point '%s' already exists with client token 'a", id);
    memcpy(message + n, "\0b'", 3);
    CHECK(jstr_is(doc, "Error.Message", message, n + 3));
    json_decref(doc);
    /* "a\u0000c" is another token; the stored one reads back with its NUL. */
    snprintf(req, sizeof req, "{\"ClientToken\": \"a\\u0000c\", \"FileSystemId\": \"%s\"}", w.fs);
    doc = call(w.sim, "efs:CreateAccessPoint", req, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(jstr_is(doc, "ClientToken", "a\0c", 3));
    json_decref(doc);
    snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", id);
    doc = call(w.sim, "efs:DescribeAccessPoints", req, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(jstr_is(doc, "AccessPoints.0.ClientToken", "a\0b", 3));
    json_decref(doc);
    /* A token of a single NUL is valid too (apsim_validate agrees). */
    snprintf(req, sizeof req, "{\"ClientToken\": \"\\u0000\", \"FileSystemId\": \"%s\"}", w.fs);
    doc = validate("efs:CreateAccessPoint", req, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(json_is_true(jget(doc, "Valid")));
    json_decref(doc);

    /* Elsewhere a NUL breaks a pattern or names an unknown member: refused, the world unchanged. */
    snprintf(req, sizeof req, "{\"ClientToken\": \"z\", \"FileSystemId\": \"%s\\u0000\"}", w.fs);
    {
        char *world = snapshot(w.sim, 0);
        doc = call(w.sim, "efs:CreateAccessPoint", req, &rc);
        n = (size_t)snprintf(message, sizeof message, "1 validation error detected: Value '%s", w.fs);
        message[n] = '\0';
        n += 1 + (size_t)snprintf(message + n + 1, sizeof message - n - 1,
                                  "' at 'fileSystemId' failed to satisfy constraint: Member must satisfy regular expression "
                                  "pattern: ^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$");
        check_nul_error(doc, rc, "ValidationException", message, n);
        doc = call(w.sim, "efs:CreateAccessPoint", "{\"Client\\u0000Token\": \"z\"}", &rc);
        check_nul_error(doc, rc, "ValidationException", unknown, sizeof unknown - 1);
        doc = validate("fsx:CreateAndAttachS3AccessPoint", fsx_body, &rc);
        check_nul_error(doc, rc, "BadRequest", name, sizeof name - 1);
        check_unchanged(w.sim, world, 0, "NUL in a patterned member");
    }
    /* A NUL in a tag key breaks its pattern. */
    snprintf(req, sizeof req, "{\"ResourceId\": \"%s\", \"Tags\": [{\"Key\": \"\\u0000\", \"Value\": \"v\"}]}", w.ap);
    {
        char *world = snapshot(w.sim, 0);
        doc = call(w.sim, "efs:TagResource", req, &rc);
        check_nul_error(doc, rc, "ValidationException", NULL, 0);
        check_unchanged(w.sim, world, 0, "NUL tag key");
    }
    /* HTTP: %00 in the path; \u0000 in the body. */
    {
        static const char deleted[] =
            "1 validation error detected: Value 'fsap-\0' at 'accessPointId' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: ^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point/"
            "fsap-[0-9a-f]{8,40}|fsap-[0-9a-f]{8,40})$";
        static const char efs_body[] = "{\"Client\\u0000Token\": 1}";
        EXPECT_HTTP_N(w.sim, json_pack("{s:s,s:s}", "method", "DELETE", "path", "/2015-02-01/access-points/fsap-%00"), 400,
                      "ValidationException", deleted, sizeof deleted - 1, 0);
        EXPECT_HTTP_N(w.sim, efs_create_request(efs_body, strlen(efs_body)), 400, "ValidationException", unknown,
                      sizeof unknown - 1, 0);
        EXPECT_HTTP_N(w.sim, fsx_request("CreateAndAttachS3AccessPoint", fsx_body, strlen(fsx_body)), 400, "BadRequest",
                      name, sizeof name - 1, 1);
    }
    /* Config. */
    EXPECT_OPEN_REFUSED("{\"region\": \"us-east-1\\u0000\"}", "region must be an AWS region name such as \"us-east-1\".");
    EXPECT_OPEN_REFUSED("{\"state_file\": \"/tmp/apsim\\u0000x\"}", "state_file must be a file path.");
    EXPECT_OPEN_REFUSED("{\"account_id\": \"12345678901\\u0000\"}", "account_id must be a string of 12 digits, e.g. \"123456789012\".");
done:
    close_world(&w);
}

/* ---- 14. Hostile configs, the rest ------------------------------------------------------------ */

static void test_hostile_configs(void) {
    EXPECT_OPEN_REFUSED("{\"lifecycle\": \"later\"}", "lifecycle must be \"on_read\", \"instant\" or \"manual\".");
    EXPECT_OPEN_REFUSED("{\"idempotent_client_tokens\": 1}", "idempotent_client_tokens must be true or false.");
    EXPECT_OPEN_REFUSED("{\"state\": []}", "state must be an apsim:ExportState document (a JSON object).");
    EXPECT_OPEN_REFUSED("{\"account_id\": 123456789012}", "account_id must be a string of 12 digits, e.g. \"123456789012\".");
    EXPECT_OPEN_REFUSED("{\"s3_access_points_per_region\": 0}", "s3_access_points_per_region must be an integer from 1 to 1000000000.");
}

int main(void) {
    CHECK_RUN(test_null_pointers);
    CHECK_RUN(test_empty_string);
    CHECK_RUN(test_invalid_utf8);
    CHECK_RUN(test_non_object_json);
    CHECK_RUN(test_deep_nesting);
    CHECK_RUN(test_huge_request);
    CHECK_RUN(test_integers_beyond_2_64);
    CHECK_RUN(test_negative_and_fractional);
    CHECK_RUN(test_1e400);
    CHECK_RUN(test_duplicate_keys);
    CHECK_RUN(test_unknown_operations);
    CHECK_RUN(test_data_plane_and_policies);
    CHECK_RUN(test_unknown_members);
    CHECK_RUN(test_nul_escapes);
    CHECK_RUN(test_hostile_configs);
    return check_summary();
}
