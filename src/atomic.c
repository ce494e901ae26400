/* atomic.c: the one way nnlab writes a file or a report directory: a unique temporary, then a rename. */
#define _GNU_SOURCE /* fopencookie, renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

struct nn_atomic {
    FILE *f;
    int fd;
    int err;    /* first errno of a failed write or close: stdio's own errno may be overwritten later */
    char *path; /* the target, symlinks resolved */
    char *tmp;
};

/* Follows symlinks (also dangling ones, whose target is then created) so that the link itself survives. */
static char *resolve(const char *path)
{
    char *p = strdup(path);
    for (int hops = 0; p && hops < 40; hops++) {
        struct stat st;
        char link[PATH_MAX];
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        ssize_t n = readlink(p, link, sizeof link - 1);
        if (n < 0) return p;
        link[n] = '\0';
        const char *slash = strrchr(p, '/');
        size_t dlen = link[0] == '/' || !slash ? 0 : (size_t)(slash - p) + 1;
        char *q = malloc(dlen + (size_t)n + 1);
        if (q) {
            memcpy(q, p, dlen);
            memcpy(q + dlen, link, (size_t)n + 1);
        }
        free(p);
        p = q;
    }
    if (!p) nn_fail(NN_ENOMEM, "%s: out of memory", path);
    return p; /* a loop: the open below fails with ELOOP */
}

/* Refuses what a rename would destroy or could not replace: devices, FIFOs, sockets, directories. */
static nn_status check_target(const char *path, const char *shown, int want_dir, struct stat *st)
{
    if (stat(path, st) != 0) {
        if (errno == ENOENT) return NN_OK;
        return nn_fail(NN_EIO, "%s: %s", shown, strerror(errno));
    }
    if (want_dir ? S_ISDIR(st->st_mode) : S_ISREG(st->st_mode)) return NN_OK;
    return nn_fail(NN_EINVAL, "%s: exists and is not a %s: refusing to replace it", shown,
                   want_dir ? "directory" : "regular file");
}

/* The umask without changing it: umask() itself would race with other threads creating files. */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    unsigned m;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &m) == 1) {
            fclose(f);
            return (mode_t)m;
        }
    if (f) fclose(f);
    mode_t um = umask(022);
    umask(um);
    return um;
}

static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
    nn_atomic *a = c;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(a->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (!a->err) a->err = w < 0 ? errno : EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int cookie_close(void *c)
{
    nn_atomic *a = c;
    int rc = close(a->fd);
    if (rc != 0 && !a->err) a->err = errno;
    a->fd = -1;
    return rc;
}

static void atomic_free(nn_atomic *a)
{
    free(a->path);
    free(a->tmp);
    free(a);
}

nn_status nn_atomic_open(const char *path, nn_atomic **out)
{
    if (!out) return nn_fail(NN_EINVAL, "atomic write: NULL handle pointer");
    *out = NULL;
    if (!path || !*path) return nn_fail(NN_EINVAL, "atomic write: empty path");
    nn_atomic *a = nn_calloc(1, sizeof *a);
    if (!a) return NN_ENOMEM;
    nn_status s = NN_ENOMEM;
    a->fd = -1;
    struct stat st;
    if (!(a->path = resolve(path))) goto fail;
    if ((s = check_target(a->path, path, 0, &st)) != NN_OK) goto fail;
    int exists = access(a->path, F_OK) == 0;
    s = NN_ENOMEM;
    size_t len = strlen(a->path);
    if (!(a->tmp = nn_malloc(len + 12))) goto fail;
    memcpy(a->tmp, a->path, len);
    memcpy(a->tmp + len, ".tmp.XXXXXX", 12);
    if ((a->fd = mkstemp(a->tmp)) < 0) {
        s = nn_fail(NN_EIO, "%s: cannot create a file beside it: %s", path, strerror(errno));
        goto fail;
    }
    /* mkstemp makes the file 0600; output should look like any other file the user creates. */
    fchmod(a->fd, exists ? st.st_mode & 07777 : 0666 & ~current_umask());
    cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
    if (!(a->f = fopencookie(a, "w", io))) {
        nn_fail(NN_ENOMEM, "%s: out of memory", path);
        close(a->fd);
        unlink(a->tmp);
        goto fail;
    }
    *out = a;
    return NN_OK;
fail:
    atomic_free(a);
    return s;
}

FILE *nn_atomic_file(nn_atomic *a) { return a ? a->f : NULL; }

const char *nn_atomic_tmpname(const nn_atomic *a) { return a ? a->tmp : NULL; }

/* A rename is durable only once the directory holding the new name is on disk. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

nn_status nn_atomic_commit(nn_atomic *a)
{
    if (!a) return nn_fail(NN_EINVAL, "atomic write: NULL handle");
    if (fflush(a->f) != 0 && !a->err) a->err = errno ? errno : EIO;
    if (!a->err && fsync(a->fd) != 0) a->err = errno;
    if (fclose(a->f) != 0 && !a->err) a->err = EIO;
    nn_status s = NN_OK;
    if (a->err) s = nn_fail(NN_EIO, "%s: write error: %s", a->path, strerror(a->err));
    else if (rename(a->tmp, a->path) != 0)
        s = nn_fail(NN_EIO, "%s: cannot rename into place: %s", a->path, strerror(errno));
    if (s == NN_OK) sync_dir_of(a->path);
    else unlink(a->tmp);
    atomic_free(a);
    return s;
}

void nn_atomic_abort(nn_atomic *a)
{
    if (!a) return;
    fclose(a->f);
    unlink(a->tmp);
    atomic_free(a);
}

/* ---------------------------------------------------------------- directories */

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(p);
    return 0;
}

void nn_atomic_dir_abort(const char *tmp)
{
    if (tmp && *tmp) nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

nn_status nn_atomic_dir_open(const char *path, char *tmp, size_t size)
{
    if (!path || !*path || !tmp) return nn_fail(NN_EINVAL, "atomic directory: empty path");
    char *real = resolve(path);
    if (!real) return NN_ENOMEM;
    struct stat st;
    nn_status s = check_target(real, path, 1, &st);
    if (s == NN_OK) {
        /* A trailing slash would put the temporary inside the target instead of beside it. */
        size_t len = strlen(real);
        while (len > 1 && real[len - 1] == '/') real[--len] = '\0';
        int n = snprintf(tmp, size, "%s.tmp.XXXXXX", real);
        if (n < 0 || (size_t)n >= size) s = nn_fail(NN_EINVAL, "%s: path too long", path);
        else if (!mkdtemp(tmp)) s = nn_fail(NN_EIO, "%s: cannot create a directory beside it: %s", path,
                                            strerror(errno));
        else chmod(tmp, 0777 & ~current_umask());
    }
    free(real);
    return s;
}

nn_status nn_atomic_dir_commit(const char *tmp, const char *path)
{
    char *real = resolve(path);
    if (!real) {
        nn_atomic_dir_abort(tmp);
        return NN_ENOMEM;
    }
    size_t len = strlen(real);
    while (len > 1 && real[len - 1] == '/') real[--len] = '\0';
    nn_status s = NN_OK;
    /* rename() cannot replace a non-empty directory, so an existing one is exchanged with the new in one step
     * and the old, now under the temporary name, deleted. Another run may create or swap `path` between the
     * two calls: then try again. */
    for (int tries = 0;; tries++) {
        if (rename(tmp, real) == 0) break;
        int err = errno;
#ifdef RENAME_EXCHANGE /* Linux; without it (Emscripten) a directory is only ever renamed onto nothing */
        if (err == EEXIST || err == ENOTEMPTY) {
            if (renameat2(AT_FDCWD, tmp, AT_FDCWD, real, RENAME_EXCHANGE) == 0) {
                nn_atomic_dir_abort(tmp);
                break;
            }
            err = errno;
            if (err == ENOENT && tries < 100) continue;
        }
#endif
        s = nn_fail(NN_EIO, "%s: cannot put the new directory in place: %s", path, strerror(err));
        nn_atomic_dir_abort(tmp);
        break;
    }
    if (s == NN_OK) sync_dir_of(real);
    free(real);
    return s;
}
