/*
 * fsx_demo.c -- an S3 access point on an FSx for OpenZFS volume, from C.
 *
 * Opens a simulated AWS world, creates a high-availability OpenZFS file system (it comes with a
 * root volume) and a child volume, attaches an S3 access point to the volume, waits until the
 * attachment is AVAILABLE, shows one rejected request, and detaches the access point again.
 *
 *   gcc -std=c99 fsx_demo.c -o fsx_demo -Iinclude -L.build/release -lapsim -ljansson
 *
 * Exits 0 when every call had the expected outcome.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "apsim.h"
#include "demo.h" /* open_world, call, parse, str, expect_success, expect_error, finish */

/* Creates an OpenZFS file system; writes its ID and root volume ID. */
static void create_openzfs(apsim *sim, const char *deployment, int throughput, char fs_id[64], char root_id[64]) {
    char request[512];
    json_t *doc, *fs;
    int status;
    snprintf(request, sizeof request,
             "{\"FileSystemType\": \"OPENZFS\", \"SubnetIds\": [\"subnet-0123456789abcdef0\"], \"StorageCapacity\": 64,"
             " \"OpenZFSConfiguration\": {\"DeploymentType\": \"%s\", \"ThroughputCapacity\": %d}}",
             deployment, throughput);
    doc = call(sim, "fsx:CreateFileSystem", request, &status);
    expect_success("CreateFileSystem", status, doc);
    fs = json_object_get(doc, "FileSystem");
    snprintf(fs_id, 64, "%s", str(fs, "FileSystemId"));
    snprintf(root_id, 64, "%s", str(json_object_get(fs, "OpenZFSConfiguration"), "RootVolumeId"));
    printf("Created %s file system %s (%d MBps), state %s, root volume %s\n", deployment, fs_id, throughput,
           str(fs, "Lifecycle"), root_id);
    json_decref(doc);
}

#define POSIX_USER "\"FileSystemIdentity\": {\"Type\": \"POSIX\", \"PosixUser\": {\"Uid\": 1000, \"Gid\": 1000}}"

int main(void) {
    apsim *sim;
    char *response = NULL;
    char request[1024];
    char fs_id[64], root_id[64], volume_id[64], other_fs[64], other_root[64];
    const char *name = "analytics-data";
    json_t *doc, *attachment = NULL, *s3;
    int status, attempt;

    /* 1. A world: a seed makes every ID, alias and RequestId reproducible. */
    sim = open_world("{\"seed\": 1}");
    if (sim == NULL) return 1;

    /* 2. A high-availability OpenZFS file system (it gets a root volume) and a child volume. */
    create_openzfs(sim, "SINGLE_AZ_HA_2", 160, fs_id, root_id);
    snprintf(request, sizeof request,
             "{\"VolumeType\": \"OPENZFS\", \"Name\": \"data\", \"OpenZFSConfiguration\": {\"ParentVolumeId\": \"%s\"}}",
             root_id);
    doc = call(sim, "fsx:CreateVolume", request, &status);
    expect_success("CreateVolume", status, doc);
    {
        json_t *volume = json_object_get(doc, "Volume");
        snprintf(volume_id, sizeof volume_id, "%s", str(volume, "VolumeId"));
        printf("Created volume %s at %s, state %s\n", volume_id,
               str(json_object_get(volume, "OpenZFSConfiguration"), "VolumePath"), str(volume, "Lifecycle"));
    }
    json_decref(doc);

    /* 3. An S3 access point attached to the volume; requests to it run as POSIX user 1000:1000. */
    snprintf(request, sizeof request,
             "{\"ClientRequestToken\": \"demo-attach-1\", \"Name\": \"%s\", \"Type\": \"OPENZFS\","
             " \"OpenZFSConfiguration\": {\"VolumeId\": \"%s\", " POSIX_USER "}}",
             name, volume_id);
    status = apsim_fsx_create_and_attach_s3_access_point(&response, sim, request);
    doc = parse("CreateAndAttachS3AccessPoint", response);
    expect_success("CreateAndAttachS3AccessPoint", status, doc);
    printf("Attached S3 access point %s, state %s\n", name,
           str(json_object_get(doc, "S3AccessPointAttachment"), "Lifecycle"));
    json_decref(doc);

    /* 4. Poll until the attachment is AVAILABLE (a bounded loop: a real client would sleep between). */
    snprintf(request, sizeof request, "{\"Names\": [\"%s\"]}", name);
    for (attempt = 1; attempt <= 10; attempt++) {
        json_decref(attachment);
        attachment = NULL;
        doc = call(sim, "fsx:DescribeS3AccessPointAttachments", request, &status);
        expect_success("DescribeS3AccessPointAttachments", status, doc);
        attachment = json_incref(json_array_get(json_object_get(doc, "S3AccessPointAttachments"), 0));
        json_decref(doc);
        printf("  poll %d: %s\n", attempt, str(attachment, "Lifecycle"));
        if (attachment == NULL || strcmp(str(attachment, "Lifecycle"), "AVAILABLE") == 0) break;
    }
    if (strcmp(str(attachment, "Lifecycle"), "AVAILABLE") != 0) {
        fprintf(stderr, "the attachment did not become AVAILABLE\n");
        problems++;
    }
    s3 = json_object_get(attachment, "S3AccessPoint");
    printf("  alias %s\n  ARN   %s\n", str(s3, "Alias"), str(s3, "ResourceARN"));
    json_decref(attachment);

    /* 5. A rejected request: S3 access points need a high-availability OpenZFS deployment. */
    create_openzfs(sim, "SINGLE_AZ_1", 64, other_fs, other_root);
    snprintf(request, sizeof request,
             "{\"Name\": \"single-az-ap\", \"Type\": \"OPENZFS\", \"OpenZFSConfiguration\": {\"VolumeId\": \"%s\", " POSIX_USER "}}",
             other_root);
    response = NULL;
    status = apsim_fsx_create_and_attach_s3_access_point(&response, sim, request);
    doc = parse("CreateAndAttachS3AccessPoint", response);
    expect_error("CreateAndAttachS3AccessPoint on a SINGLE_AZ_1 file system", status, doc, 400, "UnsupportedOperation");
    json_decref(doc);

    /* 6. Detach and delete the access point. */
    snprintf(request, sizeof request, "{\"Name\": \"%s\"}", name);
    doc = call(sim, "fsx:DetachAndDeleteS3AccessPoint", request, &status);
    expect_success("DetachAndDeleteS3AccessPoint", status, doc);
    printf("Detached %s, state %s\n", str(doc, "Name"), str(doc, "Lifecycle"));
    if (strcmp(str(doc, "Lifecycle"), "DELETING") != 0) problems++;
    json_decref(doc);

    return finish(sim);
}
