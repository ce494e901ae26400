/* testutil.h: what every Check suite shares: tolerances per real type, a main that runs one suite. */
#ifndef NNLAB_TESTUTIL_H
#define NNLAB_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "nnlab.h"

#ifdef NNLAB_DOUBLE
#define TOL_GRAD 1e-6   /* relative error of a central-difference gradient check */
#define TOL_VAL 1e-12   /* relative error of a value against its formula */
#define GRAD_EPS 1e-6
#else
#define TOL_GRAD 2e-2
#define TOL_VAL 2e-6
#define GRAD_EPS 1e-2
#endif

/* |a - b| <= tol * max(1, |b|) */
#define ck_assert_close(a, b, tol)                                                              \
    do {                                                                                        \
        double a_ = (double)(a), b_ = (double)(b), t_ = (double)(tol) * fmax(1.0, fabs(b_));    \
        ck_assert_msg(fabs(a_ - b_) <= t_, "%s = %.17g, expected %s = %.17g (tol %g)", #a, a_,  \
                      #b, b_, t_);                                                              \
    } while (0)

/* For the suites that ask for POSIX (_POSIX_C_SOURCE 200809L before their first #include): a temporary file. */
#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 200809L
#include <unistd.h>

/* m saved to a fresh temporary file and loaded back, the file removed: the model another process would read.
 * Fails the test when saving or loading fails. */
static inline nn_model *nn_test_save_load(const nn_model *m)
{
    char path[] = "/tmp/nnlab-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(nn_model_save(m, path), NN_OK);
    nn_model *back = nn_model_load(path);
    unlink(path);
    ck_assert_msg(back != NULL, "%s", nn_errmsg());
    return back;
}
#endif

/* Defines main() running the suite that make_suite() returns; exit status 0 when all pass. */
#define NN_TEST_MAIN(make_suite)                                 \
    int main(void)                                               \
    {                                                            \
        SRunner *sr = srunner_create(make_suite());              \
        srunner_run_all(sr, CK_NORMAL);                          \
        int failed = srunner_ntests_failed(sr);                  \
        srunner_free(sr);                                        \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;        \
    }

#endif
