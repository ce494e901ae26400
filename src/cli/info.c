/* info.c: nnlab info: version, build options, the BLAS, the kernels it runs and what the CPU could run. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char info_help[] =
    "usage: nnlab info\n"
    "Print nnlab's version and build options, the BLAS library and the kernels (core) it runs, the best core\n"
    "this CPU can run, the CPU's vector extensions and the thread count. Warns when the kernels are not the\n"
    "best this CPU can run and names the variable to set.\n";

static void features(unsigned f, char *buf, size_t size)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {NN_CPU_SSE3, "sse3"},         {NN_CPU_AVX, "avx"},           {NN_CPU_AVX2, "avx2+fma"},
        {NN_CPU_AVX512F, "avx512f"},   {NN_CPU_AVX512BW, "avx512bw"}, {NN_CPU_AVX512DQ, "avx512dq"},
        {NN_CPU_AVX512VL, "avx512vl"},
    };
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0] && n < size; i++)
        if (f & names[i].bit) n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", names[i].name);
    if (!n) snprintf(buf, size, "none known");
}

int cmd_info(int argc, char **argv)
{
    if (argc > 1) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
            fputs(info_help, stdout);
            return CLI_OK;
        }
        cli_error("info: unexpected argument '%s' (valid: --help)", argv[1]);
        return CLI_USAGE;
    }
    nn_set_threads(0);
    nn_blas_facts b;
    nn_blas_info(&b);
    char feat[128];
    features(b.features, feat, sizeof feat);
    printf("nnlab %s\n", NNLAB_VERSION_STRING);
    printf("real type: %s\n", sizeof(nn_real) == sizeof(double) ? "double (NNLAB_DOUBLE)" : "float");
    printf("build: %s%s\n",
#ifdef __AVX512F__
           "-march with AVX-512",
#elif defined(__AVX2__)
           "-march with AVX2",
#else
           "portable (no AVX2 at compile time)",
#endif
#if defined(__SANITIZE_ADDRESS__)
           ", AddressSanitizer"
#else
           ""
#endif
    );
    printf("blas: %s\n", b.blas);
    printf("blas core: %s%s%s%s\n", b.core, b.coretype_set ? " (OPENBLAS_CORETYPE=" : "",
           b.coretype_set ? b.coretype_env : "", b.coretype_set ? ")" : "");
    printf("best core for this CPU: %s\n", b.best_core[0] ? b.best_core : "generic");
    printf("cpu: %s\n", b.cpu[0] ? b.cpu : "unknown");
    printf("cpu vector extensions: %s\n", feat);
    printf("threads: %d\n", b.threads);
    if (nn_blas_check() != NN_OK) fprintf(stderr, "nnlab: info: warning: %s\n", nn_errmsg());
    return CLI_OK;
}
