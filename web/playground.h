/* web/playground.h: the small C API the browser playground drives (through WebAssembly) and the native
 * trajectory driver calls: a 2-D toy data set, a model and an optimizer trained batch by batch. Built on the
 * public API only (nnlab.h). */
#ifndef NNLAB_PLAYGROUND_H
#define NNLAB_PLAYGROUND_H

typedef struct pg pg;

/* A run: n points of the generator `data` (nn_dataset_generate; classes used by blobs and spirals) with
 * `noise`, the hidden layers `arch` (e.g. "dense:16,relu") followed by an output dense layer the playground
 * adds (one unit for sigmoid-bce, one per class otherwise), the loss name, the optimizer spec
 * (nn_optim_parse), batch size and seed (data, initialisation, shuffling). Caller owns it (pg_free).
 * NULL on any error, with the message in pg_errmsg(). */
pg *pg_new(const char *data, int n, int classes, double noise, const char *arch, const char *loss,
           const char *opt, int batch, double seed);
/* Frees p; NULL is fine. */
void pg_free(pg *p);
/* The message of the last failure ("" if none). */
const char *pg_errmsg(void);

/* Train `batches` mini-batches (epochs reshuffle the rows; the last batch of an epoch may be smaller).
 * Returns the loss of the last batch, or NaN on error or when the loss is not finite (pg_errmsg() says). */
double pg_step(pg *p, int batches);
/* Train up to the end of the current epoch; returns as pg_step. */
double pg_epoch(pg *p);
/* Epochs completed, and batches done in the current epoch. */
int pg_epochs(const pg *p);
int pg_batch(const pg *p);
int pg_batches_per_epoch(const pg *p);
/* Loss and accuracy of the model on the whole data set (inference mode), recomputed at each call;
 * NaN on error. */
double pg_loss(pg *p);
double pg_accuracy(pg *p);

/* The data: rows, classes, point i's coordinates and label. */
int pg_rows(const pg *p);
int pg_classes(const pg *p);
double pg_x(const pg *p, int i, int coord);
int pg_label(const pg *p, int i);
/* Classify an res x res grid over [x0,x1] x [y0,y1] (row 0 at y1, the top of a picture); read cell i with
 * pg_grid_class and pg_grid_prob (the predicted class's probability). Returns 0, or -1 on error. */
int pg_grid(pg *p, int res, double x0, double x1, double y0, double y1);
int pg_grid_class(const pg *p, int i);
double pg_grid_prob(const pg *p, int i);

/* Per-layer read-outs, layers numbered from 0 (the output layer the playground added is the last).
 * pg_layer_spec: the layer's spec (valid until the next call). pg_stats runs the whole data set forward in
 * inference mode and, for each layer, counts its dead units: outputs that are the same for every point (a ReLU
 * unit that is 0 everywhere passes no gradient and cannot recover); returns 0, or -1 on error. pg_layer_dead
 * reads that count; pg_layer_gradnorm the 2-norm of the layer's parameter gradient in the last batch (0 for
 * layers without parameters). */
int pg_layers(const pg *p);
const char *pg_layer_spec(pg *p, int i);
int pg_layer_width(const pg *p, int i);
int pg_stats(pg *p);
int pg_layer_dead(const pg *p, int i);
double pg_layer_gradnorm(pg *p, int i);

#endif
