/* nnlab/atomic.h: files and directories replaced as a whole: readers see the old or the new content, never a mix. */
#ifndef NNLAB_ATOMIC_H
#define NNLAB_ATOMIC_H

#include "export.h"
#include <stddef.h>
#include <stdio.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An output file being written: a unique temporary beside the target, renamed over it on commit. */
typedef struct nn_atomic nn_atomic;

/* Starts writing `path`: creates a unique temporary (mkstemp) in the target's directory. A symlink is followed
 * and its final target replaced; a target that exists and is not a regular file (device, FIFO, directory,
 * socket) is refused. The file gets the old target's permissions, else 0666 minus the umask.
 * On success *out is the handle (caller ends it with nn_atomic_commit or nn_atomic_abort). Errors: NN_EINVAL
 * refused target, NN_EIO cannot create, NN_ENOMEM; *out is then NULL. */
NN_API nn_status nn_atomic_open(const char *path, nn_atomic **out);
/* The stream to write to; owned by `a` (do not fclose it). Write errors are remembered and reported on commit. */
NN_API FILE *nn_atomic_file(nn_atomic *a);
/* The temporary's path, for a program that writes the file by name (it must not rename or remove it). */
NN_API const char *nn_atomic_tmpname(const nn_atomic *a);
/* Flushes, fsyncs and closes the temporary, renames it over the target and fsyncs the directory. Frees `a`
 * in every case. Errors: NN_EIO with the system's reason (e.g. "No space left on device"); the temporary is
 * removed and the target left as it was. */
NN_API nn_status nn_atomic_commit(nn_atomic *a);
/* Closes and removes the temporary, leaving the target as it was, and frees `a`. NULL is fine. */
NN_API void nn_atomic_abort(nn_atomic *a);

/* Whole directories (a report): built in a fresh temporary directory, then swapped in.
 * nn_atomic_dir_open creates "path.tmp.XXXXXX" beside `path` and writes its name into tmp (size bytes).
 * A `path` that exists and is not a directory is refused (NN_EINVAL); NN_EIO if it cannot be created. */
NN_API nn_status nn_atomic_dir_open(const char *path, char *tmp, size_t size);
/* Puts directory `tmp` in place of `path` in one step (the old `path`, with everything in it, is deleted
 * afterwards). Of concurrent commits to one path, the last wins and each leaves a complete directory.
 * Errors: NN_EIO (tmp is then removed). */
NN_API nn_status nn_atomic_dir_commit(const char *tmp, const char *path);
/* Deletes the temporary directory and everything in it. NULL is fine. */
NN_API void nn_atomic_dir_abort(const char *tmp);

#ifdef __cplusplus
}
#endif
#endif
