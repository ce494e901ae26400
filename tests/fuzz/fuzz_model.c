/* fuzz_model.c: libFuzzer harness for the model loader. The checksum is recomputed so that the fuzzer reaches the
 * parser behind it; a model the loader accepts must save and load again to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

static char in[64], out1[64], out2[64];

static size_t slurp(const char *path, unsigned char **buf)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    *buf = malloc((size_t)n + 1);
    size_t got = fread(*buf, 1, (size_t)n, f);
    fclose(f);
    return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!in[0]) {
        snprintf(in, sizeof in, "/tmp/fuzz_model_%ld.in", (long)getpid());
        snprintf(out1, sizeof out1, "/tmp/fuzz_model_%ld.a", (long)getpid());
        snprintf(out2, sizeof out2, "/tmp/fuzz_model_%ld.b", (long)getpid());
        nn_set_memory_limit(256 << 20);
    }
    unsigned char *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    if (size >= 16) {
        uint32_t crc = nn_crc32(0, copy, size - 4);
        for (int b = 0; b < 4; b++) copy[size - 4 + b] = (unsigned char)(crc >> (8 * b));
    }
    FILE *f = fopen(in, "wb");
    fwrite(copy, 1, size, f);
    fclose(f);
    free(copy);
    nn_optim *o = NULL;
    nn_model *m = nn_model_load_with(in, &o);
    if (m && nn_model_save_with(m, o, out1) == NN_OK) {
        nn_optim *o2 = NULL;
        nn_model *m2 = nn_model_load_with(out1, &o2);
        if (!m2 || nn_model_save_with(m2, o2, out2) != NN_OK) abort();
        unsigned char *a, *b;
        size_t na = slurp(out1, &a), nb = slurp(out2, &b);
        if (na != nb || memcmp(a, b, na)) abort();
        free(a);
        free(b);
        nn_optim_free(o2);
        nn_model_free(m2);
    }
    nn_optim_free(o);
    nn_model_free(m);
    return 0;
}
