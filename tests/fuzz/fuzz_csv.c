/* fuzz_csv.c: libFuzzer harness for the CSV reader (data files, standard input and predict's rows all go through
 * nn_dataset_parse_csv), under every label mode: train's and eval's (auto, ids, values) and predict's (ignore a
 * label column, or no label column). */
#include <stdint.h>
#include "nnlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_csv_opts o = nn_csv_defaults();
    static const int modes[] = {NN_LABELS_AUTO, NN_LABELS_IDS, NN_LABELS_VALUES, NN_LABELS_IGNORE,
                                      NN_LABELS_NONE};
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
        o.labels = modes[k];
        nn_dataset_free(nn_dataset_parse_csv((const char *)data, size, "fuzz", &o));
    }
    return 0;
}
