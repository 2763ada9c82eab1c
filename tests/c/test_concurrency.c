/*
 * test_concurrency.c -- 8 threads x N mixed calls on ONE apsim world, then its invariants.
 *
 * N is APSIM_STRESS_CALLS (default 5000; `make test-c` runs it under valgrind with 300). Each
 * thread draws its calls from its own rand_r stream (seeded by its index):
 *
 *   EFS   CreateAccessPoint with client tokens from a pool shared by all threads (racing
 *         duplicates) on three shared file systems; every file system has the small quota
 *         access_points_per_file_system = 6. Each thread also owns a private file system that only
 *         it changes, so it knows exactly what must be there (quota answers, page walks).
 *         DescribeAccessPoints page walks (MaxResults 1-5, following NextToken), single-page
 *         snapshots (to observe quotas atomically), DescribeAccessPoints by ID, DeleteAccessPoint
 *         of IDs other threads saw, TagResource / UntagResource / ListTagsForResource.
 *   FSx   CreateAndAttachS3AccessPoint with racing duplicate names (half of them with a client
 *         request token) on the volumes of two high-availability OpenZFS file systems (quotas of
 *         4 and 3 attachments by throughput, and s3_access_points_per_region = 6),
 *         DescribeS3AccessPointAttachments walks and snapshots, DetachAndDeleteS3AccessPoint.
 *
 * Workers never use the CHECK macros: they count what they saw (and keep the first example of
 * every surprise); the main thread checks the counts and then the final state:
 *   - no AccessPointId twice (in the final listing, and among all IDs ever created);
 *   - at most one live access point per client token;
 *   - no file system above its quota, in any atomic snapshot during the run and at the end;
 *   - every page walk returned no ID twice and only items of the file system it asked for; a walk
 *     of a private file system returned exactly what its thread had there, in creation order;
 *   - successful creates - successful deletes == live access points; the same for attachments.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apsim.h"
#include "check.h"

#define THREADS 8
#define QUOTA 6            /* access_points_per_file_system */
#define REGION_QUOTA 6     /* s3_access_points_per_region */
#define SHARED_FS 3
#define TOKENS 24          /* shared client token pool: more than SHARED_FS * QUOTA */
#define NAMES 12           /* shared attachment name pool */
#define RING 64            /* access point IDs seen by anyone, for deletes and tags */
#define TAG_KEYS 6
#define MAX_WALK_PAGES 100000

#define WORLD_CONFIG                                                                           \
    "{\"seed\": 11, \"start_time\": 1700000000, \"access_points_per_file_system\": 6,"          \
    " \"s3_access_points_per_region\": 6}"

typedef char id_t_[32];

/* ---- Shared (read-only during the run, except the ring) -------------------------------------- */

static apsim *g_sim;
static id_t_ g_shared_fs[SHARED_FS];
static id_t_ g_private_fs[THREADS];
static id_t_ g_zfs[2];            /* FSx file systems: quota 4 (160 MBps) and 3 (128 MBps) */
static const int g_zfs_quota[2] = {4, 3};
static id_t_ g_volumes[3];        /* zfs[0] root, zfs[0] child, zfs[1] root */
static const int g_volume_fs[3] = {0, 0, 1};

static pthread_mutex_t g_ring_lock = PTHREAD_MUTEX_INITIALIZER;
static id_t_ g_ring[RING];

static void ring_put(const char *id, unsigned *seed) {
    pthread_mutex_lock(&g_ring_lock);
    snprintf(g_ring[rand_r(seed) % RING], sizeof(id_t_), "%s", id);
    pthread_mutex_unlock(&g_ring_lock);
}

/* A random ID someone saw ("" when the slot is empty). */
static void ring_get(char *dst, unsigned *seed) {
    pthread_mutex_lock(&g_ring_lock);
    snprintf(dst, sizeof(id_t_), "%s", g_ring[rand_r(seed) % RING]);
    pthread_mutex_unlock(&g_ring_lock);
}

/* ---- Per thread ------------------------------------------------------------------------------ */

/* Only longs: the main thread sums the threads' stats as arrays of long. */
struct stats {
    long calls;
    long efs_creates, efs_already, efs_limit, efs_deletes, efs_delete_missing;
    long private_creates, private_limit, private_deletes;
    long walks, walk_pages, private_walks, snapshots;
    long tags, untags, tag_missing, reads;
    long fsx_name_again;
    long fsx_new, fsx_replays, fsx_owned, fsx_quota, fsx_detaches, fsx_detach_missing, fsx_walks, fsx_snapshots;
};

struct worker {
    int index;
    long target;
    unsigned seed;
    struct stats st;
    /* Every access point ID this thread created (shared and private). */
    id_t_ *created;
    long n_created, cap_created;
    /* The live access points of its private file system, in creation order. */
    id_t_ mine[QUOTA];
    int n_mine;
    long private_counter;
    /* Surprises: counted, the first one kept. */
    long failures;
    char first_failure[1024];
    /* Quota or walk violations (kept apart from other surprises for the report). */
    long quota_violations, walk_violations;
};

static void fail(struct worker *w, const char *fmt, ...) {
    va_list ap;
    w->failures++;
    if (w->failures == 1) {
        va_start(ap, fmt);
        vsnprintf(w->first_failure, sizeof w->first_failure, fmt, ap);
        va_end(ap);
    }
}

/* One call: the parsed document (caller decrefs); the status in *rc. */
static json_t *call(struct worker *w, const char *op, const char *req, int *rc) {
    char *out = NULL;
    json_t *doc = NULL;
    json_error_t err;
    w->st.calls++;
    *rc = apsim_call(&out, g_sim, op, req);
    if (out != NULL) {
        doc = json_loads(out, JSON_REJECT_DUPLICATES, &err);
        if (doc == NULL) fail(w, "%s: unparsable response: %.200s", op, out);
        apsim_string_free(out);
    } else {
        fail(w, "%s: no response document (rc %d)", op, *rc);
    }
    return doc;
}

static const char *code_of(json_t *doc) {
    return json_string_value(json_object_get(json_object_get(doc, "Error"), "Code"));
}

static const char *message_of(json_t *doc) {
    return json_string_value(json_object_get(json_object_get(doc, "Error"), "Message"));
}

static const char *str(json_t *obj, const char *key) { return json_string_value(json_object_get(obj, key)); }

static const char *or_empty(const char *s) { return s ? s : ""; }

static int streq(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* prefix + 17 lowercase hex digits. */
static int is_id(const char *s, const char *prefix) {
    size_t n = strlen(prefix), i;
    if (s == NULL || strncmp(s, prefix, n) != 0 || strlen(s) != n + 17) return 0;
    for (i = n; i < n + 17; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    }
    return 1;
}

static void unexpected(struct worker *w, const char *what, int rc, json_t *doc) {
    fail(w, "%s: unexpected rc %d: %s: %s", what, rc, code_of(doc) ? code_of(doc) : "(no code)",
         message_of(doc) ? message_of(doc) : "(no message)");
}

/* Counts the outcome of a call (and frees its document): *ok when `ok`, *expected when it failed
 * with `status` and `code`; anything else is unexpected. */
static void tally(struct worker *w, const char *what, json_t *doc, int rc, int ok, long *ok_count, int status,
                  const char *code, long *expected_count) {
    if (ok) {
        (*ok_count)++;
    } else if (rc == status && streq(code_of(doc), code)) {
        (*expected_count)++;
    } else {
        unexpected(w, what, rc, doc);
    }
    json_decref(doc);
}

/* A call refused by a quota: `status` and `code`, counted in *count, with the message printf'd from
 * `fmt` (or else, unless NULL, the message `also`). Any other answer is unexpected. */
static void quota_refusal(struct worker *w, const char *what, json_t *doc, int rc, int status, const char *code,
                          long *count, const char *also, const char *fmt, ...) {
    char expected[512];
    va_list ap;
    if (rc != status || !streq(code_of(doc), code)) {
        unexpected(w, what, rc, doc);
        return;
    }
    (*count)++;
    va_start(ap, fmt);
    vsnprintf(expected, sizeof expected, fmt, ap);
    va_end(ap);
    if (!streq(message_of(doc), expected) && (also == NULL || !streq(message_of(doc), also)))
        fail(w, "%s: %s", code, message_of(doc));
}

/* One page of a walk: `req` (size bytes, the first len of them an unclosed JSON object) gets the
 * NextToken `token` unless it is "", is closed and goes to `op`. The page (json_decref it), or
 * NULL when the call failed (counted as unexpected, as `what`) or its answer did not parse (a
 * failure call() counted). */
static json_t *walk_page(struct worker *w, const char *op, const char *what, char *req, size_t size, int len,
                         const char *token) {
    int rc;
    json_t *doc;
    if (token[0]) len += snprintf(req + len, size - (size_t)len, ", \"NextToken\": \"%s\"", token);
    snprintf(req + len, size - (size_t)len, "}");
    doc = call(w, op, req, &rc);
    if (rc != 0) {
        unexpected(w, what, rc, doc);
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* Keeps the page's NextToken in token (size bytes), "" after the last page. 0 when it is too long
 * to keep (the walk ends there). */
static int keep_token(json_t *doc, char *token, size_t size) {
    const char *next = str(doc, "NextToken");
    token[0] = '\0';
    if (next == NULL) return 1;
    if (strlen(next) >= size) return 0;
    strcpy(token, next);
    return 1;
}

static void remember_created(struct worker *w, const char *id) {
    if (w->n_created == w->cap_created) {
        long cap = w->cap_created ? w->cap_created * 2 : 256;
        id_t_ *p = realloc(w->created, (size_t)cap * sizeof(id_t_));
        if (p == NULL) {
            fail(w, "out of memory");
            return;
        }
        w->created = p;
        w->cap_created = cap;
    }
    snprintf(w->created[w->n_created++], sizeof(id_t_), "%s", id);
}

static int shared_fs_index(const char *fs) {
    int i;
    for (i = 0; i < SHARED_FS; i++) {
        if (streq(fs, g_shared_fs[i])) return i;
    }
    return -1;
}

/* ---- EFS ------------------------------------------------------------------------------------- */

static void efs_create_shared(struct worker *w) {
    char req[512];
    int rc, token = (int)(rand_r(&w->seed) % TOKENS), r = (int)(rand_r(&w->seed) % 10);
    /* Skewed: file system 0 is the hot one. */
    int fs = r < 6 ? 0 : (r < 9 ? 1 : 2);
    json_t *doc;
    if (rand_r(&w->seed) % 2) {
        snprintf(req, sizeof req,
                 "{\"ClientToken\": \"tok-%02d\", \"FileSystemId\": \"%s\", \"Tags\": [{\"Key\": \"Name\", \"Value\": \"t%d\"}],"
                 " \"RootDirectory\": {\"Path\": \"/t%d\"}}",
                 token, g_shared_fs[fs], w->index, token);
    } else {
        snprintf(req, sizeof req, "{\"ClientToken\": \"tok-%02d\", \"FileSystemId\": \"%s\"}", token, g_shared_fs[fs]);
    }
    doc = call(w, "efs:CreateAccessPoint", req, &rc);
    if (rc == 0) {
        char expected_token[16];
        snprintf(expected_token, sizeof expected_token, "tok-%02d", token);
        w->st.efs_creates++;
        if (!is_id(str(doc, "AccessPointId"), "fsap-") || !streq(str(doc, "ClientToken"), expected_token) ||
            !streq(str(doc, "FileSystemId"), g_shared_fs[fs])) {
            fail(w, "create: wrong response for %s", req);
        } else {
            remember_created(w, str(doc, "AccessPointId"));
            ring_put(str(doc, "AccessPointId"), &w->seed);
        }
    } else if (rc == 409 && streq(code_of(doc), "AccessPointAlreadyExists")) {
        w->st.efs_already++;
        if (!is_id(str(doc, "AccessPointId"), "fsap-")) fail(w, "AccessPointAlreadyExists without an AccessPointId");
        else ring_put(str(doc, "AccessPointId"), &w->seed);
    } else {
        quota_refusal(w, "efs:CreateAccessPoint", doc, rc, 403, "AccessPointLimitExceeded", &w->st.efs_limit, NULL,
                      "You have reached the maximum number of access points (%d) for your file system %s. Delete an "
                      "access point and add a new one.",
                      QUOTA, g_shared_fs[fs]);
    }
    json_decref(doc);
}

/* The private file system: only this thread changes it, so every answer is known in advance. */
static void efs_private_step(struct worker *w) {
    char req[256];
    int rc;
    json_t *doc;
    const char *fs = g_private_fs[w->index];
    int create = w->n_mine == 0 || (w->n_mine < QUOTA ? rand_r(&w->seed) % 3 != 0 : rand_r(&w->seed) % 2 == 0);
    if (create) {
        snprintf(req, sizeof req, "{\"ClientToken\": \"p%d-%ld\", \"FileSystemId\": \"%s\"}", w->index, w->private_counter++, fs);
        doc = call(w, "efs:CreateAccessPoint", req, &rc);
        if (w->n_mine < QUOTA) {
            if (rc == 0 && is_id(str(doc, "AccessPointId"), "fsap-")) {
                w->st.private_creates++;
                w->st.efs_creates++;
                remember_created(w, str(doc, "AccessPointId"));
                snprintf(w->mine[w->n_mine++], sizeof(id_t_), "%s", str(doc, "AccessPointId"));
            } else {
                w->quota_violations++;
                unexpected(w, "private create below the quota", rc, doc);
            }
        } else if (rc == 403 && streq(code_of(doc), "AccessPointLimitExceeded")) {
            w->st.private_limit++;
        } else {
            w->quota_violations++;
            unexpected(w, "private create at the quota", rc, doc);
            if (rc == 0) remember_created(w, str(doc, "AccessPointId") ? str(doc, "AccessPointId") : "?");
        }
        json_decref(doc);
    } else {
        int victim = (int)(rand_r(&w->seed) % (unsigned)w->n_mine);
        snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", w->mine[victim]);
        doc = call(w, "efs:DeleteAccessPoint", req, &rc);
        if (rc == 0) {
            w->st.private_deletes++;
            w->st.efs_deletes++;
            memmove(w->mine[victim], w->mine[victim + 1], (size_t)(w->n_mine - victim - 1) * sizeof(id_t_));
            w->n_mine--;
        } else {
            unexpected(w, "private delete", rc, doc);
        }
        json_decref(doc);
    }
}

/* A page walk. fs_index: 0..SHARED_FS-1 a shared file system, -1 all access points, -2 the
 * private one (exactly what this thread has there, in order). */
static void efs_walk(struct worker *w, int fs_index, int page_size) {
    char req[1024], token[512] = "";
    const char *fs = fs_index >= 0 ? g_shared_fs[fs_index] : (fs_index == -2 ? g_private_fs[w->index] : NULL);
    id_t_ *seen = NULL;
    long n_seen = 0, cap = 0, pages = 0;
    int ok = 1;
    json_t *doc;
    do {
        size_t k;
        json_t *list;
        int len = snprintf(req, sizeof req, "{\"MaxResults\": %d", page_size);
        if (fs != NULL) len += snprintf(req + len, sizeof req - (size_t)len, ", \"FileSystemId\": \"%s\"", fs);
        doc = walk_page(w, "efs:DescribeAccessPoints", "walk page", req, sizeof req, len, token);
        pages++;
        w->st.walk_pages++;
        if (doc == NULL) {
            ok = 0;
            break;
        }
        list = json_object_get(doc, "AccessPoints");
        if (!json_is_array(list) || json_array_size(list) > (size_t)page_size) {
            fail(w, "walk: page of %zu items for MaxResults %d", json_array_size(list), page_size);
            ok = 0;
        }
        for (k = 0; k < json_array_size(list); k++) {
            json_t *ap = json_array_get(list, k);
            const char *id = str(ap, "AccessPointId");
            long j;
            if (!is_id(id, "fsap-")) {
                ok = 0;
                continue;
            }
            if (fs != NULL && !streq(str(ap, "FileSystemId"), fs)) {
                fail(w, "walk of %s returned %s of %s", fs, id, str(ap, "FileSystemId"));
                ok = 0;
            }
            for (j = 0; j < n_seen; j++) {
                if (strcmp(seen[j], id) == 0) {
                    fail(w, "walk returned %s twice", id);
                    ok = 0;
                }
            }
            if (n_seen == cap) {
                id_t_ *p;
                cap = cap ? cap * 2 : 64;
                p = realloc(seen, (size_t)cap * sizeof(id_t_));
                if (p == NULL) {
                    ok = 0;
                    break;
                }
                seen = p;
            }
            snprintf(seen[n_seen++], sizeof(id_t_), "%s", id);
        }
        if (!keep_token(doc, token, sizeof token)) {
            fail(w, "walk: NextToken too long");
            ok = 0;
        }
        json_decref(doc);
    } while (token[0] && pages < MAX_WALK_PAGES);
    if (token[0]) {
        fail(w, "walk of %s did not end after %ld pages", fs ? fs : "all", pages);
        ok = 0;
    }
    if (fs_index == -2 && ok) {
        int i, exact = n_seen == w->n_mine;
        for (i = 0; exact && i < w->n_mine; i++) exact = strcmp(seen[i], w->mine[i]) == 0;
        if (!exact) {
            fail(w, "walk of the private file system %s: %ld items, expected %d in creation order", fs, n_seen, w->n_mine);
            ok = 0;
        }
    }
    if (!ok) w->walk_violations++;
    if (fs_index == -2) w->st.private_walks++;
    else w->st.walks++;
    free(seen);
}

/* One page holding everything of a shared file system: an atomic observation of its quota. */
static void efs_snapshot(struct worker *w) {
    char req[256];
    int rc, fs = (int)(rand_r(&w->seed) % SHARED_FS);
    json_t *doc;
    snprintf(req, sizeof req, "{\"FileSystemId\": \"%s\", \"MaxResults\": 1000}", g_shared_fs[fs]);
    doc = call(w, "efs:DescribeAccessPoints", req, &rc);
    w->st.snapshots++;
    if (rc != 0) {
        unexpected(w, "snapshot", rc, doc);
    } else if (json_array_size(json_object_get(doc, "AccessPoints")) > QUOTA || json_object_get(doc, "NextToken") != NULL) {
        w->quota_violations++;
        fail(w, "file system %s holds %zu access points; the quota is %d", g_shared_fs[fs],
             json_array_size(json_object_get(doc, "AccessPoints")), QUOTA);
    }
    json_decref(doc);
}

static void efs_delete_shared(struct worker *w) {
    char id[32], req[128];
    int rc;
    json_t *doc;
    ring_get(id, &w->seed);
    if (!id[0]) return;
    snprintf(req, sizeof req, "{\"AccessPointId\": \"%s\"}", id);
    doc = call(w, "efs:DeleteAccessPoint", req, &rc);
    tally(w, "efs:DeleteAccessPoint", doc, rc, rc == 0, &w->st.efs_deletes, 404, "AccessPointNotFound",
          &w->st.efs_delete_missing);
}

static void efs_tag(struct worker *w, int untag) {
    char id[32], req[256];
    int rc, key = (int)(rand_r(&w->seed) % TAG_KEYS);
    json_t *doc;
    ring_get(id, &w->seed);
    if (!id[0]) return;
    if (untag) {
        snprintf(req, sizeof req, "{\"ResourceId\": \"%s\", \"TagKeys\": [\"k%d\", \"Name\"]}", id, key);
        doc = call(w, "efs:UntagResource", req, &rc);
    } else {
        snprintf(req, sizeof req, "{\"ResourceId\": \"%s\", \"Tags\": [{\"Key\": \"k%d\", \"Value\": \"w%d\"}, {\"Key\": \"Name\", \"Value\": \"n%d\"}]}",
                 id, key, w->index, key);
        doc = call(w, "efs:TagResource", req, &rc);
    }
    tally(w, untag ? "efs:UntagResource" : "efs:TagResource", doc, rc, rc == 0, untag ? &w->st.untags : &w->st.tags, 404,
          "AccessPointNotFound", &w->st.tag_missing);
}

/* DescribeAccessPoints by ID, or ListTagsForResource: the resource as a whole, or not found. */
static void efs_read_one(struct worker *w) {
    char id[32], req[128];
    int rc;
    json_t *doc;
    int by_id = (int)(rand_r(&w->seed) % 2);
    ring_get(id, &w->seed);
    if (!id[0]) return;
    snprintf(req, sizeof req, by_id ? "{\"AccessPointId\": \"%s\"}" : "{\"ResourceId\": \"%s\"}", id);
    if (by_id) {
        doc = call(w, "efs:DescribeAccessPoints", req, &rc);
        if (rc == 0) {
            json_t *ap = json_array_get(json_object_get(doc, "AccessPoints"), 0);
            if (json_array_size(json_object_get(doc, "AccessPoints")) != 1 || !streq(str(ap, "AccessPointId"), id) ||
                shared_fs_index(str(ap, "FileSystemId")) < 0)
                fail(w, "describe %s: wrong access point", id);
        }
    } else {
        doc = call(w, "efs:ListTagsForResource", req, &rc);
        if (rc == 0) {
            json_t *tags = json_object_get(doc, "Tags");
            size_t i, j;
            if (json_array_size(tags) > TAG_KEYS + 1) fail(w, "%s has %zu tags", id, json_array_size(tags));
            for (i = 0; i < json_array_size(tags); i++) {
                for (j = i + 1; j < json_array_size(tags); j++) {
                    if (streq(str(json_array_get(tags, i), "Key"), str(json_array_get(tags, j), "Key")))
                        fail(w, "%s has the tag key %s twice", id, str(json_array_get(tags, i), "Key"));
                }
            }
        }
    }
    w->st.reads++;
    if (rc != 0 && !(rc == 404 && streq(code_of(doc), "AccessPointNotFound"))) unexpected(w, "read", rc, doc);
    json_decref(doc);
}

/* ---- FSx ------------------------------------------------------------------------------------- */

static void fsx_create(struct worker *w) {
    char req[768];
    int rc, name = (int)(rand_r(&w->seed) % NAMES), tokened = (int)(rand_r(&w->seed) % 2);
    int volume = name % 3, fs = g_volume_fs[volume];
    json_t *doc;
    int len = snprintf(req, sizeof req,
                       "{\"Name\": \"ap-%02d\", \"Type\": \"OPENZFS\", \"OpenZFSConfiguration\": {\"VolumeId\": \"%s\","
                       " \"FileSystemIdentity\": {\"Type\": \"POSIX\", \"PosixUser\": {\"Uid\": %d, \"Gid\": %d}}}",
                       name, g_volumes[volume], 1000 + name, 1000 + name);
    if (tokened) len += snprintf(req + len, sizeof req - (size_t)len, ", \"ClientRequestToken\": \"ct-%02d\"", name);
    snprintf(req + len, sizeof req - (size_t)len, "}");
    doc = call(w, "fsx:CreateAndAttachS3AccessPoint", req, &rc);
    if (rc == 0) {
        json_t *a = json_object_get(doc, "S3AccessPointAttachment");
        const char *lifecycle = str(a, "Lifecycle");
        char expected_name[16];
        snprintf(expected_name, sizeof expected_name, "ap-%02d", name);
        if (!streq(str(a, "Name"), expected_name)) fail(w, "attach: wrong name %s", str(a, "Name"));
        /* A new attachment is CREATING in its create response; a replay of a token shows the
         * existing one as it is now (AVAILABLE, or DELETING after a detach). */
        if (streq(lifecycle, "CREATING")) {
            w->st.fsx_new++;
        } else if (tokened && (streq(lifecycle, "AVAILABLE") || streq(lifecycle, "DELETING"))) {
            w->st.fsx_replays++;
        } else {
            fail(w, "attach: Lifecycle %s (token %d)", lifecycle ? lifecycle : "NULL", tokened);
        }
    } else if (rc == 400 && streq(code_of(doc), "AccessPointAlreadyOwnedByYou")) {
        w->st.fsx_owned++;
    } else {
        /* The file system's quota by throughput, or the region's. */
        quota_refusal(w, "fsx:CreateAndAttachS3AccessPoint", doc, rc, 400, "TooManyAccessPoints", &w->st.fsx_quota,
                      "You have reached the maximum number of S3 access points (6) for your account in this Region.",
                      "File system '%s' has reached its maximum of %d S3 access point attachments for its throughput "
                      "capacity of %d MBps.",
                      g_zfs[fs], g_zfs_quota[fs], fs == 0 ? 160 : 128);
    }
    json_decref(doc);
}

static void fsx_detach(struct worker *w) {
    char req[128];
    int rc;
    json_t *doc;
    snprintf(req, sizeof req, "{\"Name\": \"ap-%02d\"}", (int)(rand_r(&w->seed) % NAMES));
    doc = call(w, "fsx:DetachAndDeleteS3AccessPoint", req, &rc);
    tally(w, "fsx:DetachAndDeleteS3AccessPoint", doc, rc, rc == 0 && streq(str(doc, "Lifecycle"), "DELETING"),
          &w->st.fsx_detaches, 400, "S3AccessPointAttachmentNotFound", &w->st.fsx_detach_missing);
}

static int volume_index(const char *id) {
    int i;
    for (i = 0; i < 3; i++) {
        if (streq(id, g_volumes[i])) return i;
    }
    return -1;
}

/* A walk (MaxResults 1-3, maybe filtered by file system) or a single-page snapshot checking
 * the quotas: live (not DELETING) attachments per file system and in the region. */
static void fsx_describe(struct worker *w, int snapshot) {
    char req[1024], token[512] = "", names[NAMES];
    /* The aliases seen: an attachment is one alias. A name may come back within a walk when its
     * attachment was detached and a new one of that name created meanwhile (a new resource,
     * later in creation order); the same attachment twice would be a repeat. */
    char (*aliases)[64] = NULL;
    size_t n_aliases = 0, cap_aliases = 0;
    int filter = snapshot ? -1 : (int)(rand_r(&w->seed) % 3) - 1, page = 1 + (int)(rand_r(&w->seed) % 3);
    int live[2] = {0, 0}, ok = 1;
    long pages = 0;
    json_t *doc;
    memset(names, 0, sizeof names);
    do {
        size_t k;
        json_t *list;
        int len = snprintf(req, sizeof req, "{");
        if (!snapshot) len += snprintf(req + len, sizeof req - (size_t)len, "\"MaxResults\": %d", page);
        if (filter >= 0)
            len += snprintf(req + len, sizeof req - (size_t)len, "%s\"Filters\": [{\"Name\": \"file-system-id\", \"Values\": [\"%s\"]}]",
                            snapshot ? "" : ", ", g_zfs[filter]);
        doc = walk_page(w, "fsx:DescribeS3AccessPointAttachments", "fsx walk page", req, sizeof req, len, token);
        pages++;
        if (doc == NULL) {
            ok = 0;
            break;
        }
        list = json_object_get(doc, "S3AccessPointAttachments");
        if (!snapshot && json_array_size(list) > (size_t)page) ok = 0;
        for (k = 0; k < json_array_size(list); k++) {
            json_t *a = json_array_get(list, k);
            const char *name = str(a, "Name");
            int n = name && strlen(name) == 5 && strncmp(name, "ap-", 3) == 0 ? atoi(name + 3) : -1;
            int v = volume_index(json_string_value(json_object_get(json_object_get(a, "OpenZFSConfiguration"), "VolumeId")));
            if (n < 0 || n >= NAMES || v < 0) {
                fail(w, "fsx walk: a stranger %s", name ? name : "NULL");
                ok = 0;
                continue;
            }
            {
                const char *alias = str(json_object_get(a, "S3AccessPoint"), "Alias");
                size_t q;
                if (alias == NULL || strlen(alias) >= 64) {
                    fail(w, "fsx walk: %s has no alias", name);
                    ok = 0;
                    continue;
                }
                for (q = 0; q < n_aliases; q++) {
                    if (strcmp(aliases[q], alias) == 0) {
                        fail(w, "fsx walk returned the attachment %s (%s) twice", name, alias);
                        ok = 0;
                    }
                }
                if (n_aliases == cap_aliases) {
                    char(*p)[64];
                    cap_aliases = cap_aliases ? cap_aliases * 2 : 16;
                    p = realloc(aliases, cap_aliases * sizeof *aliases);
                    if (p == NULL) {
                        ok = 0;
                        break;
                    }
                    aliases = p;
                }
                strcpy(aliases[n_aliases++], alias);
            }
            if (names[n] && snapshot) {
                /* One page, answered under the lock: a name is there at most once. */
                fail(w, "fsx snapshot listed the name %s twice", name);
                ok = 0;
            } else if (names[n]) {
                w->st.fsx_name_again++;
            }
            names[n] = 1;
            if (filter >= 0 && g_volume_fs[v] != filter) {
                fail(w, "fsx walk filtered by %s returned %s of another file system", g_zfs[filter], name);
                ok = 0;
            }
            if (!streq(str(a, "Lifecycle"), "DELETING")) live[g_volume_fs[v]]++;
        }
        keep_token(doc, token, sizeof token); /* a token too long to keep ends the walk */
        json_decref(doc);
    } while (token[0] && pages < MAX_WALK_PAGES);
    if (snapshot) {
        w->st.fsx_snapshots++;
        if (pages != 1 || live[0] > g_zfs_quota[0] || live[1] > g_zfs_quota[1] || live[0] + live[1] > REGION_QUOTA) {
            w->quota_violations++;
            fail(w, "fsx snapshot: %d and %d live attachments (quotas %d, %d, region %d)", live[0], live[1], g_zfs_quota[0],
                 g_zfs_quota[1], REGION_QUOTA);
        }
    } else {
        w->st.fsx_walks++;
    }
    if (!ok) w->walk_violations++;
    free(aliases);
}

/* ---- The worker ------------------------------------------------------------------------------ */

static void *work(void *arg) {
    struct worker *w = arg;
    while (w->st.calls < w->target) {
        int r = (int)(rand_r(&w->seed) % 100);
        if (r < 24) efs_create_shared(w);
        else if (r < 32) efs_private_step(w);
        else if (r < 40) efs_walk(w, (int)(rand_r(&w->seed) % (SHARED_FS + 1)) - 1, 1 + (int)(rand_r(&w->seed) % 5));
        else if (r < 43) efs_walk(w, -2, 1 + (int)(rand_r(&w->seed) % 3));
        else if (r < 47) efs_snapshot(w);
        else if (r < 56) efs_delete_shared(w);
        else if (r < 62) efs_tag(w, 0);
        else if (r < 66) efs_tag(w, 1);
        else if (r < 70) efs_read_one(w);
        else if (r < 82) fsx_create(w);
        else if (r < 88) fsx_detach(w);
        else if (r < 95) fsx_describe(w, 0);
        else fsx_describe(w, 1);
    }
    return NULL;
}

/* ---- Setup and the final checks (main thread) ------------------------------------------------- */

static json_t *main_call(const char *op, const char *req, int *rc) {
    char *out = NULL;
    json_t *doc = NULL;
    json_error_t err;
    *rc = apsim_call(&out, g_sim, op, req);
    if (out != NULL) doc = json_loads(out, JSON_REJECT_DUPLICATES, &err);
    apsim_string_free(out);
    return doc;
}

static int setup(void) {
    char req[512];
    int rc, i;
    json_t *doc;
    char *err = NULL;
    if (!CHECK_INT_EQ(apsim_open(&g_sim, WORLD_CONFIG, &err), 0)) {
        if (err) fprintf(stderr, "%s\n", err);
        apsim_string_free(err);
        return 0;
    }
    for (i = 0; i < SHARED_FS + THREADS; i++) {
        snprintf(req, sizeof req, "{\"CreationToken\": \"fs-%d\"}", i);
        doc = main_call("efs:CreateFileSystem", req, &rc);
        CHECK_INT_EQ(rc, 0);
        snprintf(i < SHARED_FS ? g_shared_fs[i] : g_private_fs[i - SHARED_FS], sizeof(id_t_), "%s",
                 str(doc, "FileSystemId") ? str(doc, "FileSystemId") : "");
        json_decref(doc);
    }
    doc = main_call("efs:DescribeFileSystems", NULL, &rc); /* settles them: available */
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(json_array_size(json_object_get(doc, "FileSystems")), SHARED_FS + THREADS);
    json_decref(doc);
    for (i = 0; i < 2; i++) {
        snprintf(req, sizeof req,
                 "{\"FileSystemType\": \"OPENZFS\", \"SubnetIds\": [\"subnet-0123456789abcdef0\"], \"StorageCapacity\": 64,"
                 " \"OpenZFSConfiguration\": {\"DeploymentType\": \"%s\", \"ThroughputCapacity\": %d}}",
                 i == 0 ? "SINGLE_AZ_HA_2" : "SINGLE_AZ_HA_1", i == 0 ? 160 : 128);
        doc = main_call("fsx:CreateFileSystem", req, &rc);
        CHECK_INT_EQ(rc, 0);
        snprintf(g_zfs[i], sizeof(id_t_), "%s", or_empty(str(json_object_get(doc, "FileSystem"), "FileSystemId")));
        snprintf(g_volumes[i == 0 ? 0 : 2], sizeof(id_t_), "%s",
                 or_empty(json_string_value(json_object_get(json_object_get(json_object_get(doc, "FileSystem"), "OpenZFSConfiguration"),
                                                            "RootVolumeId"))));
        json_decref(doc);
    }
    snprintf(req, sizeof req, "{\"VolumeType\": \"OPENZFS\", \"Name\": \"data\", \"OpenZFSConfiguration\": {\"ParentVolumeId\": \"%s\"}}",
             g_volumes[0]);
    doc = main_call("fsx:CreateVolume", req, &rc);
    CHECK_INT_EQ(rc, 0);
    snprintf(g_volumes[1], sizeof(id_t_), "%s", or_empty(str(json_object_get(doc, "Volume"), "VolumeId")));
    json_decref(doc);
    doc = main_call("fsx:DescribeVolumes", NULL, &rc); /* settles them: AVAILABLE */
    CHECK_INT_EQ(rc, 0);
    json_decref(doc);
    for (i = 0; i < 3; i++) {
        if (!CHECK(is_id(g_volumes[i], "fsvol-"))) return 0;
    }
    for (i = 0; i < SHARED_FS + THREADS; i++) {
        if (!CHECK(is_id(i < SHARED_FS ? g_shared_fs[i] : g_private_fs[i - SHARED_FS], "fs-"))) return 0;
    }
    return 1;
}

static int cmp_id(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_eight_threads_one_world(void) {
    static struct worker workers[THREADS];
    pthread_t threads[THREADS];
    struct stats total;
    const char *env = getenv("APSIM_STRESS_CALLS");
    long target = env && atol(env) > 0 ? atol(env) : 5000, n_created = 0, failures = 0, i, j;
    long quota_violations = 0, walk_violations = 0;
    id_t_ *all_created = NULL;
    double started, elapsed;
    int rc, t, started_threads = 0;
    json_t *doc, *list;
    size_t k;

    if (!setup()) goto done;
    memset(workers, 0, sizeof workers);
    started = now_seconds();
    for (t = 0; t < THREADS; t++) {
        workers[t].index = t;
        workers[t].target = target;
        workers[t].seed = 1000u + (unsigned)t;
        if (!CHECK_INT_EQ(pthread_create(&threads[t], NULL, work, &workers[t]), 0)) break;
        started_threads++;
    }
    for (t = 0; t < started_threads; t++) pthread_join(threads[t], NULL);
    elapsed = now_seconds() - started;
    if (!CHECK_INT_EQ(started_threads, THREADS)) goto done;

    /* What the workers saw. */
    memset(&total, 0, sizeof total);
    for (t = 0; t < THREADS; t++) {
        long *dst = (long *)&total, *src = (long *)&workers[t].st;
        for (i = 0; i < (long)(sizeof total / sizeof(long)); i++) dst[i] += src[i];
        failures += workers[t].failures;
        quota_violations += workers[t].quota_violations;
        walk_violations += workers[t].walk_violations;
        if (workers[t].failures) fprintf(stderr, "thread %d: %ld surprises; the first: %s\n", t, workers[t].failures, workers[t].first_failure);
        n_created += workers[t].n_created;
    }
    printf("test_concurrency: %d threads x %ld calls: %ld calls in %.2f s (%.0f calls/s)\n", THREADS, target, total.calls,
           elapsed, elapsed > 0 ? (double)total.calls / elapsed : 0.0);
    printf("  EFS creates %ld (private %ld), AccessPointAlreadyExists %ld, AccessPointLimitExceeded %ld (private %ld),"
           " deletes %ld (private %ld), already gone %ld\n",
           total.efs_creates, total.private_creates, total.efs_already, total.efs_limit + total.private_limit,
           total.private_limit, total.efs_deletes, total.private_deletes, total.efs_delete_missing);
    printf("  EFS walks %ld (%ld pages) + %ld private walks, quota snapshots %ld, tags %ld, untags %ld, tag targets gone %ld,"
           " reads %ld\n",
           total.walks, total.walk_pages, total.private_walks, total.snapshots, total.tags, total.untags, total.tag_missing,
           total.reads);
    printf("  FSx new attachments %ld, token replays %ld, name taken %ld, quota refusals %ld, detaches %ld (gone %ld),"
           " walks %ld (a name again within a walk, as a new attachment: %ld), snapshots %ld\n",
           total.fsx_new, total.fsx_replays, total.fsx_owned, total.fsx_quota, total.fsx_detaches, total.fsx_detach_missing,
           total.fsx_walks, total.fsx_name_again, total.fsx_snapshots);
    fflush(stdout);
    CHECK_INT_EQ(failures, 0);
    CHECK_INT_EQ(quota_violations, 0);
    CHECK_INT_EQ(walk_violations, 0);
    CHECK(total.calls >= THREADS * target);
    /* The mix really raced: duplicates and quota refusals happened (the run is long enough). */
    if (target >= 300) {
        CHECK(total.efs_already > 0);
        CHECK(total.efs_limit > 0);
        CHECK(total.efs_deletes > 0);
        CHECK(total.fsx_new > 0 && total.fsx_owned > 0);
    }

    /* No ID was ever created twice. */
    all_created = malloc((size_t)(n_created ? n_created : 1) * sizeof(id_t_));
    if (!CHECK(all_created != NULL)) goto done;
    for (t = 0, i = 0; t < THREADS; t++) {
        memcpy(all_created[i], workers[t].created, (size_t)workers[t].n_created * sizeof(id_t_));
        i += workers[t].n_created;
    }
    qsort(all_created, (size_t)n_created, sizeof(id_t_), cmp_id);
    for (i = 1; i < n_created; i++) {
        if (!CHECK(strcmp(all_created[i - 1], all_created[i]) != 0)) fprintf(stderr, "    created twice: %s\n", all_created[i]);
    }
    CHECK_INT_EQ(n_created, total.efs_creates);

    /* The final state, in one page. */
    doc = main_call("efs:DescribeAccessPoints", "{\"MaxResults\": 10000}", &rc);
    CHECK_INT_EQ(rc, 0);
    CHECK(json_object_get(doc, "NextToken") == NULL);
    list = json_object_get(doc, "AccessPoints");
    /* creates - deletes == live */
    CHECK_INT_EQ((long)json_array_size(list), total.efs_creates - total.efs_deletes);
    {
        int per_fs[SHARED_FS + THREADS];
        memset(per_fs, 0, sizeof per_fs);
        for (k = 0; k < json_array_size(list); k++) {
            json_t *ap = json_array_get(list, k), *tags = json_object_get(ap, "Tags");
            const char *id = str(ap, "AccessPointId"), *fs = str(ap, "FileSystemId"), *token = str(ap, "ClientToken");
            size_t m;
            int f = shared_fs_index(fs);
            if (f < 0) {
                for (t = 0; t < THREADS; t++) {
                    if (streq(fs, g_private_fs[t])) f = SHARED_FS + t;
                }
            }
            CHECK(f >= 0);
            if (f >= 0) per_fs[f]++;
            /* Every live one was created by someone (no phantom). */
            CHECK(id != NULL && bsearch(id, all_created, (size_t)n_created, sizeof(id_t_), cmp_id) != NULL);
            for (m = k + 1; m < json_array_size(list); m++) {
                json_t *other = json_array_get(list, m);
                if (!CHECK(!streq(id, str(other, "AccessPointId")))) fprintf(stderr, "    listed twice: %s\n", id);
                if (!CHECK(!streq(token, str(other, "ClientToken")))) fprintf(stderr, "    token twice: %s\n", token);
            }
            /* Tags: unique keys, the Name member follows the Name tag. */
            CHECK(json_array_size(tags) <= TAG_KEYS + 1);
            for (m = 0; m < json_array_size(tags); m++) {
                size_t q;
                const char *key = str(json_array_get(tags, m), "Key");
                for (q = m + 1; q < json_array_size(tags); q++) CHECK(!streq(key, str(json_array_get(tags, q), "Key")));
                if (streq(key, "Name")) CHECK(streq(str(ap, "Name"), str(json_array_get(tags, m), "Value")));
            }
        }
        for (i = 0; i < SHARED_FS + THREADS; i++) {
            if (!CHECK(per_fs[i] <= QUOTA)) fprintf(stderr, "    file system %ld holds %d\n", i, per_fs[i]);
        }
        /* The private file systems hold exactly what their threads think. */
        for (t = 0; t < THREADS; t++) CHECK_INT_EQ(per_fs[SHARED_FS + t], workers[t].n_mine);
        for (t = 0; t < THREADS; t++) {
            for (j = 0; j < workers[t].n_mine; j++) {
                int found = 0;
                for (k = 0; k < json_array_size(list); k++) found |= streq(str(json_array_get(list, k), "AccessPointId"), workers[t].mine[j]);
                CHECK(found);
            }
        }
    }
    json_decref(doc);

    /* FSx: names unique, quotas held, attachments accounted for. A detach answers DELETING also
     * for one already DELETING, so detaches bound the difference instead of equalling it. */
    doc = main_call("fsx:DescribeS3AccessPointAttachments", NULL, &rc);
    CHECK_INT_EQ(rc, 0);
    list = json_object_get(doc, "S3AccessPointAttachments");
    {
        int live[2] = {0, 0};
        long n_live;
        for (k = 0; k < json_array_size(list); k++) {
            json_t *a = json_array_get(list, k);
            size_t m;
            int v = volume_index(json_string_value(json_object_get(json_object_get(a, "OpenZFSConfiguration"), "VolumeId")));
            CHECK(v >= 0);
            if (v >= 0 && !streq(str(a, "Lifecycle"), "DELETING")) live[g_volume_fs[v]]++;
            for (m = k + 1; m < json_array_size(list); m++) {
                json_t *b = json_array_get(list, m);
                CHECK(!streq(str(a, "Name"), str(b, "Name")));
                CHECK(!streq(str(json_object_get(a, "S3AccessPoint"), "Alias"), str(json_object_get(b, "S3AccessPoint"), "Alias")));
            }
        }
        CHECK(live[0] <= g_zfs_quota[0]);
        CHECK(live[1] <= g_zfs_quota[1]);
        CHECK(live[0] + live[1] <= REGION_QUOTA);
        n_live = live[0] + live[1];
        CHECK(n_live <= total.fsx_new);
        CHECK(total.fsx_new - n_live <= total.fsx_detaches);
    }
    json_decref(doc);

    /* The world is still whole: it exports, and a fresh world imports the export. */
    {
        char *state = NULL, *request;
        apsim *copy = NULL;
        json_error_t err;
        json_t *parsed;
        CHECK_INT_EQ(apsim_call(&state, g_sim, "apsim:ExportState", NULL), 0);
        parsed = state ? json_loads(state, 0, &err) : NULL;
        apsim_string_free(state);
        json_object_del(parsed, "ResponseMetadata");
        doc = json_pack("{s:o}", "State", parsed);
        request = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        json_decref(doc);
        CHECK_INT_EQ(apsim_open(&copy, "{\"seed\": 1, \"access_points_per_file_system\": 6, \"s3_access_points_per_region\": 6}", NULL), 0);
        doc = NULL;
        if (copy != NULL && request != NULL) {
            char *out = NULL;
            CHECK_INT_EQ(apsim_call(&out, copy, "apsim:ImportState", request), 0);
            apsim_string_free(out);
            out = NULL;
            CHECK_INT_EQ(apsim_call(&out, copy, "efs:DescribeAccessPoints", "{\"MaxResults\": 10000}"), 0);
            doc = out ? json_loads(out, 0, &err) : NULL;
            apsim_string_free(out);
            CHECK_INT_EQ((long)json_array_size(json_object_get(doc, "AccessPoints")), total.efs_creates - total.efs_deletes);
        }
        json_decref(doc);
        free(request);
        apsim_close(copy);
    }
done:
    free(all_created);
    for (t = 0; t < THREADS; t++) free(workers[t].created);
    apsim_close(g_sim);
    g_sim = NULL;
}

int main(void) {
    CHECK_RUN(test_eight_threads_one_world);
    return check_summary();
}
