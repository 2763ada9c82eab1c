/*
 * efs_files_demo.c -- what a client sees through an EFS access point, from C.
 *
 * Provisions a file system, a mount target and an access point whose PosixUser is 1000:1000 and
 * whose root directory EFS creates (CreationInfo), mounts through it (nfs:Mount) as root, writes a
 * file and reads it back, shows that the file is owned by the access point's user, and that a
 * plain mount as uid 1000 cannot write into the root-owned root directory (EACCES, errno 13).
 *
 *   gcc -std=c99 efs_files_demo.c -o efs_files_demo -Iinclude -L.build/release -lapsim -ljansson
 *
 * Exits 0 when every call had the expected outcome.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "apsim.h"
#include "demo.h"

int main(void) {
    apsim *sim;
    char request[1024], fs_id[64] = "", ap_id[64] = "", mount_id[64] = "";
    json_t *doc;
    int status;

    sim = open_world("{\"seed\": 7, \"lifecycle\": \"instant\"}");
    if (sim == NULL) return 1;

    doc = call(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"files-demo\"}", &status);
    expect_success("CreateFileSystem", status, doc);
    snprintf(fs_id, sizeof fs_id, "%s", str(doc, "FileSystemId"));
    json_decref(doc);

    snprintf(request, sizeof request, "{\"FileSystemId\": \"%s\", \"SubnetId\": \"subnet-0123456789abcdef0\"}", fs_id);
    doc = call(sim, "efs:CreateMountTarget", request, &status);
    expect_success("CreateMountTarget", status, doc);
    json_decref(doc);

    snprintf(request, sizeof request,
             "{\"ClientToken\": \"app\", \"FileSystemId\": \"%s\", \"PosixUser\": {\"Uid\": 1000, \"Gid\": 1000},"
             " \"RootDirectory\": {\"Path\": \"/app\", \"CreationInfo\": {\"OwnerUid\": 1000, \"OwnerGid\": 1000,"
             " \"Permissions\": \"750\"}}}", fs_id);
    doc = call(sim, "efs:CreateAccessPoint", request, &status);
    expect_success("CreateAccessPoint", status, doc);
    snprintf(ap_id, sizeof ap_id, "%s", str(doc, "AccessPointId"));
    json_decref(doc);

    /* Mount through the access point as root: every call runs as 1000:1000. */
    snprintf(request, sizeof request, "{\"FileSystemId\": \"%s\", \"AccessPointId\": \"%s\", \"Uid\": 0}", fs_id, ap_id);
    doc = call(sim, "nfs:Mount", request, &status);
    expect_success("nfs:Mount", status, doc);
    snprintf(mount_id, sizeof mount_id, "%s", str(doc, "MountId"));
    printf("Mounted %s through %s as %s\n", fs_id, ap_id, mount_id);
    json_decref(doc);

    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/hello.txt\", \"Text\": \"hello, EFS\\n\"}", mount_id);
    doc = call(sim, "nfs:Write", request, &status);
    expect_success("nfs:Write", status, doc);
    json_decref(doc);

    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/hello.txt\", \"Encoding\": \"utf-8\"}", mount_id);
    doc = call(sim, "nfs:Read", request, &status);
    expect_success("nfs:Read", status, doc);
    printf("Read back: %s", str(doc, "Text"));
    if (strcmp(str(doc, "Text"), "hello, EFS\n") != 0) { fprintf(stderr, "FAIL: read back other text\n"); problems++; }
    json_decref(doc);

    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/hello.txt\"}", mount_id);
    doc = call(sim, "nfs:Stat", request, &status);
    expect_success("nfs:Stat", status, doc);
    printf("Owner %lld:%lld, mode %llo\n", (long long)json_integer_value(json_object_get(doc, "Uid")),
           (long long)json_integer_value(json_object_get(doc, "Gid")), (long long)json_integer_value(json_object_get(doc, "Mode")));
    if (json_integer_value(json_object_get(doc, "Uid")) != 1000) { fprintf(stderr, "FAIL: not the access point's user\n"); problems++; }
    json_decref(doc);

    /* A plain mount as uid 1000: the file system's root is root's 0755. */
    snprintf(request, sizeof request, "{\"FileSystemId\": \"%s\", \"Uid\": 1000, \"Gid\": 1000}", fs_id);
    doc = call(sim, "nfs:Mount", request, &status);
    expect_success("nfs:Mount (plain)", status, doc);
    snprintf(mount_id, sizeof mount_id, "%s", str(doc, "MountId"));
    json_decref(doc);
    snprintf(request, sizeof request, "{\"MountId\": \"%s\", \"Path\": \"/top.txt\", \"Text\": \"x\"}", mount_id);
    doc = call(sim, "nfs:Write", request, &status);
    expect_error("nfs:Write at the root as 1000", status, doc, 403, "EACCES");
    printf("Writing at the root as uid 1000: %s (errno %lld)\n",
           str(json_object_get(doc, "Error"), "Message"), (long long)json_integer_value(json_object_get(doc, "Errno")));
    json_decref(doc);

    return finish(sim);
}
