/*
 * bench_apsim.c -- the C side of apsim's benchmark suite (bench/run.sh runs it).
 *
 *   gcc -std=c99 -O2 -Wall -Wextra -Werror -pthread bench/c/bench_apsim.c -o bench/c/bin/bench_apsim \
 *       -Iinclude -L.build/release -Wl,-rpath,$PWD/.build/release -lapsim -ljansson
 *   bench/c/bin/bench_apsim                       # everything (about a minute on 2 cores)
 *   bench/c/bin/bench_apsim --only efs,fsx --iters 2000   # a part
 *   valgrind --tool=callgrind bench/c/bin/bench_apsim --only efs --iters 2000 --warmup 500 --diag 0
 *
 * Sections (--only takes a comma-separated list of these names):
 *   efs      apsim_efs_create_access_point per call (unique client tokens, spread over 8 file
 *            systems), median and p99 over --iters calls after a warm-up, each including
 *            apsim_string_free of the response; and, interleaved with it in blocks, the floor of
 *            any JSON-in/JSON-out API: jansson's json_loads of the same request text plus
 *            json_dumps of the same response document (a real response of the library, parsed
 *            once) plus the frees. Then the tail: which calls took more than twice the median,
 *            how far apart they came, and (over --diag more calls, each bracketed by getrusage)
 *            whether the slow ones were those that took a page fault.
 *   fsx      the same for apsim_fsx_create_and_attach_s3_access_point (unique names, on the root
 *            volumes of SINGLE_AZ_HA_2 10240-MBps OpenZFS file systems, 276 attachments each).
 *   page     DescribeAccessPoints, MaxResults 100, with a NextToken from the middle of the list,
 *            on a file system holding 1,000 and one holding 100,000 access points (two worlds,
 *            timed in alternating blocks).
 *   rss      resident memory per access point: /proc/self/statm before and after creating
 *            1,000,000 access points (10 file systems x 100,000), each after malloc_trim(0) so
 *            that freed response strings are not counted.
 *   threads  creates per second on one world from one thread and from two threads (the same
 *            total number of calls, fresh worlds, alternating runs, median of the runs), with the
 *            CPU time per call and the context switches (getrusage) that explain the difference.
 *   state    one CreateAccessPoint with a state_file (journal line + fdatasync) when the world
 *            holds 1,000 and 100,000 access points; the worlds are built without a state file,
 *            exported (apsim:ExportState) and written as the state file, then reopened from it.
 *
 * Output: a human-readable table on stdout, then one line of JSON with every number (the last
 * line of stdout); progress on stderr. Exits 1 if any call fails unexpectedly.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "apsim.h"

#define START_TIME "1700000000"
/* Calls of the page-fault diagnostic after each create benchmark (requests beyond warm + iters);
 * --diag N changes it (0: none, e.g. under callgrind, so that every function counts iters+warmup calls). */
#define DIAG_CALLS_MAX 5000

static long g_iters = 20000;
static long g_warmup = 2000;
static long g_diag = DIAG_CALLS_MAX;
static const char *g_only = NULL;
static json_t *g_results;

/* ---- Small helpers --------------------------------------------------------------------------- */

/* One line on stderr: `prefix`, the formatted message, a newline. */
static void say(const char *prefix, const char *fmt, va_list ap) {
    fprintf(stderr, "%s", prefix);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
}

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    say("bench_apsim: ", fmt, ap);
    va_end(ap);
    exit(1);
}

static void progress(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    say("  .. ", fmt, ap);
    va_end(ap);
}

static inline int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int enabled(const char *section) {
    const char *p;
    size_t n = strlen(section);
    if (g_only == NULL) return 1;
    for (p = g_only; (p = strstr(p, section)) != NULL; p += n) {
        if ((p == g_only || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return 1;
    }
    return 0;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d == NULL) die("out of memory");
    memcpy(d, s, n);
    return d;
}

static char *xprintf(const char *fmt, ...) {
    va_list ap;
    char buf[2048];
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) die("request too long");
    return xstrdup(buf);
}

static apsim *open_world(const char *config) {
    apsim *sim = NULL;
    char *err = NULL;
    if (apsim_open(&sim, config, &err) != 0) die("apsim_open(%s): %s", config, err ? err : "?");
    return sim;
}

/* One call that must succeed; returns the parsed response (caller decrefs). */
static json_t *call_ok(apsim *sim, const char *op, const char *req) {
    char *out = NULL;
    json_error_t e;
    json_t *doc;
    int rc = apsim_call(&out, sim, op, req);
    if (rc != 0) die("%s failed (%d): %s", op, rc, out ? out : "(null)");
    doc = json_loads(out, 0, &e);
    if (doc == NULL) die("%s: unparsable response: %s", op, e.text);
    apsim_string_free(out);
    return doc;
}

static char *str_at(json_t *doc, const char *a, const char *b, const char *c) {
    json_t *v = json_object_get(doc, a);
    if (b) v = json_object_get(v, b);
    if (c) v = json_object_get(v, c);
    if (!json_is_string(v)) die("missing %s.%s.%s", a, b ? b : "", c ? c : "");
    return xstrdup(json_string_value(v));
}

static char *efs_file_system(apsim *sim, const char *token) {
    char *req = xprintf("{\"CreationToken\":\"%s\"}", token);
    json_t *doc = call_ok(sim, "efs:CreateFileSystem", req);
    char *id = str_at(doc, "FileSystemId", NULL, NULL);
    json_decref(doc);
    free(req);
    return id;
}

/* An OpenZFS SINGLE_AZ_HA_2 file system of 10240 MBps (276 attachments); returns its root volume. */
static char *zfs_root_volume(apsim *sim) {
    json_t *doc = call_ok(sim, "fsx:CreateFileSystem",
                          "{\"FileSystemType\":\"OPENZFS\",\"SubnetIds\":[\"subnet-0123456789abcdef0\"],"
                          "\"StorageCapacity\":64,\"OpenZFSConfiguration\":{\"DeploymentType\":\"SINGLE_AZ_HA_2\","
                          "\"ThroughputCapacity\":10240}}");
    char *id = str_at(doc, "FileSystem", "OpenZFSConfiguration", "RootVolumeId");
    json_decref(doc);
    return id;
}

/* A typical CreateAccessPoint request (what a Terraform/CDK-provisioned access point carries). */
static char *efs_request(const char *fs, const char *prefix, long i) {
    return xprintf("{\"ClientToken\":\"%s-%08ld\",\"FileSystemId\":\"%s\","
                   "\"PosixUser\":{\"Uid\":1000,\"Gid\":1000},"
                   "\"RootDirectory\":{\"Path\":\"/export/%s-%08ld\","
                   "\"CreationInfo\":{\"OwnerUid\":1000,\"OwnerGid\":1000,\"Permissions\":\"755\"}},"
                   "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"%s-%08ld\"}]}",
                   prefix, i, fs, prefix, i, prefix, i);
}

static char *fsx_request(const char *volume, long i) {
    return xprintf("{\"ClientRequestToken\":\"tok-%08ld\",\"Name\":\"bench-%08ld\",\"Type\":\"OPENZFS\","
                   "\"OpenZFSConfiguration\":{\"VolumeId\":\"%s\",\"FileSystemIdentity\":{\"Type\":\"POSIX\","
                   "\"PosixUser\":{\"Uid\":1000,\"Gid\":1000}}}}",
                   i, i, volume);
}

/* ---- Statistics ------------------------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

struct dist {
    double median_ns, p90_ns, p99_ns, p999_ns, mean_ns;
    long n;
};

static struct dist summarize(int64_t *ns, long n) {
    struct dist d = {0, 0, 0, 0, 0, n};
    double sum = 0;
    long i;
    if (n == 0) return d;
    qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
    d.median_ns = n % 2 ? (double)ns[n / 2] : ((double)ns[n / 2 - 1] + (double)ns[n / 2]) / 2.0;
    d.p90_ns = (double)ns[(long)((double)(n - 1) * 0.90)];
    d.p99_ns = (double)ns[(long)((double)(n - 1) * 0.99)];
    d.p999_ns = (double)ns[(long)((double)(n - 1) * 0.999)];
    for (i = 0; i < n; i++) sum += (double)ns[i];
    d.mean_ns = sum / (double)n;
    return d;
}

static double median_d(double *v, int n) {
    int i, j;
    for (i = 1; i < n; i++) {
        double x = v[i];
        for (j = i; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
        v[j] = x;
    }
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static json_t *dist_json(struct dist d) {
    return json_pack("{s:f,s:f,s:f,s:f,s:f,s:I}", "median_us", d.median_ns / 1000.0, "p90_us", d.p90_ns / 1000.0,
                     "p99_us", d.p99_ns / 1000.0, "p999_us", d.p999_ns / 1000.0, "mean_us", d.mean_ns / 1000.0, "n",
                     (json_int_t)d.n);
}

/* Prints one measurement taken in a world of 1,000 and one of 100,000 access points (d[0], d[1]):
 * the median and p99 of each, then their ratios against the target of at most 2x. */
static void print_scale_pair(const char *what, const struct dist d[2]) {
    const char *sizes[2] = {"1,000", "100,000"};
    char label[96];
    int j;
    for (j = 0; j < 2; j++) {
        snprintf(label, sizeof label, "%s, %s APs", what, sizes[j]);
        printf("%-44s median %8.2f us  p99 %8.2f us\n", label, d[j].median_ns / 1000, d[j].p99_ns / 1000);
    }
    printf("%-44s median %8.2fx     p99 %8.2fx   (target <= 2x)\n", "  100,000 / 1,000", d[1].median_ns / d[0].median_ns,
           d[1].p99_ns / d[0].p99_ns);
}

static long rss_bytes(void) {
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL) die("cannot read /proc/self/statm");
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) die("cannot parse /proc/self/statm");
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

/* Where the tail comes from: the calls slower than twice the median, how far apart their start
 * times are (a periodic interrupt such as the scheduler tick shows up as a fixed spacing: 4 ms
 * at CONFIG_HZ=250) and how much time they lost. `ns` must still be in call order. */
static json_t *tail_json(const int64_t *ns, const int64_t *start, long n, double median_ns) {
    int64_t *gaps = malloc((size_t)n * sizeof *gaps), *excess = malloc((size_t)n * sizeof *excess);
    long i, slow = 0, ngaps = 0;
    int64_t last = -1;
    double busy_ns = 0;
    struct dist g, x;
    json_t *out;
    if (gaps == NULL || excess == NULL) die("out of memory");
    for (i = 0; i < n; i++) busy_ns += (double)ns[i];
    for (i = 0; i < n; i++) {
        if ((double)ns[i] <= 2.0 * median_ns) continue;
        excess[slow++] = ns[i] - (int64_t)median_ns;
        if (last >= 0) gaps[ngaps++] = start[i] - last;
        last = start[i];
    }
    g = summarize(gaps, ngaps);
    x = summarize(excess, slow);
    /* slow_per_s: slow calls per second spent inside the calls -- equal rates for two kinds of call
     * mean the slowdowns come from outside (interrupts), not from the calls' own work. */
    out = json_pack("{s:I,s:f,s:f,s:f,s:f}", "slow_calls", (json_int_t)slow, "slow_fraction", (double)slow / (double)n,
                    "slow_spacing_median_ms", g.median_ns / 1e6, "slow_excess_median_us", x.median_ns / 1000.0,
                    "slow_per_s", (double)slow / (busy_ns / 1e9));
    free(gaps);
    free(excess);
    return out;
}

static long minor_faults(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* ---- Create latency vs the jansson floor ----------------------------------------------------- */

typedef int (*create_fn)(char **, apsim *, const char *);

/* Times `fn` over requests[warm .. warm+iters) and the floor over the same request texts, in
 * alternating blocks; the warm-up requests run untimed first. */
static void create_vs_floor(const char *name, apsim *sim, create_fn fn, char **requests, long warm, long iters) {
    const long block = 500;
    int64_t *api = malloc((size_t)iters * sizeof *api), *floor_ = malloc((size_t)iters * sizeof *floor_);
    int64_t *starts = malloc((size_t)iters * sizeof *starts), *fstarts = malloc((size_t)iters * sizeof *fstarts);
    json_t *tail;
    char *out = NULL, *sample = NULL;
    json_t *response;
    json_error_t e;
    long i, k, done = 0, fdone = 0, faults_api = 0, faults_floor = 0, f0;
    size_t request_bytes = 0, response_bytes;
    struct dist da, df;
    if (api == NULL || floor_ == NULL || starts == NULL || fstarts == NULL) die("out of memory");

    for (i = 0; i < warm; i++) {
        int rc = fn(&out, sim, requests[i]);
        if (rc != 0) die("%s warm-up call %ld failed (%d): %s", name, i, rc, out ? out : "(null)");
        if (i == warm - 1) sample = xstrdup(out);
        apsim_string_free(out);
    }
    response = json_loads(sample, 0, &e);
    if (response == NULL) die("%s: unparsable response", name);
    response_bytes = strlen(sample);
    for (i = 0; i < warm; i++) {  /* warm the floor too */
        json_t *r = json_loads(requests[i], JSON_REJECT_DUPLICATES, &e);
        char *s = json_dumps(response, JSON_COMPACT);
        json_decref(r);
        free(s);
    }
    while (done < iters) {
        long n = iters - done < block ? iters - done : block;
        f0 = minor_faults();
        for (k = 0; k < n; k++) {
            const char *req = requests[warm + done + k];
            int64_t t0 = now_ns();
            int rc = fn(&out, sim, req);
            apsim_string_free(out);
            api[done + k] = now_ns() - t0;
            starts[done + k] = t0;
            if (rc != 0) die("%s call %ld failed (%d)", name, done + k, rc);
        }
        faults_api += minor_faults() - f0;
        f0 = minor_faults();
        for (k = 0; k < n; k++) {
            const char *req = requests[warm + fdone + k];
            int64_t t0 = now_ns();
            json_t *r = json_loads(req, JSON_REJECT_DUPLICATES, &e);
            char *s = json_dumps(response, JSON_COMPACT);
            json_decref(r);
            free(s);
            floor_[fdone + k] = now_ns() - t0;
            fstarts[fdone + k] = t0;
            if (r == NULL || s == NULL) die("floor failed");
        }
        faults_floor += minor_faults() - f0;
        done += n;
        fdone += n;
    }
    for (i = warm; i < warm + iters; i++) request_bytes += strlen(requests[i]);
    {
        int64_t *copy = malloc((size_t)iters * sizeof *copy);
        if (copy == NULL) die("out of memory");
        memcpy(copy, api, (size_t)iters * sizeof *copy);
        da = summarize(copy, iters);
        tail = tail_json(api, starts, iters, da.median_ns);
        memcpy(copy, floor_, (size_t)iters * sizeof *copy);
        df = summarize(copy, iters);
        json_object_set_new(tail, "floor", tail_json(floor_, fstarts, iters, df.median_ns));
        json_object_set_new(tail, "page_faults_per_call", json_real((double)faults_api / (double)iters));
        json_object_set_new(tail, "floor_page_faults_per_call", json_real((double)faults_floor / (double)iters));
        free(copy);
    }
    json_object_set_new(g_results, name,
                        json_pack("{s:o,s:o,s:f,s:f,s:I,s:I,s:o}", "apsim", dist_json(da), "floor", dist_json(df),
                                  "ratio_median", da.median_ns / df.median_ns, "ratio_p99", da.p99_ns / df.p99_ns,
                                  "request_bytes", (json_int_t)(request_bytes / (size_t)iters),
                                  "response_bytes", (json_int_t)response_bytes, "tail", tail));
    printf("%-44s median %8.2f us  p99 %8.2f us\n", name, da.median_ns / 1000, da.p99_ns / 1000);
    printf("%-44s median %8.2f us  p99 %8.2f us\n", "  floor: json_loads(request)+json_dumps(response)",
           df.median_ns / 1000, df.p99_ns / 1000);
    printf("%-44s median %8.2fx     p99 %8.2fx   (target <= 3x)\n", "  apsim / floor", da.median_ns / df.median_ns,
           da.p99_ns / df.p99_ns);
    {
        /* Tail diagnostic (not in the table's numbers): the next g_diag requests, each call
         * bracketed by getrusage, to see whether the slow calls are the ones with a page fault. */
        const long nd = g_diag;
        long slow_f = 0, slow_n = 0, fast_f = 0, fast_n = 0, d;
        char **more = requests + warm + iters;
        for (d = 0; d < nd; d++) {
            long fa = minor_faults(), fb;
            int64_t t0 = now_ns(), t;
            int rc = fn(&out, sim, more[d]);
            apsim_string_free(out);
            t = now_ns() - t0;
            fb = minor_faults();
            if (rc != 0) die("%s tail diagnostic call failed (%d)", name, rc);
            if ((double)t > 2.0 * da.median_ns) { slow_n++; slow_f += fb > fa; } else { fast_n++; fast_f += fb > fa; }
        }
        if (nd > 0) {
            json_object_set_new(tail, "diag_calls", json_integer((json_int_t)nd));
            json_object_set_new(tail, "diag_slow_with_fault", json_real(slow_n ? (double)slow_f / (double)slow_n : 0.0));
            json_object_set_new(tail, "diag_fast_with_fault", json_real(fast_n ? (double)fast_f / (double)fast_n : 0.0));
        }
    }
    printf("%-44s %.2f%% of calls > 2x median, every %.2f ms (median spacing), +%.1f us each;"
           " %.3f page faults/call (floor %.3f)\n", "  apsim tail",
           100.0 * json_real_value(json_object_get(tail, "slow_fraction")),
           json_real_value(json_object_get(tail, "slow_spacing_median_ms")),
           json_real_value(json_object_get(tail, "slow_excess_median_us")),
           (double)faults_api / (double)iters, (double)faults_floor / (double)iters);
    json_decref(response);
    free(sample);
    free(api);
    free(floor_);
    free(starts);
    free(fstarts);
}

static void bench_efs(void) {
    const int nfs = 8;
    long total = g_warmup + g_iters + g_diag, i;
    char *fs[8], token[32];
    char **requests = malloc((size_t)total * sizeof *requests);
    apsim *sim = open_world("{\"seed\":1,\"start_time\":" START_TIME ",\"access_points_per_file_system\":100000}");
    if (requests == NULL) die("out of memory");
    progress("efs: %ld CreateAccessPoint calls (+%ld warm-up) over %d file systems", g_iters, g_warmup, nfs);
    for (i = 0; i < nfs; i++) {
        snprintf(token, sizeof token, "bench-fs-%ld", i);
        fs[i] = efs_file_system(sim, token);
    }
    for (i = 0; i < total; i++) requests[i] = efs_request(fs[i % nfs], "ap", i);
    create_vs_floor("efs_create_access_point", sim, apsim_efs_create_access_point, requests, g_warmup, g_iters);
    for (i = 0; i < total; i++) free(requests[i]);
    for (i = 0; i < nfs; i++) free(fs[i]);
    free(requests);
    apsim_close(sim);
}

static void bench_fsx(void) {
    long total = g_warmup + g_iters + g_diag, i;
    int nfs = (int)((total + 275) / 276) + 1, f;
    char **volumes = malloc((size_t)nfs * sizeof *volumes);
    char **requests = malloc((size_t)total * sizeof *requests);
    apsim *sim = open_world("{\"seed\":2,\"start_time\":" START_TIME ",\"s3_access_points_per_region\":1000000}");
    if (requests == NULL || volumes == NULL) die("out of memory");
    progress("fsx: %ld CreateAndAttachS3AccessPoint calls (+%ld warm-up) over %d file systems", g_iters, g_warmup, nfs);
    for (f = 0; f < nfs; f++) volumes[f] = zfs_root_volume(sim);
    for (i = 0; i < total; i++) requests[i] = fsx_request(volumes[i % nfs], i);
    create_vs_floor("fsx_create_and_attach_s3_access_point", sim, apsim_fsx_create_and_attach_s3_access_point,
                    requests, g_warmup, g_iters);
    for (i = 0; i < total; i++) free(requests[i]);
    for (f = 0; f < nfs; f++) free(volumes[f]);
    free(requests);
    free(volumes);
    apsim_close(sim);
}

/* ---- DescribeAccessPoints: a page of 100 in a small and a big world -------------------------- */

struct page_world {
    apsim *sim;
    long n;
    char *request;  /* FileSystemId, MaxResults 100, NextToken of the middle page */
    size_t response_bytes;
};

static void page_world_open(struct page_world *w, long n) {
    char *fs, *req;
    char *token = NULL;
    long i, pages;
    w->n = n;
    w->sim = open_world("{\"seed\":4,\"start_time\":" START_TIME ",\"access_points_per_file_system\":200000}");
    fs = efs_file_system(w->sim, "page-fs");
    for (i = 0; i < n; i++) {
        char *out = NULL;
        req = efs_request(fs, "pg", i);
        if (apsim_efs_create_access_point(&out, w->sim, req) != 0) die("page world: create failed: %s", out);
        apsim_string_free(out);
        free(req);
    }
    /* Walk to the middle of the list: n/2 items, pages of 100. */
    pages = n / 200;
    for (i = 0; i < pages; i++) {
        json_t *doc;
        req = token ? xprintf("{\"FileSystemId\":\"%s\",\"MaxResults\":100,\"NextToken\":\"%s\"}", fs, token)
                    : xprintf("{\"FileSystemId\":\"%s\",\"MaxResults\":100}", fs);
        doc = call_ok(w->sim, "efs:DescribeAccessPoints", req);
        free(req);
        free(token);
        if (json_array_size(json_object_get(doc, "AccessPoints")) != 100) die("page walk: short page");
        token = str_at(doc, "NextToken", NULL, NULL);
        json_decref(doc);
    }
    w->request = xprintf("{\"FileSystemId\":\"%s\",\"MaxResults\":100,\"NextToken\":\"%s\"}", fs, token);
    {
        char *out = NULL;
        if (apsim_call(&out, w->sim, "efs:DescribeAccessPoints", w->request) != 0) die("page: %s", out);
        w->response_bytes = strlen(out);
        apsim_string_free(out);
    }
    free(token);
    free(fs);
}

static void bench_page(void) {
    const long small = 1000, big = 100000, reps = 2000, block = 100;
    struct page_world w[2];
    int64_t *ns[2];
    struct dist d[2];
    long done, k, i;
    int j;
    progress("page: worlds of %ld and %ld access points, %ld timed pages each", small, big, reps);
    page_world_open(&w[0], small);
    page_world_open(&w[1], big);
    for (j = 0; j < 2; j++) {
        ns[j] = malloc((size_t)reps * sizeof(int64_t));
        if (ns[j] == NULL) die("out of memory");
        for (i = 0; i < 200; i++) {  /* warm-up */
            char *out = NULL;
            apsim_call(&out, w[j].sim, "efs:DescribeAccessPoints", w[j].request);
            apsim_string_free(out);
        }
    }
    for (done = 0; done < reps; done += block) {
        for (j = 0; j < 2; j++) {
            for (k = 0; k < block; k++) {
                char *out = NULL;
                int64_t t0 = now_ns();
                int rc = apsim_call(&out, w[j].sim, "efs:DescribeAccessPoints", w[j].request);
                apsim_string_free(out);
                ns[j][done + k] = now_ns() - t0;
                if (rc != 0) die("page call failed (%d)", rc);
            }
        }
    }
    for (j = 0; j < 2; j++) d[j] = summarize(ns[j], reps);
    json_object_set_new(g_results, "describe_page_100",
                        json_pack("{s:o,s:o,s:f,s:f,s:I}", "world_1000", dist_json(d[0]), "world_100000", dist_json(d[1]),
                                  "ratio_median", d[1].median_ns / d[0].median_ns, "ratio_p99", d[1].p99_ns / d[0].p99_ns,
                                  "response_bytes", (json_int_t)w[1].response_bytes));
    print_scale_pair("DescribeAccessPoints page of 100", d);
    for (j = 0; j < 2; j++) {
        free(ns[j]);
        free(w[j].request);
        apsim_close(w[j].sim);
    }
}

/* ---- Resident memory per access point -------------------------------------------------------- */

static void bench_rss(void) {
    const long total = 1000000;
    const int nfs = 10;
    char *fs[11], token[32];
    long i, before, after;
    int64_t t0, elapsed;
    apsim *sim = open_world("{\"seed\":5,\"start_time\":" START_TIME ",\"access_points_per_file_system\":100000}");
    progress("rss: creating %ld access points over %d file systems", total, nfs);
    for (i = 0; i <= nfs; i++) {
        snprintf(token, sizeof token, "rss-fs-%ld", i);
        fs[i] = efs_file_system(sim, token);
    }
    { /* one warm-up call (on an 11th file system) so lazily made library state is in the baseline */
        char *out = NULL, *req = efs_request(fs[nfs], "warm", 0);
        if (apsim_efs_create_access_point(&out, sim, req) != 0) die("rss warm-up: %s", out);
        apsim_string_free(out);
        free(req);
    }
    malloc_trim(0);
    before = rss_bytes();
    t0 = now_ns();
    for (i = 0; i < total; i++) {
        char req[1024], *out = NULL;
        snprintf(req, sizeof req,
                 "{\"ClientToken\":\"rss-%08ld\",\"FileSystemId\":\"%s\",\"PosixUser\":{\"Uid\":1000,\"Gid\":1000},"
                 "\"RootDirectory\":{\"Path\":\"/export/rss-%08ld\",\"CreationInfo\":{\"OwnerUid\":1000,\"OwnerGid\":1000,"
                 "\"Permissions\":\"755\"}},\"Tags\":[{\"Key\":\"Name\",\"Value\":\"rss-%08ld\"}]}",
                 i, fs[i % nfs], i, i);
        if (apsim_efs_create_access_point(&out, sim, req) != 0) die("rss create %ld failed: %s", i, out);
        apsim_string_free(out);
    }
    elapsed = now_ns() - t0;
    malloc_trim(0);
    after = rss_bytes();
    json_object_set_new(g_results, "rss",
                        json_pack("{s:I,s:I,s:I,s:f,s:f}", "access_points", (json_int_t)total, "rss_before", (json_int_t)before,
                                  "rss_after", (json_int_t)after, "bytes_per_access_point",
                                  (double)(after - before) / (double)total, "creates_per_s",
                                  (double)total / ((double)elapsed / 1e9)));
    printf("%-44s %8.0f bytes/AP (RSS %.1f -> %.1f MiB)   (target <= 1024)\n", "resident memory at 1,000,000 APs",
           (double)(after - before) / (double)total, before / 1048576.0, after / 1048576.0);
    printf("%-44s %8.0f creates/s while filling (1 thread)\n", "", (double)total / ((double)elapsed / 1e9));
    for (i = 0; i <= nfs; i++) free(fs[i]);
    apsim_close(sim);
}

/* ---- One thread vs two ----------------------------------------------------------------------- */

struct worker {
    apsim *sim;
    char **requests;
    long n;
    int failed;
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    long i;
    for (i = 0; i < w->n; i++) {
        char *out = NULL;
        if (apsim_efs_create_access_point(&out, w->sim, w->requests[i]) != 0) w->failed++;
        apsim_string_free(out);
    }
    return NULL;
}

struct usage {
    double cpu_s;   /* user + system CPU time of the process */
    long switches;  /* voluntary + involuntary context switches */
};

static struct usage usage_now(void) {
    struct rusage ru;
    struct usage u;
    getrusage(RUSAGE_SELF, &ru);
    u.cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
              (double)ru.ru_stime.tv_usec / 1e6;
    u.switches = ru.ru_nvcsw + ru.ru_nivcsw;
    return u;
}

#define THREADS_WORLD "{\"seed\":6,\"start_time\":" START_TIME ",\"access_points_per_file_system\":100000}"

/* Creates `total` access points with `threads` threads on a fresh world (or, with `separate`, on
 * a fresh world per thread: nothing shared but the library's code and the machine); returns
 * calls/s, and in *cpu_us the CPU time per call and in *switches the context switches per 1,000
 * calls. */
static double threads_run(int threads, int separate, long total, long run, double *cpu_us, double *switches) {
    struct usage u0, u1;
    apsim *worlds[2] = {NULL, NULL};
    struct worker w[2];
    pthread_t tid[2];
    char prefix[32], token[32];
    int t;
    long i, per = total / threads;
    int64_t t0, elapsed;
    for (t = 0; t < threads; t++) {
        char *fs;
        apsim *sim = worlds[t] = (t == 0 || separate) ? open_world(THREADS_WORLD) : worlds[0];
        snprintf(token, sizeof token, "thr-fs-%d", t);
        fs = efs_file_system(sim, token);
        w[t].sim = sim;
        w[t].n = per;
        w[t].failed = 0;
        w[t].requests = malloc((size_t)per * sizeof(char *));
        if (w[t].requests == NULL) die("out of memory");
        snprintf(prefix, sizeof prefix, "r%ld-t%d", run, t);
        for (i = 0; i < per; i++) w[t].requests[i] = efs_request(fs, prefix, i);
        free(fs);
    }
    u0 = usage_now();
    t0 = now_ns();
    for (t = 0; t < threads; t++) {
        if (pthread_create(&tid[t], NULL, worker_main, &w[t]) != 0) die("pthread_create failed");
    }
    for (t = 0; t < threads; t++) pthread_join(tid[t], NULL);
    elapsed = now_ns() - t0;
    u1 = usage_now();
    if (cpu_us) *cpu_us = (u1.cpu_s - u0.cpu_s) * 1e6 / (double)(per * threads);
    if (switches) *switches = (double)(u1.switches - u0.switches) * 1000.0 / (double)(per * threads);
    for (t = 0; t < threads; t++) {
        if (w[t].failed) die("threads: %d creates failed", w[t].failed);
        for (i = 0; i < per; i++) free(w[t].requests[i]);
        free(w[t].requests);
        if (t == 0 || separate) apsim_close(worlds[t]);
    }
    return (double)(per * threads) / ((double)elapsed / 1e9);
}

static void bench_threads(void) {
    const long total = 20000;
    const int runs = 5;
    double one[5], two[5], sep[5], ratio_sep[5], cpu1[5], cpu2[5], cpus[5], sw1[5], sw2[5], sws[5];
    double m1, m2, ms, c1, c2, cs, s1, s2;
    int r;
    progress("threads: %d runs each of %ld creates with 1 and with 2 threads (%ld cores online), and with 2 "
             "threads on a world each (the machine's own scaling)", runs, total, sysconf(_SC_NPROCESSORS_ONLN));
    threads_run(1, 0, 2000, 99, NULL, NULL);  /* warm-up */
    for (r = 0; r < runs; r++) {
        one[r] = threads_run(1, 0, total, 3 * r, &cpu1[r], &sw1[r]);
        two[r] = threads_run(2, 0, total, 3 * r + 1, &cpu2[r], &sw2[r]);
        sep[r] = threads_run(2, 1, total, 3 * r + 2, &cpus[r], &sws[r]);
        ratio_sep[r] = sep[r] / one[r];
    }
    m1 = median_d(one, runs);
    m2 = median_d(two, runs);
    ms = median_d(sep, runs);
    cs = median_d(cpus, runs);
    c1 = median_d(cpu1, runs);
    c2 = median_d(cpu2, runs);
    s1 = median_d(sw1, runs);
    s2 = median_d(sw2, runs);
    json_object_set_new(g_results, "threads",
                        json_pack("{s:f,s:f,s:f,s:I,s:I,s:f,s:f,s:f,s:f,s:f}", "one_thread_calls_per_s", m1,
                                  "two_threads_calls_per_s", m2, "ratio", m2 / m1, "cores",
                                  (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "calls_per_run", (json_int_t)total,
                                  "cpu_us_per_call_1", c1, "cpu_us_per_call_2", c2, "switches_per_1000_calls_1", s1,
                                  "switches_per_1000_calls_2", s2, "cpus_busy_2", c2 * m2 / 1e6));
    json_object_set_new(json_object_get(g_results, "threads"), "separate_worlds",
                        json_pack("{s:f,s:f,s:f,s:f,s:f}", "calls_per_s", ms, "ratio", median_d(ratio_sep, runs),
                                  "cpu_us_per_call", cs, "switches_per_1000_calls", median_d(sws, runs),
                                  "cpus_busy", cs * ms / 1e6));
    printf("%-44s %8.0f calls/s  (%.1f us CPU/call, %.1f context switches/1000 calls)\n", "CreateAccessPoint, 1 thread",
           m1, c1, s1);
    printf("%-44s %8.0f calls/s  (%.1f us CPU/call, %.1f context switches/1000 calls, %.2f CPUs busy)\n",
           "CreateAccessPoint, 2 threads", m2, c2, s2, c2 * m2 / 1e6);
    printf("%-44s %8.2fx   (target >= 1.5x)\n", "  2 threads / 1 thread", m2 / m1);
    printf("%-44s %8.0f calls/s  (%.1f us CPU/call, %.2f CPUs busy; %.2fx 1 thread: the machine's own scaling)\n",
           "CreateAccessPoint, 2 threads, a world each", ms, cs, cs * ms / 1e6, median_d(ratio_sep, runs));
}

/* ---- state_file: the cost of one change at 1,000 and 100,000 resources ----------------------- */

struct state_world {
    apsim *sim;
    long n;
    char *fs;
    char *path;
    double open_ms;
    long state_bytes;
};

static void state_world_open(struct state_world *w, const char *dir, long n) {
    apsim *build = open_world("{\"seed\":7,\"start_time\":" START_TIME ",\"access_points_per_file_system\":200000}");
    json_t *state;
    char *config;
    FILE *f;
    long i;
    int64_t t0;
    w->n = n;
    w->fs = efs_file_system(build, "state-fs");
    for (i = 0; i < n; i++) {
        char *out = NULL, *req = efs_request(w->fs, "st", i);
        if (apsim_efs_create_access_point(&out, build, req) != 0) die("state world: %s", out);
        apsim_string_free(out);
        free(req);
    }
    state = call_ok(build, "apsim:ExportState", "{}");
    json_object_del(state, "ResponseMetadata");
    apsim_close(build);
    w->path = xprintf("%s/state-%ld.json", dir, n);
    if (json_dump_file(state, w->path, JSON_COMPACT) != 0) die("cannot write %s", w->path);
    json_decref(state);
    f = fopen(w->path, "r");
    if (f == NULL) die("cannot open %s", w->path);
    fseek(f, 0, SEEK_END);
    w->state_bytes = ftell(f);
    fclose(f);
    config = xprintf("{\"access_points_per_file_system\":200000,\"state_file\":\"%s\"}", w->path);
    t0 = now_ns();
    w->sim = open_world(config);
    w->open_ms = (double)(now_ns() - t0) / 1e6;
    free(config);
}

static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL) return;
    while ((e = readdir(d)) != NULL) {
        char path[4096 + 512];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void bench_state(void) {
    const long reps = 300, block = 25;
    const long sizes[2] = {1000, 100000};
    char dir[4096];
    const char *tmp = getenv("TMPDIR");
    struct state_world w[2];
    int64_t *ns[2];
    struct dist d[2];
    long done, k;
    int j;
    snprintf(dir, sizeof dir, "%s/apsim-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) die("mkdtemp failed");
    progress("state: worlds of %ld and %ld access points with a state_file in %s, %ld timed creates each",
             sizes[0], sizes[1], dir, reps);
    for (j = 0; j < 2; j++) {
        state_world_open(&w[j], dir, sizes[j]);
        ns[j] = malloc((size_t)reps * sizeof(int64_t));
        if (ns[j] == NULL) die("out of memory");
        for (k = 0; k < 20; k++) {  /* warm-up: opens the journal */
            char *out = NULL, *req = efs_request(w[j].fs, "sw", k);
            if (apsim_efs_create_access_point(&out, w[j].sim, req) != 0) die("state warm-up: %s", out);
            apsim_string_free(out);
            free(req);
        }
    }
    for (done = 0; done < reps; done += block) {
        for (j = 0; j < 2; j++) {
            for (k = 0; k < block; k++) {
                char *out = NULL, *req = efs_request(w[j].fs, "sx", done + k);
                int64_t t0 = now_ns();
                int rc = apsim_efs_create_access_point(&out, w[j].sim, req);
                apsim_string_free(out);
                ns[j][done + k] = now_ns() - t0;
                free(req);
                if (rc != 0) die("state create failed (%d)", rc);
            }
        }
    }
    for (j = 0; j < 2; j++) d[j] = summarize(ns[j], reps);
    json_object_set_new(g_results, "state_file_create",
                        json_pack("{s:o,s:o,s:f,s:f,s:f,s:f,s:I,s:I,s:s}", "world_1000", dist_json(d[0]), "world_100000",
                                  dist_json(d[1]), "ratio_median", d[1].median_ns / d[0].median_ns, "ratio_p99",
                                  d[1].p99_ns / d[0].p99_ns, "open_ms_1000", w[0].open_ms, "open_ms_100000", w[1].open_ms,
                                  "state_bytes_1000", (json_int_t)w[0].state_bytes, "state_bytes_100000",
                                  (json_int_t)w[1].state_bytes, "dir", dir));
    print_scale_pair("CreateAccessPoint + state_file", d);
    printf("%-44s %.1f ms / %.1f ms (state files of %.1f KiB / %.1f MiB)\n", "  open (load + compact) 1,000 / 100,000",
           w[0].open_ms, w[1].open_ms, w[0].state_bytes / 1024.0, w[1].state_bytes / 1048576.0);
    for (j = 0; j < 2; j++) {
        apsim_close(w[j].sim);  /* compacts: rewrites the snapshot, empties the journal */
        free(ns[j]);
        free(w[j].fs);
        free(w[j].path);
    }
    remove_dir(dir);
}

/* ---- main ------------------------------------------------------------------------------------ */

int main(int argc, char **argv) {
    int i;
    char *line;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc) {
            g_iters = atol(argv[++i]);
        } else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
            g_warmup = atol(argv[++i]);
        } else if (strcmp(argv[i], "--diag") == 0 && i + 1 < argc) {
            g_diag = atol(argv[++i]);
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            g_only = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--iters N] [--warmup N] [--diag N] [--only efs,fsx,page,rss,threads,state]\n",
                    argv[0]);
            return 2;
        }
    }
    if (g_iters < 1 || g_warmup < 1) die("--iters and --warmup must be positive");
    if (g_diag < 0 || g_diag > DIAG_CALLS_MAX) die("--diag must be from 0 to %d", DIAG_CALLS_MAX);
    if (strcmp(apsim_version(), APSIM_VERSION_STRING) != 0) die("header/library mismatch");
    g_results = json_pack("{s:s,s:s,s:I,s:I}", "bench", "c", "apsim_version", apsim_version(), "iters",
                          (json_int_t)g_iters, "warmup", (json_int_t)g_warmup);
    json_object_set_new(g_results, "jansson_version", json_string(JANSSON_VERSION));
    printf("apsim %s, jansson %s, %ld timed calls after %ld warm-up calls\n", apsim_version(), JANSSON_VERSION,
           g_iters, g_warmup);
    if (enabled("efs")) bench_efs();
    if (enabled("fsx")) bench_fsx();
    if (enabled("page")) bench_page();
    if (enabled("rss")) bench_rss();
    if (enabled("threads")) bench_threads();
    if (enabled("state")) bench_state();
    fflush(stdout);
    line = json_dumps(g_results, JSON_COMPACT);
    printf("%s\n", line);
    free(line);
    json_decref(g_results);
    return 0;
}
