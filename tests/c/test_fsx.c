/*
 * test_fsx.c -- tests of the FSx S3 access point attachments of libapsim through its C ABI.
 *
 * Requests are built with jansson (json_pack) and every response is parsed with it; every library
 * string is released with apsim_string_free(), every jansson string with free() and every jansson
 * value with json_decref(), so the program runs clean under valgrind --leak-check=full.
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

#define WORLD "{\"seed\": 1, \"start_time\": 1700000000}"
#define SUBNET "subnet-0123456789abcdef0"
/* In another Availability Zone of the open network than SUBNET (us-east-1c, SUBNET us-east-1a). */
#define SUBNET_OTHER_ZONE "subnet-0123456789abcdef1"
#define NO_VOLUME "fsvol-0123456789abcdef0"
#define TOKEN_PATTERN "[A-za-z0-9_.-]{0,63}$"
#define ALREADY_OWNED "An access point with that name already exists in the Region in your account."

/* The request as JSON text (free() it), or NULL when req is NULL. Steals req. */
static char *dump(json_t *req) {
    char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    return text;
}

/* apsim_call with a jansson request (stolen: built with json_pack and never decref'd by the caller). */
static json_t *call_json(apsim *sim, const char *op, json_t *req, int *rc) {
    char *text = dump(req);
    json_t *doc;
    if (!CHECK(text != NULL)) {
        *rc = INT_MIN;
        return NULL;
    }
    doc = call(sim, op, text, rc);
    free(text);
    return doc;
}

static json_t *validate_json(const char *op, json_t *req, int *rc) {
    char *text = dump(req), *out = SENTINEL;
    *rc = INT_MIN;
    if (!CHECK(text != NULL)) return NULL;
    *rc = apsim_validate(&out, op, text);
    free(text);
    if (out == SENTINEL) return NULL;
    return parse_and_free(out);
}

/* Copies the string at path into buf (size 64); "" when missing. */
static const char *jcopy(char buf[64], json_t *root, const char *path) {
    const char *s = jstr(root, path);
    snprintf(buf, 64, "%s", s ? s : "");
    return buf;
}

/* `<name prefix of at most 16, no trailing '-'>-<34 [a-z0-9]>-ext-s3alias`, at most 63 chars. */
static int is_alias(const char *alias, const char *name) {
    static const char suffix[] = "-ext-s3alias";
    size_t prefix = strlen(name) < 16 ? strlen(name) : 16, i;
    while (prefix > 0 && name[prefix - 1] == '-') prefix--;
    if (alias == NULL || strlen(alias) != prefix + 1 + 34 + strlen(suffix) || strlen(alias) > 63) return 0;
    if (strncmp(alias, name, prefix) != 0 || alias[prefix] != '-') return 0;
    for (i = prefix + 1; i < prefix + 1 + 34; i++) {
        if (!((alias[i] >= 'a' && alias[i] <= 'z') || (alias[i] >= '0' && alias[i] <= '9'))) return 0;
    }
    return strcmp(alias + prefix + 1 + 34, suffix) == 0;
}

/* An error envelope: the return code, Error.Code, HTTPStatusCode and the exact message. */
#define CHECK_ERROR(doc, rc, code, message)                                                    \
    do {                                                                                       \
        CHECK_INT_EQ((rc), 400);                                                               \
        CHECK_STR_EQ(jstr((doc), "Error.Code"), (code));                                       \
        CHECK_STR_EQ(jstr((doc), "Error.Message"), (message));                                 \
        CHECK_INT_EQ(jint((doc), "ResponseMetadata.HTTPStatusCode"), 400);                     \
    } while (0)

/* A success document: return code 0, HTTP 200 and a RequestId. */
#define CHECK_SUCCESS(doc, rc)                                                                 \
    do {                                                                                       \
        CHECK_INT_EQ((rc), 0);                                                                 \
        CHECK(json_is_object(doc));                                                            \
        CHECK_INT_EQ(jint((doc), "ResponseMetadata.HTTPStatusCode"), 200);                     \
        CHECK(is_request_id(jstr((doc), "ResponseMetadata.RequestId")));                       \
    } while (0)

/* The answer of a call that stores its return code in `rc`, checked: SUCCEEDED is CHECK_SUCCESS,
 * FAILED is CHECK_ERROR. The call is an argument, so it has run (and set rc) before the check
 * reads rc. Both give the document back for more checks (json_decref it):
 *
 *     json_decref(SUCCEEDED(attach(sim, "ap1", root, NULL, &rc), rc));
 */
static json_t *succeeded_(json_t *doc, const int *rc, int line) {
    long before = check_failed_so_far();
    CHECK_SUCCESS(doc, *rc);
    check_blame(before, __FILE__, line);
    return doc;
}
#define SUCCEEDED(doc, rc) succeeded_((doc), &(rc), __LINE__)

static json_t *failed_(json_t *doc, const int *rc, const char *code, const char *message, int line) {
    long before = check_failed_so_far();
    CHECK_ERROR(doc, *rc, code, message);
    check_blame(before, __FILE__, line);
    return doc;
}
#define FAILED(doc, rc, code, message) failed_((doc), &(rc), (code), (message), __LINE__)

/* A CreateFileSystem request: `type` ("OPENZFS" or "ONTAP") in SUBNET, its configuration with a
 * DeploymentType and a ThroughputCapacity. */
static json_t *file_system_request(const char *type, const char *deployment, int throughput) {
    return json_pack("{s:s,s:[s],s:{s:s,s:i}}", "FileSystemType", type, "SubnetIds", SUBNET,
                     strcmp(type, "ONTAP") == 0 ? "OntapConfiguration" : "OpenZFSConfiguration", "DeploymentType",
                     deployment, "ThroughputCapacity", throughput);
}

/* A CreateVolume request: an OpenZFS volume `name` under `parent`. */
static json_t *child_request(const char *parent, const char *name) {
    return json_pack("{s:s,s:s,s:{s:s}}", "VolumeType", "OPENZFS", "Name", name, "OpenZFSConfiguration",
                     "ParentVolumeId", parent);
}

/* CreateFileSystem with `req` (stolen) succeeds; the new file system's ID goes into fs (64 bytes).
 * The document, for more checks (json_decref it). */
static json_t *create_file_system(apsim *sim, json_t *req, char fs[64]) {
    int rc;
    json_t *doc = SUCCEEDED(call_json(sim, "fsx:CreateFileSystem", req, &rc), rc);
    CHECK(is_aws_id(jcopy(fs, doc, "FileSystem.FileSystemId"), "fs-"));
    return doc;
}

/* An OpenZFS file system (64 GiB): its ID and root volume ID into fs and root (64 bytes each). */
static int make_openzfs(apsim *sim, const char *deployment, int throughput, char fs[64], char root[64]) {
    json_t *req = file_system_request("OPENZFS", deployment, throughput), *doc;
    json_object_set_new(req, "StorageCapacity", json_integer(64));
    if (strcmp(deployment, "MULTI_AZ_1") == 0) {  /* two subnets in different zones (network.md) */
        json_object_set_new(json_object_get(req, "OpenZFSConfiguration"), "PreferredSubnetId", json_string(SUBNET));
        json_array_append_new(json_object_get(req, "SubnetIds"), json_string(SUBNET_OTHER_ZONE));
    }
    doc = create_file_system(sim, req, fs);
    jcopy(root, doc, "FileSystem.OpenZFSConfiguration.RootVolumeId");
    json_decref(doc);
    return CHECK(is_aws_id(fs, "fs-") && is_aws_id(root, "fsvol-"));
}

/* An ONTAP file system with the storage virtual machine "svm1": the SVM's ID into svm (64 bytes). */
static int make_ontap(apsim *sim, char svm[64]) {
    char fs[64];
    int rc;
    json_t *doc;
    json_decref(create_file_system(sim, file_system_request("ONTAP", "SINGLE_AZ_1", 128), fs));
    doc = SUCCEEDED(call_json(sim, "fsx:CreateStorageVirtualMachine", json_pack("{s:s,s:s}", "FileSystemId", fs, "Name", "svm1"),
                              &rc),
                    rc);
    CHECK(is_aws_id(jcopy(svm, doc, "StorageVirtualMachine.StorageVirtualMachineId"), "svm-"));
    json_decref(doc);
    return is_aws_id(svm, "svm-");
}

/* A world opened with `config` and an OpenZFS file system in it (make_openzfs); NULL (the world
 * closed again) when either failed. */
static apsim *open_openzfs(const char *config, const char *deployment, int throughput, char fs[64], char root[64]) {
    apsim *sim = open_world(config);
    if (sim != NULL && !make_openzfs(sim, deployment, throughput, fs, root)) {
        apsim_close(sim);
        sim = NULL;
    }
    return sim;
}

static int make_child(apsim *sim, const char *parent, const char *name, char volume[64]) {
    int rc;
    json_t *doc = SUCCEEDED(call_json(sim, "fsx:CreateVolume", child_request(parent, name), &rc), rc);
    jcopy(volume, doc, "Volume.VolumeId");
    json_decref(doc);
    return CHECK(is_aws_id(volume, "fsvol-"));
}

/* An OpenZFS attachment request (token may be NULL). */
static json_t *zfs_request(const char *name, const char *volume, const char *token) {
    json_t *req = json_pack("{s:s,s:s,s:{s:s,s:{s:s,s:{s:i,s:i}}}}", "Name", name, "Type", "OPENZFS",
                            "OpenZFSConfiguration", "VolumeId", volume, "FileSystemIdentity", "Type", "POSIX",
                            "PosixUser", "Uid", 1000, "Gid", 1000);
    if (token != NULL) json_object_set_new(req, "ClientRequestToken", json_string(token));
    return req;
}

/* apsim_fsx_create_and_attach_s3_access_point with a jansson request (stolen). */
static json_t *attach_json(apsim *sim, json_t *req, int *rc) {
    char *text = dump(req), *out = SENTINEL;
    *rc = INT_MIN;
    if (!CHECK(text != NULL)) return NULL;
    *rc = apsim_fsx_create_and_attach_s3_access_point(&out, sim, text);
    free(text);
    if (out == SENTINEL) return NULL;
    return parse_and_free(out);
}

static json_t *attach(apsim *sim, const char *name, const char *volume, const char *token, int *rc) {
    return attach_json(sim, zfs_request(name, volume, token), rc);
}

static json_t *describe_names(apsim *sim, const char *name, int *rc) {
    return call_json(sim, "fsx:DescribeS3AccessPointAttachments", json_pack("{s:[s]}", "Names", name), rc);
}

/* DescribeS3AccessPointAttachments with one filter: {"Name": filter, "Values": [value]}. */
static json_t *describe_filtered(apsim *sim, const char *filter, const char *value, int *rc) {
    return call_json(sim, "fsx:DescribeS3AccessPointAttachments",
                     json_pack("{s:[{s:s,s:[s]}]}", "Filters", "Name", filter, "Values", value), rc);
}

static json_t *detach(apsim *sim, const char *name, int *rc) {
    return call_json(sim, "fsx:DetachAndDeleteS3AccessPoint", json_pack("{s:s}", "Name", name), rc);
}

/* ---- The OpenZFS flow ------------------------------------------------------------------------ */

static void test_openzfs_flow(void) {
    apsim *sim = open_world(WORLD);
    char fs[64], root[64], volume[64], alias[64], req[256];
    int rc;
    json_t *doc;
    if (sim == NULL) return;

    /* The file system: CREATING in its create response, with a root volume. */
    doc = create_file_system(sim, file_system_request("OPENZFS", "SINGLE_AZ_HA_2", 160), fs);
    CHECK(is_aws_id(jcopy(root, doc, "FileSystem.OpenZFSConfiguration.RootVolumeId"), "fsvol-"));
    CHECK_STR_EQ(jstr(doc, "FileSystem.Lifecycle"), "CREATING");
    CHECK_INT_EQ(jint(doc, "FileSystem.CreationTime"), 1700000000);
    snprintf(req, sizeof req, "arn:aws:fsx:us-east-1:123456789012:file-system/%s", fs);
    CHECK_STR_EQ(jstr(doc, "FileSystem.ResourceARN"), req);
    json_decref(doc);

    /* A child volume under the root. */
    doc = SUCCEEDED(call_json(sim, "fsx:CreateVolume", child_request(root, "data"), &rc), rc);
    CHECK(is_aws_id(jcopy(volume, doc, "Volume.VolumeId"), "fsvol-"));
    CHECK_STR_EQ(jstr(doc, "Volume.OpenZFSConfiguration.VolumePath"), "/fsx/data");
    snprintf(req, sizeof req, "arn:aws:fsx:us-east-1:123456789012:volume/%s/%s", fs, volume);
    CHECK_STR_EQ(jstr(doc, "Volume.ResourceARN"), req);
    json_decref(doc);

    /* The attachment: CREATING in the create response. */
    doc = SUCCEEDED(attach(sim, "my-ap", volume, NULL, &rc), rc);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.Lifecycle"), "CREATING");
    CHECK_INT_EQ(jint(doc, "S3AccessPointAttachment.CreationTime"), 1700000000);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.Name"), "my-ap");
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.Type"), "OPENZFS");
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.OpenZFSConfiguration.VolumeId"), volume);
    CHECK_INT_EQ(jint(doc, "S3AccessPointAttachment.OpenZFSConfiguration.FileSystemIdentity.PosixUser.Uid"), 1000);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.S3AccessPoint.ResourceARN"),
                 "arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap");
    jcopy(alias, doc, "S3AccessPointAttachment.S3AccessPoint.Alias");
    if (!CHECK(is_alias(alias, "my-ap"))) fprintf(stderr, "    alias: %s\n", alias);
    json_decref(doc);

    /* AVAILABLE on the next read, by name and by filter. */
    doc = SUCCEEDED(describe_names(sim, "my-ap", &rc), rc);
    CHECK_INT_EQ(jlen(doc, "S3AccessPointAttachments"), 1);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachments.0.Lifecycle"), "AVAILABLE");
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachments.0.S3AccessPoint.Alias"), alias);
    json_decref(doc);
    doc = SUCCEEDED(describe_filtered(sim, "file-system-id", fs, &rc), rc);
    CHECK_INT_EQ(jlen(doc, "S3AccessPointAttachments"), 1);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachments.0.Name"), "my-ap");
    CHECK(jget(doc, "NextToken") == NULL);
    json_decref(doc);

    /* Unknown volume. */
    json_decref(FAILED(attach(sim, "other", NO_VOLUME, NULL, &rc), rc, "VolumeNotFound", "Volume '" NO_VOLUME "' does not exist."));
    apsim_close(sim);
}

static void test_long_name_alias(void) {
    char fs[64], root[64];
    apsim *sim = open_openzfs(WORLD, "MULTI_AZ_1", 160, fs, root);
    const char *name = "abcdefghijklmno-pqrstuvwxyz";
    int rc;
    json_t *doc;
    if (sim == NULL) return;
    doc = SUCCEEDED(attach(sim, name, root, NULL, &rc), rc);
    CHECK(is_alias(jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias"), name));
    CHECK(strncmp(jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias") ? jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias") : "",
                  "abcdefghijklmno-", 16) == 0);
    json_decref(doc);
    apsim_close(sim);
}

static void test_non_ha_is_unsupported(void) {
    char fs[64], root[64], child[64], message[512];
    apsim *sim = open_openzfs(WORLD, "SINGLE_AZ_1", 64, fs, root);
    int rc;
    if (sim == NULL) return;
    if (make_child(sim, root, "data", child)) {
        snprintf(message, sizeof message,
                 "S3 access points can be attached only to volumes of high-availability OpenZFS file systems "
                 "(SINGLE_AZ_HA_1, SINGLE_AZ_HA_2, MULTI_AZ_1); file system '%s' is SINGLE_AZ_1.",
                 fs);
        json_decref(FAILED(attach(sim, "apx", root, NULL, &rc), rc, "UnsupportedOperation", message));
        json_decref(FAILED(attach(sim, "apx", child, NULL, &rc), rc, "UnsupportedOperation", message));
    }
    apsim_close(sim);
}

static void test_name_reuse_and_detach(void) {
    char fs[64], root[64], first_alias[64];
    apsim *sim = open_openzfs(WORLD, "SINGLE_AZ_HA_2", 320, fs, root);
    int rc;
    json_t *doc;
    if (sim == NULL) return;

    doc = SUCCEEDED(attach(sim, "apx", root, NULL, &rc), rc);
    jcopy(first_alias, doc, "S3AccessPointAttachment.S3AccessPoint.Alias");
    json_decref(doc);

    /* The name is taken in the account and region; the modeled ErrorCode is at the top level. */
    doc = FAILED(attach(sim, "apx", root, NULL, &rc), rc, "AccessPointAlreadyOwnedByYou", ALREADY_OWNED);
    CHECK_STR_EQ(jstr(doc, "ErrorCode"), "AccessPointAlreadyOwnedByYou");
    json_decref(doc);

    /* Detach: DELETING, repeated DELETING, seen DELETING once, then gone. */
    doc = SUCCEEDED(detach(sim, "apx", &rc), rc);
    CHECK_STR_EQ(jstr(doc, "Lifecycle"), "DELETING");
    CHECK_STR_EQ(jstr(doc, "Name"), "apx");
    CHECK_INT_EQ(json_object_size(doc), 3);
    json_decref(doc);
    doc = SUCCEEDED(detach(sim, "apx", &rc), rc);
    CHECK_STR_EQ(jstr(doc, "Lifecycle"), "DELETING");
    json_decref(doc);
    doc = SUCCEEDED(describe_names(sim, "apx", &rc), rc);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachments.0.Lifecycle"), "DELETING");
    json_decref(doc);
    json_decref(FAILED(describe_names(sim, "apx", &rc), rc, "S3AccessPointAttachmentNotFound",
                       "S3 access point attachment 'apx' does not exist."));
    json_decref(FAILED(detach(sim, "apx", &rc), rc, "S3AccessPointAttachmentNotFound",
                       "S3 access point attachment 'apx' does not exist."));

    /* The name is free again: a new attachment with a new alias. */
    doc = SUCCEEDED(attach(sim, "apx", root, NULL, &rc), rc);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.Lifecycle"), "CREATING");
    CHECK(is_alias(jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias"), "apx"));
    CHECK(strcmp(jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias") ? jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias") : "",
                 first_alias) != 0);
    json_decref(doc);
    apsim_close(sim);
}

static void test_client_tokens(void) {
    char fs[64], root[64], alias[64];
    apsim *sim = open_openzfs(WORLD, "SINGLE_AZ_HA_2", 160, fs, root);
    int rc;
    json_t *doc, *req;
    if (sim == NULL) return;

    doc = SUCCEEDED(attach(sim, "apx", root, "tok", &rc), rc);
    jcopy(alias, doc, "S3AccessPointAttachment.S3AccessPoint.Alias");
    json_decref(doc);

    /* The same token and request: the stored attachment in its current state, not a second one. */
    doc = SUCCEEDED(attach(sim, "apx", root, "tok", &rc), rc);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.Lifecycle"), "AVAILABLE");
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias"), alias);
    json_decref(doc);
    doc = SUCCEEDED(call(sim, "fsx:DescribeS3AccessPointAttachments", NULL, &rc), rc);
    CHECK_INT_EQ(jlen(doc, "S3AccessPointAttachments"), 1);
    json_decref(doc);

    /* The same token, another request: IncompatibleParameterError naming the first differing member. */
    doc = FAILED(attach(sim, "apy", root, "tok", &rc), rc, "IncompatibleParameterError",
                 "The client request token 'tok' was already used with a different value of Name.");
    CHECK_STR_EQ(jstr(doc, "Parameter"), "Name");
    json_decref(doc);
    req = zfs_request("apx", root, "tok");
    json_object_set_new(req, "S3AccessPoint", json_pack("{s:{s:s}}", "VpcConfiguration", "VpcId", "vpc-0123abcd"));
    doc = FAILED(attach_json(sim, req, &rc), rc, "IncompatibleParameterError",
                 "The client request token 'tok' was already used with a different value of S3AccessPoint.");
    CHECK_STR_EQ(jstr(doc, "Parameter"), "S3AccessPoint");
    json_decref(doc);

    /* A token with '^' (inside the model's A-z range) is valid. */
    json_decref(SUCCEEDED(attach(sim, "apz", root, "a^b", &rc), rc));
    apsim_close(sim);
}

static void test_quota_64_mbps(void) {
    char fs[64], root[64], child[64], message[512];
    apsim *sim = open_openzfs(WORLD, "SINGLE_AZ_HA_1", 64, fs, root);
    int rc;
    json_t *doc;
    if (sim == NULL) return;
    if (!make_child(sim, root, "data", child)) goto done;
    json_decref(SUCCEEDED(attach(sim, "ap1", root, NULL, &rc), rc));
    /* The quota is per file system: another volume of it counts too. */
    snprintf(message, sizeof message,
             "File system '%s' has reached its maximum of 1 S3 access point attachments for its throughput "
             "capacity of 64 MBps.",
             fs);
    doc = FAILED(attach(sim, "ap2", child, NULL, &rc), rc, "TooManyAccessPoints", message);
    CHECK_STR_EQ(jstr(doc, "ErrorCode"), "TooManyAccessPoints");
    json_decref(doc);
    /* A DELETING attachment no longer counts. */
    json_decref(SUCCEEDED(detach(sim, "ap1", &rc), rc));
    json_decref(SUCCEEDED(attach(sim, "ap2", root, NULL, &rc), rc));
done:
    apsim_close(sim);
}

static void test_region_quota(void) {
    char fs[64], root[64];
    apsim *sim = open_openzfs("{\"seed\": 1, \"s3_access_points_per_region\": 2}", "SINGLE_AZ_HA_2", 640, fs, root);
    int rc;
    if (sim == NULL) return;
    json_decref(SUCCEEDED(attach(sim, "ap1", root, NULL, &rc), rc));
    json_decref(SUCCEEDED(attach(sim, "ap2", root, NULL, &rc), rc));
    json_decref(FAILED(attach(sim, "ap3", root, NULL, &rc), rc, "TooManyAccessPoints",
                       "You have reached the maximum number of S3 access points (2) for your account in this Region."));
    apsim_close(sim);
}

static void test_describe_paging(void) {
    char fs[64], root[64], name[16], token[256] = "";
    apsim *sim = open_openzfs(WORLD, "SINGLE_AZ_HA_2", 640, fs, root);
    const char *expected[] = {"ap0", "ap1", "ap2", "ap3", "ap4"};
    int rc, i, seen = 0, pages = 0, in_order = 1;
    json_t *doc;
    if (sim == NULL) return;
    for (i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "ap%d", i);
        json_decref(SUCCEEDED(attach(sim, name, root, NULL, &rc), rc));
    }
    do {
        json_t *req = json_pack("{s:i}", "MaxResults", 2), *list;
        size_t k;
        if (token[0]) json_object_set_new(req, "NextToken", json_string(token));
        doc = SUCCEEDED(call_json(sim, "fsx:DescribeS3AccessPointAttachments", req, &rc), rc);
        list = jget(doc, "S3AccessPointAttachments");
        CHECK(json_array_size(list) <= 2);
        for (k = 0; k < json_array_size(list); k++, seen++) {
            const char *n = jstr(json_array_get(list, k), "Name");
            if (seen >= 5 || n == NULL || strcmp(n, expected[seen]) != 0) in_order = 0;
        }
        if (jstr(doc, "NextToken") == NULL || strlen(jstr(doc, "NextToken")) >= sizeof token) {
            token[0] = '\0';
        } else {
            strcpy(token, jstr(doc, "NextToken"));
        }
        json_decref(doc);
        pages++;
    } while (token[0] && pages < 10);
    CHECK_INT_EQ(pages, 3);
    CHECK_INT_EQ(seen, 5);
    CHECK(in_order);

    json_decref(FAILED(call(sim, "fsx:DescribeS3AccessPointAttachments", "{\"NextToken\": \"AAAA\"}", &rc), rc, "BadRequest",
                       "Invalid NextToken: use a value returned by a previous call of this operation with the same filters."));
    apsim_close(sim);
}

/* ---- ONTAP ----------------------------------------------------------------------------------- */

static void test_ontap_flow(void) {
    apsim *sim = open_world(WORLD);
    char svm[64], mounted[64], unmounted[64], message[256];
    int rc;
    json_t *doc;
    if (sim == NULL) return;
    if (!make_ontap(sim, svm)) goto done;

    /* A volume with a JunctionPath (mounted) and one without. */
    doc = SUCCEEDED(call_json(sim, "fsx:CreateVolume",
                              json_pack("{s:s,s:s,s:{s:s,s:s}}", "VolumeType", "ONTAP", "Name", "vol1", "OntapConfiguration",
                                        "StorageVirtualMachineId", svm, "JunctionPath", "/vol1"),
                              &rc),
                    rc);
    CHECK(is_aws_id(jcopy(mounted, doc, "Volume.VolumeId"), "fsvol-"));
    CHECK_STR_EQ(jstr(doc, "Volume.Lifecycle"), "CREATING");
    json_decref(doc);
    doc = SUCCEEDED(call_json(sim, "fsx:DescribeVolumes", json_pack("{s:[s]}", "VolumeIds", mounted), &rc), rc);
    CHECK_STR_EQ(jstr(doc, "Volumes.0.Lifecycle"), "CREATED");
    CHECK_STR_EQ(jstr(doc, "Volumes.0.OntapConfiguration.JunctionPath"), "/vol1");
    json_decref(doc);

    doc = SUCCEEDED(call_json(sim, "fsx:CreateVolume",
                              json_pack("{s:s,s:s,s:{s:s}}", "VolumeType", "ONTAP", "Name", "vol2", "OntapConfiguration",
                                        "StorageVirtualMachineId", svm),
                              &rc),
                    rc);
    jcopy(unmounted, doc, "Volume.VolumeId");
    json_decref(doc);

    /* A UNIX user on the mounted volume. */
    doc = SUCCEEDED(attach_json(sim,
                                json_pack("{s:s,s:s,s:{s:s,s:{s:s,s:{s:s}}}}", "Name", "ontap-ap", "Type", "ONTAP",
                                          "OntapConfiguration", "VolumeId", mounted, "FileSystemIdentity", "Type", "UNIX",
                                          "UnixUser", "Name", "root"),
                                &rc),
                    rc);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.Type"), "ONTAP");
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.OntapConfiguration.VolumeId"), mounted);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachment.OntapConfiguration.FileSystemIdentity.UnixUser.Name"), "root");
    CHECK(jget(doc, "S3AccessPointAttachment.OpenZFSConfiguration") == NULL);
    CHECK(is_alias(jstr(doc, "S3AccessPointAttachment.S3AccessPoint.Alias"), "ontap-ap"));
    json_decref(doc);

    /* Without a JunctionPath: BadRequest. */
    snprintf(message, sizeof message,
             "Volume '%s' is not mounted: an ONTAP volume needs a JunctionPath before an S3 access point can be attached.",
             unmounted);
    json_decref(FAILED(attach_json(sim,
                                   json_pack("{s:s,s:s,s:{s:s,s:{s:s,s:{s:s}}}}", "Name", "ontap-ap2", "Type", "ONTAP",
                                             "OntapConfiguration", "VolumeId", unmounted, "FileSystemIdentity", "Type",
                                             "WINDOWS", "WindowsUser", "Name", "CORP\\user"),
                                   &rc),
                       rc, "BadRequest", message));

    /* The volume type must match the attachment Type. */
    snprintf(message, sizeof message, "Volume '%s' is an ONTAP volume; it cannot be attached with Type OPENZFS.", mounted);
    json_decref(FAILED(attach(sim, "zfs-on-ontap", mounted, NULL, &rc), rc, "BadRequest", message));

    /* Filter by type. */
    doc = SUCCEEDED(describe_filtered(sim, "type", "ONTAP", &rc), rc);
    CHECK_INT_EQ(jlen(doc, "S3AccessPointAttachments"), 1);
    CHECK_STR_EQ(jstr(doc, "S3AccessPointAttachments.0.Lifecycle"), "AVAILABLE");
    json_decref(doc);
done:
    apsim_close(sim);
}

/* ---- apsim_validate -------------------------------------------------------------------------- */

static void test_validate(void) {
    int rc;
    json_t *doc, *req;

    /* Valid without any world: the volume exists nowhere. */
    doc = validate_json("fsx:CreateAndAttachS3AccessPoint", zfs_request("ap1", NO_VOLUME, "a^b"), &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(json_is_true(jget(doc, "Valid")));
    json_decref(doc);

    doc = FAILED(validate_json("fsx:CreateAndAttachS3AccessPoint", zfs_request("data-ext-s3alias", NO_VOLUME, NULL), &rc), rc,
                 "InvalidAccessPoint",
                 "The access point name 'data-ext-s3alias' is not valid: names must not end with '-s3alias' or "
                 "'-ext-s3alias'.");
    CHECK_STR_EQ(jstr(doc, "ErrorCode"), "InvalidAccessPoint");
    json_decref(doc);

    json_decref(FAILED(validate_json("fsx:CreateAndAttachS3AccessPoint", zfs_request("ap1", NO_VOLUME, "a/b"), &rc), rc,
                       "BadRequest",
                       "1 validation error detected: Value 'a/b' at 'clientRequestToken' failed to satisfy constraint: "
                       "Member must satisfy regular expression pattern: " TOKEN_PATTERN));

    req = zfs_request("ap1", NO_VOLUME, NULL);
    json_object_set_new(req, "OntapConfiguration",
                        json_pack("{s:s,s:{s:s,s:{s:s}}}", "VolumeId", NO_VOLUME, "FileSystemIdentity", "Type", "UNIX",
                                  "UnixUser", "Name", "root"));
    json_decref(FAILED(validate_json("fsx:CreateAndAttachS3AccessPoint", req, &rc), rc, "BadRequest",
                       "Specify either OpenZFSConfiguration or OntapConfiguration, not both."));

    json_decref(FAILED(validate_json("fsx:CreateAndAttachS3AccessPoint",
                                     json_pack("{s:s,s:s,s:{s:s,s:{s:s}}}", "Name", "ap1", "Type", "OPENZFS",
                                               "OpenZFSConfiguration", "VolumeId", NO_VOLUME, "FileSystemIdentity", "Type",
                                               "POSIX"),
                                     &rc),
                       rc, "BadRequest",
                       "OpenZFSConfiguration.FileSystemIdentity.PosixUser is required when the identity Type is POSIX."));

    json_decref(FAILED(validate_json("fsx:CreateFileSystem", file_system_request("OPENZFS", "SINGLE_AZ_1", 160), &rc), rc,
                       "BadRequest",
                       "ThroughputCapacity 160 is not valid for DeploymentType SINGLE_AZ_1; valid values are 64, 128, 256, "
                       "512, 1024, 2048, 3072, 4096."));

    json_decref(FAILED(validate_json("fsx:CreateFileSystem", json_pack("{s:s,s:[s]}", "FileSystemType", "ONTAP", "SubnetIds", SUBNET),
                                     &rc),
                       rc, "MissingFileSystemConfiguration", "OntapConfiguration is required when FileSystemType is ONTAP."));

    doc = validate_json("fsx:DescribeS3AccessPointAttachments", json_object(), &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(json_is_true(jget(doc, "Valid")));
    json_decref(doc);
}

/* ---- C API misuse ---------------------------------------------------------------------------- */

static void test_null_arguments(void) {
    apsim *sim = open_world(WORLD);
    char *out;
    int rc;
    json_t *doc;
    if (sim == NULL) return;

    CHECK_INT_EQ(apsim_fsx_create_and_attach_s3_access_point(NULL, sim, "{}"), APSIM_E_MISUSE);
    CHECK_MISUSE(out, apsim_fsx_create_and_attach_s3_access_point(&out, NULL, "{}"));
    CHECK_MISUSE(out, apsim_fsx_create_and_attach_s3_access_point(&out, NULL, NULL));
    CHECK_INT_EQ(apsim_fsx_create_and_attach_s3_access_point(NULL, NULL, NULL), APSIM_E_MISUSE);

    /* A NULL request is {}: a 400 envelope, not a misuse. */
    out = SENTINEL;
    rc = apsim_fsx_create_and_attach_s3_access_point(&out, sim, NULL);
    CHECK(out != SENTINEL && out != NULL);
    doc = out != SENTINEL ? parse_and_free(out) : NULL;
    json_decref(FAILED(doc, rc, "BadRequest",
                       "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not "
                       "be null; Value null at 'type' failed to satisfy constraint: Member must not be null"));

    /* Not JSON: SerializationException. */
    doc = NULL;
    out = SENTINEL;
    rc = apsim_fsx_create_and_attach_s3_access_point(&out, sim, "[1]");
    if (out != SENTINEL) doc = parse_and_free(out);
    json_decref(FAILED(doc, rc, "SerializationException", "The request body must be a JSON object, not array."));
    apsim_close(sim);
}

/* ---- Determinism ----------------------------------------------------------------------------- */

static void alias_of_world(const char *config, char alias[64]) {
    char fs[64], root[64];
    apsim *sim = open_openzfs(config, "SINGLE_AZ_HA_1", 128, fs, root);
    int rc;
    json_t *doc;
    alias[0] = '\0';
    if (sim == NULL) return;
    doc = SUCCEEDED(attach(sim, "seeded", root, NULL, &rc), rc);
    jcopy(alias, doc, "S3AccessPointAttachment.S3AccessPoint.Alias");
    json_decref(doc);
    apsim_close(sim);
}

static void test_seeded_aliases(void) {
    char a[64], b[64], c[64];
    alias_of_world("{\"seed\": 42}", a);
    alias_of_world("{\"seed\": 42}", b);
    alias_of_world("{\"seed\": 43}", c);
    CHECK(is_alias(a, "seeded"));
    CHECK_STR_EQ(a, b);
    CHECK(strcmp(a, c) != 0);
}

/* ---- main ------------------------------------------------------------------------------------ */

int main(void) {
    CHECK_RUN(test_openzfs_flow);
    CHECK_RUN(test_long_name_alias);
    CHECK_RUN(test_non_ha_is_unsupported);
    CHECK_RUN(test_name_reuse_and_detach);
    CHECK_RUN(test_client_tokens);
    CHECK_RUN(test_quota_64_mbps);
    CHECK_RUN(test_region_quota);
    CHECK_RUN(test_describe_paging);
    CHECK_RUN(test_ontap_flow);
    CHECK_RUN(test_validate);
    CHECK_RUN(test_null_arguments);
    CHECK_RUN(test_seeded_aliases);
    return check_summary();
}
