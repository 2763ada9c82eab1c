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
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apsim.h"

static int problems = 0;

/* Parses a response the library returned and releases it. */
static json_t *parse(const char *what, char *response) {
    json_error_t error;
    json_t *doc;
    if (response == NULL) {
        fprintf(stderr, "%s: no response\n", what);
        problems++;
        return NULL;
    }
    doc = json_loads(response, 0, &error);
    if (doc == NULL) {
        fprintf(stderr, "%s: unparsable response: %s\n", what, error.text);
        problems++;
    }
    apsim_string_free(response); /* library strings are freed by the library */
    return doc;
}

/* Calls an operation and parses the response. Returns the document (json_decref it) or NULL;
 * *status is 0 on success, else the HTTP status of the error. */
static json_t *call(apsim *sim, const char *operation, const char *request, int *status) {
    char *response = NULL;
    *status = apsim_call(&response, sim, operation, request);
    return parse(operation, response);
}

/* A string member, or "?" when it is missing. */
static const char *str(json_t *obj, const char *key) {
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "?";
}

static void expect_success(const char *what, int status, json_t *doc) {
    if (status != 0 || doc == NULL) {
        json_t *err = json_object_get(doc, "Error");
        fprintf(stderr, "%s failed (%d): %s: %s\n", what, status, str(err, "Code"), str(err, "Message"));
        problems++;
    }
}

/* Prints an error envelope; counts a problem unless it is the expected one. */
static void expect_error(const char *what, int status, json_t *doc, int want_status, const char *want_code) {
    json_t *err = json_object_get(doc, "Error");
    printf("%s -> %s (HTTP %d)\n  %s\n", what, str(err, "Code"), status, str(err, "Message"));
    if (status != want_status || strcmp(str(err, "Code"), want_code) != 0) {
        fprintf(stderr, "  expected %s (HTTP %d)\n", want_code, want_status);
        problems++;
    }
}

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
    apsim *sim = NULL;
    char *open_error = NULL, *response = NULL;
    char request[1024];
    char fs_id[64], root_id[64], volume_id[64], other_fs[64], other_root[64];
    const char *name = "analytics-data";
    json_t *doc, *attachment = NULL, *s3;
    int status, attempt;

    printf("apsim %s\n", apsim_version());

    /* 1. A world: a seed makes every ID, alias and RequestId reproducible. */
    if (apsim_open(&sim, "{\"seed\": 1}", &open_error) != 0) {
        fprintf(stderr, "apsim_open: %s\n", open_error ? open_error : "?");
        apsim_string_free(open_error);
        return 1;
    }

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

    apsim_close(sim);
    if (problems) {
        fprintf(stderr, "%d unexpected outcome(s)\n", problems);
        return 1;
    }
    printf("All outcomes as expected.\n");
    return 0;
}
