/* gradcheck.c: nnlab gradcheck: backward's gradients of a random model on a random batch against finite differences. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#ifdef NNLAB_DOUBLE
/* Measured on 20 seeds of six nets, kinked and smooth: the largest error was 8.2e-6 at a step of 1e-5 (the
 * loss's rounding, about 1e-11 over the step, on gradients of 1e-7 to 1e-6), 2.1e-6 at 3e-5, 7.1e-6 at 1e-4
 * (truncation). */
#define DEFAULT_EPS 3e-5
#define DEFAULT_TOL 1e-5
#else
/* In float a smaller step drowns the difference in rounding (about 1e-7 of the loss over 2 eps), and that
 * rounding over the sqrt(FLT_EPSILON) floor of the denominator reaches 1e-2 on smooth nets; a wrong
 * backward is off by tens of percent. */
#define DEFAULT_EPS 1e-2
#define DEFAULT_TOL 5e-2
#endif

static const char gradcheck_help[] =
    "usage: nnlab gradcheck --arch SPEC [options]\n"
    "Compare backward's gradients of every parameter and input with central differences on a random\n"
    "model and a random batch; prints the largest relative error |g - n| / max(|g| + |n|, sqrt(eps_machine))\n"
    "per layer and for the inputs, then 'max_rel_err=... tol=... ok|FAIL'. Exit status 1 on FAIL.\n\n"
    "  --arch SPEC     layers, e.g. dense:8,tanh,dense:3\n"
    "  --loss L        softmax-xent, sigmoid-bce or mse (default: sigmoid-bce for 1 output, else softmax-xent)\n"
    "  --inputs N      input width (default 4)\n"
    "  --batch B       rows of the random batch (default 8)\n"
    "  --seed S        seed of the model and the batch (default 1)\n"
    "  --init NAME     initialiser of dense and maxout layers that name none (torch, keras, ...)\n"
    "  --eps E         finite-difference step (default " CLI_STR(DEFAULT_EPS) " in this build)\n"
    "  --tol T         largest relative error that passes (default " CLI_STR(DEFAULT_TOL) " in this build)\n"
    "  --double        insist on double precision: this needs a build with -DNNLAB_DOUBLE=ON\n"
    "Kinks (relu, hardtanh, maxout, ...) closer than eps to a pre-activation make a difference quotient\n"
    "across them wrong: a value that disagrees is retried with eps/2, eps/4 and eps/8, central and\n"
    "one-sided, and at a kink on the point itself backward may lie between the one-sided slopes.\n";

enum { OPT_ARCH = 256, OPT_LOSS, OPT_INPUTS, OPT_BATCH, OPT_SEED, OPT_EPS, OPT_TOL, OPT_DOUBLE, OPT_HELP, OPT_INIT };
static const struct option gc_opts[] = {
    {"arch", required_argument, NULL, OPT_ARCH},     {"loss", required_argument, NULL, OPT_LOSS},
    {"inputs", required_argument, NULL, OPT_INPUTS}, {"batch", required_argument, NULL, OPT_BATCH},
    {"seed", required_argument, NULL, OPT_SEED},     {"eps", required_argument, NULL, OPT_EPS},
    {"tol", required_argument, NULL, OPT_TOL},       {"double", no_argument, NULL, OPT_DOUBLE},
    {"help", no_argument, NULL, OPT_HELP},           {"init", required_argument, NULL, OPT_INIT},
    {NULL, 0, NULL, 0},
};

int cmd_gradcheck(int argc, char **argv)
{
    const char *arch = NULL, *loss_name = NULL;
    int inputs = 4, batch = 8, want_double = 0;
    uint64_t seed = 1;
    nn_init init = NN_INIT_AUTO;
    double eps = DEFAULT_EPS, tol = DEFAULT_TOL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", gc_opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case OPT_ARCH: arch = optarg; break;
        case OPT_LOSS: loss_name = optarg; break;
        case OPT_INPUTS: bad = cli_parse_int("gradcheck", "inputs", optarg, 1, 100000, &inputs); break;
        case OPT_BATCH: bad = cli_parse_int("gradcheck", "batch", optarg, 1, 100000, &batch); break;
        case OPT_SEED: bad = cli_parse_seed("gradcheck", optarg, &seed); break;
        case OPT_INIT: bad = cli_parse_init("gradcheck", optarg, &init); break;
        case OPT_EPS: bad = cli_parse_double("gradcheck", "eps", optarg, &eps); break;
        case OPT_TOL: bad = cli_parse_double("gradcheck", "tol", optarg, &tol); break;
        case OPT_DOUBLE: want_double = 1; break;
        case OPT_HELP: fputs(gradcheck_help, stdout); return CLI_OK;
        default: return cli_bad_option("gradcheck", argv, gc_opts);
        }
        if (bad) return CLI_USAGE;
        if ((c == OPT_EPS && !(eps > 0)) || (c == OPT_TOL && !(tol > 0))) {
            cli_error("gradcheck: --%s must be > 0", c == OPT_EPS ? "eps" : "tol");
            return CLI_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("gradcheck: unexpected argument '%s'", argv[optind]);
        return CLI_USAGE;
    }
    if (!arch) {
        cli_error("gradcheck: --arch is required (see 'nnlab gradcheck --help')");
        return CLI_USAGE;
    }
    /* The real type is fixed when libnnlab is compiled; a float build cannot check in double. */
    if (want_double && sizeof(nn_real) != sizeof(double)) {
        cli_error("gradcheck: --double needs nnlab built with -DNNLAB_DOUBLE=ON; this build uses float "
                  "(cmake -S . -B build-double -DNNLAB_DOUBLE=ON)");
        return CLI_USAGE;
    }
    int rc = CLI_USAGE;
    nn_real *x = NULL, *y = NULL;
    double *rel = NULL;
    nn_model *m = nn_model_new(inputs, seed);
    if (!m || nn_model_add_arch(m, arch) != NN_OK || nn_model_set_init(m, init) != NN_OK) {
        cli_error("gradcheck: --arch: %s", nn_errmsg());
        goto done;
    }
    int outs = nn_model_outputs(m), nl = nn_model_nlayers(m);
    nn_loss loss = outs == 1 ? NN_LOSS_SIGMOID_BCE : NN_LOSS_SOFTMAX_XENT;
    if (loss_name && cli_parse_loss("gradcheck", loss_name, &loss)) goto done;
    if (nn_model_set_loss(m, loss) != NN_OK) {
        cli_error("gradcheck: --loss %s: %s", nn_loss_name(loss), nn_errmsg());
        goto done;
    }
    rc = CLI_ERR;
    x = malloc(sizeof *x * (size_t)batch * (size_t)inputs);
    y = malloc(sizeof *y * (size_t)batch);
    rel = calloc((size_t)nl, sizeof *rel);
    if (!x || !y || !rel) {
        cli_error("gradcheck: out of memory");
        goto done;
    }
    /* A stream of its own, so that the batch does not depend on how many draws initialisation took. */
    nn_rng rng;
    nn_rng_seed(&rng, seed ^ 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i < (size_t)batch * (size_t)inputs; i++) x[i] = (nn_real)nn_rng_normal(&rng);
    for (int r = 0; r < batch; r++) {
        if (loss == NN_LOSS_SIGMOID_BCE) y[r] = (nn_real)nn_rng_below(&rng, 2);
        else if (loss == NN_LOSS_MSE && outs == 1) y[r] = (nn_real)nn_rng_normal(&rng);
        else y[r] = (nn_real)nn_rng_below(&rng, (uint32_t)outs);
    }
    double in_err = 0, max_err = 0;
    if (nn_model_gradcheck(m, x, y, batch, eps, rel, &in_err, &max_err) != NN_OK) {
        cli_error("gradcheck: %s", nn_errmsg());
        goto done;
    }
    char spec[1024];
    nn_model_spec(m, spec, sizeof spec);
    printf("gradcheck %s  loss=%s inputs=%d batch=%d seed=%llu eps=%g real=%s\n", spec, nn_loss_name(loss),
           inputs, batch, (unsigned long long)seed, eps, sizeof(nn_real) == sizeof(double) ? "double" : "float");
    for (int i = 0; i < nl; i++) {
        char ls[256];
        size_t np;
        nn_model_layer_spec(m, i, ls, sizeof ls);
        nn_model_layer_params(m, i, &np);
        printf("layer %d %-24s params=%-6zu max_rel_err=%.3g %s\n", i, ls, np, rel[i], rel[i] <= tol ? "ok" : "FAIL");
    }
    printf("%-32s%14s max_rel_err=%.3g %s\n", "inputs", "", in_err, in_err <= tol ? "ok" : "FAIL");
    int pass = max_err <= tol;
    printf("max_rel_err=%.3g tol=%g %s\n", max_err, tol, pass ? "ok" : "FAIL");
    if (!pass)
        fprintf(stderr, "nnlab: gradcheck: relative error above %g: backward disagrees with every difference quotient "
                        "(kinks closer than eps/8 on both sides of a point also do this: try another --seed or "
                        "--batch 1%s)\n", tol, sizeof(nn_real) == sizeof(double) ? "" : ", or a double build");
    rc = pass ? CLI_OK : CLI_ERR;
done:
    free(x);
    free(y);
    free(rel);
    nn_model_free(m);
    return rc;
}
