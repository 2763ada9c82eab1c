/*
 * demo.h -- the few helpers the C demos share (efs_demo.c, fsx_demo.c).
 *
 * Header-only: every function is static, so each demo stays one program that builds on its own
 * (the header sits next to it):
 *
 *   gcc -std=c99 efs_demo.c -o efs_demo -Iinclude -L.build/release -lapsim -ljansson
 *
 * A demo opens its world with open_world(), makes its calls with call() (or an apsim shorthand
 * whose response goes through parse()), reads members with str(), checks each outcome with
 * expect_success() or expect_error(), and returns finish(sim) from main. Every unexpected outcome
 * is counted in `problems`; finish() turns the count into the exit status.
 */
#ifndef APSIM_DEMO_H
#define APSIM_DEMO_H

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "apsim.h"

/* Unexpected outcomes so far. */
static int problems = 0;

/* Parses a response the library returned and releases it. Returns the document (json_decref it)
 * or NULL; `what` names the call in messages. */
static inline json_t *parse(const char *what, char *response) {
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
static inline json_t *call(apsim *sim, const char *operation, const char *request, int *status) {
    char *response = NULL;
    *status = apsim_call(&response, sim, operation, request);
    return parse(operation, response);
}

/* A string member, or "?" when it is missing. */
static inline const char *str(json_t *obj, const char *key) {
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "?";
}

/* Counts a problem (and prints the error envelope) unless the call succeeded. */
static inline void expect_success(const char *what, int status, json_t *doc) {
    if (status != 0 || doc == NULL) {
        json_t *err = json_object_get(doc, "Error");
        fprintf(stderr, "%s failed (%d): %s: %s\n", what, status, str(err, "Code"), str(err, "Message"));
        problems++;
    }
}

/* Prints an error envelope; counts a problem unless it is the expected one. */
static inline void expect_error(const char *what, int status, json_t *doc, int want_status, const char *want_code) {
    json_t *err = json_object_get(doc, "Error");
    printf("%s -> %s (HTTP %d)\n  %s\n", what, str(err, "Code"), status, str(err, "Message"));
    if (status != want_status || strcmp(str(err, "Code"), want_code) != 0) {
        fprintf(stderr, "  expected %s (HTTP %d)\n", want_code, want_status);
        problems++;
    }
}

/* Prints the library version and opens a world with `config`; NULL (the reason printed) when
 * the config is refused. */
static inline apsim *open_world(const char *config) {
    apsim *sim = NULL;
    char *open_error = NULL;
    printf("apsim %s\n", apsim_version());
    if (apsim_open(&sim, config, &open_error) != 0) {
        fprintf(stderr, "apsim_open: %s\n", open_error ? open_error : "?");
        apsim_string_free(open_error);
        return NULL;
    }
    return sim;
}

/* Closes the world and reports: main's exit status, 0 when every outcome was as expected. */
static inline int finish(apsim *sim) {
    apsim_close(sim);
    if (problems) {
        fprintf(stderr, "%d unexpected outcome(s)\n", problems);
        return 1;
    }
    printf("All outcomes as expected.\n");
    return 0;
}

#endif /* APSIM_DEMO_H */
