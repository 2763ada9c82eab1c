/* The EFS operations around access points and the network, through the C ABI: apsim_call and
 * apsim_http (run under valgrind). */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apsim.h"
#include "check.h"
#include "json_path.h"

static const char *code(json_t *doc) { return jstr(doc, "Error.Code"); }
static const char *message(json_t *doc) { return jstr(doc, "Error.Message"); }

static const char *NETWORK =
    "{\"Vpcs\": [{\"VpcId\": \"vpc-11111111\", \"CidrBlock\": \"10.1.0.0/16\"}],"
    " \"Subnets\": [{\"SubnetId\": \"subnet-1111111a\", \"VpcId\": \"vpc-11111111\", \"AvailabilityZone\": \"us-east-1a\","
    "               \"CidrBlock\": \"10.1.0.0/24\"}],"
    " \"SecurityGroups\": [{\"GroupId\": \"sg-11111111\", \"VpcId\": \"vpc-11111111\", \"GroupName\": \"default\"}]}";

static void test_mount_targets_in_a_declared_network(void) {
    apsim *sim = NULL;
    int rc;
    CHECK_INT_EQ(apsim_open(&sim, "{\"seed\": 1, \"lifecycle\": \"instant\"}", NULL), 0);
    json_t *net = call(sim, "apsim:SetNetwork", NETWORK, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(jstr(net, "Mode"), "declared");
    CHECK_STR_EQ(jstr(net, "Subnets.0.AvailabilityZoneId"), "use1-az1");
    json_t *fs = call(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"t\"}", &rc);
    char req[256];
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"SubnetId\": \"subnet-1111111a\"}", jstr(fs, "FileSystemId"));
    json_t *mt = call(sim, "efs:CreateMountTarget", req, &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(jstr(mt, "IpAddress"), "10.1.0.4");
    CHECK_STR_EQ(jstr(mt, "VpcId"), "vpc-11111111");
    CHECK_STR_EQ(jstr(mt, "AvailabilityZoneName"), "us-east-1a");
    CHECK(is_aws_id(jstr(mt, "MountTargetId"), "fsmt-") && is_aws_id(jstr(mt, "NetworkInterfaceId"), "eni-"));
    json_t *again = call(sim, "efs:CreateMountTarget", req, &rc);
    CHECK_INT_EQ(rc, 409);
    CHECK_STR_EQ(code(again), "MountTargetConflict");
    CHECK_STR_EQ(message(again), "mount target already exists in this AZ");
    json_t *missing = call(sim, "efs:CreateMountTarget", "{\"FileSystemId\": \"fs-0123456789abcdef0\", \"SubnetId\": \"subnet-99999999\"}", &rc);
    CHECK_INT_EQ(rc, 404);
    CHECK_STR_EQ(code(missing), "FileSystemNotFound");
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\"}", jstr(fs, "FileSystemId"));
    json_t *in_use = call(sim, "efs:DeleteFileSystem", req, &rc);
    CHECK_INT_EQ(rc, 409);
    CHECK_STR_EQ(code(in_use), "FileSystemInUse");
    json_t *invalid = call(sim, "apsim:SetNetwork", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}]}", &rc);
    CHECK_INT_EQ(rc, 400);
    CHECK_STR_EQ(code(invalid), "InvalidNetwork");
    CHECK_STR_EQ(message(invalid),
                 "Invalid network at 'Network.Vpcs[0].VpcId': 'vpc-1' is not a vpc- ID (vpc- and 8 to 40 lowercase hex digits).");
    json_decref(net); json_decref(fs); json_decref(mt); json_decref(again); json_decref(missing); json_decref(in_use);
    json_decref(invalid);
    apsim_close(sim);
}

static void test_configuration_through_apsim_http(void) {
    apsim *sim = NULL;
    int rc;
    char *out = NULL;
    CHECK_INT_EQ(apsim_open(&sim, "{\"seed\": 1, \"lifecycle\": \"instant\"}", NULL), 0);
    json_t *fs = call(sim, "efs:CreateFileSystem", "{\"CreationToken\": \"t\"}", &rc);
    char req[512];
    snprintf(req, sizeof req,
             "{\"method\": \"PUT\", \"path\": \"/2015-02-01/file-systems/%s/lifecycle-configuration\","
             " \"body\": \"{\\\"LifecyclePolicies\\\": [{\\\"TransitionToIA\\\": \\\"AFTER_30_DAYS\\\"}]}\"}",
             jstr(fs, "FileSystemId"));
    rc = apsim_http(&out, sim, req);
    json_t *put = parse_and_free(out);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(jint(put, "status"), 200);
    json_t *body = put ? json_loads(jstr(put, "body"), 0, NULL) : NULL;
    CHECK_STR_EQ(jstr(body, "LifecyclePolicies.0.TransitionToIA"), "AFTER_30_DAYS");
    snprintf(req, sizeof req, "{\"method\": \"GET\", \"path\": \"/2015-02-01/file-systems/%s/backup-policy\"}",
             jstr(fs, "FileSystemId"));
    out = NULL;
    apsim_http(&out, sim, req);
    json_t *none = parse_and_free(out);
    CHECK_INT_EQ(jint(none, "status"), 404);
    json_t *error = none ? json_loads(jstr(none, "body"), 0, NULL) : NULL;
    CHECK_STR_EQ(jstr(error, "ErrorCode"), "PolicyNotFound");
    json_decref(fs); json_decref(put); json_decref(body); json_decref(none); json_decref(error);
    apsim_close(sim);
}

int main(void) {
    CHECK_RUN(test_mount_targets_in_a_declared_network);
    CHECK_RUN(test_configuration_through_apsim_http);
    return check_summary();
}
