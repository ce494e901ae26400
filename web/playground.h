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
/* data may also be "points:x1,x2,class;x1,x2,class;..." (read by the library's CSV reader; n, classes and
 * noise are ignored then), e.g. the worked logistic-regression example's three points. */
/* Set every parameter from text (numbers separated by commas or blanks) in the order of the model's parameter
 * vector, as nnlab trace --weights reads them. Returns 0, or -1 (message in pg_errmsg()) for a bad number or
 * a count other than the model's; the parameters are then partly set. */
int pg_set_params(pg *p, const char *values);
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


/* Histogram of layer i's outputs on the whole data set as the last pg_stats left them (grads 0; a dense
 * layer's are pre-activations, an activation layer's activations), or of its dL/d(output) in the last trained
 * batch (grads 1), in `bins` (1..64) equal bins from the smallest to the largest value. Returns 0, or -1 for
 * a bad layer or bin count or before any batch (grads 1); read it with pg_hist_count, pg_hist_lo, pg_hist_hi
 * (valid until the next pg_hist). */
int pg_hist(pg *p, int i, int grads, int bins);
int pg_hist_count(const pg *p, int b);
double pg_hist_lo(const pg *p);
double pg_hist_hi(const pg *p);

/* One backprop step for point i of the data as nnlab trace shows it, on a copy of the model (the run is not
 * changed): the forward values, the loss head, every layer's dL/d(output) and dL/d(input), an activation's
 * formula, derivative formula and f'(z), the parameter gradients and the parameters after one SGD step of
 * rate lr; as JSON text owned by p, valid until the next pg_trace or pg_free (docs/playground.md lists its
 * keys). NULL on error (pg_errmsg()). pg_trace_loss: the loss L of the last trace. */
const char *pg_trace(pg *p, int i, double lr);
double pg_trace_loss(const pg *p);

#endif
