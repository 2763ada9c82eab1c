/*
 * check.h -- a tiny header-only test harness for the apsim C tests.
 *
 *   static void test_something(void) {
 *       CHECK(p != NULL);                  // every CHECK* is an expression: 1 when it held, else 0
 *       CHECK_INT_EQ(rc, 0);
 *       CHECK_STR_EQ(code, "BadRequest");  // NULL-safe
 *       if (!CHECK(doc != NULL)) return;   // stop this test early when later checks are pointless
 *   }
 *
 *   int main(void) {
 *       CHECK_RUN(test_something);         // runs one test function, counts it as passed/failed
 *       return check_summary();            // prints "N passed, N failed", returns 0 or 1
 *   }
 *
 * A failed check prints `file:line: [test] what` on stderr and the test keeps going (a helper that
 * checks for its caller adds the caller's line with check_blame). The summary
 * counts test functions: a test passes when none of its checks failed. The CHECK macros are meant
 * for the main thread (worker threads should collect results and let the test check them).
 */
#ifndef APSIM_CHECK_H
#define APSIM_CHECK_H

#include <stdio.h>
#include <string.h>

struct check_state_ {
    const char *current;   /* name of the running test */
    long checks;           /* checks evaluated */
    long failed_checks;    /* checks that failed */
    int tests_passed;
    int tests_failed;
};

static inline struct check_state_ *check_state_(void) {
    static struct check_state_ state = {"(no test)", 0, 0, 0, 0};
    return &state;
}

static inline void check_fail_prefix_(const char *file, int line) {
    fprintf(stderr, "%s:%d: [%s] ", file, line, check_state_()->current);
}

static inline int check_true_(int ok, const char *expr, const char *file, int line) {
    struct check_state_ *s = check_state_();
    s->checks++;
    if (!ok) {
        s->failed_checks++;
        check_fail_prefix_(file, line);
        fprintf(stderr, "CHECK(%s) failed\n", expr);
    }
    return ok;
}

static inline int check_int_eq_(long long a, long long b, const char *ea, const char *eb,
                                const char *file, int line) {
    struct check_state_ *s = check_state_();
    s->checks++;
    if (a != b) {
        s->failed_checks++;
        check_fail_prefix_(file, line);
        fprintf(stderr, "CHECK_INT_EQ(%s, %s) failed: %lld != %lld\n", ea, eb, a, b);
        return 0;
    }
    return 1;
}

static inline int check_str_eq_(const char *a, const char *b, const char *ea, const char *eb,
                                const char *file, int line) {
    struct check_state_ *s = check_state_();
    int ok = (a == NULL || b == NULL) ? (a == b) : (strcmp(a, b) == 0);
    s->checks++;
    if (!ok) {
        s->failed_checks++;
        check_fail_prefix_(file, line);
        fprintf(stderr, "CHECK_STR_EQ(%s, %s) failed:\n    got:      %s%s%s\n    expected: %s%s%s\n",
                ea, eb, a ? "\"" : "", a ? a : "NULL", a ? "\"" : "", b ? "\"" : "", b ? b : "NULL",
                b ? "\"" : "");
    }
    return ok;
}

static inline void check_run_(const char *name, void (*fn)(void)) {
    struct check_state_ *s = check_state_();
    long before = s->failed_checks;
    s->current = name;
    fn();
    if (s->failed_checks == before) {
        s->tests_passed++;
    } else {
        s->tests_failed++;
        fprintf(stderr, "FAILED: %s (%ld failed checks)\n", name, s->failed_checks - before);
    }
    s->current = "(no test)";
}

/* Helpers that check on behalf of a caller take the caller's line: they note
 * check_failed_so_far() before their checks and call check_blame(before, file, line) after,
 * which names the caller when one of their checks failed. */
static inline long check_failed_so_far(void) { return check_state_()->failed_checks; }

static inline void check_blame(long before, const char *file, int line) {
    if (check_state_()->failed_checks != before) fprintf(stderr, "    ^ called from %s:%d\n", file, line);
}

/* Prints the one summary line and returns main's exit status (0: everything passed). */
static inline int check_summary(void) {
    struct check_state_ *s = check_state_();
    fflush(stderr);
    printf("%d passed, %d failed\n", s->tests_passed, s->tests_failed);
    fflush(stdout);
    return (s->tests_failed == 0 && s->failed_checks == 0) ? 0 : 1;
}

#define CHECK(cond) check_true_((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
#define CHECK_INT_EQ(a, b) check_int_eq_((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR_EQ(a, b) check_str_eq_((a), (b), #a, #b, __FILE__, __LINE__)
#define CHECK_RUN(fn) check_run_(#fn, fn)

#endif /* APSIM_CHECK_H */
