/* fuzz_optim.c: libFuzzer harness for the optimizer-spec parser: a spec it accepts formats back to a spec that
 * parses to the same optimizer (the same canonical text). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nnlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024) return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    nn_optim *o = nn_optim_parse(s);
    if (o) {
        char a[2048], b[2048];
        nn_optim_format(o, a, sizeof a);
        nn_optim *o2 = nn_optim_parse(a);
        if (!o2) abort();
        nn_optim_format(o2, b, sizeof b);
        if (strcmp(a, b)) abort();
        nn_optim_free(o2);
        nn_optim_free(o);
    }
    free(s);
    return 0;
}
