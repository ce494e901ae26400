/* fuzz_spec.c: libFuzzer harness for the model-spec parser: a spec it accepts formats back to a spec that parses
 * to the same model (docs/reliability.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nnlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    nn_model *m = nn_model_from_spec(3, s, NN_LOSS_NONE, 1);
    if (m) {
        char a[8192], b[8192];
        if (nn_model_spec(m, a, sizeof a) < (int)sizeof a) {
            nn_model *m2 = nn_model_from_spec(3, a, NN_LOSS_NONE, 1);
            if (!m2) abort();
            nn_model_spec(m2, b, sizeof b);
            if (strcmp(a, b) || nn_model_nparams(m) != nn_model_nparams(m2) || nn_model_outputs(m) != nn_model_outputs(m2))
                abort();
            nn_model_free(m2);
        }
        nn_model_free(m);
    }
    free(s);
    return 0;
}
