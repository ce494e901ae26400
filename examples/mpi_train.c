/* mpi_train.c: data-parallel training over MPI: every rank builds the same model from the same seed, trains on
 * its share of each batch, and the gradients are summed with MPI_Allreduce (libnnlab_mpi).
 * Run: mpirun -np 2 ./build/mpi_train */
#include <stdio.h>
#include <nnlab.h>
#include <nnlab/mpi.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    /* The same data, split and model on every rank: only the rows of each batch are shared out. */
    nn_dataset *all = nn_dataset_generate("moons", 1000, 2, 0.1, 1), *train = NULL, *test = NULL;
    nn_model *m = nn_model_from_spec(2, "dense:32,relu,dense:32,relu,dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    nn_optim *opt = nn_optim_parse("adam:lr=0.01");
    nn_fit_opts o = nn_fit_defaults();
    o.epochs = 20;
    o.batch_size = 64; /* the global batch: each of the `size` ranks takes about 64 / size rows */
    int ok = all && m && opt && nn_dataset_split(all, 0.2, 42, &train, &test) == NN_OK &&
             nn_mpi_fit_opts(&comm, m, &o) == NN_OK;
    /* Ranks agree before training, so that one that failed does not leave the others waiting. */
    char msg[1200];
    if (!nn_mpi_all_ok(&comm, ok, NULL, 0, msg, sizeof msg)) {
        if (rank == 0) fprintf(stderr, "mpi_train: %s\n", ok ? msg : nn_errmsg());
        MPI_Finalize();
        return 1;
    }
    o.val = test;
    nn_history h;
    nn_status s = nn_fit(m, opt, train, &o, &h);
    if (rank == 0) {
        if (s != NN_OK) fprintf(stderr, "mpi_train: %s\n", nn_errmsg());
        else
            printf("%d ranks: epoch %d loss %.4f, validation accuracy %.3f\n", size, h.n,
                   h.epochs[h.n - 1].loss, h.epochs[h.n - 1].val_acc);
    }
    nn_history_free(&h);
    nn_optim_free(opt), nn_model_free(m);
    nn_dataset_free(all), nn_dataset_free(train), nn_dataset_free(test);
    MPI_Finalize();
    return s == NN_OK ? 0 : 1;
}
