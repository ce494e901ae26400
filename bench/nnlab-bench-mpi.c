/* nnlab-bench-mpi.c: data-parallel training throughput over MPI ranks, and the share of the step spent in
 * MPI_Allreduce. Run the same workload as `mpirun -np 1`, `mpirun -np 2` and as one process with two threads
 * (no mpirun, --threads 2) to compare them; bench/README.md has the numbers and docs/distributed.md the model. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nnlab.h"
#include "nnlab/mpi.h"

static const char usage[] =
    "usage: [mpirun -np N] nnlab-bench-mpi [--workload W2|W3] [--threads T] [--epochs E]\n"
    "Trains the workload (W2: 64-256-256-10, batch 64; W3: 784-1024-1024-10, batch 256) data-parallel over\n"
    "the ranks on random data with nn_fit and prints one line: global samples/s and the share of the time\n"
    "spent in the gradient allreduce (rank 0's).\n";


/* The MPI reduction, timed. */
typedef struct timed {
    nn_reduce_fn inner;
    void *user;
    double seconds;
} timed;

static int timed_reduce(nn_real *v, size_t n, double *sums, int nsums, void *user)
{
    timed *t = user;
    double t0 = nn_seconds();
    int rc = t->inner(v, n, sums, nsums, t->user);
    t->seconds += nn_seconds() - t0;
    return rc;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank, size, threads = 1, epochs = 3;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const char *wl = "W3";
    static const struct option opts[] = {{"workload", required_argument, NULL, 'w'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"epochs", required_argument, NULL, 'e'},
                                         {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        if (c == 'w') wl = optarg;
        else if (c == 't') threads = atoi(optarg);
        else if (c == 'e') epochs = atoi(optarg);
        else {
            if (rank == 0) fputs(usage, c == 'h' ? stdout : stderr);
            MPI_Finalize();
            return c == 'h' ? 0 : 2;
        }
    }
    int w3 = !strcmp(wl, "W3"), in = w3 ? 784 : 64, classes = 10, batch = w3 ? 256 : 64;
    const char *arch = w3 ? "dense:1024,relu,dense:1024,relu,dense:10" : "dense:256,relu,dense:256,relu,dense:10";
    int rows = batch * (w3 ? 40 : 400);
    nn_set_threads(threads);
    nn_dataset *d = nn_dataset_new(rows, in);
    nn_model *m = nn_model_from_spec(in, arch, NN_LOSS_SOFTMAX_XENT, 1);
    nn_optim *o = nn_optim_parse("sgd:lr=0.01,momentum=0.9");
    if (!d || !m || !o) {
        fprintf(stderr, "nnlab-bench-mpi: %s\n", nn_errmsg());
        MPI_Abort(comm, 1);
    }
    nn_rng g;
    nn_rng_seed(&g, 7);
    for (size_t i = 0; i < (size_t)rows * in; i++) d->x[i] = (nn_real)nn_rng_normal(&g);
    for (int i = 0; i < rows; i++) d->y[i] = (nn_real)(i % classes);
    d->nclasses = classes;
    nn_fit_opts f = nn_fit_defaults();
    f.batch_size = batch;
    f.epochs = 1;
    timed t = {0};
    if (size > 1) {
        nn_mpi_fit_opts(&comm, m, &f);
        t = (timed){f.reduce, f.reduce_user, 0};
        f.reduce = timed_reduce;
        f.reduce_user = &t;
    }
    /* One epoch to warm up (buffers, optimizer state, OpenBLAS threads), then the measured ones. */
    nn_status s = nn_fit(m, o, d, &f, NULL);
    t.seconds = 0;
    MPI_Barrier(comm);
    double t0 = nn_seconds();
    for (int e = 0; e < epochs && s == NN_OK; e++) s = nn_fit(m, o, d, &f, NULL);
    double el = nn_seconds() - t0;
    if (s != NN_OK) {
        fprintf(stderr, "nnlab-bench-mpi: %s\n", nn_errmsg());
        MPI_Abort(comm, 1);
    }
    nn_blas_facts b;
    nn_blas_info(&b);
    if (rank == 0)
        printf("workload=%s ranks=%d threads=%d samples_per_s=%.0f allreduce_share=%.3f params=%zu cpu=\"%s\" "
               "core=%s\n", wl, size, threads, (double)rows * epochs / el, t.seconds / el, nn_model_nparams(m),
               b.cpu, b.core);
    nn_optim_free(o), nn_model_free(m), nn_dataset_free(d);
    MPI_Finalize();
    return 0;
}
