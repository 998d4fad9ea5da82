/* SPDX-License-Identifier: MIT */
/*
 * drift: slow degradation inside one soak run. Theil-Sen slope, Mann-Kendall trend test,
 * Welch t-scan change point, Student's t from the incomplete beta function, the decision
 * helper and a deterministic series generator. Definitions are in drift.h.
 */
#include "drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "num.h"
#include "xalloc.h"

/* ================================================================ shared helpers */

static enum sg_rc check_series(const double *v, size_t n, const char *what, struct sg_err *err)
{
    if (n > SG_DRIFT_MAX_N)
        return sg_err_set(err, SG_LIMIT, "%s: %zu points exceed the limit of %u", what, n,
                          SG_DRIFT_MAX_N);
    if (n > 0 && v == NULL)
        return sg_err_set(err, SG_USAGE, "%s: NULL array", what);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return sg_err_set(err, SG_RANGE, "%s[%zu] is not finite", what, i);
    }
    return SG_OK;
}

static double *new_doubles(size_t n)
{
    return sg_xreallocarray(NULL, n > 0 ? n : 1, sizeof(double));
}

/* splitmix64 (Steele, Lea, Flood 2014): a fixed, portable 64-bit stream. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/*
 * Uniform integer in [0, bound), bound < 2^32, from 32 random bits without bias
 * (Lemire 2019, "Fast random integer generation in an interval": multiply, keep the high
 * half, reject the few low halves below 2^32 mod bound). Two draws per splitmix64 call.
 */
struct pair_rng {
    uint64_t state, bits;
    bool has_bits;
};

static uint32_t next32(struct pair_rng *g)
{
    if (!g->has_bits) {
        g->bits = splitmix64(&g->state);
        g->has_bits = true;
        return (uint32_t)(g->bits >> 32);
    }
    g->has_bits = false;
    return (uint32_t)g->bits;
}

static size_t uniform_below(struct pair_rng *g, uint32_t bound)
{
    uint64_t m = (uint64_t)next32(g) * bound;
    if ((uint32_t)m < bound) {
        uint32_t reject_below = (uint32_t)(-bound) % bound;
        while ((uint32_t)m < reject_below)
            m = (uint64_t)next32(g) * bound;
    }
    return (size_t)(m >> 32);
}

/* ================================================================ selection */

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static double median_of_3(double a, double b, double c)
{
    if (a > b)
        swap_d(&a, &b);
    if (b > c)
        b = c;
    return a > b ? a : b;
}

/*
 * Quickselect with Hoare partitioning: returns the k-th smallest (0-based) of a[0..n),
 * n >= 1, reordering a so that a[0..k) <= a[k] <= a(k..n). Elements equal to the pivot
 * stop both scans, so long runs of equal slopes still split evenly.
 */
static double select_kth(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = median_of_3(a[lo], a[lo + (hi - lo) / 2], a[hi]);
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                swap_d(&a[i], &a[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];
    }
    return a[k];
}

/* Median of a[0..n), n >= 1; reorders a. Even n: mean of the two middle values. */
static double median_inplace(double *a, size_t n)
{
    size_t k = (n - 1) / 2;
    double lower = select_kth(a, n, k);
    if (n % 2 == 1)
        return lower;
    double upper = a[k + 1];
    for (size_t i = k + 2; i < n; i++) {
        if (a[i] < upper)
            upper = a[i];
    }
    return lower + (upper - lower) / 2;
}

/* ================================================================ Theil-Sen */

/* Slope of pair (i, j) against x (NULL: the index); false when x[i] == x[j]. */
static bool pair_slope(const double *y, const double *x, size_t i, size_t j, double *out)
{
    double dx = x ? x[j] - x[i] : (double)j - (double)i;
    if (dx == 0.0)
        return false;
    *out = (y[j] - y[i]) / dx;
    return true;
}

/* Fills buf with the slopes to take the median of; returns how many. */
static size_t collect_slopes(const double *y, const double *x, size_t n, double *buf)
{
    size_t m = 0;
    if (n <= SG_DRIFT_TS_EXACT_MAX) {
        for (size_t i = 0; i + 1 < n; i++) {
            for (size_t j = i + 1; j < n; j++)
                m += pair_slope(y, x, i, j, &buf[m]);
        }
        return m;
    }
    /* Fixed seed: the same series always gives the same sampled median. */
    struct pair_rng g = {.state = 0x5EEDD21F7u};
    for (size_t d = 0; d < SG_DRIFT_TS_PAIRS; d++) {
        size_t i = uniform_below(&g, (uint32_t)n);
        size_t j = uniform_below(&g, (uint32_t)(n - 1));
        j += j >= i; /* uniform over j != i */
        m += i < j ? pair_slope(y, x, i, j, &buf[m]) : pair_slope(y, x, j, i, &buf[m]);
    }
    return m;
}

/* Theil-Sen median slope against x (NULL: index); *has = false when no pair has dx != 0. */
static enum sg_rc median_slope(const double *y, const double *x, size_t n, double *out, bool *has,
                               struct sg_err *err)
{
    size_t cap = n <= SG_DRIFT_TS_EXACT_MAX ? n * (n - 1) / 2 : SG_DRIFT_TS_PAIRS;
    double *buf = new_doubles(cap);
    size_t m = collect_slopes(y, x, n, buf);
    *has = m > 0;
    *out = m > 0 ? median_inplace(buf, m) : 0.0;
    free(buf);
    if (!isfinite(*out)) {
        *out = 0.0;
        *has = false;
        return sg_err_set(err, SG_RANGE, "theil-sen slope overflows");
    }
    return SG_OK;
}

enum sg_rc sg_drift_theil_sen(const double *y, const double *t_hours, size_t n,
                              struct sg_drift_slope *out, struct sg_err *err)
{
    enum sg_rc rc;
    bool has = false;
    memset(out, 0, sizeof *out);
    if ((rc = check_series(y, n, "y", err)) != SG_OK)
        return rc;
    if (t_hours && (rc = check_series(t_hours, n, "t_hours", err)) != SG_OK)
        return rc;
    if (n < 2)
        return sg_err_set(err, SG_NODATA, "theil-sen slope needs 2 points, got %zu", n);
    if ((rc = median_slope(y, NULL, n, &out->per_iter, &has, err)) != SG_OK)
        return rc;
    if (t_hours &&
        (rc = median_slope(y, t_hours, n, &out->per_hour, &out->has_per_hour, err)) != SG_OK)
        return rc;
    out->is_exact = n <= SG_DRIFT_TS_EXACT_MAX;
    return SG_OK;
}

/* ================================================================ Mann-Kendall */

/* Merges sorted a[lo..mid) and a[mid..hi) via tmp; returns pairs with left > right. */
static uint64_t merge_count(double *a, double *tmp, size_t lo, size_t mid, size_t hi)
{
    uint64_t inversions = 0;
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (a[i] <= a[j]) {
            tmp[k++] = a[i++];
        } else {
            inversions += mid - i; /* every left element still waiting is > a[j] */
            tmp[k++] = a[j++];
        }
    }
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
    return inversions;
}

/* Sorts a[0..n) ascending (bottom-up merge sort); returns the strict inversions. */
static uint64_t sort_count_inversions(double *a, size_t n)
{
    uint64_t inversions = 0;
    double *tmp = new_doubles(n);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            inversions += merge_count(a, tmp, lo, lo + width, hi);
        }
    }
    free(tmp);
    return inversions;
}

/* Over groups of equal values in sorted a: tied pairs and sum of t(t-1)(2t+5). */
static void tie_groups(const double *a, size_t n, uint64_t *tied_pairs, double *tie_term)
{
    *tied_pairs = 0;
    *tie_term = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j] == a[i])
            j++;
        double t = (double)(j - i);
        *tied_pairs += (uint64_t)(j - i) * (uint64_t)(j - i - 1) / 2;
        *tie_term += t * (t - 1.0) * (2.0 * t + 5.0);
        i = j;
    }
}

enum sg_rc sg_drift_mann_kendall(const double *y, size_t n, struct sg_drift_mk *out,
                                 struct sg_err *err)
{
    enum sg_rc rc;
    memset(out, 0, sizeof *out);
    if ((rc = check_series(y, n, "y", err)) != SG_OK)
        return rc;
    if (n < 2)
        return sg_err_set(err, SG_NODATA, "mann-kendall needs 2 points, got %zu", n);

    double *a = new_doubles(n);
    memcpy(a, y, n * sizeof *a);
    uint64_t discordant = sort_count_inversions(a, n), tied = 0;
    double tie_term = 0.0;
    tie_groups(a, n, &tied, &tie_term);
    free(a);

    /* pairs = concordant + discordant + tied, and S = concordant - discordant. */
    uint64_t pairs = (uint64_t)n * (uint64_t)(n - 1) / 2;
    out->s = (int64_t)(pairs - tied - discordant) - (int64_t)discordant;
    double dn = (double)n;
    out->var_s = (dn * (dn - 1.0) * (2.0 * dn + 5.0) - tie_term) / 18.0;
    if (out->s == 0 || out->var_s <= 0.0) {
        out->p_value = 1.0;
        return SG_OK;
    }
    double s = (double)out->s;
    out->z = (s > 0 ? s - 1.0 : s + 1.0) / sqrt(out->var_s);
    out->p_value = erfc(fabs(out->z) / sqrt(2.0));
    return SG_OK;
}

/* ================================================================ Student's t */

#define BETA_CF_MAX_TERMS 100000
#define BETA_CF_EPS 1e-15
#define BETA_CF_TINY 1e-300

/* Keeps a Lentz denominator away from zero. */
static double nonzero(double v)
{
    return fabs(v) < BETA_CF_TINY ? BETA_CF_TINY : v;
}

/*
 * Coefficient d_k of the continued fraction I_x(a,b) = front / a * 1/(1+ d_1/(1+ d_2/(1+ ...)))
 * (Abramowitz & Stegun 26.5.8): d_{2m} = m(b-m)x / ((a+2m-1)(a+2m)) and
 * d_{2m+1} = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)).
 */
static double beta_cf_coef(double a, double b, double x, int k)
{
    double m = (double)(k / 2);
    if (k % 2 == 0)
        return m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
    return -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
}

/* Evaluates 1/(1+ d_1/(1+ d_2/(1+ ...))) by the modified Lentz method. */
static enum sg_rc beta_cf(double a, double b, double x, double *out, struct sg_err *err)
{
    double c = 1.0, d = 1.0 / nonzero(1.0 + beta_cf_coef(a, b, x, 1));
    double f = d;
    for (int k = 2; k <= BETA_CF_MAX_TERMS; k++) {
        double coef = beta_cf_coef(a, b, x, k);
        d = 1.0 / nonzero(1.0 + coef * d);
        c = nonzero(1.0 + coef / c);
        f *= c * d;
        if (fabs(c * d - 1.0) < BETA_CF_EPS) {
            *out = f;
            return SG_OK;
        }
    }
    return sg_err_set(err, SG_BUG, "incomplete beta: no convergence (a=%g b=%g x=%g)", a, b, x);
}

/*
 * Regularized incomplete beta I_x(a, b), with y = 1 - x passed in separately so that
 * neither tail loses digits to cancellation. Uses the fraction where it converges fast,
 * x < (a+1)/(a+b+2), and the symmetry I_x(a,b) = 1 - I_y(b,a) elsewhere.
 */
static enum sg_rc beta_inc(double a, double b, double x, double y, double *out, struct sg_err *err)
{
    if (x <= 0.0 || y <= 0.0) {
        *out = x <= 0.0 ? 0.0 : 1.0;
        return SG_OK;
    }
    bool flip = x >= (a + 1.0) / (a + b + 2.0);
    double pa = flip ? b : a, pb = flip ? a : b, px = flip ? y : x, py = flip ? x : y;
    double log_front = lgamma(pa + pb) - lgamma(pa) - lgamma(pb) + pa * log(px) + pb * log(py);
    double cf = 0.0;
    enum sg_rc rc = beta_cf(pa, pb, px, &cf, err);
    if (rc != SG_OK)
        return rc;
    double part = exp(log_front) * cf / pa;
    *out = flip ? 1.0 - part : part;
    return SG_OK;
}

enum sg_rc sg_drift_t_p2(double t, double df, double *out, struct sg_err *err)
{
    *out = 1.0;
    if (!isfinite(t) || !isfinite(df) || df <= 0.0)
        return sg_err_set(err, SG_RANGE, "student t: t=%g df=%g out of range", t, df);
    /* P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2). */
    double t2 = t * t;
    double p = 1.0;
    enum sg_rc rc = beta_inc(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2), &p, err);
    if (rc != SG_OK)
        return rc;
    *out = p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
    return SG_OK;
}

enum sg_rc sg_drift_t_cdf(double t, double df, double *out, struct sg_err *err)
{
    double p2 = 1.0;
    enum sg_rc rc = sg_drift_t_p2(t, df, &p2, err);
    *out = 0.5;
    if (rc != SG_OK)
        return rc;
    *out = t < 0.0 ? p2 / 2.0 : 1.0 - p2 / 2.0;
    return SG_OK;
}

/* ================================================================ change point */

/*
 * Method: a single-change Welch t scan with a Bonferroni bound, the deterministic t-test
 * route of Hunter / Apache Otava (Fleming et al., ICPE'23, arXiv:2301.03034) rather than
 * E-divisive means (Matteson & James 2014, arXiv:1306.4933), whose significance needs a
 * permutation test: random (or seeded, but costly: 100 x O(n^2) energy distances) and
 * aimed at many change points across a history. Inside one soak run we ask one question,
 * "where did the level shift most, and is that more than noise?", which prefix sums answer
 * in O(n), and a t-test p is deterministic and explainable in a report.
 *
 * Welch rather than pooled variance so that a run whose noise grows after the shift is
 * not over-trusted. Bonferroni over the scanned splits bounds the false-alarm rate for any
 * selection rule, conservatively, since neighbouring splits are strongly correlated.
 * Welch's df approximation is liberal far in the tail when a segment is tiny: with 4
 * points a side, the scan alarmed on 1.3-1.4 % of pure-noise series at alpha = 1 %
 * (n = 24 and 96, 20000 seeds); with SG_DRIFT_MIN_SEGMENT = 6 it is 0.85 % and 0.63 %.
 */

/* Running sums of centred values for one side of a split. */
struct side {
    double n, sum, sumsq; /* count, sum and sum of squares of y - centre */
    bool is_constant;     /* every value in the segment is equal (exact test) */
};

/* A candidate split and what ranks it. */
struct split {
    size_t k;
    double diff, se2, t; /* after - before; variance of diff; Welch t (0 when se2 == 0) */
    double v_b, v_a;     /* sample variances */
    bool is_noise_free;  /* se2 == 0 and diff != 0 */
};

static double side_var(const struct side *s)
{
    if (s->is_constant)
        return 0.0;
    double v = (s->sumsq - s->sum * s->sum / s->n) / (s->n - 1.0);
    return v > 0.0 ? v : 0.0;
}

static struct split make_split(size_t k, const struct side *b, const struct side *a)
{
    struct split s = {.k = k, .v_b = side_var(b), .v_a = side_var(a)};
    s.diff = a->sum / a->n - b->sum / b->n;
    s.se2 = s.v_b / b->n + s.v_a / a->n;
    s.is_noise_free = s.se2 == 0.0 && s.diff != 0.0;
    s.t = s.se2 > 0.0 ? s.diff / sqrt(s.se2) : 0.0;
    return s;
}

/* True when candidate c outranks the best so far; ties keep the earlier split. */
static bool outranks(const struct split *c, const struct split *best)
{
    if (c->is_noise_free != best->is_noise_free)
        return c->is_noise_free;
    if (c->is_noise_free)
        return fabs(c->diff) > fabs(best->diff);
    return fabs(c->t) > fabs(best->t);
}

/* Welch-Satterthwaite degrees of freedom; n - 2 when both variances are 0. */
static double welch_df(const struct split *s, double n_b, double n_a)
{
    double qb = s->v_b / n_b, qa = s->v_a / n_a;
    double den = qb * qb / (n_b - 1.0) + qa * qa / (n_a - 1.0);
    if (den <= 0.0)
        return n_b + n_a - 2.0;
    return (qb + qa) * (qb + qa) / den;
}

/* Scans every allowed split, O(n), and returns the best. */
static struct split scan_splits(const double *y, size_t n, double centre)
{
    size_t first_change = 1, last_run_start = n - 1; /* y[0..first_change) all equal */
    while (first_change < n && y[first_change] == y[0])
        first_change++;
    while (last_run_start > 0 && y[last_run_start - 1] == y[n - 1])
        last_run_start--;

    struct side total = {0};
    for (size_t i = 0; i < n; i++) {
        total.sum += y[i] - centre;
        total.sumsq += (y[i] - centre) * (y[i] - centre);
    }
    struct side b = {0};
    struct split best = {0};
    for (size_t k = 1; k + SG_DRIFT_MIN_SEGMENT <= n; k++) {
        double c = y[k - 1] - centre;
        b.n += 1.0;
        b.sum += c;
        b.sumsq += c * c;
        if (k < SG_DRIFT_MIN_SEGMENT)
            continue;
        b.is_constant = k <= first_change;
        struct side a = {(double)(n - k), total.sum - b.sum, total.sumsq - b.sumsq,
                         k >= last_run_start};
        struct split s = make_split(k, &b, &a);
        if (k == SG_DRIFT_MIN_SEGMENT || outranks(&s, &best))
            best = s;
    }
    return best;
}

enum sg_rc sg_drift_change_point(const double *y, size_t n, struct sg_drift_cp *out,
                                 struct sg_err *err)
{
    enum sg_rc rc;
    memset(out, 0, sizeof *out);
    if ((rc = check_series(y, n, "y", err)) != SG_OK)
        return rc;
    if (n < 2 * SG_DRIFT_MIN_SEGMENT)
        return sg_err_set(err, SG_NODATA, "change point needs %u points, got %zu",
                          2 * SG_DRIFT_MIN_SEGMENT, n);
    /* Centring on the exact mean keeps the running sums of squares well conditioned. */
    double centre = 0.0;
    if ((rc = sg_num_exact_mean(y, n, &centre, err)) != SG_OK)
        return rc;
    struct split s = scan_splits(y, n, centre);
    double n_b = (double)s.k, n_a = (double)(n - s.k);

    out->index = s.k;
    out->n_splits = n - 2 * SG_DRIFT_MIN_SEGMENT + 1;
    out->df = welch_df(&s, n_b, n_a);
    out->is_noise_free = s.is_noise_free;
    out->t = s.t;
    if (s.is_noise_free) {
        out->p_raw = 0.0;
    } else if ((rc = sg_drift_t_p2(s.t, out->df, &out->p_raw, err)) != SG_OK) {
        return rc;
    }
    out->p_value = fmin(1.0, out->p_raw * (double)out->n_splits);
    /* Recompute the means directly: exact when a segment is constant. */
    double sum_b = 0.0, sum_a = 0.0;
    for (size_t i = 0; i < n; i++)
        *(i < s.k ? &sum_b : &sum_a) += y[i] - centre;
    out->mean_before = centre + sum_b / n_b;
    out->mean_after = centre + sum_a / n_a;
    return SG_OK;
}

/* ================================================================ decision */

void sg_drift_opts_init(struct sg_drift_opts *opts)
{
    opts->higher_is_worse = true;
    opts->p_threshold = 0.01;
    opts->min_magnitude = 0.0;
    opts->min_n = 12;
}

const char *sg_drift_reason_name(enum sg_drift_reason reason)
{
    switch (reason) {
    case SG_DRIFT_REASON_NOT_ENOUGH_DATA:
        return "not enough data";
    case SG_DRIFT_REASON_NOT_SIGNIFICANT:
        return "no significant change";
    case SG_DRIFT_REASON_TOO_SMALL:
        return "worse but below the minimum magnitude";
    case SG_DRIFT_REASON_NOT_WORSE:
        return "significant change in the better direction";
    case SG_DRIFT_REASON_TREND:
        return "degrading trend";
    case SG_DRIFT_REASON_STEP:
        return "degrading level shift";
    }
    return "unknown";
}

static enum sg_rc check_opts(const struct sg_drift_opts *o, struct sg_err *err)
{
    if (!(o->p_threshold > 0.0 && o->p_threshold < 1.0))
        return sg_err_set(err, SG_USAGE, "drift p threshold %g is not in (0, 1)", o->p_threshold);
    if (!(isfinite(o->min_magnitude) && o->min_magnitude >= 0.0))
        return sg_err_set(err, SG_USAGE, "drift minimum magnitude %g is not finite and >= 0",
                          o->min_magnitude);
    if (o->min_n < 2 * SG_DRIFT_MIN_SEGMENT)
        return sg_err_set(err, SG_USAGE, "drift minimum run length %zu is below %u", o->min_n,
                          2 * SG_DRIFT_MIN_SEGMENT);
    return SG_OK;
}

/* Does one piece of evidence (p, signed change) show degradation? */
static bool fires(double p, double change, const struct sg_drift_opts *o)
{
    double worse = o->higher_is_worse ? change : -change;
    return p < o->p_threshold && worse > 0.0 && worse >= o->min_magnitude;
}

static void decide(struct sg_drift_result *r, const struct sg_drift_opts *o)
{
    bool trend_sig = r->mk.p_value < o->p_threshold;
    bool step_sig = r->cp.p_value < o->p_threshold;
    double sign = o->higher_is_worse ? 1.0 : -1.0;
    r->trend_fires = fires(r->mk.p_value, r->trend_change, o);
    r->step_fires = fires(r->cp.p_value, r->step_change, o);
    r->is_degrading = r->trend_fires || r->step_fires;
    r->total_change = r->trend_change;
    if (r->trend_fires) {
        r->reason = SG_DRIFT_REASON_TREND;
    } else if (r->step_fires) {
        r->reason = SG_DRIFT_REASON_STEP;
        r->total_change = r->step_change;
    } else if (!trend_sig && !step_sig) {
        r->reason = SG_DRIFT_REASON_NOT_SIGNIFICANT;
    } else {
        bool worse = (trend_sig && sign * r->trend_change > 0.0) ||
                     (step_sig && sign * r->step_change > 0.0);
        r->reason = worse ? SG_DRIFT_REASON_TOO_SMALL : SG_DRIFT_REASON_NOT_WORSE;
        if (!trend_sig)
            r->total_change = r->step_change;
    }
}

enum sg_rc sg_drift_eval(const double *y, const double *t_hours, size_t n,
                         const struct sg_drift_opts *opts, struct sg_drift_result *out,
                         struct sg_err *err)
{
    enum sg_rc rc;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->reason = SG_DRIFT_REASON_NOT_ENOUGH_DATA;
    if ((rc = check_opts(opts, err)) != SG_OK || (rc = check_series(y, n, "y", err)) != SG_OK)
        return rc;
    if (t_hours && (rc = check_series(t_hours, n, "t_hours", err)) != SG_OK)
        return rc;
    if (n < opts->min_n)
        return SG_OK;

    struct sg_drift_result r = {.n = n};
    if ((rc = sg_drift_theil_sen(y, t_hours, n, &r.slope, err)) != SG_OK ||
        (rc = sg_drift_mann_kendall(y, n, &r.mk, err)) != SG_OK ||
        (rc = sg_drift_change_point(y, n, &r.cp, err)) != SG_OK)
        return rc;
    r.trend_change = r.slope.per_iter * (double)(n - 1);
    r.step_change = r.cp.mean_after - r.cp.mean_before;
    if (!isfinite(r.trend_change) || !isfinite(r.step_change))
        return sg_err_set(err, SG_RANGE, "drift: total change overflows");
    decide(&r, opts);
    *out = r;
    return SG_OK;
}

/* ================================================================ synthetic series */

/*
 * Natural log of x > 0 from + - * / only (so every IEEE-754 machine agrees bit for bit):
 * x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(r), r = (m-1)/(m+1), |r| < 0.172,
 * summed to r^41 (truncation below 1e-32).
 */
static double portable_log(double x)
{
    const double ln2 = 0.69314718055994530942;
    int e = 0;
    double m = frexp(x, &e);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e--;
    }
    double r = (m - 1.0) / (m + 1.0), r2 = r * r, term = r, sum = 0.0;
    for (int k = 1; k <= 41; k += 2) {
        sum += term / k;
        term *= r2;
    }
    return 2.0 * sum + e * ln2;
}

/* Uniform in [-1, 1) with 53 random bits. */
static double uniform_pm1(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) * 0x1p-52 - 1.0;
}

/* Gaussian pairs by Marsaglia's polar method; the second of each pair is kept in *spare. */
struct gauss {
    uint64_t state;
    double spare;
    bool has_spare;
};

static double gauss_next(struct gauss *g)
{
    if (g->has_spare) {
        g->has_spare = false;
        return g->spare;
    }
    double u, v, s;
    do {
        u = uniform_pm1(&g->state);
        v = uniform_pm1(&g->state);
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * portable_log(s) / s);
    g->spare = v * f;
    g->has_spare = true;
    return u * f;
}

enum sg_rc sg_drift_synth(const struct sg_drift_synth_spec *spec, size_t n, double *out,
                          struct sg_err *err)
{
    if (!(isfinite(spec->noise_sd) && spec->noise_sd >= 0.0) || !isfinite(spec->base) ||
        !isfinite(spec->total_change))
        return sg_err_set(err, SG_USAGE, "synth: noise_sd, base or total_change invalid");
    if (spec->kind != SG_DRIFT_KIND_NOISE && spec->kind != SG_DRIFT_KIND_CREEP &&
        spec->kind != SG_DRIFT_KIND_STEP)
        return sg_err_set(err, SG_USAGE, "synth: unknown kind %d", (int)spec->kind);
    if (spec->kind == SG_DRIFT_KIND_STEP && spec->step_at > n)
        return sg_err_set(err, SG_USAGE, "synth: step_at %zu > n %zu", spec->step_at, n);

    struct gauss g = {.state = spec->seed};
    for (size_t i = 0; i < n; i++) {
        double level = 0.0;
        if (spec->kind == SG_DRIFT_KIND_CREEP && n > 1)
            level = spec->total_change * (double)i / (double)(n - 1);
        else if (spec->kind == SG_DRIFT_KIND_STEP && i >= spec->step_at)
            level = spec->total_change;
        out[i] = spec->base + level + spec->noise_sd * gauss_next(&g);
    }
    return SG_OK;
}
