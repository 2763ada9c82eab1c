/* apsim_call_in and the apsim: control operations, through the C ABI (run under valgrind). */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apsim.h"
#include "check.h"

/* Calls and parses; the library string is freed here. */
static json_t *call_in(apsim *sim, const char *account, const char *region, const char *op, const char *req, int *rc) {
    char *out = NULL;
    json_error_t err;
    json_t *doc;
    *rc = apsim_call_in(&out, sim, account, region, op, req);
    doc = out ? json_loads(out, 0, &err) : NULL;
    apsim_string_free(out);
    return doc;
}

static json_t *call(apsim *sim, const char *op, const char *req, int *rc) { return call_in(sim, NULL, NULL, op, req, rc); }

static const char *code(json_t *doc) { return json_string_value(json_object_get(json_object_get(doc, "Error"), "Code")); }
static const char *message(json_t *doc) { return json_string_value(json_object_get(json_object_get(doc, "Error"), "Message")); }

static apsim *open_world(const char *config) {
    apsim *sim = NULL;
    int rc = apsim_open(&sim, config, NULL);
    CHECK_INT_EQ(rc, 0);
    return sim;
}

static void test_call_in_isolates_accounts_and_regions(void) {
    apsim *sim = open_world("{\"seed\": 1}");
    int rc;
    json_t *home = call(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"t\"}", &rc);
    json_t *eu = call_in(sim, NULL, "eu-west-1", "efs:CreateFileSystem", "{\"CreationToken\": \"t\"}", &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(strncmp(json_string_value(json_object_get(eu, "FileSystemArn")), "arn:aws:elasticfilesystem:eu-west-1:123456789012:", 49) == 0);
    json_t *other = call_in(sim, "111122223333", NULL, "efs:DescribeFileSystems", NULL, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(json_array_size(json_object_get(other, "FileSystems")), 0);
    char req[128];
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\"}", json_string_value(json_object_get(home, "FileSystemId")));
    json_t *missing = call_in(sim, NULL, "eu-west-1", "efs:DescribeFileSystems", req, &rc);
    CHECK_INT_EQ(rc, 404);
    CHECK_STR_EQ(code(missing), "FileSystemNotFound");
    json_t *bad = call_in(sim, "12", NULL, "efs:DescribeFileSystems", NULL, &rc);
    CHECK_INT_EQ(rc, 400);
    CHECK_STR_EQ(message(bad), "The account ID '12' is not valid: it must be 12 digits.");
    char *out = (char *)1;
    CHECK_INT_EQ(apsim_call_in(&out, NULL, NULL, NULL, "efs:DescribeFileSystems", NULL), APSIM_E_MISUSE);
    CHECK(out == NULL);
    CHECK_INT_EQ(apsim_call_in(NULL, sim, NULL, NULL, "efs:DescribeFileSystems", NULL), APSIM_E_MISUSE);
    json_decref(home); json_decref(eu); json_decref(other); json_decref(missing); json_decref(bad);
    apsim_close(sim);
}

static void test_clock_manual_lifecycle_and_forced_states(void) {
    apsim *sim = open_world("{\"seed\": 1, \"start_time\": 1700000000, \"lifecycle\": \"manual\", \"creation_delay_ms\": 1000}");
    int rc;
    json_t *fs = call(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"t\"}", &rc);
    char req[160];
    snprintf(req, sizeof req, "{\"ClientToken\": \"a\", \"FileSystemId\": \"%s\"}", json_string_value(json_object_get(fs, "FileSystemId")));
    json_t *early = call(sim, "efs:CreateAccessPoint", req, &rc);
    CHECK_INT_EQ(rc, 409);
    CHECK_STR_EQ(code(early), "IncorrectFileSystemLifeCycleState");
    json_t *now = call(sim, "apsim:AdvanceClock", "{\"Milliseconds\": 1000}", &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(json_integer_value(json_object_get(now, "Now")), 1700000001);
    CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(now, "ResponseMetadata"), "RequestId")),
                 "00000000-0000-0000-0000-000000000000");
    json_t *ap = call(sim, "efs:CreateAccessPoint", req, &rc);
    CHECK_INT_EQ(rc, 0);
    char force[160];
    snprintf(force, sizeof force, "{\"ResourceId\": \"%s\", \"State\": \"error\"}", json_string_value(json_object_get(ap, "AccessPointId")));
    json_t *forced = call(sim, "apsim:SetLifecycleState", force, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(json_string_value(json_object_get(forced, "State")), "error");
    json_decref(fs); json_decref(early); json_decref(now); json_decref(ap); json_decref(forced);
    apsim_close(sim);
}

static void test_faults_for_retry_logic(void) {
    apsim *sim = open_world("{\"seed\": 1}");
    int rc, i;
    json_t *f = call(sim, "apsim:InjectFault", "{\"Operation\": \"efs:DescribeFileSystems\", \"ErrorCode\": \"ThrottlingException\", \"Count\": 3}", &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(json_string_value(json_object_get(f, "FaultId")), "fault-1");
    for (i = 0; i < 3; i++) {
        json_t *r = call(sim, "efs:DescribeFileSystems", NULL, &rc);
        CHECK_INT_EQ(rc, 429);
        CHECK_STR_EQ(code(r), "ThrottlingException");
        json_decref(r);
    }
    json_t *ok = call(sim, "efs:DescribeFileSystems", NULL, &rc);
    CHECK_INT_EQ(rc, 0);
    json_decref(f); json_decref(ok);
    apsim_close(sim);
}

static void test_export_import_and_state_file(void) {
    char dir[] = "/tmp/apsim-c-XXXXXX", path[64], config[160];
    if (!CHECK(mkdtemp(dir) != NULL)) return;
    snprintf(path, sizeof path, "%s/world.json", dir);
    snprintf(config, sizeof config, "{\"seed\": 2, \"state_file\": \"%s\"}", path);
    apsim *a = open_world(config);
    int rc;
    json_t *fs = call(a, "efs:CreateFileSystem", "{\"CreationToken\": \"t\"}", &rc);
    apsim_close(a);  /* as if the process died: the file has every acknowledged change */
    apsim *b = open_world(config);
    json_t *seen = call(b, "efs:DescribeFileSystems", NULL, &rc);
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(json_object_get(seen, "FileSystems"), 0), "FileSystemId")),
                 json_string_value(json_object_get(fs, "FileSystemId")));
    /* Export from b, import into a fresh world: both then answer identically. */
    char *exported = NULL;
    CHECK_INT_EQ(apsim_call(&exported, b, "apsim:ExportState", NULL), 0);
    json_error_t err;
    json_t *state = json_loads(exported, 0, &err);
    apsim_string_free(exported);
    json_object_del(state, "ResponseMetadata");
    json_t *req = json_pack("{s:o}", "State", state);
    char *req_text = json_dumps(req, JSON_COMPACT);
    apsim *c = open_world("{\"seed\": 77}");
    json_t *imported = call(c, "apsim:ImportState", req_text, &rc);
    CHECK_INT_EQ(rc, 0);
    char *x = NULL, *y = NULL;
    apsim_call(&x, b, "efs:CreateFileSystem", "{\"CreationToken\": \"next\"}");
    apsim_call(&y, c, "efs:CreateFileSystem", "{\"CreationToken\": \"next\"}");
    CHECK_STR_EQ(x, y);
    apsim_string_free(x); apsim_string_free(y);
    /* While b holds the file, another opener is refused at once, naming b's process. */
    apsim *d = NULL;
    char *error = NULL;
    CHECK_INT_EQ(apsim_open(&d, config, &error), 409);
    CHECK(d == NULL);
    json_t *e = error ? json_loads(error, 0, &err) : NULL;
    apsim_string_free(error);
    CHECK_STR_EQ(code(e), "StateFileInUse");
    char in_use[512];
    snprintf(in_use, sizeof in_use,
             "state_file '%s' is in use by process %ld (it holds '%s.lock'); a state file serves one world at a time: "
             "stop that process, or give this world another file.", path, (long)getpid(), path);
    CHECK_STR_EQ(message(e), in_use);
    json_decref(e);
    apsim_close(b);
    b = NULL;
    /* A corrupt file is refused and left untouched. */
    FILE *fp = fopen(path, "w");
    if (fp) { fputs("{\"Format\": 3}", fp); fclose(fp); }
    error = NULL;
    CHECK_INT_EQ(apsim_open(&d, config, &error), 400);
    CHECK(d == NULL);
    e = error ? json_loads(error, 0, &err) : NULL;
    apsim_string_free(error);
    CHECK_STR_EQ(code(e), "InvalidConfiguration");
    char expected[256];
    snprintf(expected, sizeof expected,
             "state_file '%s' is not a valid apsim state (Invalid apsim state at 'State.Format': expected a string); it was left untouched.", path);
    CHECK_STR_EQ(message(e), expected);
    json_decref(e); json_decref(fs); json_decref(seen); json_decref(req); json_decref(imported);
    free(req_text);
    apsim_close(c);
    unlink(path);
    snprintf(in_use, sizeof in_use, "%s.lock", path);
    unlink(in_use);
    snprintf(in_use, sizeof in_use, "%s.journal", path);
    unlink(in_use);
    rmdir(dir);
}

static void test_http_wire_protocols(void) {
    apsim *sim = open_world("{\"seed\": 1}");
    char *out = NULL;
    json_error_t err;
    int rc = apsim_http(&out, sim,
        "{\"method\": \"POST\", \"path\": \"/2015-02-01/file-systems\", \"body\": \"{\\\"CreationToken\\\": \\\"t\\\"}\"}");
    CHECK_INT_EQ(rc, 0);
    json_t *resp = out ? json_loads(out, 0, &err) : NULL;
    apsim_string_free(out);
    CHECK_INT_EQ(json_integer_value(json_object_get(resp, "status")), 201);
    json_t *body = json_loads(json_string_value(json_object_get(resp, "body")), 0, &err);
    CHECK(strncmp(json_string_value(json_object_get(body, "FileSystemId")), "fs-", 3) == 0);
    json_decref(body); json_decref(resp);
    /* An FSx error through JSON 1.1: {"__type", "Message"} and the status. */
    rc = apsim_http(&out, sim,
        "{\"method\": \"POST\", \"path\": \"/\", \"headers\": {\"X-Amz-Target\": \"AWSSimbaAPIService_v20180301.DescribeVolumes\"},"
        " \"body\": \"{\\\"VolumeIds\\\": [\\\"fsvol-0123456789abcdef0\\\"]}\"}");
    CHECK_INT_EQ(rc, 0);
    resp = out ? json_loads(out, 0, &err) : NULL;
    apsim_string_free(out);
    CHECK_INT_EQ(json_integer_value(json_object_get(resp, "status")), 400);
    body = json_loads(json_string_value(json_object_get(resp, "body")), 0, &err);
    CHECK_STR_EQ(json_string_value(json_object_get(body, "__type")), "VolumeNotFound");
    CHECK_STR_EQ(json_string_value(json_object_get(body, "Message")), "Volume 'fsvol-0123456789abcdef0' does not exist.");
    json_decref(body); json_decref(resp);
    /* A malformed request document is the caller's error: 400 and an envelope. */
    rc = apsim_http(&out, sim, "{\"path\": \"/\"}");
    CHECK_INT_EQ(rc, 400);
    resp = out ? json_loads(out, 0, &err) : NULL;
    apsim_string_free(out);
    CHECK_STR_EQ(code(resp), "SerializationException");
    json_decref(resp);
    out = (char *)1;
    CHECK_INT_EQ(apsim_http(&out, NULL, "{}"), APSIM_E_MISUSE);
    CHECK(out == NULL);
    CHECK_INT_EQ(apsim_http(NULL, sim, "{}"), APSIM_E_MISUSE);
    apsim_close(sim);
}

int main(void) {
    CHECK_RUN(test_http_wire_protocols);
    CHECK_RUN(test_call_in_isolates_accounts_and_regions);
    CHECK_RUN(test_clock_manual_lifecycle_and_forced_states);
    CHECK_RUN(test_faults_for_retry_logic);
    CHECK_RUN(test_export_import_and_state_file);
    return check_summary();
}
