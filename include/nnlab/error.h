/* nnlab/error.h: status codes and the per-thread error message every failing call leaves behind. */
#ifndef NNLAB_ERROR_H
#define NNLAB_ERROR_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible library function returns an nn_status (or NULL) and, on failure,
 * leaves a human-readable message readable with nn_errmsg() in the same thread. */
typedef enum nn_status {
    NN_OK = 0,
    NN_EINVAL,     /* bad argument, bad spec string, bad parameter value */
    NN_ESHAPE,     /* widths or batch sizes that do not fit together */
    NN_ENOMEM,     /* allocation failed */
    NN_EIO,        /* file could not be opened, read, written or renamed */
    NN_EFORMAT,    /* malformed file content: CSV cell, model file, checksum, version */
    NN_ENONFINITE, /* a loss or gradient became NaN or infinite */
    NN_EINTR,      /* stopped on request (nn_request_stop or a callback) */
    NN_STATUS_COUNT
} nn_status;

/* Short fixed name of a status ("invalid argument", ...). Never NULL. */
NN_API const char *nn_strerror(nn_status s);

/* The message of the last failure in this thread (e.g. "data.csv:12: column 3: 'x1' is not a number").
 * Valid until the next failing call in this thread; "" if nothing failed yet. */
NN_API const char *nn_errmsg(void);

/* Forget the last message (nn_errmsg() returns "" afterwards). */
NN_API void nn_errclear(void);

/* For "did you mean X?": the name of the NULL-terminated list nearest to word by edit distance (case
 * ignored) when it is close enough to be a typo of it (a letter or two, a third of a long word); else NULL. */
NN_API const char *nn_nearest_name(const char *word, const char *const *names);

#ifdef __cplusplus
}
#endif
#endif
