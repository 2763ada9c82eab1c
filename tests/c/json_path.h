/* Reading the library's JSON answers in the C tests (jansson): parse-and-free, dotted paths, the
 * ID formats, call(), call_in(), validate(), open_world() and CHECK_MISUSE(). */
#ifndef APSIM_TESTS_JSON_PATH_H
#define APSIM_TESTS_JSON_PATH_H

#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apsim.h"
#include "check.h"

/* Parses a library string (NULL gives NULL) and releases it with apsim_string_free. Duplicate
 * keys are an error (the library never writes them); NULs in strings are allowed. */
static inline json_t *parse_and_free(char *text) {
    json_t *doc = NULL;
    if (text != NULL) {
        json_error_t err;
        doc = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
        if (doc == NULL) fprintf(stderr, "unparsable response (%s): %.300s\n", err.text, text);
        apsim_string_free(text);
    }
    return doc;
}

/* The value at a dotted path: "Error.Code", "AccessPoints.0.AccessPointId" (numbers index arrays). */
static inline json_t *jget(json_t *root, const char *path) {
    char buf[256];
    char *seg, *save = NULL;
    json_t *cur = root;
    if (root == NULL || strlen(path) >= sizeof buf) return NULL;
    strcpy(buf, path);
    for (seg = strtok_r(buf, ".", &save); seg != NULL && cur != NULL; seg = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur) && isdigit((unsigned char)seg[0])) {
            cur = json_array_get(cur, (size_t)strtoul(seg, NULL, 10));
        } else {
            cur = json_object_get(cur, seg);
        }
    }
    return cur;
}

static inline const char *jstr(json_t *root, const char *path) { return json_string_value(jget(root, path)); }

/* A malloc'd copy of the string at `path` (free it), NULL when there is none. */
static inline char *jdup(json_t *root, const char *path) {
    const char *s = jstr(root, path);
    char *copy = s ? malloc(strlen(s) + 1) : NULL;
    if (copy != NULL) memcpy(copy, s, strlen(s) + 1);
    return copy;
}

/* The integer at `path`, LLONG_MIN when there is none. */
static inline long long jint(json_t *root, const char *path) {
    json_t *v = jget(root, path);
    return json_is_integer(v) ? (long long)json_integer_value(v) : LLONG_MIN;
}

/* The length of the array at `path`, (size_t)-1 when there is none. */
static inline size_t jlen(json_t *root, const char *path) {
    json_t *v = jget(root, path);
    return json_is_array(v) ? json_array_size(v) : (size_t)-1;
}

/* prefix + exactly 17 lowercase hex digits (fs-, fsap-, fsvol-, svm-). */
static inline int is_aws_id(const char *s, const char *prefix) {
    size_t n = strlen(prefix), i;
    if (s == NULL || strncmp(s, prefix, n) != 0 || strlen(s) != n + 17) return 0;
    for (i = n; i < n + 17; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    }
    return 1;
}

/* A RequestId: 8-4-4-4-12 lowercase hex. */
static inline int is_request_id(const char *s) {
    size_t i;
    if (s == NULL || strlen(s) != 36) return 0;
    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return 0;
        } else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* A non-NULL pointer that is never freed: out parameters start with it so that a test sees
 * whether the library reset them. */
static char sentinel_byte;
#define SENTINEL (&sentinel_byte)

/* apsim_call with a request given as text; the parsed document (caller decrefs), rc in *rc. A
 * NULL answer means the library left the out parameter as it was. */
static inline json_t *call(apsim *sim, const char *op, const char *req, int *rc) {
    char *out = SENTINEL;
    *rc = apsim_call(&out, sim, op, req);
    if (out == SENTINEL) return NULL;
    return parse_and_free(out);
}

/* The same through apsim_call_in (account and region may be NULL: the world's defaults). */
static inline json_t *call_in(apsim *sim, const char *account, const char *region, const char *op, const char *req,
                              int *rc) {
    char *out = SENTINEL;
    *rc = apsim_call_in(&out, sim, account, region, op, req);
    if (out == SENTINEL) return NULL;
    return parse_and_free(out);
}

/* The same through apsim_validate (no world). */
static inline json_t *validate(const char *op, const char *req, int *rc) {
    char *out = SENTINEL;
    *rc = apsim_validate(&out, op, req);
    if (out == SENTINEL) return NULL;
    return parse_and_free(out);
}

/* apsim_open with `config`, checked: 0 and no error document. The world (NULL when refused). */
static inline apsim *open_world(const char *config) {
    apsim *sim = NULL;
    char *err = SENTINEL;
    int rc = apsim_open(&sim, config, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK(err == NULL);
    if (err != SENTINEL) apsim_string_free(err);
    return sim;
}

/* `expr`, a call that answers through the out parameter `out`, is a misuse of the C API: it
 * returns APSIM_E_MISUSE and resets `out` (set to SENTINEL first) to NULL. Two checks. */
#define CHECK_MISUSE(out, expr)                                                                \
    do {                                                                                       \
        (out) = SENTINEL;                                                                      \
        CHECK_INT_EQ((expr), APSIM_E_MISUSE);                                                  \
        CHECK((out) == NULL);                                                                  \
    } while (0)

#endif
