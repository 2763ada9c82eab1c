/* The file data plane through the C ABI (run under valgrind): nfs: calls through apsim_call, and
 * file data without base64 through apsim_nfs_write / apsim_nfs_read. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apsim.h"
#include "check.h"

static json_t *call(apsim *sim, const char *op, const char *req, int *rc) {
    char *out = NULL;
    json_error_t err;
    json_t *doc;
    *rc = apsim_call(&out, sim, op, req);
    doc = out ? json_loads(out, 0, &err) : NULL;
    apsim_string_free(out);
    return doc;
}

static const char *code(json_t *doc) { return json_string_value(json_object_get(json_object_get(doc, "Error"), "Code")); }

/* A world with an available file system and mount target, mounted as root; returns the mount ID. */
static apsim *mounted(char *mount_id, size_t size) {
    apsim *sim = NULL;
    char request[256];
    int rc;
    json_t *doc;
    if (apsim_open(&sim, "{\"seed\": 4, \"lifecycle\": \"instant\"}", NULL) != 0) return NULL;
    doc = call(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"c\"}", &rc);
    snprintf(request, sizeof request, "{\"FileSystemId\": \"%s\", \"SubnetId\": \"subnet-0123456789abcdef0\"}",
             json_string_value(json_object_get(doc, "FileSystemId")));
    json_decref(call(sim, "efs:CreateMountTarget", request, &rc));
    snprintf(request, sizeof request, "{\"FileSystemId\": \"%s\"}", json_string_value(json_object_get(doc, "FileSystemId")));
    json_decref(doc);
    doc = call(sim, "nfs:Mount", request, &rc);
    snprintf(mount_id, size, "%s", json_string_value(json_object_get(doc, "MountId")));
    json_decref(doc);
    return sim;
}

static void test_binary_data_round_trips(void) {
    char mount_id[64], request[256];
    apsim *sim = mounted(mount_id, sizeof mount_id);
    size_t n = 1 << 20, length = 0;
    unsigned char *data = malloc(n);
    void *back = NULL;
    char *out = NULL;
    json_t *doc;
    json_error_t err;
    if (!CHECK(sim != NULL && data != NULL)) { free(data); return; }
    for (size_t i = 0; i < n; i++) data[i] = (unsigned char)(i * 7 + 3);
    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/blob\"}", mount_id);
    CHECK_INT_EQ(apsim_nfs_write(&out, sim, request, data, n), 0);
    doc = out ? json_loads(out, 0, &err) : NULL;
    CHECK_INT_EQ(json_integer_value(json_object_get(doc, "Written")), (long long)n);
    json_decref(doc);
    apsim_string_free(out);
    CHECK_INT_EQ(apsim_nfs_read(&out, &back, &length, sim, request), 0);
    CHECK_INT_EQ((long long)length, (long long)n);
    CHECK(back != NULL && memcmp(back, data, n) == 0);
    doc = out ? json_loads(out, 0, &err) : NULL;
    CHECK(json_object_get(doc, "Data") == NULL && json_is_true(json_object_get(doc, "Eof")));
    json_decref(doc);
    apsim_string_free(out);
    apsim_bytes_free(back);
    /* A missing file: the errno envelope, and no bytes. */
    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/none\"}", mount_id);
    back = (void *)1;
    CHECK_INT_EQ(apsim_nfs_read(&out, &back, &length, sim, request), 404);
    CHECK(back == NULL && length == 0);
    doc = out ? json_loads(out, 0, &err) : NULL;
    CHECK_STR_EQ(code(doc), "ENOENT");
    CHECK_INT_EQ(json_integer_value(json_object_get(doc, "Errno")), 2);
    json_decref(doc);
    apsim_string_free(out);
    /* An empty write with no data pointer is fine; misuse is refused. */
    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/empty\"}", mount_id);
    CHECK_INT_EQ(apsim_nfs_write(&out, sim, request, NULL, 0), 0);
    apsim_string_free(out);
    CHECK_INT_EQ(apsim_nfs_write(&out, sim, request, NULL, 5), APSIM_E_MISUSE);
    CHECK(out == NULL);
    CHECK_INT_EQ(apsim_nfs_read(&out, NULL, &length, sim, request), APSIM_E_MISUSE);
    CHECK_INT_EQ(apsim_nfs_read(NULL, &back, &length, sim, request), APSIM_E_MISUSE);
    apsim_bytes_free(NULL);
    free(data);
    apsim_close(sim);
}

static void test_errno_envelopes(void) {
    char mount_id[64], request[256];
    apsim *sim = mounted(mount_id, sizeof mount_id);
    json_t *doc;
    int rc;
    if (!CHECK(sim != NULL)) return;
    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/x\", \"Text\": \"x\", \"Uid\": 1000}", mount_id);
    doc = call(sim, "nfs:Write", request, &rc);
    CHECK_INT_EQ(rc, 403);
    CHECK_STR_EQ(code(doc), "EACCES");
    CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(doc, "Error"), "Message")), "Permission denied");
    CHECK_INT_EQ(json_integer_value(json_object_get(doc, "Errno")), 13);
    CHECK_STR_EQ(json_string_value(json_object_get(doc, "Path")), "/x");
    json_decref(doc);
    doc = call(sim, "nfs:Stat", "{\"MountId\": \"mount-0123456789abcdef0\", \"Path\": \"/\"}", &rc);
    CHECK_INT_EQ(rc, 400);
    CHECK_STR_EQ(code(doc), "EBADF");
    json_decref(doc);
    apsim_close(sim);
}

int main(void) {
    CHECK_RUN(test_binary_data_round_trips);
    CHECK_RUN(test_errno_envelopes);
    return check_summary();
}
