/* test_spec.c: the spec-list splitter every list goes through (--arch, --acts, --variants) and the one shortest
 * round-trip number formatter, in this build's real type. */
#include <float.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "testutil.h"

/* Splits list and joins the items with '|'; returns the status of the first failing call. */
static nn_status split(const char *list, char *out, size_t size)
{
    char item[64];
    size_t pos = 0;
    out[0] = '\0';
    do {
        nn_status s = nn_spec_list_next(list, &pos, item, sizeof item);
        if (s != NN_OK) return s;
        if (*out) strncat(out, "|", size - strlen(out) - 1);
        strncat(out, item, size - strlen(out) - 1);
    } while (list[pos]);
    return NN_OK;
}

START_TEST(test_split_items)
{
    static const char *const cases[][2] = {
        {"relu", "relu"},
        {"dense:64,relu,dense:3", "dense:64|relu|dense:3"},
        /* parameters continue the spec before them, positional or not */
        {"srelu:t_l=-1,a_l=0.1,dense:3", "srelu:t_l=-1,a_l=0.1|dense:3"},
        {"dense:4:init=he,l2=1e-4,relu", "dense:4:init=he,l2=1e-4|relu"},
        {"adam:lr=1e-3,betas=0.9/0.99,sgd", "adam:lr=1e-3,betas=0.9/0.99|sgd"},
        /* a ':' or '+' before the '=' starts a new spec: a layer with keys, compare's variant with a remedy */
        {"relu,dropout:p=0.5", "relu|dropout:p=0.5"},
        {"sgd,sgd+l2=1e-4,adam:lr=0.01+dropout=0.1", "sgd|sgd+l2=1e-4|adam:lr=0.01+dropout=0.1"},
        /* a value may hold '+', ':' or '=' after the key */
        {"elu:alpha=1e+0,relu", "elu:alpha=1e+0|relu"},
        {"x:k=a=b,c=d:e", "x:k=a=b,c=d:e"},
    };
    char out[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_msg(split(cases[i][0], out, sizeof out) == NN_OK, "%s: %s", cases[i][0], nn_errmsg());
        ck_assert_str_eq(out, cases[i][1]);
    }
}
END_TEST

START_TEST(test_split_errors)
{
    static const char *const cases[][2] = {
        {"", "empty list"},
        {",relu", "',relu' has an empty item"},
        {"relu,,tanh", "'relu,,tanh' has an empty item"},
        {"relu,", "'relu,' ends with ','"},
        {"srelu:t_l=-1,", "'srelu:t_l=-1,' ends with ','"},
        {"dense:4,relu:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "is longer than 63"},
    };
    char out[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_int_eq(split(cases[i][0], out, sizeof out), NN_EINVAL);
        ck_assert_msg(strstr(nn_errmsg(), cases[i][1]), "%s: '%s'", cases[i][0], nn_errmsg());
    }
    size_t pos = 0;
    char item[8];
    ck_assert_int_eq(nn_spec_list_next(NULL, &pos, item, sizeof item), NN_EINVAL);
    ck_assert_int_eq(nn_spec_list_next("relu", &pos, item, 0), NN_EINVAL);
    /* the model reports the same errors for --arch */
    nn_model *m = nn_model_new(2, 1);
    ck_assert_int_eq(nn_model_add_arch(m, "dense:2,,relu"), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "has an empty item"));
    ck_assert_int_eq(nn_model_add_arch(m, "srelu:t_l=-1,a_l=0.1,dense:3"), NN_OK);
    ck_assert_int_eq(nn_model_nlayers(m), 3); /* dense:2 went in before the empty item */
    nn_model_free(m);
}
END_TEST

/* v formatted, read back as the build's real type (both readers), must be v; the text must be `want` if given. */
static void roundtrip(nn_real v, const char *want)
{
    char buf[40];
    nn_format_real(buf, sizeof buf, v);
    nn_real a = (nn_real)strtod(buf, NULL);
#ifdef NNLAB_DOUBLE
    nn_real b = strtod(buf, NULL);
#else
    nn_real b = strtof(buf, NULL);
#endif
    ck_assert_msg(memcmp(&a, &v, sizeof v) == 0 && memcmp(&b, &v, sizeof v) == 0, "'%s' does not read back to %.17g",
                  buf, (double)v);
    if (want) ck_assert_str_eq(buf, want);
}

START_TEST(test_format_roundtrip)
{
    roundtrip((nn_real)0.1, "0.1");
    roundtrip((nn_real)-0.0, "-0");
    roundtrip(0, "0");
    roundtrip((nn_real)1e-30, "1e-30");
    roundtrip((nn_real)16777216, "16777216");
    roundtrip((nn_real)(1 / 3.0), sizeof(nn_real) == 8 ? "0.3333333333333333" : "0.33333334");
    roundtrip(NN_REAL_MAX, NULL);
    roundtrip(-NN_REAL_MAX, NULL);
#ifdef NNLAB_DOUBLE
    roundtrip(1e-300, "1e-300");
    roundtrip(DBL_MIN, "2.2250738585072014e-308");
    roundtrip(DBL_TRUE_MIN, "5e-324");                 /* the smallest subnormal */
    roundtrip(9007199254740993.0, "9007199254740992"); /* 2^53 + 1 is not a double */
    roundtrip(123456789012345678.0, "1.2345678901234568e+17");
#else
    roundtrip(FLT_MIN, "1.1754944e-38");
    roundtrip(FLT_TRUE_MIN, "1e-45"); /* the smallest subnormal */
    roundtrip(3e-40f, "3e-40");
    roundtrip(16777217.0f, "16777216");
    roundtrip(123456789.0f, "1.2345679e+08"); /* 123456792 */
#endif
    /* every float in a sweep over the exponents, subnormals included */
    for (int e = -45; e <= 38; e++)
        for (int k = 1; k < 1000; k += 37) roundtrip((nn_real)(k * pow(10, e) / 7), NULL);
    /* the double formatter of spec values: shortest for a double */
    char buf[40];
    nn_format_double(buf, sizeof buf, 0.1);
    ck_assert_str_eq(buf, "0.1");
    nn_format_double(buf, sizeof buf, (double)0.1f);
    ck_assert_str_eq(buf, "0.10000000149011612");
}
END_TEST

/* Specs written by the library read back exactly and stay readable: the activation parameters, a CSV file. */
START_TEST(test_format_specs)
{
    nn_act a;
    ck_assert_int_eq(nn_act_parse("srelu:t_l=-1,a_l=0.1", &a), NN_OK);
    char buf[128];
    nn_act_format(&a, buf, sizeof buf);
    ck_assert_str_eq(buf, "srelu:t_l=-1,a_l=0.1");
    ck_assert_int_eq(nn_act_parse("elu:alpha=1e-30", &a), NN_OK);
    nn_act_format(&a, buf, sizeof buf);
    ck_assert_str_eq(buf, "elu:alpha=1e-30");
}
END_TEST

static Suite *spec_suite(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_split_items);
    tcase_add_test(tc, test_split_errors);
    tcase_add_test(tc, test_format_roundtrip);
    tcase_add_test(tc, test_format_specs);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(spec_suite)
