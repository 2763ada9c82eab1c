/*
 * efs_demo.c -- apsim from C in one page.
 *
 * Opens a simulated AWS world, creates an EFS file system and an access point on it, describes
 * both, provokes two errors, and prints what jansson parsed from each response.
 *
 *   gcc -std=c99 efs_demo.c -o efs_demo -Iinclude -L.build/release -lapsim -ljansson
 *
 * Exits 0 when every call had the expected outcome.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "apsim.h"
#include "demo.h" /* open_world, call, parse, str, expect_success, expect_error, finish */

int main(void) {
    apsim *sim;
    char request[1024];
    char fs_id[64] = "", ap_id[64] = "";
    json_t *doc, *ap;
    int status;

    /* 1. A world: a seed makes every ID and RequestId reproducible. */
    sim = open_world("{\"seed\": 1}");
    if (sim == NULL) return 1;

    /* 2. A file system. */
    doc = call(sim, "efs:CreateFileSystem",
               "{\"CreationToken\": \"demo-fs\", \"Tags\": [{\"Key\": \"Name\", \"Value\": \"demo\"}]}", &status);
    expect_success("CreateFileSystem", status, doc);
    snprintf(fs_id, sizeof fs_id, "%s", str(doc, "FileSystemId"));
    printf("Created file system %s (%s), state %s\n  %s\n", fs_id, str(doc, "Name"), str(doc, "LifeCycleState"),
           str(doc, "FileSystemArn"));
    json_decref(doc);

    /* 3. An access point with a Name tag, a POSIX user and a root directory EFS creates for it. */
    snprintf(request, sizeof request,
             "{\"ClientToken\": \"demo-ap-1\", \"FileSystemId\": \"%s\","
             " \"Tags\": [{\"Key\": \"Name\", \"Value\": \"app-data\"}],"
             " \"PosixUser\": {\"Uid\": 1000, \"Gid\": 1000},"
             " \"RootDirectory\": {\"Path\": \"/exports/app\","
             " \"CreationInfo\": {\"OwnerUid\": 1000, \"OwnerGid\": 1000, \"Permissions\": \"0750\"}}}",
             fs_id);
    {
        char *response = NULL;
        status = apsim_efs_create_access_point(&response, sim, request);
        doc = parse("CreateAccessPoint", response);
    }
    expect_success("CreateAccessPoint", status, doc);
    snprintf(ap_id, sizeof ap_id, "%s", str(doc, "AccessPointId"));
    printf("Created access point %s (%s), state %s\n  %s\n", ap_id, str(doc, "Name"), str(doc, "LifeCycleState"),
           str(doc, "AccessPointArn"));
    {
        json_t *root = json_object_get(doc, "RootDirectory");
        json_t *info = json_object_get(root, "CreationInfo");
        json_t *user = json_object_get(doc, "PosixUser");
        printf("  root %s (owner %lld:%lld, mode %s), runs as %lld:%lld\n", str(root, "Path"),
               (long long)json_integer_value(json_object_get(info, "OwnerUid")),
               (long long)json_integer_value(json_object_get(info, "OwnerGid")), str(info, "Permissions"),
               (long long)json_integer_value(json_object_get(user, "Uid")),
               (long long)json_integer_value(json_object_get(user, "Gid")));
    }
    json_decref(doc);

    /* 4. Describe both: a later read sees them settled. */
    snprintf(request, sizeof request, "{\"FileSystemId\": \"%s\"}", fs_id);
    doc = call(sim, "efs:DescribeFileSystems", request, &status);
    expect_success("DescribeFileSystems", status, doc);
    printf("DescribeFileSystems: %s is %s\n", fs_id,
           str(json_array_get(json_object_get(doc, "FileSystems"), 0), "LifeCycleState"));
    json_decref(doc);

    doc = call(sim, "efs:DescribeAccessPoints", request, &status);
    expect_success("DescribeAccessPoints", status, doc);
    {
        json_t *list = json_object_get(doc, "AccessPoints");
        size_t i;
        printf("DescribeAccessPoints: %zu access point(s) on %s\n", json_array_size(list), fs_id);
        json_array_foreach(list, i, ap) {
            printf("  %s %-10s %s at %s\n", str(ap, "AccessPointId"), str(ap, "Name"), str(ap, "LifeCycleState"),
                   str(json_object_get(ap, "RootDirectory"), "Path"));
            if (strcmp(str(ap, "AccessPointId"), ap_id) != 0 || strcmp(str(ap, "LifeCycleState"), "available") != 0)
                problems++;
        }
        if (json_array_size(list) != 1) problems++;
    }
    json_decref(doc);

    /* 5. Errors come back as botocore-style envelopes with the HTTP status as return code. */
    snprintf(request, sizeof request,
             "{\"ClientToken\": \"demo-ap-2\", \"FileSystemId\": \"%s\", \"RootDirectory\": {\"Path\": \"/a/b/c/d/e\"}}",
             fs_id);
    doc = call(sim, "efs:CreateAccessPoint", request, &status);
    expect_error("CreateAccessPoint with a five-level path", status, doc, 400, "ValidationException");
    json_decref(doc);

    doc = call(sim, "efs:CreateAccessPoint", "{\"ClientToken\": \"demo-ap-3\", \"FileSystemId\": \"fs-0123456789abcdef0\"}",
               &status);
    expect_error("CreateAccessPoint on an unknown file system", status, doc, 404, "FileSystemNotFound");
    json_decref(doc);

    return finish(sim);
}
