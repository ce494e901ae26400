/* fuzz_csv.c: libFuzzer harness for the CSV reader (data files, standard input and predict's rows all go through
 * nn_dataset_parse_csv), with the default options and with labels as class ids. */
#include <stdint.h>
#include "nnlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_csv_opts o = nn_csv_defaults();
    for (int k = 0; k < 2; k++) {
        o.labels = k ? NN_LABELS_IDS : NN_LABELS_AUTO;
        nn_dataset_free(nn_dataset_parse_csv((const char *)data, size, "fuzz", &o));
    }
    return 0;
}
