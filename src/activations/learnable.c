/* learnable.c: per-unit forward/backward (with parameter gradients) of prelu, silu, srelu, apl and soft_exponential. */
#include "act_internal.h"

/* Soft exponential f(alpha, x) with df/dx and df/dalpha (Godfrey & Gashler 2015). */
static inline nn_real softexp(nn_real al, nn_real v, nn_real *fx, nn_real *fa)
{
    if (al > 0) {
        /* df/dalpha = 1 + x^2 g(z), g(z) = (e^z (z - 1) + 1) / z^2, z = alpha x; series where that cancels */
        nn_real z = al * v, e = R_EXP(z), g;
        if (R_FABS(z) < (nn_real)0.1)
            g = (nn_real)0.5 + z * ((nn_real)1 / 3 + z * ((nn_real)1 / 8 + z * ((nn_real)1 / 30 + z * ((nn_real)1 / 144 +
                z * ((nn_real)1 / 840 + z * ((nn_real)1 / 5760 + z * ((nn_real)1 / 45360 + z * ((nn_real)1 / 403200))))))));
        else
            g = (e * (z - 1) + 1) / (z * z);
        *fx = e;
        *fa = 1 + v * v * g;
        return R_EXPM1(z) / al + al;
    }
    if (al < 0) {
        nn_real w = -al * (v + al), u = 1 + w;
        if (!(u > NN_REAL_MIN)) {
            /* outside the domain (1 - alpha (x + alpha) <= 0): the log's argument is clamped to the smallest
             * normal number, so f stays finite and flat there */
            *fx = 0;
            *fa = R_LOG(NN_REAL_MIN) / (al * al);
            return -R_LOG(NN_REAL_MIN) / al;
        }
        /* df/dalpha = (x + alpha)^2 h(w) + 1/u, h(w) = (log1p(w) - w/u) / w^2 (series for small |w|) */
        nn_real h;
        if (R_FABS(w) < (nn_real)0.1) {
            h = 0;
            for (int k = 17; k >= 2; k--) h = h * w + (k % 2 ? -1 : 1) * (nn_real)(k - 1) / (nn_real)k;
        } else {
            h = (R_LOG1P(w) - w / u) / (w * w);
        }
        *fx = 1 / u;
        *fa = (v + al) * (v + al) * h + 1 / u;
        return -R_LOG1P(w) / al;
    }
    *fx = 1;
    *fa = 1 + v * v / 2;
    return v;
}

void nn_act_unit_forward(const nn_act *a, const nn_real *P, int cols, const nn_real *x, nn_real *y, size_t rows)
{
    const size_t c = (size_t)cols;
    for (size_t r = 0; r < rows; r++) {
        const nn_real *xr = x + r * c;
        nn_real *yr = y + r * c;
        switch (a->id) {
        case NN_ACT_PRELU:
        case NN_ACT_LEAKY_RELU:
            for (size_t j = 0; j < c; j++) yr[j] = xr[j] > 0 ? xr[j] : P[j] * xr[j];
            break;
        case NN_ACT_SILU:
            for (size_t j = 0; j < c; j++) yr[j] = xr[j] * nn_sigm(P[j] * xr[j]);
            break;
        case NN_ACT_SRELU: {
            const nn_real *tl = P, *al = P + c, *tr = P + 2 * c, *ar = P + 3 * c;
            for (size_t j = 0; j < c; j++) {
                nn_real v = xr[j];
                yr[j] = v <= tl[j] ? tl[j] + al[j] * (v - tl[j]) : v >= tr[j] ? tr[j] + ar[j] * (v - tr[j]) : v;
            }
            break;
        }
        case NN_ACT_APL: {
            /* hinges innermost: y may alias x */
            int S = (a->np - 1) / 2;
            for (size_t j = 0; j < c; j++) {
                nn_real v = xr[j], acc = v > 0 ? v : 0;
                for (int s = 0; s < S; s++) {
                    nn_real h = P[(size_t)(2 * s + 1) * c + j] - v;
                    acc += P[(size_t)(2 * s) * c + j] * (h > 0 ? h : 0);
                }
                yr[j] = acc;
            }
            break;
        }
        case NN_ACT_SOFT_EXPONENTIAL:
            for (size_t j = 0; j < c; j++) {
                nn_real fx, fa;
                yr[j] = softexp(P[j], xr[j], &fx, &fa);
            }
            break;
        default: return;
        }
    }
}

void nn_act_unit_backward(const nn_act *a, const nn_real *P, int cols, const nn_real *x, const nn_real *dy,
                          nn_real *dx, nn_real *G, size_t rows)
{
    const size_t c = (size_t)cols;
    for (size_t r = 0; r < rows; r++) {
        const nn_real *xr = x + r * c, *gr = dy + r * c;
        nn_real *dr = dx ? dx + r * c : NULL;
        switch (a->id) {
        case NN_ACT_PRELU:
        case NN_ACT_LEAKY_RELU:
            for (size_t j = 0; j < c; j++) {
                nn_real v = xr[j], g = gr[j];
                G[j] += v > 0 ? 0 : v * g;
                if (dr) dr[j] = v > 0 ? g : P[j] * g;
            }
            break;
        case NN_ACT_SILU:
            for (size_t j = 0; j < c; j++) {
                nn_real v = xr[j], g = gr[j], b = P[j], s = nn_sigm(b * v), t = s * (1 - s);
                G[j] += v * v * t * g;
                if (dr) dr[j] = (s + b * v * t) * g;
            }
            break;
        case NN_ACT_SRELU: {
            const nn_real *tl = P, *al = P + c, *tr = P + 2 * c, *ar = P + 3 * c;
            nn_real *gtl = G, *gal = G + c, *gtr = G + 2 * c, *gar = G + 3 * c;
            for (size_t j = 0; j < c; j++) {
                nn_real v = xr[j], g = gr[j];
                int left = v <= tl[j], right = !left && v >= tr[j];
                gtl[j] += left ? (1 - al[j]) * g : 0;
                gal[j] += left ? (v - tl[j]) * g : 0;
                gtr[j] += right ? (1 - ar[j]) * g : 0;
                gar[j] += right ? (v - tr[j]) * g : 0;
                if (dr) dr[j] = (left ? al[j] : right ? ar[j] : 1) * g;
            }
            break;
        }
        case NN_ACT_APL: {
            int S = (a->np - 1) / 2;
            /* dx accumulates in place after all parameter gradients have read dy (dx may alias dy) */
            for (int s = 0; s < S; s++) {
                const nn_real *as = P + (size_t)(2 * s) * c, *bs = as + c;
                nn_real *gas = G + (size_t)(2 * s) * c, *gbs = gas + c;
                for (size_t j = 0; j < c; j++) {
                    nn_real h = bs[j] - xr[j], g = gr[j];
                    gas[j] += h > 0 ? h * g : 0;
                    gbs[j] += h > 0 ? as[j] * g : 0;
                }
            }
            if (!dr) break;
            for (size_t j = 0; j < c; j++) {
                nn_real v = xr[j], d = v > 0 ? 1 : 0;
                for (int s = 0; s < S; s++) {
                    const nn_real *as = P + (size_t)(2 * s) * c, *bs = as + c;
                    d -= bs[j] - v > 0 ? as[j] : 0;
                }
                dr[j] = d * gr[j];
            }
            break;
        }
        case NN_ACT_SOFT_EXPONENTIAL:
            for (size_t j = 0; j < c; j++) {
                nn_real fx, fa, g = gr[j];
                softexp(P[j], xr[j], &fx, &fa);
                G[j] += fa * g;
                if (dr) dr[j] = fx * g;
            }
            break;
        default: return;
        }
    }
}
