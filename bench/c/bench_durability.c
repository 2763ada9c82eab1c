/*
 * bench_durability.c -- why apsim's state_file is an append-only journal and not SQLite.
 *
 * Issue 10, target 5: one mutating call with a state_file must cost at 100,000 resources within 2x
 * of its cost at 1,000, keeping "nothing acknowledged is lost on kill -9". The two candidates were
 * an append-only journal fsynced per change (compacted on open/close) and SQLite in WAL mode through
 * the system's libsqlite3. This program measures the storage step alone, with the same bytes per
 * change (a journal line of a CreateAccessPoint, about 370 bytes), side by side in one run, in
 * stores already holding 1,000 and 100,000 changes:
 *
 *   journal       write(2) of the line to a file opened O_APPEND, then fdatasync (what apsim does)
 *   sqlite_full   INSERT of the line in a WAL-mode database, synchronous=FULL (fsync per commit)
 *   sqlite_normal the same with synchronous=NORMAL (no fsync per commit: survives kill -9, which
 *                 only loses what is not yet in the page cache, but not a power cut)
 *
 *   bench_durability [--reps N] [--dir DIR]     prints a table, then one JSON line
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_durability: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double pct(int64_t *v, long n, double p) {
    long i = (long)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

/* A journal line as apsim writes it for one CreateAccessPoint (sequence number k). */
static int line_for(char *buf, size_t size, long k) {
    return snprintf(buf, size,
                    "{\"Seq\":%ld,\"Account\":\"123456789012\",\"Region\":\"us-east-1\",\"Operation\":"
                    "\"efs:CreateAccessPoint\",\"Request\":{\"ClientToken\":\"bench-token-%08ld\",\"FileSystemId\":"
                    "\"fs-0123456789abcdef0\",\"PosixUser\":{\"Uid\":1000,\"Gid\":1000},\"RootDirectory\":{\"Path\":"
                    "\"/export/app\",\"CreationInfo\":{\"OwnerUid\":1000,\"OwnerGid\":1000,\"Permissions\":\"0755\"}},"
                    "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"app-%ld\"}]}}\n",
                    k, k, k);
}

struct store {
    int kind; /* 0 journal, 1 sqlite FULL, 2 sqlite NORMAL */
    int fd;
    sqlite3 *db;
    sqlite3_stmt *insert;
    long next;
};

static void exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) die("sqlite: %s: %s", sql, err ? err : "?");
}

static void store_append(struct store *s) {
    char line[1024];
    int n = line_for(line, sizeof line, s->next++);
    if (s->kind == 0) {
        ssize_t w = write(s->fd, line, (size_t)n);
        if (w != n) die("write: %s", strerror(errno));
        if (fdatasync(s->fd) != 0) die("fdatasync: %s", strerror(errno));
    } else {
        sqlite3_bind_int64(s->insert, 1, s->next);
        sqlite3_bind_text(s->insert, 2, line, n, SQLITE_STATIC);
        if (sqlite3_step(s->insert) != SQLITE_DONE) die("insert: %s", sqlite3_errmsg(s->db));
        sqlite3_reset(s->insert);
    }
}

static void store_open(struct store *s, const char *dir, int kind, long prefill) {
    char path[4200], line[1024];
    long k;
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->next = 1;
    snprintf(path, sizeof path, "%s/store-%d-%ld", dir, kind, prefill);
    if (kind == 0) {
        FILE *f = fopen(path, "w");
        if (f == NULL) die("fopen %s: %s", path, strerror(errno));
        for (k = 0; k < prefill; k++) {
            int n = line_for(line, sizeof line, s->next++);
            fwrite(line, 1, (size_t)n, f);
        }
        fclose(f);
        s->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (s->fd < 0) die("open %s: %s", path, strerror(errno));
        return;
    }
    if (sqlite3_open(path, &s->db) != SQLITE_OK) die("sqlite3_open %s", path);
    exec(s->db, "PRAGMA journal_mode=WAL");
    exec(s->db, kind == 1 ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec(s->db, "CREATE TABLE journal(seq INTEGER PRIMARY KEY, line TEXT NOT NULL)");
    if (sqlite3_prepare_v2(s->db, "INSERT INTO journal(seq, line) VALUES(?, ?)", -1, &s->insert, NULL) != SQLITE_OK)
        die("prepare: %s", sqlite3_errmsg(s->db));
    exec(s->db, "BEGIN");
    for (k = 0; k < prefill; k++) store_append(s);
    exec(s->db, "COMMIT");
    exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)");
}

static void store_close(struct store *s) {
    if (s->kind == 0) {
        close(s->fd);
    } else {
        sqlite3_finalize(s->insert);
        sqlite3_close(s->db);
    }
}

int main(int argc, char **argv) {
    long reps = 400, block = 20, sizes[2] = {1000, 100000}, done, k;
    const char *names[3] = {"journal", "sqlite_full", "sqlite_normal"};
    const char *base = getenv("TMPDIR");
    char dir[4096];
    struct store st[3][2];
    int64_t *ns[3][2];
    int i, j;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = atol(argv[++i]);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) base = argv[++i];
        else die("usage: %s [--reps N] [--dir DIR]", argv[0]);
    }
    if (reps < block) reps = block;
    reps -= reps % block;
    snprintf(dir, sizeof dir, "%s/apsim-durability-XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(dir) == NULL) die("mkdtemp: %s", strerror(errno));
    for (i = 0; i < 3; i++)
        for (j = 0; j < 2; j++) {
            store_open(&st[i][j], dir, i, sizes[j]);
            ns[i][j] = malloc((size_t)reps * sizeof(int64_t));
            if (ns[i][j] == NULL) die("out of memory");
            for (k = 0; k < 10; k++) store_append(&st[i][j]); /* warm-up */
        }
    /* Interleaved blocks: every store sees the same moments of the machine. */
    for (done = 0; done < reps; done += block)
        for (i = 0; i < 3; i++)
            for (j = 0; j < 2; j++)
                for (k = 0; k < block; k++) {
                    int64_t t0 = now_ns();
                    store_append(&st[i][j]);
                    ns[i][j][done + k] = now_ns() - t0;
                }
    printf("storage step of one change (median / p99, us), %ld changes each, in %s\n", reps, dir);
    {
        char table[2048] = "", json[4096] = "";
        for (i = 0; i < 3; i++) {
            double m[2], p[2];
            for (j = 0; j < 2; j++) {
                qsort(ns[i][j], (size_t)reps, sizeof(int64_t), cmp64);
                m[j] = pct(ns[i][j], reps, 0.5);
                p[j] = pct(ns[i][j], reps, 0.99);
                store_close(&st[i][j]);
                free(ns[i][j]);
            }
            snprintf(table + strlen(table), sizeof table - strlen(table),
                     "  %-14s 1,000: %8.1f / %8.1f   100,000: %8.1f / %8.1f   ratio %.2fx\n", names[i], m[0], p[0], m[1],
                     p[1], m[1] / m[0]);
            snprintf(json + strlen(json), sizeof json - strlen(json),
                     ",\"%s\":{\"median_us_1000\":%.3f,\"p99_us_1000\":%.3f,\"median_us_100000\":%.3f,\"p99_us_100000\":%.3f}",
                     names[i], m[0], p[0], m[1], p[1]);
        }
        /* The table first; stdout's last line is the JSON. */
        printf("%s", table);
        printf("{\"bench\":\"durability\",\"reps\":%ld,\"sqlite\":\"%s\"%s}\n", reps, sqlite3_libversion(), json);
    }
    {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return 0;
}
